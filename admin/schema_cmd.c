/* oauth2-admin: the database as a whole (init). */
#include "admin.h"
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
