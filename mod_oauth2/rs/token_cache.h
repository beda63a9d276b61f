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

/* One token's way through the cache: looked up, then (on a miss) judged
 * and stored. */
typedef struct {
    const char *key; /* the token's hash, perhaps with a suffix */
    /* Whether the judgement goes to the shared cache (OAuth2TokenCache)
     * or only to this process's memo: a judgement any process can repeat
     * alone (a JWT's signature) is not worth two cross-process locks. An
     * entry too large for the memo is then not kept. */
    int shared;
    apr_uint32_t epoch; /* set by get: removals seen so far */
} oauth2_cache_ticket_t;

/* What the cache knows of ticket's key: this process's memo first, then
 * the shared cache. */
oauth2_cache_result_t oauth2_token_cache_get(request_rec *r,
                                             oauth2_cache_ticket_t *ticket,
                                             oauth2_access_t *access);

/* Keeps access for min(OAuth2TokenCacheTTL, time to expiry), unless a
 * token was removed since ticket's get. */
void oauth2_token_cache_put(request_rec *r, const oauth2_cache_ticket_t *ticket,
                            const oauth2_access_t *access);

/* Remembers for OAuth2TokenCacheTTL that ticket's key is refused. Safe
 * because a refusal is final within its context (entries are tagged with
 * the server's cache_context): an unknown token never becomes known
 * (tokens are answered only after they are stored), and expiry and
 * revocation are permanent. */
void oauth2_token_cache_put_invalid(request_rec *r,
                                    const oauth2_cache_ticket_t *ticket);

/* Forgets a token at once, in every process (it was revoked by this
 * server). */
void oauth2_token_cache_remove(request_rec *r, const char *hash);

#endif
