/* One request to the token endpoint, as the grants see it. */
#ifndef OAUTH2_AS_TOKEN_REQUEST_H
#define OAUTH2_AS_TOKEN_REQUEST_H

#include "../mod_oauth2.h"
#include "../store/client_store.h"
#include "../store/store.h"

#include <apr_hash.h>

typedef struct {
    request_rec *r;
    const oauth2_server_conf_t *conf;
    apr_hash_t *params;
    oauth2_store_t *store;
    const oauth2_client_t *client; /* authenticated */
    const char *grant_type;        /* recorded with the tokens */
    int used_basic;                /* client_secret_basic was used */
    /* The grant may use the client cache and decide once more; cleared
     * for that second decision, which reads the client afresh. */
    int remember;
    int recalled; /* tr->client came from the cache */
    int redo;     /* decide again, on the client's row as it is now */
} oauth2_token_request_t;

/* What a grant hands to oauth2_token_issue. */
typedef struct {
    const char *user;        /* NULL: the client's own token */
    const char *scope;       /* granted, space-separated */
    const char *family;      /* NULL: a new family */
    const char *rotate_from; /* refresh token hash consumed by issuing */
    const char *ceiling;     /* rotation: the new refresh token's scope */
    apr_int64_t family_age;  /* seconds since the family's first grant */
    const char *code_hash;   /* authorization code consumed by issuing */
    int refresh;             /* issue a refresh token if allowed */
} oauth2_grant_result_t;

typedef int (*oauth2_grant_fn)(oauth2_token_request_t *tr);

int oauth2_grant_authorization_code(oauth2_token_request_t *tr);
int oauth2_grant_password(oauth2_token_request_t *tr);
int oauth2_grant_client_credentials(oauth2_token_request_t *tr);
int oauth2_grant_refresh_token(oauth2_token_request_t *tr);

/* Sends an RFC 6749 §5.2 error; or, when the client record came from the
 * cache, sends nothing and sets tr->redo (a refusal is never decided on a
 * remembered record). */
int oauth2_token_error(oauth2_token_request_t *tr, int status,
                       const char *error, const char *description);

/* Logs a store failure at error level and sends 503 with Retry-After. */
int oauth2_token_unavailable(oauth2_token_request_t *tr, const char *what,
                             const char *detail);

/* Decides the granted scope: requested (may be NULL: then all of
 * ceiling) must lie within ceiling. Returns NULL and sets *granted, or
 * the error description for invalid_scope. */
const char *oauth2_token_scope(oauth2_token_request_t *tr,
                               const char *requested, const char *ceiling,
                               const char **granted);

/* The client's registered scopes, narrowed to OAuth2ScopesSupported. */
const char *oauth2_token_client_scopes(oauth2_token_request_t *tr);

/* Whether OAuth2PKCE requires a code_challenge from this client. */
int oauth2_pkce_required(const oauth2_server_conf_t *conf,
                         const oauth2_client_t *client);

/* Whether the client is registered for the grant (protocol name). */
int oauth2_client_has_grant(const oauth2_client_t *client, const char *grant);

/* Tokens as created: the raw values exist here and in the response only. */
typedef struct {
    char *access;
    char *refresh; /* NULL: none issued */
} oauth2_minted_t;

/* Creates and stores the tokens of a grant. APR_NOTFOUND when the refresh
 * token to rotate or the code to redeem was consumed by another request
 * first. */
apr_status_t oauth2_token_mint(oauth2_token_request_t *tr,
                               const oauth2_grant_result_t *grant,
                               oauth2_minted_t *minted, const char **error);

/* Creates, stores and sends the tokens of a grant (RFC 6749 §5.1). */
int oauth2_token_issue(oauth2_token_request_t *tr,
                       const oauth2_grant_result_t *grant);

/* Revokes every token of a family (a replayed code, a reused refresh
 * token: RFC 6749 §4.1.2, RFC 9700 §4.14) and refuses with
 * invalid_grant. */
int oauth2_token_refuse_family(oauth2_token_request_t *tr, const char *family,
                               const char *why);

#endif
