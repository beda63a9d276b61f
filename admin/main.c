/* oauth2-admin: argument parsing and command dispatch.
 *
 * Options may come before or after the command words; each command
 * declares which options it accepts and whether it takes an operand, so
 * adding a command is one line in admin_commands[]. */
#include "oauth2_config.h"

#include "admin.h"
#include "mod_oauth2/core/grant.h"
#include "mod_oauth2/store/schema_store.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <apr_general.h>
#include <apr_strings.h>

typedef struct {
    const char *name;
    unsigned int bit;
    int has_value;
} admin_option_t;

static const admin_option_t admin_options[] = {
    {"--db", ADMIN_OPT_DB, 1},
    {"--id", ADMIN_OPT_ID, 1},
    {"--public", ADMIN_OPT_PUBLIC, 0},
    {"--redirect-uri", ADMIN_OPT_REDIRECT_URI, 1},
    {"--grant", ADMIN_OPT_GRANT, 1},
    {"--scope", ADMIN_OPT_SCOPE, 1},
    {"--json", ADMIN_OPT_JSON, 0},
    {"--disable", ADMIN_OPT_DISABLE, 0},
    {"--enable", ADMIN_OPT_ENABLE, 0},
    {"--no-redirect-uris", ADMIN_OPT_NO_REDIRECT_URIS, 0},
    {"--no-scopes", ADMIN_OPT_NO_SCOPES, 0},
    {"--introspect", ADMIN_OPT_INTROSPECT, 0},
    {"--no-introspect", ADMIN_OPT_NO_INTROSPECT, 0},
    {"--help", ADMIN_OPT_HELP, 0},
    {"-h", ADMIN_OPT_HELP, 0},
    {"--version", ADMIN_OPT_VERSION, 0},
    {"--batch-size", ADMIN_OPT_BATCH_SIZE, 1},
    {"--pause", ADMIN_OPT_PAUSE, 1},
    {NULL, 0, 0}};

/* Accepted by every command. */
#define ADMIN_OPTS_ALWAYS (ADMIN_OPT_DB | ADMIN_OPT_HELP | ADMIN_OPT_VERSION)
#define ADMIN_OPTS_LISTS                                                       \
    (ADMIN_OPT_REDIRECT_URI | ADMIN_OPT_GRANT | ADMIN_OPT_SCOPE)

typedef struct {
    const char *name; /* one or two words: "init", "client add" */
    admin_command_fn fn;
    unsigned int options; /* ADMIN_OPT_* accepted besides the usual ones */
    const char *operand;  /* the one operand ("NAME", "ID"), or NULL */
    int needs_db;
    const char *synopsis; /* the options, for the usage text */
    const char *summary;
} admin_command_t;

static const admin_command_t admin_commands[] = {
    {"init", admin_cmd_init, 0, NULL, 1, "",
     "create the schema, or upgrade it to this version (idempotent)"},
    {"client add", admin_cmd_client_add,
     ADMIN_OPT_ID | ADMIN_OPT_PUBLIC | ADMIN_OPTS_LISTS | ADMIN_OPT_JSON |
         ADMIN_OPT_INTROSPECT,
     "NAME", 1,
     "[--id ID] [--public] [--redirect-uri URI]...\n"
     "                 [--grant TYPE]... [--scope SCOPE]... [--introspect]\n"
     "                 [--json]",
     "register a client; a confidential client's secret is shown once"},
    {"client list", admin_cmd_client_list, ADMIN_OPT_JSON, NULL, 1, "[--json]",
     "list the registered clients"},
    {"client show", admin_cmd_client_show, ADMIN_OPT_JSON, "ID", 1, "[--json]",
     "show one client"},
    {"client rm", admin_cmd_client_rm, 0, "ID", 1, "",
     "delete a client with its codes, tokens and consents"},
    {"client rotate-secret", admin_cmd_client_rotate_secret, ADMIN_OPT_JSON,
     "ID", 1, "[--json]",
     "give a confidential client a new secret, shown once"},
    {"client set", admin_cmd_client_set,
     ADMIN_OPTS_LISTS | ADMIN_OPT_DISABLE | ADMIN_OPT_ENABLE |
         ADMIN_OPT_NO_REDIRECT_URIS | ADMIN_OPT_NO_SCOPES |
         ADMIN_OPT_INTROSPECT | ADMIN_OPT_NO_INTROSPECT,
     "ID", 1,
     "[--redirect-uri URI]... [--no-redirect-uris]\n"
     "                 [--grant TYPE]... [--scope SCOPE]... [--no-scopes]\n"
     "                 [--introspect | --no-introspect]\n"
     "                 [--disable | --enable]",
     "replace the lists given (repeat a flag for several values)"},
    {"purge", admin_cmd_purge, ADMIN_OPT_BATCH_SIZE | ADMIN_OPT_PAUSE, NULL, 1,
     "[--batch-size ROWS] [--pause SECONDS]",
     "delete expired authorization codes and tokens, in batches of\n"
     "      ROWS (default 10000), each its own transaction, SECONDS apart"},
    {"help", admin_cmd_help, 0, NULL, 0, "", "show this help"},
    {NULL, NULL, 0, NULL, 0, NULL, NULL}};

static void usage(FILE *out)
{
    const admin_command_t *c;

    fprintf(out, "Usage: " ADMIN_NAME " [--db CONNINFO] COMMAND [ARGUMENTS]"
                 "\n\nCommands:\n");
    for (c = admin_commands; c->name; c++) {
        fprintf(out, "  %s%s%s%s%s\n      %s\n", c->name, c->operand ? " " : "",
                c->operand ? c->operand : "", *c->synopsis ? " " : "",
                c->synopsis, c->summary);
    }
    fprintf(out,
            "\nOptions:\n"
            "  --db CONNINFO   libpq connection string, such as\n"
            "                  \"host=127.0.0.1 dbname=oauth2 user=oauth2\"\n"
            "                  (default: $OAUTH2_DB)\n"
            "  --json          print JSON on stdout instead of text\n"
            "  --introspect    the client may introspect other clients'\n"
            "                  access tokens (RFC 7662; confidential only)\n"
            "  --disable       refuse the client and revoke its tokens and\n"
            "                  codes (--enable brings none of them back)\n"
            "  --help, -h      show this help\n"
            "  --version       show the version\n"
            "\nGrant types (--grant):\n  %s\n"
            "  default: authorization_code refresh_token, and "
            "client_credentials for a\n  confidential client\n"
            "\nExit status: 0 success, 1 runtime or database error, "
            "2 usage error.\n",
            oauth2_grants_known());
}

int admin_cmd_help(admin_t *admin)
{
    usage(stdout);
    return ADMIN_EXIT_OK;
}

static int version(void)
{
    printf(ADMIN_NAME " (" PACKAGE_NAME ") " PACKAGE_VERSION
                      ", schema version %d\n",
           oauth2_store_schema_latest());
    return ADMIN_EXIT_OK;
}

int admin_store_open(admin_t *admin)
{
    const char *error = NULL;

    if (admin->store) {
        return ADMIN_EXIT_OK;
    }
    if (oauth2_store_open(admin->pool, admin->conninfo, &admin->store,
                          &error) != APR_SUCCESS) {
        admin->store = NULL;
        return admin_error(admin, ADMIN_EXIT_FAILURE,
                           "cannot open the database: %s",
                           error ? error : "unknown error");
    }
    return ADMIN_EXIT_OK;
}

/* "--name" or "--name=value"; *value is NULL without '='. */
static const admin_option_t *option_find(const char *arg, const char **value)
{
    const admin_option_t *o;
    apr_size_t len = strcspn(arg, "=");

    for (o = admin_options; o->name; o++) {
        if (strlen(o->name) == len && !strncmp(arg, o->name, len)) {
            *value = arg[len] ? arg + len + 1 : NULL;
            return o;
        }
    }
    return NULL;
}

static void option_store(admin_t *admin, unsigned int bit, const char *value)
{
    switch (bit) {
    case ADMIN_OPT_DB:
        admin->conninfo = value;
        break;
    case ADMIN_OPT_ID:
        admin->id = value;
        break;
    case ADMIN_OPT_REDIRECT_URI:
        APR_ARRAY_PUSH(admin->redirect_uris, const char *) = value;
        break;
    case ADMIN_OPT_GRANT:
        APR_ARRAY_PUSH(admin->grants, const char *) = value;
        break;
    case ADMIN_OPT_SCOPE:
        APR_ARRAY_PUSH(admin->scopes, const char *) = value;
        break;
    case ADMIN_OPT_BATCH_SIZE:
        admin->batch_size = value;
        break;
    case ADMIN_OPT_PAUSE:
        admin->pause = value;
        break;
    }
}

/* Sorts argv into options (into admin) and words; "--" ends options. */
static int parse_argv(admin_t *admin, int argc, const char *const *argv,
                      apr_array_header_t *words)
{
    const admin_option_t *o;
    const char *value;
    int i, options_done = 0;

    for (i = 1; i < argc; i++) {
        if (options_done || argv[i][0] != '-' || !argv[i][1]) {
            APR_ARRAY_PUSH(words, const char *) = argv[i];
            continue;
        }
        if (!strcmp(argv[i], "--")) {
            options_done = 1;
            continue;
        }
        if (!(o = option_find(argv[i], &value))) {
            return admin_error(
                admin, ADMIN_EXIT_USAGE,
                "unknown option '%s' (try '" ADMIN_NAME " --help')", argv[i]);
        }
        if (o->has_value && !value) {
            if (i + 1 >= argc) {
                return admin_error(admin, ADMIN_EXIT_USAGE,
                                   "option %s needs a value", o->name);
            }
            value = argv[++i];
        }
        else if (!o->has_value && value) {
            return admin_error(admin, ADMIN_EXIT_USAGE,
                               "option %s takes no value", o->name);
        }
        admin->given |= o->bit;
        option_store(admin, o->bit, value);
    }
    return ADMIN_EXIT_OK;
}

/* The command named by the first one or two words; *used = how many. */
static const admin_command_t *
command_find(admin_t *admin, const apr_array_header_t *words, int *used)
{
    const char **w = (const char **)words->elts;
    const admin_command_t *c;

    for (c = admin_commands; c->name; c++) {
        int n = strchr(c->name, ' ') ? 2 : 1;

        if (words->nelts >= n &&
            !strcmp(c->name,
                    n == 1 ? w[0]
                           : apr_pstrcat(admin->pool, w[0], " ", w[1], NULL))) {
            *used = n;
            return c;
        }
    }
    return NULL;
}

static int command_unknown(admin_t *admin, const apr_array_header_t *words)
{
    const char **w = (const char **)words->elts;
    const admin_command_t *c;
    const char *known = NULL;
    apr_size_t len;

    if (words->nelts == 0) {
        return admin_error(admin, ADMIN_EXIT_USAGE,
                           "no command given (try '" ADMIN_NAME " --help')");
    }
    len = strlen(w[0]);
    for (c = admin_commands; c->name; c++) {
        if (!strncmp(c->name, w[0], len) && c->name[len] == ' ') {
            known = apr_pstrcat(admin->pool, known ? known : "",
                                known ? " " : "", c->name + len + 1, NULL);
        }
    }
    if (known && words->nelts == 1) {
        return admin_error(admin, ADMIN_EXIT_USAGE,
                           "'%s' needs a subcommand: %s", w[0], known);
    }
    if (known) {
        return admin_error(admin, ADMIN_EXIT_USAGE,
                           "unknown %s command '%s' (known: %s)", w[0], w[1],
                           known);
    }
    return admin_error(admin, ADMIN_EXIT_USAGE,
                       "unknown command '%s' (try '" ADMIN_NAME " --help')",
                       w[0]);
}

/* Refuses options the command does not take and a wrong operand count. */
static int command_check(admin_t *admin, const admin_command_t *cmd)
{
    unsigned int extra = admin->given & ~(cmd->options | ADMIN_OPTS_ALWAYS);
    const admin_option_t *o;
    int wanted = cmd->operand ? 1 : 0;

    if (extra) {
        for (o = admin_options; !(o->bit & extra); o++) {
        }
        return admin_error(admin, ADMIN_EXIT_USAGE,
                           "option %s does not apply to '%s'", o->name,
                           cmd->name);
    }
    if (admin->args->nelts < wanted) {
        return admin_error(admin, ADMIN_EXIT_USAGE, "'%s' needs %s", cmd->name,
                           cmd->operand);
    }
    if (admin->args->nelts > wanted) {
        return admin_error(admin, ADMIN_EXIT_USAGE,
                           "'%s': unexpected argument '%s'", cmd->name,
                           APR_ARRAY_IDX(admin->args, wanted, const char *));
    }
    return ADMIN_EXIT_OK;
}

/* The operands: the words after the command's name. */
static apr_array_header_t *operands(apr_pool_t *pool,
                                    const apr_array_header_t *words, int used)
{
    apr_array_header_t *args = apr_array_make(pool, 2, sizeof(const char *));
    int i;

    for (i = used; i < words->nelts; i++) {
        APR_ARRAY_PUSH(args, const char *) =
            APR_ARRAY_IDX(words, i, const char *);
    }
    return args;
}

static int run(admin_t *admin, int argc, const char *const *argv)
{
    apr_array_header_t *words;
    const admin_command_t *cmd;
    int rc, used = 0;

    words = apr_array_make(admin->pool, 4, sizeof(const char *));
    if ((rc = parse_argv(admin, argc, argv, words)) != ADMIN_EXIT_OK) {
        return rc;
    }
    if (admin->given & ADMIN_OPT_HELP) {
        return admin_cmd_help(admin);
    }
    if (admin->given & ADMIN_OPT_VERSION) {
        return version();
    }
    if (!(cmd = command_find(admin, words, &used))) {
        return command_unknown(admin, words);
    }
    admin->args = operands(admin->pool, words, used);
    if ((rc = command_check(admin, cmd)) != ADMIN_EXIT_OK) {
        return rc;
    }
    if (!admin->conninfo) {
        admin->conninfo = getenv("OAUTH2_DB");
    }
    if (cmd->needs_db && (!admin->conninfo || !*admin->conninfo)) {
        return admin_error(admin, ADMIN_EXIT_USAGE,
                           "no database: give --db CONNINFO or set "
                           "OAUTH2_DB");
    }
    return cmd->fn(admin);
}

/* A closed stdin, stdout or stderr would be taken by the database
 * socket, and what we print would go to PostgreSQL: fill them with
 * /dev/null, and refuse to run without a stdout (a new secret would be
 * lost). */
static int std_fds_check(void)
{
    int fd, stdout_closed = fcntl(STDOUT_FILENO, F_GETFD) == -1;

    for (fd = 0; fd <= STDERR_FILENO; fd++) {
        if (fcntl(fd, F_GETFD) == -1 && open("/dev/null", O_RDWR) != fd) {
            return -1;
        }
    }
    if (stdout_closed) {
        fprintf(stderr, ADMIN_NAME ": standard output is closed\n");
        return -1;
    }
    return 0;
}

int main(int argc, const char *const *argv)
{
    apr_pool_t *pool;
    admin_t admin;
    int rc;

    if (std_fds_check() != 0) {
        return ADMIN_EXIT_FAILURE;
    }
    if (apr_app_initialize(&argc, &argv, NULL) != APR_SUCCESS ||
        apr_pool_create(&pool, NULL) != APR_SUCCESS) {
        fprintf(stderr, ADMIN_NAME ": cannot initialise APR\n");
        return ADMIN_EXIT_FAILURE;
    }
    memset(&admin, 0, sizeof(admin));
    admin.pool = pool;
    admin.redirect_uris = apr_array_make(pool, 2, sizeof(const char *));
    admin.grants = apr_array_make(pool, 2, sizeof(const char *));
    admin.scopes = apr_array_make(pool, 2, sizeof(const char *));
    rc = run(&admin, argc, argv);
    if ((fflush(stdout) != 0 || ferror(stdout)) && rc == ADMIN_EXIT_OK) {
        rc = admin_error(&admin, ADMIN_EXIT_FAILURE,
                         "cannot write to standard output");
    }
    /* Closes the database connection and wipes generated secrets. */
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
