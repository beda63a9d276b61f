/* Client records remembered by each httpd process for the token endpoint.
 * A remembered record is never trusted on its own: the token INSERT
 * stores nothing unless the client's row still matches it, and every
 * refusal is decided again on the row as it is now (token_endpoint.c). */
#ifndef OAUTH2_AS_CLIENT_CACHE_H
#define OAUTH2_AS_CLIENT_CACHE_H

#include "../store/client_store.h"

#include "httpd.h"

void oauth2_client_cache_child_init(apr_pool_t *pchild);

/* The record remembered for client_id on r's virtual host, copied into
 * r->pool, or NULL. */
oauth2_client_t *oauth2_client_cache_get(request_rec *r, const char *client_id);

/* Remembers (or replaces) the record of client->client_id. */
void oauth2_client_cache_put(request_rec *r, const oauth2_client_t *client);

void oauth2_client_cache_forget(request_rec *r, const char *client_id);

#endif
