/* oauth2_code: authorization codes, stored only as SHA-256 hex. */
#ifndef OAUTH2_STORE_CODE_H
#define OAUTH2_STORE_CODE_H

#include "store.h"

typedef struct {
    const char *code_hash;
    const char *client_id;
    const char *user_id;
    const char *redirect_uri; /* as sent; NULL if omitted */
    const char *scope;
    const char *code_challenge;        /* NULL: no PKCE */
    const char *code_challenge_method; /* "S256" or "plain" */
    const char *family_id;             /* tokens issued from this code */
    int lifetime;                      /* seconds, for insert */
    int expired;                       /* as read back */
    int used;
} oauth2_code_t;

apr_status_t oauth2_store_code_insert(oauth2_store_t *store,
                                      const oauth2_code_t *code,
                                      const char **error);

/* Reads a code whatever its state. It is consumed by
 * oauth2_store_token_redeem_code, with the tokens issued from it.
 * APR_NOTFOUND when there is no such code. */
apr_status_t oauth2_store_code_get(oauth2_store_t *store, const char *code_hash,
                                   oauth2_code_t **code, const char **error);

/* Marks a code used without issuing anything: a failed redemption by its
 * own client counts as its one use. */
apr_status_t oauth2_store_code_burn(oauth2_store_t *store,
                                    const char *code_hash, const char **error);

#endif
