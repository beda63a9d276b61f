/* The store on mod_dbd: statement registration at configuration time, and
 * pooled connections: held by a request (the endpoint handlers, which are
 * short), or only for a lookup (before a handler that may take long). */
#ifndef OAUTH2_HTTP_DBD_H
#define OAUTH2_HTTP_DBD_H

#include "httpd.h"
#include "../store/store.h"

/* Checks that mod_dbd is loaded with DBDriver pgsql and registers every
 * store statement on every server (virtual hosts included) before the
 * children open their connections. Returns NULL or the error. */
const char *oauth2_dbd_register(apr_pool_t *pool, server_rec *s);

/* A store on the request's pooled connection (ap_dbd_acquire), held
 * until the request ends, or NULL (logged) when the database cannot be
 * reached or no connection comes free in time (dbd_gate.h): the caller
 * answers 503. For the endpoint handlers, whose requests are short. */
oauth2_store_t *oauth2_dbd_store(request_rec *r);

/* A store on a pooled connection of its own (ap_dbd_open), for a lookup
 * before a handler that may run long (a slow download, a proxied
 * stream): give it back with oauth2_dbd_close as soon as the lookup is
 * done (results stay in the request pool); the request's end gives it
 * back otherwise. NULL (logged) as for oauth2_dbd_store. */
oauth2_store_t *oauth2_dbd_open(request_rec *r);
void oauth2_dbd_close(oauth2_store_t *store);

#endif
