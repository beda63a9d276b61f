#include "token_store.h"
#include "purge.h"
#include "store_tables.h"

#include <apr_strings.h>

/* The rows of one issuance: the access token and, when its hash is not
 * NULL, the refresh token. Used by issue and rotate. */
#define TOKEN_ROWS                                                             \
    "(VALUES (%s, 'access', %s::integer), (%s, 'refresh', %s::integer))"       \
    " AS t(hash, kind, lifetime)"
#define TOKEN_INSERT                                                           \
    "INSERT INTO oauth2_token (token_hash, kind, client_id, user_id, scope,"   \
    " grant_type, family_id, parent_hash, expires_at, family_grant_type,"      \
    " family_created_at) "
#define TOKEN_EXPIRY "now() + make_interval(secs => t.lifetime)"
/* What a family inherits from the grant that started it; rows stored
 * before schema version 2 have NULL there (see 002-client-policy.sql). */
#define FAMILY_GRANT_TYPE                                                      \
    "COALESCE(family_grant_type, NULLIF(grant_type, 'refresh_token'))"
#define FAMILY_CREATED_AT "COALESCE(family_created_at, created_at)"
/* A token is only good while its client is enabled: disabling revokes
 * the client's tokens, and this refuses any that a request racing the
 * disabling still stored. One primary-key probe in the same statement;
 * the token or code row is aliased o. */
#define CLIENT_ENABLED                                                         \
    "EXISTS (SELECT 1 FROM oauth2_client c WHERE c.client_id = o.client_id"    \
    " AND c.disabled_at IS NULL)"

const oauth2_store_statement_t oauth2_token_statements[] = {
    /* Stores nothing unless the client row still holds what issuing was
     * decided on, so a remembered client record can never outlive a
     * disabled client, a new secret or narrowed grants and scopes. */
    {"oauth2_token_issue", TOKEN_INSERT
     "SELECT t.hash, t.kind, c.client_id, %s, %s, f.grant_type, f.id, "
     "NULL, " TOKEN_EXPIRY ", f.grant_type, now()"
     " FROM (SELECT COALESCE(%s::uuid, gen_random_uuid()) AS id,"
     " %s::text AS grant_type) AS f, " TOKEN_ROWS ", oauth2_client c"
     " WHERE t.hash IS NOT NULL"
     " AND c.client_id = %s AND c.disabled_at IS NULL"
     " AND c.secret_hash IS NOT DISTINCT FROM %s"
     " AND array_to_string(c.grant_types, ' ') = %s"
     " AND array_to_string(c.scopes, ' ') = %s"},
    {"oauth2_token_rotate",
     "WITH old AS (UPDATE oauth2_token o SET used_at = now()"
     " WHERE token_hash = %s AND kind = 'refresh' AND client_id = %s"
     " AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()"
     " AND " CLIENT_ENABLED
     " RETURNING token_hash, client_id, user_id, family_id, " FAMILY_GRANT_TYPE
     " AS family_grant_type, " FAMILY_CREATED_AT " AS family_created_at) "
     /* RFC 6749 §6: the new refresh token keeps the old one's scope, as
      * far as the client may still have it (the ceiling); only the
      * access token is narrowed to the scope requested. */
     TOKEN_INSERT "SELECT t.hash, t.kind, old.client_id, old.user_id,"
     " CASE t.kind WHEN 'refresh' THEN %s ELSE %s END,"
     " 'refresh_token', old.family_id, old.token_hash, " TOKEN_EXPIRY ","
     " old.family_grant_type, old.family_created_at"
     " FROM old, " TOKEN_ROWS " WHERE t.hash IS NOT NULL"},
    /* The code is consumed by the statement that stores its tokens, so a
     * replay racing the first redemption either loses here or finds the
     * tokens already stored and revokes them (RFC 6749 §4.1.2). */
    {"oauth2_token_redeem_code",
     "WITH c AS (UPDATE oauth2_code o SET used_at = now()"
     " WHERE code_hash = %s AND client_id = %s AND used_at IS NULL"
     " AND expires_at > now() AND " CLIENT_ENABLED
     " RETURNING client_id, user_id, scope, family_id) " TOKEN_INSERT
     "SELECT t.hash, t.kind, c.client_id, c.user_id, c.scope,"
     " 'authorization_code', c.family_id, NULL, " TOKEN_EXPIRY ","
     " 'authorization_code', now()"
     " FROM c, " TOKEN_ROWS " WHERE t.hash IS NOT NULL"},
    /* A token of a disabled client reads as revoked. */
    {"oauth2_token_get",
     "SELECT kind, client_id, user_id, scope, family_id,"
     " extract(epoch FROM expires_at)::bigint, expires_at <= now(),"
     " used_at IS NOT NULL, revoked_at IS NOT NULL OR NOT " CLIENT_ENABLED
     ", extract(epoch FROM created_at)::bigint, " FAMILY_GRANT_TYPE
     ", extract(epoch FROM now() - " FAMILY_CREATED_AT ")::bigint"
     " FROM oauth2_token o WHERE token_hash = %s"},
    /* The resource server's question: only the columns it uses, and a row
     * only for a live access token of an enabled client. */
    {"oauth2_token_live_access",
     "SELECT client_id, user_id, scope, extract(epoch FROM expires_at)::bigint"
     " FROM oauth2_token o WHERE token_hash = %s AND kind = 'access'"
     " AND expires_at > now() AND revoked_at IS NULL AND " CLIENT_ENABLED},
    {"oauth2_token_revoke_family",
     "UPDATE oauth2_token SET revoked_at = now()"
     " WHERE family_id = %s::uuid AND revoked_at IS NULL RETURNING token_hash"},
    {"oauth2_token_revoke",
     "WITH t AS (SELECT kind, family_id FROM oauth2_token"
     " WHERE token_hash = %s AND client_id = %s)"
     " UPDATE oauth2_token o SET revoked_at = now() FROM t"
     " WHERE o.revoked_at IS NULL AND (o.token_hash = %s"
     " OR (t.kind = 'refresh' AND o.family_id = t.family_id))"
     " RETURNING o.token_hash"},
    {"oauth2_token_purge", OAUTH2_PURGE_BATCH_SQL("oauth2_token")},
    {NULL, NULL}};

apr_status_t oauth2_store_token_issue(oauth2_store_t *store,
                                      const oauth2_token_issue_t *t,
                                      const char **error)
{
    const char *args[] = {t->user_id,
                          t->scope,
                          t->family_id,
                          t->grant_type,
                          t->access_hash,
                          apr_itoa(store->pool, t->access_lifetime),
                          t->refresh_hash,
                          apr_itoa(store->pool, t->refresh_lifetime),
                          t->client->client_id,
                          t->client->secret_hash,
                          t->client->grant_types,
                          t->client->scopes};
    int rows = 0;
    apr_status_t rv =
        oauth2_store_exec(store, "oauth2_token_issue", &rows, error, 12, args);

    if (rv == APR_SUCCESS && rows == 0) {
        *error = "the client changed since it was read";
        return APR_EAGAIN;
    }
    return rv;
}

apr_status_t oauth2_store_token_rotate(oauth2_store_t *store,
                                       const char *old_hash,
                                       const oauth2_token_issue_t *t,
                                       const char **error)
{
    const char *args[] = {
        old_hash,         t->client->client_id,
        t->refresh_scope, t->scope,
        t->access_hash,   apr_itoa(store->pool, t->access_lifetime),
        t->refresh_hash,  apr_itoa(store->pool, t->refresh_lifetime)};
    int rows = 0;
    apr_status_t rv =
        oauth2_store_exec(store, "oauth2_token_rotate", &rows, error, 8, args);

    if (rv == APR_SUCCESS && rows == 0) {
        *error = "refresh token not live";
        return APR_NOTFOUND;
    }
    return rv;
}

apr_status_t oauth2_store_token_redeem_code(oauth2_store_t *store,
                                            const char *code_hash,
                                            const oauth2_token_issue_t *t,
                                            const char **error)
{
    const char *args[] = {
        code_hash,       t->client->client_id,
        t->access_hash,  apr_itoa(store->pool, t->access_lifetime),
        t->refresh_hash, apr_itoa(store->pool, t->refresh_lifetime)};
    int rows = 0;
    apr_status_t rv = oauth2_store_exec(store, "oauth2_token_redeem_code",
                                        &rows, error, 6, args);

    if (rv == APR_SUCCESS && rows == 0) {
        *error = "authorization code not live";
        return APR_NOTFOUND;
    }
    return rv;
}

static void take_token(oauth2_store_t *store, apr_dbd_row_t *row, void *baton)
{
    oauth2_token_t *t = apr_pcalloc(store->pool, sizeof(*t));

    t->kind = oauth2_store_column(store, row, 0);
    t->client_id = oauth2_store_column(store, row, 1);
    t->user_id = oauth2_store_column(store, row, 2);
    t->scope = oauth2_store_column(store, row, 3);
    t->family_id = oauth2_store_column(store, row, 4);
    t->expires_at = oauth2_store_int64(store, row, 5);
    t->expired = oauth2_store_flag(store, row, 6);
    t->used = oauth2_store_flag(store, row, 7);
    t->revoked = oauth2_store_flag(store, row, 8);
    t->issued_at = oauth2_store_int64(store, row, 9);
    t->family_grant_type = oauth2_store_column(store, row, 10);
    t->family_age = oauth2_store_int64(store, row, 11);
    *(oauth2_token_t **)baton = t;
}

apr_status_t oauth2_store_token_get(oauth2_store_t *store, const char *hash,
                                    oauth2_token_t **token, const char **error)
{
    apr_status_t rv;

    *token = NULL;
    rv = oauth2_store_rows(store, "oauth2_token_get", 1, &hash, take_token,
                           token, error);
    if (rv == APR_SUCCESS && !*token) {
        *error = "no such token";
        return APR_NOTFOUND;
    }
    return rv;
}

static void take_live_access(oauth2_store_t *store, apr_dbd_row_t *row,
                             void *baton)
{
    oauth2_token_t *t = apr_pcalloc(store->pool, sizeof(*t));

    t->kind = "access";
    t->client_id = oauth2_store_column(store, row, 0);
    t->user_id = oauth2_store_column(store, row, 1);
    t->scope = oauth2_store_column(store, row, 2);
    t->expires_at = oauth2_store_int64(store, row, 3);
    *(oauth2_token_t **)baton = t;
}

apr_status_t oauth2_store_token_live_access(oauth2_store_t *store,
                                            const char *hash,
                                            oauth2_token_t **token,
                                            const char **error)
{
    apr_status_t rv;

    *token = NULL;
    rv = oauth2_store_rows(store, "oauth2_token_live_access", 1, &hash,
                           take_live_access, token, error);
    if (rv == APR_SUCCESS && !*token) {
        *error = "no live access token";
        return APR_NOTFOUND;
    }
    return rv;
}

/* Runs a revoking statement and collects the hashes it returns. */
static apr_status_t revoking(oauth2_store_t *store, const char *label,
                             int nargs, const char **args,
                             apr_array_header_t **hashes, const char **error)
{
    *hashes = apr_array_make(store->pool, 4, sizeof(const char *));
    return oauth2_store_rows(store, label, nargs, args, oauth2_store_take_text,
                             *hashes, error);
}

apr_status_t oauth2_store_token_revoke_family(oauth2_store_t *store,
                                              const char *family_id,
                                              apr_array_header_t **hashes,
                                              const char **error)
{
    return revoking(store, "oauth2_token_revoke_family", 1, &family_id, hashes,
                    error);
}

apr_status_t oauth2_store_token_revoke(oauth2_store_t *store, const char *hash,
                                       const char *client_id,
                                       apr_array_header_t **hashes,
                                       const char **error)
{
    const char *args[] = {hash, client_id, hash};

    return revoking(store, "oauth2_token_revoke", 3, args, hashes, error);
}

apr_status_t oauth2_store_token_purge(oauth2_store_t *store, int limit,
                                      int *count, const char **error)
{
    const char *arg = apr_itoa(store->pool, limit);

    return oauth2_store_exec(store, "oauth2_token_purge", count, error, 1,
                             &arg);
}
