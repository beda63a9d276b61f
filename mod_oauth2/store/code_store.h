/* oauth2_code: authorization codes, stored only as SHA-256 hex. */
#ifndef OAUTH2_STORE_CODE_H
#define OAUTH2_STORE_CODE_H

#include "store.h"

typedef struct {
    const char *code_hash;
    const char *client_id;
    const char *user_id;
    const char *redirect_uri;          /* as sent; NULL if omitted */
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

/* Marks the unused code of client_id used and returns it, in one UPDATE
 * so that of parallel redemptions exactly one wins (the caller still
 * checks code->expired). APR_NOTFOUND when nothing was consumed. */
apr_status_t oauth2_store_code_consume(oauth2_store_t *store,
                                       const char *code_hash,
                                       const char *client_id,
                                       oauth2_code_t **code,
                                       const char **error);

/* Reads a code whatever its state (to recognise a replay).
 * APR_NOTFOUND when there is no such code. */
apr_status_t oauth2_store_code_get(oauth2_store_t *store,
                                   const char *code_hash,
                                   oauth2_code_t **code, const char **error);

#endif
