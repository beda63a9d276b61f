/* oauth2-admin: the database as a whole (init, purge). */
#include "admin.h"
#include "mod_oauth2/store/purge.h"
#include "mod_oauth2/store/schema_store.h"

#include <stdio.h>

int admin_cmd_init(admin_t *admin)
{
    const char *error = NULL;
    int from = 0, to = 0, rc;

    if ((rc = admin_store_open(admin)) != ADMIN_EXIT_OK) {
        return rc;
    }
    /* One transaction: on failure nothing was changed. */
    if (oauth2_store_schema_upgrade(admin->store, &from, &to, &error) !=
        APR_SUCCESS) {
        return admin_error(admin, ADMIN_EXIT_FAILURE,
                           "cannot upgrade the schema (nothing was "
                           "changed): %s",
                           error ? error : "database error");
    }
    if (to == from) {
        printf("schema already at version %d\n", to);
    }
    else {
        printf("schema at version %d (was %d)\n", to, from);
    }
    if (to > oauth2_store_schema_latest()) {
        admin_warn(admin,
                   "the database schema (version %d) is newer than this "
                   "build of " ADMIN_NAME " knows (version %d)",
                   to, oauth2_store_schema_latest());
    }
    return ADMIN_EXIT_OK;
}

typedef struct {
    int codes;
    int tokens;
} purge_counts_t;

static apr_status_t purge(oauth2_store_t *store, void *baton,
                          const char **error)
{
    purge_counts_t *n = baton;
    apr_status_t rv = oauth2_store_code_purge(store, &n->codes, error);

    if (rv != APR_SUCCESS) {
        return rv;
    }
    return oauth2_store_token_purge(store, &n->tokens, error);
}

int admin_cmd_purge(admin_t *admin)
{
    purge_counts_t n = {0, 0};
    const char *error = NULL;
    int rc;

    if ((rc = admin_store_open(admin)) != ADMIN_EXIT_OK) {
        return rc;
    }
    /* Both or neither: counts printed are counts committed. */
    if (oauth2_store_transaction(admin->store, purge, &n, &error) !=
        APR_SUCCESS) {
        return admin_store_error(admin, error);
    }
    printf("purged %d codes, %d tokens\n", n.codes, n.tokens);
    return ADMIN_EXIT_OK;
}
