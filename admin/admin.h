/* oauth2-admin: the command-line tool that creates the schema, registers
 * clients and purges expired rows. It holds no SQL: every statement is
 * the store's (mod_oauth2/store/), reached over APR DBD's pgsql driver. */
#ifndef OAUTH2_ADMIN_H
#define OAUTH2_ADMIN_H

#include "mod_oauth2/store/client_store.h"
#include "mod_oauth2/store/store.h"

#include <apr_pools.h>
#include <apr_tables.h>
#include <jansson.h>

#define ADMIN_NAME "oauth2-admin"

/* Exit codes: 2 means refused before the database was touched. */
#define ADMIN_EXIT_OK 0
#define ADMIN_EXIT_FAILURE 1
#define ADMIN_EXIT_USAGE 2

/* Command-line options, as bits of admin_t.given. */
#define ADMIN_OPT_DB (1u << 0)
#define ADMIN_OPT_ID (1u << 1)
#define ADMIN_OPT_PUBLIC (1u << 2)
#define ADMIN_OPT_REDIRECT_URI (1u << 3)
#define ADMIN_OPT_GRANT (1u << 4)
#define ADMIN_OPT_SCOPE (1u << 5)
#define ADMIN_OPT_JSON (1u << 6)
#define ADMIN_OPT_DISABLE (1u << 7)
#define ADMIN_OPT_ENABLE (1u << 8)
#define ADMIN_OPT_NO_REDIRECT_URIS (1u << 9)
#define ADMIN_OPT_NO_SCOPES (1u << 10)
#define ADMIN_OPT_HELP (1u << 11)
#define ADMIN_OPT_VERSION (1u << 12)
#define ADMIN_OPT_INTROSPECT (1u << 13)
#define ADMIN_OPT_NO_INTROSPECT (1u << 14)
#define ADMIN_OPT_BATCH_SIZE (1u << 15)
#define ADMIN_OPT_PAUSE (1u << 16)

/* Everything one run knows; main owns it, commands receive it. */
typedef struct {
    apr_pool_t *pool;                  /* the run's only pool */
    const char *conninfo;              /* --db, else $OAUTH2_DB */
    apr_array_header_t *args;          /* operands after the command */
    const char *id;                    /* --id */
    apr_array_header_t *redirect_uris; /* --redirect-uri values */
    apr_array_header_t *grants;        /* --grant values */
    apr_array_header_t *scopes;        /* --scope values */
    const char *batch_size;            /* --batch-size, checked by purge */
    const char *pause;                 /* --pause, checked by purge */
    unsigned int given;                /* ADMIN_OPT_* seen */
    oauth2_store_t *store;             /* opened by admin_store_open */
} admin_t;

typedef int (*admin_command_fn)(admin_t *admin);

/* main.c */
int admin_store_open(admin_t *admin);
int admin_cmd_help(admin_t *admin);

/* schema_cmd.c */
int admin_cmd_init(admin_t *admin);

/* purge_cmd.c */
int admin_cmd_purge(admin_t *admin);

/* client_cmd.c */
int admin_cmd_client_add(admin_t *admin);
int admin_cmd_client_list(admin_t *admin);
int admin_cmd_client_show(admin_t *admin);
int admin_cmd_client_rm(admin_t *admin);
int admin_cmd_client_rotate_secret(admin_t *admin);
int admin_cmd_client_set(admin_t *admin);

/* output.c */

/* Prints "oauth2-admin: <message>" as one line on stderr and returns
 * code, so that callers can write `return admin_error(...)`. */
int admin_error(admin_t *admin, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prints "oauth2-admin: warning: <message>" as one line on stderr. */
void admin_warn(admin_t *admin, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Reports a store failure (a runtime failure: exit code 1), with a hint
 * when the schema is missing. */
int admin_store_error(admin_t *admin, const char *error);

/* Prints a JSON value on stdout and releases it. */
int admin_json_print(admin_t *admin, json_t *value);

/* A client as the JSON object of `client show --json`. */
json_t *admin_client_json(admin_t *admin, const oauth2_client_t *client);

/* A client as the lines of `client show`. */
void admin_client_print(const oauth2_client_t *client);

/* Clients (oauth2_client_t *) as the aligned lines of `client list`. */
void admin_client_print_lines(const apr_array_header_t *clients);

/* Prints a newly generated client secret (once), as JSON or as text;
 * secret is NULL for a public client. */
int admin_secret_print(admin_t *admin, const char *client_id,
                       const char *secret);

/* Whether text is valid UTF-8 (JSON output needs it). */
int admin_utf8_valid(const char *text);

#endif
