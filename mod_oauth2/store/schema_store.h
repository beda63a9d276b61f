/* Creating and upgrading the schema (store/schema/NNN-*.sql). */
#ifndef OAUTH2_STORE_SCHEMA_H
#define OAUTH2_STORE_SCHEMA_H

#include "store.h"

typedef struct {
    int version;
    const char *sql;
} oauth2_store_migration_t;

/* Generated from store/schema/ at build time; ends with {0, NULL}. */
extern const oauth2_store_migration_t oauth2_store_migrations[];

/* The newest schema version this build knows. */
int oauth2_store_schema_latest(void);

/* Applies every migration newer than the database's version, each with
 * its version bump in one transaction, serialised against concurrent
 * runs. *from and *to receive the versions before and after. */
apr_status_t oauth2_store_schema_upgrade(oauth2_store_t *store, int *from,
                                         int *to, const char **error);

#endif
