#include "schema_store.h"

#include <stdlib.h>

#include <apr_strings.h>

/* DDL cannot be prepared, so these run as plain queries: only the admin
 * tool and the tests call them, never a request. */
#define SCHEMA_LOCK "SELECT pg_advisory_xact_lock(7283012)"
#define SCHEMA_TABLE                                                           \
    "CREATE TABLE IF NOT EXISTS oauth2_schema_version ("                       \
    " version integer NOT NULL,"                                               \
    " applied_at timestamptz NOT NULL DEFAULT now())"
#define SCHEMA_VERSION                                                         \
    "SELECT COALESCE(max(version), 0) FROM oauth2_schema_version"

int oauth2_store_schema_latest(void)
{
    const oauth2_store_migration_t *m;
    int latest = 0;

    for (m = oauth2_store_migrations; m->sql; m++) {
        latest = m->version;
    }
    return latest;
}

static apr_status_t query(oauth2_store_t *store, const char *sql,
                          const char **error)
{
    int rows, rc = apr_dbd_query(store->driver, store->handle, &rows, sql);

    if (rc != 0) {
        *error = apr_pstrdup(store->pool,
                             apr_dbd_error(store->driver, store->handle, rc));
        return APR_EGENERAL;
    }
    return APR_SUCCESS;
}

static apr_status_t select_int(oauth2_store_t *store, const char *sql,
                               int *value, const char **error)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    int rc =
        apr_dbd_select(store->driver, store->pool, store->handle, &res, sql, 1);

    if (rc != 0) {
        *error = apr_pstrdup(store->pool,
                             apr_dbd_error(store->driver, store->handle, rc));
        return APR_EGENERAL;
    }
    *value = 0;
    while (oauth2_store_next_row(store, res, &row)) {
        const char *v = oauth2_store_column(store, row, 0);
        *value = v ? atoi(v) : 0;
    }
    return APR_SUCCESS;
}

typedef struct {
    int from, to;
} upgrade_t;

static apr_status_t upgrade(oauth2_store_t *store, void *baton,
                            const char **error)
{
    upgrade_t *u = baton;
    const oauth2_store_migration_t *m;
    apr_status_t rv;

    if ((rv = select_int(store, SCHEMA_LOCK, &u->from, error)) ||
        (rv = query(store, SCHEMA_TABLE, error)) ||
        (rv = select_int(store, SCHEMA_VERSION, &u->from, error))) {
        return rv;
    }
    u->to = u->from;
    for (m = oauth2_store_migrations; m->sql; m++) {
        if (m->version <= u->from) {
            continue;
        }
        if ((rv = query(store, m->sql, error)) ||
            (rv = query(store,
                        apr_psprintf(store->pool,
                                     "INSERT INTO oauth2_schema_version "
                                     "(version) VALUES (%d)",
                                     m->version),
                        error))) {
            *error = apr_psprintf(store->pool, "schema version %d: %s",
                                  m->version, *error);
            return rv;
        }
        u->to = m->version;
    }
    return APR_SUCCESS;
}

apr_status_t oauth2_store_schema_upgrade(oauth2_store_t *store, int *from,
                                         int *to, const char **error)
{
    upgrade_t u = {0, 0};
    apr_status_t rv = oauth2_store_transaction(store, upgrade, &u, error);

    *from = u.from;
    *to = u.to;
    return rv;
}
