/* The validated-token cache on an Apache socache provider
 * (OAuth2TokenCache), keyed by the token's SHA-256. */
#ifndef OAUTH2_RS_TOKEN_CACHE_H
#define OAUTH2_RS_TOKEN_CACHE_H

#include "access.h"

void oauth2_token_cache_register(apr_pool_t *pconf);
const char *oauth2_token_cache_create(apr_pool_t *pconf, apr_pool_t *ptemp,
                                      server_rec *s);
void oauth2_token_cache_child_init(apr_pool_t *pchild, server_rec *s);

typedef enum {
    OAUTH2_CACHE_MISS,
    OAUTH2_CACHE_VALID,  /* access filled in */
    OAUTH2_CACHE_INVALID /* known to be refused */
} oauth2_cache_result_t;

/* What the cache knows of hash. */
oauth2_cache_result_t oauth2_token_cache_get(request_rec *r, const char *hash,
                                             oauth2_access_t *access);

/* Keeps access for min(OAuth2TokenCacheTTL, time to expiry). */
void oauth2_token_cache_put(request_rec *r, const char *hash,
                            const oauth2_access_t *access);

/* Remembers for OAuth2TokenCacheTTL that hash is refused. Safe because
 * a refusal is final within its context (entries are tagged with the
 * server's cache_context): an unknown token never becomes known (tokens
 * are answered only after they are stored), and expiry and revocation
 * are permanent. */
void oauth2_token_cache_put_invalid(request_rec *r, const char *hash);

/* Forgets a token at once (it was revoked by this server). */
void oauth2_token_cache_remove(request_rec *r, const char *hash);

#endif
