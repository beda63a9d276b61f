/* oauth2_token: access and refresh tokens, stored only as SHA-256 hex. */
#ifndef OAUTH2_STORE_TOKEN_H
#define OAUTH2_STORE_TOKEN_H

#include "client_store.h"
#include "store.h"

#include <apr_tables.h>

/* What one issuance writes: an access token and, optionally, a refresh
 * token of the same family, in one INSERT. */
typedef struct {
    const oauth2_client_t *client; /* the record issuing was decided on */
    const char *user_id;           /* NULL: the client's own token */
    const char *scope;             /* granted scope, space-separated */
    const char *grant_type;
    const char *family_id; /* NULL: a new family */
    const char *access_hash;
    int access_lifetime;      /* seconds */
    const char *refresh_hash; /* NULL: no refresh token */
    int refresh_lifetime;
    const char *refresh_scope; /* rotate: the new refresh token's scope */
} oauth2_token_issue_t;

/* A stored token as read back. */
typedef struct {
    const char *kind; /* "access" or "refresh" */
    const char *client_id;
    const char *user_id;
    const char *scope;
    const char *family_id;
    apr_int64_t issued_at; /* epoch seconds */
    apr_int64_t expires_at;
    int expired;
    int used;    /* a refresh token already rotated */
    int revoked; /* or its client is disabled */
    /* The grant that started the family (NULL: unknown, a row stored
     * before schema version 2), and the family's age in seconds. */
    const char *family_grant_type;
    apr_int64_t family_age;
} oauth2_token_t;

/* APR_EAGAIN, storing nothing, when the client's row no longer matches
 * issue->client (disabled, another secret, other grants or scopes). */
apr_status_t oauth2_store_token_issue(oauth2_store_t *store,
                                      const oauth2_token_issue_t *issue,
                                      const char **error);

/* Consumes the live refresh token old_hash of client_id and issues the
 * tokens of issue (family and user taken from the old token, the access
 * token with issue->scope and the refresh token with
 * issue->refresh_scope) in one statement, so that of two parallel
 * rotations only one wins. APR_NOTFOUND when nothing was consumed (or the
 * client was disabled meanwhile). */
apr_status_t oauth2_store_token_rotate(oauth2_store_t *store,
                                       const char *old_hash,
                                       const oauth2_token_issue_t *issue,
                                       const char **error);

/* Consumes the live authorization code code_hash of client_id and stores
 * the tokens of issue (user, scope and family taken from the code) in one
 * statement. APR_NOTFOUND when the code was not live any more (or the
 * client was disabled meanwhile). */
apr_status_t oauth2_store_token_redeem_code(oauth2_store_t *store,
                                            const char *code_hash,
                                            const oauth2_token_issue_t *issue,
                                            const char **error);

/* APR_NOTFOUND when there is no such token. A token of a disabled client
 * reads as revoked. */
apr_status_t oauth2_store_token_get(oauth2_store_t *store, const char *hash,
                                    oauth2_token_t **token, const char **error);

/* The access token hash if it is live (not expired, not revoked, its
 * client enabled), with
 * client_id, user_id, scope and expires_at filled in; APR_NOTFOUND when
 * there is no such token or it is not a live access token. */
apr_status_t oauth2_store_token_live_access(oauth2_store_t *store,
                                            const char *hash,
                                            oauth2_token_t **token,
                                            const char **error);

/* Revokes every live token of a family; *hashes receives the hashes of
 * the tokens revoked (const char *), for the validation cache. */
apr_status_t oauth2_store_token_revoke_family(oauth2_store_t *store,
                                              const char *family_id,
                                              apr_array_header_t **hashes,
                                              const char **error);

/* RFC 7009: revokes the token hash if it belongs to client_id and, for a
 * refresh token, its whole family, in one statement. *hashes receives the
 * hashes revoked (empty for an unknown token or another client's). */
apr_status_t oauth2_store_token_revoke(oauth2_store_t *store, const char *hash,
                                       const char *client_id,
                                       apr_array_header_t **hashes,
                                       const char **error);

#endif
