#include "client_store.h"
#include "store_tables.h"

#include <apr_strings.h>

#define CLIENT_COLUMNS                                                         \
    "client_id, name, secret_hash, array_to_string(redirect_uris, ' '), "      \
    "array_to_string(grant_types, ' '), array_to_string(scopes, ' '), "        \
    "to_char(created_at AT TIME ZONE 'UTC', "                                  \
    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "                                      \
    "disabled_at IS NOT NULL, introspect"

const oauth2_store_statement_t oauth2_client_statements[] = {
    {"oauth2_client_insert",
     "INSERT INTO oauth2_client (client_id, name, secret_hash, redirect_uris,"
     " grant_types, scopes, introspect) VALUES (%s, %s, %s,"
     " string_to_array(%s, ' '), string_to_array(%s, ' '),"
     " string_to_array(%s, ' '), %s::text = '1')"
     " ON CONFLICT (client_id) DO NOTHING RETURNING client_id"},
    {"oauth2_client_get",
     "SELECT " CLIENT_COLUMNS " FROM oauth2_client WHERE client_id = %s"},
    {"oauth2_client_list",
     "SELECT " CLIENT_COLUMNS " FROM oauth2_client ORDER BY client_id"},
    {"oauth2_client_delete", "DELETE FROM oauth2_client WHERE client_id = %s"},
    {"oauth2_client_set_secret",
     "UPDATE oauth2_client SET secret_hash = %s, updated_at = now()"
     " WHERE client_id = %s"},
    /* NULL arguments keep the current value. Disabling a client revokes
     * its live tokens and expires its unused codes in the same statement
     * (so in one transaction). Enabling it again brings none back, and
     * revokes whatever a request racing the disabling still stored: no
     * token of the client can be issued while it is disabled. */
    {"oauth2_client_update",
     "WITH c AS (SELECT client_id, disabled_at IS NOT NULL AS was_disabled"
     " FROM oauth2_client WHERE client_id = %s),"
     " stop AS (SELECT client_id FROM c"
     " WHERE %s::text = '1' OR (%s::text = '0' AND c.was_disabled)),"
     " tokens AS (UPDATE oauth2_token SET revoked_at = now()"
     " WHERE client_id IN (SELECT client_id FROM stop)"
     " AND revoked_at IS NULL AND expires_at > now()),"
     " codes AS (UPDATE oauth2_code SET expires_at = now()"
     " WHERE client_id IN (SELECT client_id FROM stop)"
     " AND used_at IS NULL AND expires_at > now()) "
     "UPDATE oauth2_client SET"
     " redirect_uris = COALESCE(string_to_array(%s, ' '), redirect_uris),"
     " grant_types = COALESCE(string_to_array(%s, ' '), grant_types),"
     " scopes = COALESCE(string_to_array(%s, ' '), scopes),"
     " disabled_at = CASE %s WHEN '1' THEN COALESCE(disabled_at, now())"
     "  WHEN '0' THEN NULL ELSE disabled_at END,"
     " introspect = CASE %s WHEN '1' THEN true WHEN '0' THEN false"
     "  ELSE introspect END,"
     " updated_at = now() WHERE client_id = %s"},
    {NULL, NULL}};

static void take_client(oauth2_store_t *store, apr_dbd_row_t *row, void *baton)
{
    oauth2_client_t *c = apr_pcalloc(store->pool, sizeof(*c));

    c->client_id = oauth2_store_column(store, row, 0);
    c->name = oauth2_store_column(store, row, 1);
    c->secret_hash = oauth2_store_column(store, row, 2);
    c->redirect_uris = oauth2_store_column(store, row, 3);
    c->grant_types = oauth2_store_column(store, row, 4);
    c->scopes = oauth2_store_column(store, row, 5);
    c->created_at = oauth2_store_column(store, row, 6);
    c->disabled = oauth2_store_flag(store, row, 7);
    c->introspect = oauth2_store_flag(store, row, 8);
    APR_ARRAY_PUSH((apr_array_header_t *)baton, oauth2_client_t *) = c;
}

/* Runs a client SELECT and collects every row. */
static apr_status_t select_clients(oauth2_store_t *store, const char *label,
                                   int nargs, const char **args,
                                   apr_array_header_t **clients,
                                   const char **error)
{
    *clients = apr_array_make(store->pool, 8, sizeof(oauth2_client_t *));
    return oauth2_store_rows(store, label, nargs, args, take_client, *clients,
                             error);
}

apr_status_t oauth2_store_client_insert(oauth2_store_t *store,
                                        const oauth2_client_t *c,
                                        const char **error)
{
    const char *args[] = {c->client_id,
                          c->name,
                          c->secret_hash,
                          c->redirect_uris ? c->redirect_uris : "",
                          c->grant_types ? c->grant_types : "",
                          c->scopes ? c->scopes : "",
                          c->introspect ? "1" : "0"};
    apr_array_header_t *inserted;
    apr_status_t rv;

    rv = select_clients(store, "oauth2_client_insert", 7, args, &inserted,
                        error);
    if (rv == APR_SUCCESS && inserted->nelts == 0) {
        *error = apr_psprintf(store->pool, "client_id '%s' already exists",
                              c->client_id);
        return APR_EEXIST;
    }
    return rv;
}

apr_status_t oauth2_store_client_get(oauth2_store_t *store,
                                     const char *client_id,
                                     oauth2_client_t **client,
                                     const char **error)
{
    apr_array_header_t *found;
    apr_status_t rv;

    rv = select_clients(store, "oauth2_client_get", 1, &client_id, &found,
                        error);
    if (rv != APR_SUCCESS) {
        return rv;
    }
    if (found->nelts == 0) {
        *error = "no such client";
        return APR_NOTFOUND;
    }
    *client = APR_ARRAY_IDX(found, 0, oauth2_client_t *);
    return APR_SUCCESS;
}

apr_status_t oauth2_store_client_list(oauth2_store_t *store,
                                      apr_array_header_t **clients,
                                      const char **error)
{
    return select_clients(store, "oauth2_client_list", 0, NULL, clients, error);
}

/* Runs a statement that must touch exactly the one client. */
static apr_status_t change_client(oauth2_store_t *store, const char *label,
                                  int nargs, const char **args,
                                  const char **error)
{
    int rows = 0;
    apr_status_t rv =
        oauth2_store_exec(store, label, &rows, error, nargs, args);

    if (rv == APR_SUCCESS && rows == 0) {
        *error = "no such client";
        return APR_NOTFOUND;
    }
    return rv;
}

apr_status_t oauth2_store_client_delete(oauth2_store_t *store,
                                        const char *client_id,
                                        const char **error)
{
    return change_client(store, "oauth2_client_delete", 1, &client_id, error);
}

apr_status_t oauth2_store_client_set_secret(oauth2_store_t *store,
                                            const char *client_id,
                                            const char *secret_hash,
                                            const char **error)
{
    const char *args[] = {secret_hash, client_id};

    return change_client(store, "oauth2_client_set_secret", 2, args, error);
}

/* A flag of oauth2_store_client_update as its statement takes it. */
static const char *flag_arg(int flag)
{
    return flag == OAUTH2_CLIENT_KEEP ? NULL : flag ? "1" : "0";
}

apr_status_t oauth2_store_client_update(oauth2_store_t *store,
                                        const char *client_id,
                                        const oauth2_client_t *changes,
                                        int disabled, int introspect,
                                        const char **error)
{
    const char *args[] = {client_id,
                          flag_arg(disabled),
                          flag_arg(disabled),
                          changes->redirect_uris,
                          changes->grant_types,
                          changes->scopes,
                          flag_arg(disabled),
                          flag_arg(introspect),
                          client_id};

    return change_client(store, "oauth2_client_update", 9, args, error);
}
