#include "store.h"
#include "store_tables.h"

#include <apr_strings.h>
#include <apr_tables.h>

const oauth2_store_statement_t *const *oauth2_store_statement_tables(void)
{
    static const oauth2_store_statement_t *const tables[] = {
        oauth2_client_statements, oauth2_code_statements,
        oauth2_token_statements, oauth2_consent_statements, NULL};
    return tables;
}

int oauth2_store_each_statement(int (*fn)(void *baton, const char *label,
                                          const char *sql),
                                void *baton)
{
    const oauth2_store_statement_t *const *t;
    const oauth2_store_statement_t *s;
    int rv;

    for (t = oauth2_store_statement_tables(); *t; t++) {
        for (s = *t; s->label; s++) {
            if ((rv = fn(baton, s->label, s->sql)) != 0) {
                return rv;
            }
        }
    }
    return 0;
}

static int find_sql(void *baton, const char *label, const char *sql)
{
    const char **wanted = baton;

    if (!strcmp(wanted[0], label)) {
        wanted[1] = sql;
        return 1;
    }
    return 0;
}

static apr_status_t close_connection(void *data)
{
    oauth2_store_t *store = data;

    apr_dbd_close(store->driver, store->handle);
    return APR_SUCCESS;
}

apr_status_t oauth2_store_open(apr_pool_t *pool, const char *conninfo,
                               oauth2_store_t **out, const char **error)
{
    oauth2_store_t *store = apr_pcalloc(pool, sizeof(*store));
    apr_status_t rv;

    *error = NULL;
    apr_dbd_init(pool);
    rv = apr_dbd_get_driver(pool, "pgsql", &store->driver);
    if (rv != APR_SUCCESS) {
        *error = "the APR DBD pgsql driver cannot be loaded "
                 "(Debian package libaprutil1-dbd-pgsql)";
        return rv;
    }
    rv = apr_dbd_open_ex(store->driver, pool, conninfo, &store->handle, error);
    if (rv != APR_SUCCESS) {
        if (!*error || !**error) {
            *error = "cannot connect to PostgreSQL";
        }
        return rv;
    }
    store->pool = pool;
    store->prepared = apr_hash_make(pool);
    store->standalone = 1;
    apr_pool_cleanup_register(pool, store, close_connection,
                              apr_pool_cleanup_null);
    *out = store;
    return APR_SUCCESS;
}

static apr_status_t db_error(oauth2_store_t *store, int rc, const char *what,
                             const char **error)
{
    const char *msg = apr_dbd_error(store->driver, store->handle, rc);

    char *text = apr_psprintf(store->pool, "%s: %s", what,
                              msg && *msg ? msg : "database error");
    apr_size_t n = strlen(text);

    /* libpq ends its messages with a newline. */
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' ')) {
        text[--n] = '\0';
    }
    *error = text;
    return APR_EGENERAL;
}

static apr_status_t statement(oauth2_store_t *store, const char *label,
                              apr_dbd_prepared_t **stmt, const char **error)
{
    const char *wanted[2] = {label, NULL};
    int rc;

    *stmt = apr_hash_get(store->prepared, label, APR_HASH_KEY_STRING);
    if (*stmt) {
        return APR_SUCCESS;
    }
    if (!store->standalone) {
        /* mod_dbd prepares every label when it opens a connection. */
        *error = apr_psprintf(store->pool,
                              "statement %s is not prepared "
                              "on this connection",
                              label);
        return APR_EGENERAL;
    }
    oauth2_store_each_statement(find_sql, wanted);
    if (!wanted[1]) {
        *error = apr_psprintf(store->pool, "no statement %s", label);
        return APR_EGENERAL;
    }
    rc = apr_dbd_prepare(store->driver, store->pool, store->handle, wanted[1],
                         label, stmt);
    if (rc != 0) {
        return db_error(store, rc, label, error);
    }
    apr_hash_set(store->prepared, label, APR_HASH_KEY_STRING, *stmt);
    return APR_SUCCESS;
}

/* When PostgreSQL restarts, a pooled connection fails its first statement
 * (or mod_dbd's check PQresets it) and comes back as a session without
 * the statements mod_dbd prepared. After a failed statement: reconnect if
 * the connection is broken, prepare the label again on the session, and
 * run the statement once more. The prepare is refused when the session
 * has the statement (the failure was something else: no retry). A
 * statement that ran just before its connection dropped could run twice;
 * every statement here fails safe then (a duplicate insert is refused, a
 * second consumption reads as a replay and revokes the unsent tokens). */
static int prepare_again(oauth2_store_t *store, const char *label,
                         apr_dbd_prepared_t **stmt)
{
    const char *wanted[2] = {label, NULL};

    if (store->standalone || !store->conn_pool ||
        apr_dbd_check_conn(store->driver, store->pool, store->handle) !=
            APR_SUCCESS) {
        return 0;
    }
    oauth2_store_each_statement(find_sql, wanted);
    if (!wanted[1] ||
        apr_dbd_prepare(store->driver, store->conn_pool, store->handle,
                        wanted[1], label, stmt) != 0) {
        return 0;
    }
    apr_hash_set(store->prepared, label, APR_HASH_KEY_STRING, *stmt);
    return 1;
}

apr_status_t oauth2_store_select(oauth2_store_t *store, const char *label,
                                 apr_dbd_results_t **res, const char **error,
                                 int nargs, const char **args)
{
    apr_dbd_prepared_t *stmt;
    apr_status_t rv;
    int rc;

    if ((rv = statement(store, label, &stmt, error)) != APR_SUCCESS) {
        return rv;
    }
    *res = NULL;
    rc = apr_dbd_pselect(store->driver, store->pool, store->handle, res, stmt,
                         1, nargs, args);
    if (rc) {
        rv = db_error(store, rc, label, error);
        if (!prepare_again(store, label, &stmt) ||
            (rc = apr_dbd_pselect(store->driver, store->pool, store->handle,
                                  res, stmt, 1, nargs, args))) {
            return rv;
        }
    }
    return APR_SUCCESS;
}

apr_status_t oauth2_store_exec(oauth2_store_t *store, const char *label,
                               int *rows, const char **error, int nargs,
                               const char **args)
{
    apr_dbd_prepared_t *stmt;
    apr_status_t rv;
    int n = 0, rc;

    if ((rv = statement(store, label, &stmt, error)) != APR_SUCCESS) {
        return rv;
    }
    rc = apr_dbd_pquery(store->driver, store->pool, store->handle, &n, stmt,
                        nargs, args);
    if (rc) {
        rv = db_error(store, rc, label, error);
        if (!prepare_again(store, label, &stmt) ||
            (rc = apr_dbd_pquery(store->driver, store->pool, store->handle, &n,
                                 stmt, nargs, args))) {
            return rv;
        }
    }
    if (rows) {
        *rows = n;
    }
    return APR_SUCCESS;
}

/* apr_dbd_get_row() steps on from the row it is given and starts again at
 * the first when given NULL, so the caller keeps the row between calls. */
int oauth2_store_next_row(oauth2_store_t *store, apr_dbd_results_t *res,
                          apr_dbd_row_t **row)
{
    return apr_dbd_get_row(store->driver, store->pool, res, row, -1) == 0;
}

/* The pgsql driver hands out pointers into the PGresult, which it frees
 * once the last row has been read: the value is copied to the pool. */
const char *oauth2_store_column(oauth2_store_t *store, apr_dbd_row_t *row,
                                int n)
{
    const char *value = NULL;

    if (apr_dbd_datum_get(store->driver, row, n, APR_DBD_TYPE_STRING, &value) !=
            APR_SUCCESS ||
        !value) {
        return NULL;
    }
    return apr_pstrdup(store->pool, value);
}

apr_status_t oauth2_store_rows(oauth2_store_t *store, const char *label,
                               int nargs, const char **args,
                               oauth2_store_row_fn take, void *baton,
                               const char **error)
{
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    apr_status_t rv =
        oauth2_store_select(store, label, &res, error, nargs, args);

    if (rv != APR_SUCCESS) {
        return rv;
    }
    while (oauth2_store_next_row(store, res, &row)) {
        take(store, row, baton);
    }
    return APR_SUCCESS;
}

void oauth2_store_take_text(oauth2_store_t *store, apr_dbd_row_t *row,
                            void *baton)
{
    APR_ARRAY_PUSH((apr_array_header_t *)baton, const char *) =
        oauth2_store_column(store, row, 0);
}

int oauth2_store_flag(oauth2_store_t *store, apr_dbd_row_t *row, int n)
{
    const char *v = oauth2_store_column(store, row, n);

    return v && *v == 't';
}

apr_int64_t oauth2_store_int64(oauth2_store_t *store, apr_dbd_row_t *row, int n)
{
    const char *v = oauth2_store_column(store, row, n);

    return v ? apr_atoi64(v) : 0;
}

apr_status_t oauth2_store_transaction(oauth2_store_t *store,
                                      apr_status_t (*fn)(oauth2_store_t *,
                                                         void *baton,
                                                         const char **error),
                                      void *baton, const char **error)
{
    apr_dbd_transaction_t *trans = NULL;
    apr_status_t rv;
    int rc;

    rc = apr_dbd_transaction_start(store->driver, store->pool, store->handle,
                                   &trans);
    if (rc != 0) {
        return db_error(store, rc, "BEGIN", error);
    }
    rv = fn(store, baton, error);
    if (rv != APR_SUCCESS) {
        apr_dbd_transaction_mode_set(store->driver, trans,
                                     APR_DBD_TRANSACTION_ROLLBACK);
    }
    rc = apr_dbd_transaction_end(store->driver, store->pool, trans);
    if (rv == APR_SUCCESS && rc != 0) {
        return db_error(store, rc, "COMMIT", error);
    }
    return rv;
}
