/* oauth2-admin: the client commands (add, list, show, rm, rotate-secret,
 * set). Arguments are checked before the database is touched (exit code
 * 2); every change is one store call, so a failure changes nothing. */
#include "admin.h"
#include "mod_oauth2/core/digest.h"
#include "mod_oauth2/core/grant.h"
#include "mod_oauth2/core/random.h"
#include "mod_oauth2/core/redirect.h"
#include "mod_oauth2/core/scope.h"

#include <stdio.h>
#include <string.h>

#include <apr_strings.h>
#include <openssl/crypto.h>

#define CLIENT_ID_MAX 128
#define CLIENT_NAME_MAX 255
/* A generated client_id: 128 bits, base64url (22 characters). */
#define CLIENT_ID_BYTES 16

#define GRANTS_PUBLIC                                                          \
    (OAUTH2_GRANT_AUTHORIZATION_CODE | OAUTH2_GRANT_REFRESH_TOKEN)
#define GRANTS_CONFIDENTIAL (GRANTS_PUBLIC | OAUTH2_GRANT_CLIENT_CREDENTIALS)
#define GRANTS_REDIRECTING                                                     \
    (OAUTH2_GRANT_AUTHORIZATION_CODE | OAUTH2_GRANT_IMPLICIT)

/* The list options, checked, in the store's space-separated form. NULL
 * (or 0 grants) means the option was not given. */
typedef struct {
    const char *redirect_uris;
    const char *scopes;
    unsigned int grants;
} client_lists_t;

#define OPERAND(admin) APR_ARRAY_IDX((admin)->args, 0, const char *)

static int client_failed(admin_t *admin, const char *client_id, apr_status_t rv,
                         const char *error)
{
    if (rv == APR_NOTFOUND) {
        return admin_error(admin, ADMIN_EXIT_FAILURE, "no such client '%s'",
                           client_id);
    }
    return admin_store_error(admin, error);
}

/* RFC 6749 §2.3.1: the client_id is the user name of HTTP Basic, which
 * ends at the first ':'. */
static const char *client_id_check(const char *id)
{
    const unsigned char *p;

    if (!*id || strlen(id) > CLIENT_ID_MAX) {
        return "must be 1 to 128 characters";
    }
    for (p = (const unsigned char *)id; *p; p++) {
        if (*p < 0x21 || *p > 0x7e) {
            return "must be printable ASCII without spaces";
        }
        if (*p == ':') {
            return "must not contain ':' (HTTP Basic authentication "
                   "separates it from the secret with ':')";
        }
    }
    return NULL;
}

static const char *client_name_check(const char *name)
{
    const unsigned char *p;

    if (!*name || strlen(name) > CLIENT_NAME_MAX) {
        return "must be 1 to 255 bytes";
    }
    for (p = (const unsigned char *)name; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            return "must not contain control characters";
        }
    }
    return admin_utf8_valid(name) ? NULL : "must be valid UTF-8";
}

static void push_unique(apr_array_header_t *words, const char *word)
{
    int i;

    for (i = 0; i < words->nelts; i++) {
        if (!strcmp(APR_ARRAY_IDX(words, i, const char *), word)) {
            return;
        }
    }
    APR_ARRAY_PUSH(words, const char *) = word;
}

/* Redirect URIs are matched by string equality (but for the port of a
 * loopback one), so they are stored as given; their form and scheme are
 * checked (RFC 6749 §3.1.2, RFC 9700 §2.1, RFC 8252). */
static int redirect_uris_arg(admin_t *admin, const char **list)
{
    apr_array_header_t *uris = apr_array_make(admin->pool, 4, sizeof(char *));
    const char *uri, *why;
    int i;

    for (i = 0; i < admin->redirect_uris->nelts; i++) {
        uri = APR_ARRAY_IDX(admin->redirect_uris, i, const char *);
        why = oauth2_redirect_uri_check(admin->pool, uri);
        if (!why && !admin_utf8_valid(uri)) {
            why = "must be valid UTF-8";
        }
        if (why) {
            return admin_error(admin, ADMIN_EXIT_USAGE, "redirect URI '%s' %s",
                               uri, why);
        }
        push_unique(uris, uri);
    }
    *list = NULL;
    if (admin->given & ADMIN_OPT_NO_REDIRECT_URIS) {
        *list = "";
    }
    else if (uris->nelts) {
        *list = apr_array_pstrcat(admin->pool, uris, ' ');
    }
    return ADMIN_EXIT_OK;
}

static int grants_arg(admin_t *admin, unsigned int *grants)
{
    const char *name;
    unsigned int bit;
    int i;

    *grants = 0;
    for (i = 0; i < admin->grants->nelts; i++) {
        name = APR_ARRAY_IDX(admin->grants, i, const char *);
        if (!(bit = oauth2_grant_from_name(name))) {
            return admin_error(admin, ADMIN_EXIT_USAGE,
                               "unknown grant type '%s' (known: %s)", name,
                               oauth2_grants_known());
        }
        *grants |= bit;
    }
    return ADMIN_EXIT_OK;
}

static int scopes_arg(admin_t *admin, const char **list)
{
    apr_array_header_t *scopes = apr_array_make(admin->pool, 4, sizeof(char *));
    const char *scope;
    int i;

    for (i = 0; i < admin->scopes->nelts; i++) {
        scope = APR_ARRAY_IDX(admin->scopes, i, const char *);
        if (!oauth2_scope_token_valid(scope)) {
            return admin_error(admin, ADMIN_EXIT_USAGE,
                               "invalid scope '%s' (RFC 6749 §3.3: "
                               "printable ASCII except space, '\"' and "
                               "'\\'; repeat --scope for several scopes)",
                               scope);
        }
        push_unique(scopes, scope);
    }
    *list = NULL;
    if (admin->given & ADMIN_OPT_NO_SCOPES) {
        *list = "";
    }
    else if (scopes->nelts) {
        *list = apr_array_pstrcat(admin->pool, scopes, ' ');
    }
    return ADMIN_EXIT_OK;
}

static int lists_arg(admin_t *admin, client_lists_t *lists)
{
    int rc;

    if ((rc = redirect_uris_arg(admin, &lists->redirect_uris)) ||
        (rc = grants_arg(admin, &lists->grants)) ||
        (rc = scopes_arg(admin, &lists->scopes))) {
        return rc;
    }
    return ADMIN_EXIT_OK;
}

/* RFC 6749 §4.4: client credentials are for confidential clients only;
 * and a public client is not trusted with owners' passwords (§4.3). */
static const char *public_grants_check(unsigned int grants)
{
    if (grants & OAUTH2_GRANT_CLIENT_CREDENTIALS) {
        return "a public client cannot have the client_credentials grant";
    }
    if (grants & OAUTH2_GRANT_PASSWORD) {
        return "a public client cannot have the password grant";
    }
    return NULL;
}

/* RFC 7662 §2.1: the introspection endpoint authenticates its callers,
 * and a public client has nothing to authenticate with. */
static const char *public_introspect_check(unsigned int given)
{
    return (given & ADMIN_OPT_INTROSPECT)
               ? "a public client cannot introspect tokens (it has no "
                 "secret to authenticate with)"
               : NULL;
}

/* Allowed (the URIs may be set later), but worth a word. */
static void redirect_warning(admin_t *admin, const char *client_id,
                             unsigned int grants, const char *redirect_uris)
{
    if ((grants & GRANTS_REDIRECTING) && (!redirect_uris || !*redirect_uris)) {
        admin_warn(admin,
                   "client '%s' has no redirect URI, so it cannot use the "
                   "authorization_code or implicit grant until one is set "
                   "(client set %s --redirect-uri URI)",
                   client_id, client_id);
    }
}

static apr_status_t secret_wipe(void *secret)
{
    OPENSSL_cleanse(secret, strlen(secret));
    return APR_SUCCESS;
}

/* A new 256-bit secret, wiped with the pool; only its hash is stored. */
static int secret_new(admin_t *admin, char **secret, const char **hash)
{
    if (oauth2_random_token(admin->pool, OAUTH2_TOKEN_BYTES, secret) !=
        APR_SUCCESS) {
        return admin_error(admin, ADMIN_EXIT_FAILURE,
                           "the random number generator failed");
    }
    apr_pool_cleanup_register(admin->pool, *secret, secret_wipe,
                              apr_pool_cleanup_null);
    *hash = oauth2_sha256_hex(admin->pool, *secret);
    return ADMIN_EXIT_OK;
}

static int client_id_arg(admin_t *admin, const char **client_id)
{
    const char *why;
    char *generated;

    if (admin->id) {
        if ((why = client_id_check(admin->id))) {
            return admin_error(admin, ADMIN_EXIT_USAGE, "client id '%s' %s",
                               admin->id, why);
        }
        *client_id = admin->id;
        return ADMIN_EXIT_OK;
    }
    /* An id starting with '-' would read as an option on the command
     * line of later commands: draw again. */
    do {
        if (oauth2_random_token(admin->pool, CLIENT_ID_BYTES, &generated) !=
            APR_SUCCESS) {
            return admin_error(admin, ADMIN_EXIT_FAILURE,
                               "the random number generator failed");
        }
    } while (*generated == '-');
    *client_id = generated;
    return ADMIN_EXIT_OK;
}

int admin_cmd_client_add(admin_t *admin)
{
    oauth2_client_t client;
    client_lists_t lists;
    const char *why, *error = NULL;
    char *secret = NULL;
    int is_public = (admin->given & ADMIN_OPT_PUBLIC) != 0, rc;
    apr_status_t rv;

    memset(&client, 0, sizeof(client));
    client.name = OPERAND(admin);
    if ((why = client_name_check(client.name))) {
        return admin_error(admin, ADMIN_EXIT_USAGE, "client name %s", why);
    }
    if ((rc = client_id_arg(admin, &client.client_id)) ||
        (rc = lists_arg(admin, &lists))) {
        return rc;
    }
    if (!lists.grants) {
        lists.grants = is_public ? GRANTS_PUBLIC : GRANTS_CONFIDENTIAL;
    }
    if (is_public && ((why = public_grants_check(lists.grants)) ||
                      (why = public_introspect_check(admin->given)))) {
        return admin_error(admin, ADMIN_EXIT_USAGE, "%s", why);
    }
    client.introspect = (admin->given & ADMIN_OPT_INTROSPECT) != 0;
    client.grant_types = oauth2_grants_format(admin->pool, lists.grants);
    client.redirect_uris = lists.redirect_uris;
    client.scopes = lists.scopes;
    if (!is_public && (rc = secret_new(admin, &secret, &client.secret_hash))) {
        return rc;
    }
    if ((rc = admin_store_open(admin)) != ADMIN_EXIT_OK) {
        return rc;
    }
    rv = oauth2_store_client_insert(admin->store, &client, &error);
    if (rv != APR_SUCCESS) {
        return client_failed(admin, client.client_id, rv, error);
    }
    redirect_warning(admin, client.client_id, lists.grants,
                     client.redirect_uris);
    return admin_secret_print(admin, client.client_id, secret);
}

int admin_cmd_client_list(admin_t *admin)
{
    apr_array_header_t *clients;
    const char *error = NULL;
    json_t *array;
    int i, rc;

    if ((rc = admin_store_open(admin)) != ADMIN_EXIT_OK) {
        return rc;
    }
    if (oauth2_store_client_list(admin->store, &clients, &error) !=
        APR_SUCCESS) {
        return admin_store_error(admin, error);
    }
    if (!(admin->given & ADMIN_OPT_JSON)) {
        admin_client_print_lines(clients);
        return ADMIN_EXIT_OK;
    }
    array = json_array();
    for (i = 0; i < clients->nelts; i++) {
        json_array_append_new(
            array, admin_client_json(
                       admin, APR_ARRAY_IDX(clients, i, oauth2_client_t *)));
    }
    return admin_json_print(admin, array);
}

/* URIs registered before today's rules keep working (exact match); show
 * names them so that they can be replaced. */
static void stored_redirect_warnings(admin_t *admin,
                                     const oauth2_client_t *client)
{
    char *copy = apr_pstrdup(
             admin->pool, client->redirect_uris ? client->redirect_uris : ""),
         *last;
    const char *uri, *why;

    for (uri = apr_strtok(copy, " ", &last); uri;
         uri = apr_strtok(NULL, " ", &last)) {
        if ((why = oauth2_redirect_uri_check(admin->pool, uri))) {
            admin_warn(admin,
                       "redirect URI '%s' %s; it still works, but it would "
                       "be refused if registered now (replace it with "
                       "client set %s --redirect-uri URI)",
                       uri, why, client->client_id);
        }
    }
}

int admin_cmd_client_show(admin_t *admin)
{
    oauth2_client_t *client;
    const char *error = NULL;
    apr_status_t rv;
    int rc;

    if ((rc = admin_store_open(admin)) != ADMIN_EXIT_OK) {
        return rc;
    }
    rv = oauth2_store_client_get(admin->store, OPERAND(admin), &client, &error);
    if (rv != APR_SUCCESS) {
        return client_failed(admin, OPERAND(admin), rv, error);
    }
    stored_redirect_warnings(admin, client);
    if (admin->given & ADMIN_OPT_JSON) {
        return admin_json_print(admin, admin_client_json(admin, client));
    }
    admin_client_print(client);
    return ADMIN_EXIT_OK;
}

int admin_cmd_client_rm(admin_t *admin)
{
    const char *error = NULL;
    apr_status_t rv;
    int rc;

    if ((rc = admin_store_open(admin)) != ADMIN_EXIT_OK) {
        return rc;
    }
    rv = oauth2_store_client_delete(admin->store, OPERAND(admin), &error);
    if (rv != APR_SUCCESS) {
        return client_failed(admin, OPERAND(admin), rv, error);
    }
    printf("deleted client %s\n", OPERAND(admin));
    return ADMIN_EXIT_OK;
}

int admin_cmd_client_rotate_secret(admin_t *admin)
{
    const char *id = OPERAND(admin), *hash, *error = NULL;
    oauth2_client_t *client;
    char *secret;
    apr_status_t rv;
    int rc;

    if ((rc = admin_store_open(admin)) != ADMIN_EXIT_OK) {
        return rc;
    }
    rv = oauth2_store_client_get(admin->store, id, &client, &error);
    if (rv != APR_SUCCESS) {
        return client_failed(admin, id, rv, error);
    }
    if (!client->secret_hash) {
        return admin_error(admin, ADMIN_EXIT_FAILURE,
                           "client '%s' is public: it has no secret", id);
    }
    if ((rc = secret_new(admin, &secret, &hash)) != ADMIN_EXIT_OK) {
        return rc;
    }
    rv = oauth2_store_client_set_secret(admin->store, id, hash, &error);
    if (rv != APR_SUCCESS) {
        return client_failed(admin, id, rv, error);
    }
    return admin_secret_print(admin, id, secret);
}

/* A pair of opposite flags as the store takes it: 1, 0 or
 * OAUTH2_CLIENT_KEEP. */
static int flag_pair(unsigned int given, unsigned int on, unsigned int off)
{
    return (given & on) ? 1 : (given & off) ? 0 : OAUTH2_CLIENT_KEEP;
}

/* The flags of `client set` that do not combine; *disabled and
 * *introspect as the store takes them. */
static int set_flags_check(admin_t *admin, int *disabled, int *introspect)
{
    unsigned int g = admin->given;

    if ((g & ADMIN_OPT_DISABLE) && (g & ADMIN_OPT_ENABLE)) {
        return admin_error(admin, ADMIN_EXIT_USAGE,
                           "--disable and --enable exclude each other");
    }
    if ((g & ADMIN_OPT_INTROSPECT) && (g & ADMIN_OPT_NO_INTROSPECT)) {
        return admin_error(admin, ADMIN_EXIT_USAGE,
                           "--introspect and --no-introspect exclude each "
                           "other");
    }
    if ((g & ADMIN_OPT_REDIRECT_URI) && (g & ADMIN_OPT_NO_REDIRECT_URIS)) {
        return admin_error(admin, ADMIN_EXIT_USAGE,
                           "--redirect-uri and --no-redirect-uris exclude "
                           "each other");
    }
    if ((g & ADMIN_OPT_SCOPE) && (g & ADMIN_OPT_NO_SCOPES)) {
        return admin_error(admin, ADMIN_EXIT_USAGE,
                           "--scope and --no-scopes exclude each other");
    }
    if (!(g & (ADMIN_OPT_REDIRECT_URI | ADMIN_OPT_GRANT | ADMIN_OPT_SCOPE |
               ADMIN_OPT_DISABLE | ADMIN_OPT_ENABLE |
               ADMIN_OPT_NO_REDIRECT_URIS | ADMIN_OPT_NO_SCOPES |
               ADMIN_OPT_INTROSPECT | ADMIN_OPT_NO_INTROSPECT))) {
        return admin_error(admin, ADMIN_EXIT_USAGE,
                           "nothing to change (see '" ADMIN_NAME " --help')");
    }
    *disabled = flag_pair(g, ADMIN_OPT_DISABLE, ADMIN_OPT_ENABLE);
    *introspect = flag_pair(g, ADMIN_OPT_INTROSPECT, ADMIN_OPT_NO_INTROSPECT);
    return ADMIN_EXIT_OK;
}

int admin_cmd_client_set(admin_t *admin)
{
    const char *id = OPERAND(admin), *why, *error = NULL;
    oauth2_client_t changes, *client;
    client_lists_t lists;
    unsigned int grants;
    int disabled = OAUTH2_CLIENT_KEEP, introspect = OAUTH2_CLIENT_KEEP, rc;
    apr_status_t rv;

    if ((rc = set_flags_check(admin, &disabled, &introspect)) ||
        (rc = lists_arg(admin, &lists)) || (rc = admin_store_open(admin))) {
        return rc;
    }
    rv = oauth2_store_client_get(admin->store, id, &client, &error);
    if (rv != APR_SUCCESS) {
        return client_failed(admin, id, rv, error);
    }
    if (!client->secret_hash &&
        ((why = public_grants_check(lists.grants)) ||
         (why = public_introspect_check(admin->given)))) {
        return admin_error(admin, ADMIN_EXIT_FAILURE, "client '%s': %s", id,
                           why);
    }
    memset(&changes, 0, sizeof(changes));
    changes.redirect_uris = lists.redirect_uris;
    changes.scopes = lists.scopes;
    if (lists.grants) {
        changes.grant_types = oauth2_grants_format(admin->pool, lists.grants);
    }
    rv = oauth2_store_client_update(admin->store, id, &changes, disabled,
                                    introspect, &error);
    if (rv != APR_SUCCESS) {
        return client_failed(admin, id, rv, error);
    }
    grants = lists.grants;
    if (!grants) {
        oauth2_grants_parse(admin->pool,
                            client->grant_types ? client->grant_types : "",
                            &grants);
    }
    redirect_warning(admin, id, grants,
                     lists.redirect_uris ? lists.redirect_uris
                                         : client->redirect_uris);
    printf("updated client %s\n", id);
    return ADMIN_EXIT_OK;
}
