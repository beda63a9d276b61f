/* The validated-token cache on an Apache socache provider
 * (OAuth2TokenCache), keyed by the token's SHA-256. */
#ifndef OAUTH2_RS_TOKEN_CACHE_H
#define OAUTH2_RS_TOKEN_CACHE_H

#include "access.h"

void oauth2_token_cache_register(apr_pool_t *pconf);
const char *oauth2_token_cache_create(apr_pool_t *pconf, apr_pool_t *ptemp,
                                      server_rec *s);
void oauth2_token_cache_child_init(apr_pool_t *pchild, server_rec *s);

/* Whether the cache holds a live entry for hash (filled into access). */
int oauth2_token_cache_get(request_rec *r, const char *hash,
                           oauth2_access_t *access);

/* Keeps access for min(OAuth2TokenCacheTTL, time to expiry). */
void oauth2_token_cache_put(request_rec *r, const char *hash,
                            const oauth2_access_t *access);

/* Forgets a token at once (it was revoked by this server). */
void oauth2_token_cache_remove(request_rec *r, const char *hash);

#endif
