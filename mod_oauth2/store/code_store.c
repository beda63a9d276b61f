#include "code_store.h"
#include "purge.h"
#include "store_tables.h"

#include <apr_strings.h>

#define CODE_COLUMNS                                                           \
    "code_hash, client_id, user_id, redirect_uri, scope, code_challenge,"      \
    " code_challenge_method, family_id, expires_at <= now(),"                  \
    " used_at IS NOT NULL"

const oauth2_store_statement_t oauth2_code_statements[] = {
    {"oauth2_code_insert",
     "INSERT INTO oauth2_code (code_hash, client_id, user_id, redirect_uri,"
     " scope, code_challenge, code_challenge_method, expires_at)"
     " VALUES (%s, %s, %s, %s, %s, %s, %s,"
     " now() + make_interval(secs => %s::integer))"},
    {"oauth2_code_burn", "UPDATE oauth2_code SET used_at = now()"
                         " WHERE code_hash = %s AND used_at IS NULL"},
    {"oauth2_code_get",
     "SELECT " CODE_COLUMNS " FROM oauth2_code WHERE code_hash = %s"},
    {"oauth2_code_purge", OAUTH2_PURGE_BATCH_SQL("oauth2_code")},
    {NULL, NULL}};

apr_status_t oauth2_store_code_insert(oauth2_store_t *store,
                                      const oauth2_code_t *c,
                                      const char **error)
{
    const char *args[] = {c->code_hash,
                          c->client_id,
                          c->user_id,
                          c->redirect_uri,
                          c->scope,
                          c->code_challenge,
                          c->code_challenge_method,
                          apr_itoa(store->pool, c->lifetime)};

    return oauth2_store_exec(store, "oauth2_code_insert", NULL, error, 8, args);
}

static void take_code(oauth2_store_t *store, apr_dbd_row_t *row, void *baton)
{
    oauth2_code_t *c = apr_pcalloc(store->pool, sizeof(*c));

    c->code_hash = oauth2_store_column(store, row, 0);
    c->client_id = oauth2_store_column(store, row, 1);
    c->user_id = oauth2_store_column(store, row, 2);
    c->redirect_uri = oauth2_store_column(store, row, 3);
    c->scope = oauth2_store_column(store, row, 4);
    c->code_challenge = oauth2_store_column(store, row, 5);
    c->code_challenge_method = oauth2_store_column(store, row, 6);
    c->family_id = oauth2_store_column(store, row, 7);
    c->expired = oauth2_store_flag(store, row, 8);
    c->used = oauth2_store_flag(store, row, 9);
    *(oauth2_code_t **)baton = c;
}

apr_status_t oauth2_store_code_get(oauth2_store_t *store, const char *code_hash,
                                   oauth2_code_t **code, const char **error)
{
    apr_status_t rv;

    *code = NULL;
    rv = oauth2_store_rows(store, "oauth2_code_get", 1, &code_hash, take_code,
                           code, error);
    if (rv == APR_SUCCESS && !*code) {
        *error = "no such code";
        return APR_NOTFOUND;
    }
    return rv;
}

apr_status_t oauth2_store_code_burn(oauth2_store_t *store,
                                    const char *code_hash, const char **error)
{
    return oauth2_store_exec(store, "oauth2_code_burn", NULL, error, 1,
                             &code_hash);
}

apr_status_t oauth2_store_code_purge(oauth2_store_t *store, int limit,
                                     int *count, const char **error)
{
    const char *arg = apr_itoa(store->pool, limit);

    return oauth2_store_exec(store, "oauth2_code_purge", count, error, 1, &arg);
}
