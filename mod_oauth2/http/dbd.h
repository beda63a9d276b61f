/* The store on mod_dbd: statement registration at configuration time and
 * a pooled connection per request. */
#ifndef OAUTH2_HTTP_DBD_H
#define OAUTH2_HTTP_DBD_H

#include "httpd.h"
#include "../store/store.h"

/* Checks that mod_dbd is loaded with DBDriver pgsql and registers every
 * store statement on every server (virtual hosts included) before the
 * children open their connections. Returns NULL or the error. */
const char *oauth2_dbd_register(apr_pool_t *pool, server_rec *s);

/* The child's gates in front of mod_dbd's pools (see dbd.c). */
void oauth2_dbd_child_init(apr_pool_t *pchild, server_rec *s);

/* A store on the request's pooled connection, or NULL (logged) when the
 * database cannot be reached: the caller answers 503. While the last
 * attempt to get a connection failed, only one request at a time tries
 * again; the others get NULL at once. */
oauth2_store_t *oauth2_dbd_store(request_rec *r);

#endif
