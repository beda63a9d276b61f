/* oauth2-admin: everything it prints, as text or as JSON. */
#include "admin.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>
#include <openssl/crypto.h>

/* Messages go out as one line: PostgreSQL's multi-line errors (and any
 * control character an argument carried) become single spaces. */
static void print_message(const char *prefix, const char *message)
{
    const char *p;
    int space = 0, started = 0;

    fputs(ADMIN_NAME ": ", stderr);
    fputs(prefix, stderr);
    for (p = message; *p; p++) {
        if (apr_isspace(*p) || apr_iscntrl(*p)) {
            space = started;
            continue;
        }
        if (space) {
            fputc(' ', stderr);
        }
        fputc(*p, stderr);
        space = 0;
        started = 1;
    }
    fputc('\n', stderr);
}

int admin_error(admin_t *admin, int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    print_message("", apr_pvsprintf(admin->pool, fmt, ap));
    va_end(ap);
    return code;
}

void admin_warn(admin_t *admin, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    print_message("warning: ", apr_pvsprintf(admin->pool, fmt, ap));
    va_end(ap);
}

int admin_store_error(admin_t *admin, const char *error)
{
    const char *line;

    if (!error) {
        error = "database error";
    }
    /* PostgreSQL's "LINE 1: <SQL> ^" pointer means nothing here. */
    if ((line = strstr(error, "\nLINE "))) {
        error = apr_pstrndup(admin->pool, error, line - error);
    }
    if (strstr(error, "relation \"oauth2_") && strstr(error, "not exist")) {
        return admin_error(admin, ADMIN_EXIT_FAILURE,
                           "%s (has '" ADMIN_NAME " init' been run?)", error);
    }
    return admin_error(admin, ADMIN_EXIT_FAILURE, "%s", error);
}

int admin_utf8_valid(const char *text)
{
    json_t *s = json_string(text); /* NULL unless valid UTF-8 */

    json_decref(s);
    return s != NULL;
}

int admin_json_print(admin_t *admin, json_t *value)
{
    char *text = value ? json_dumps(value, JSON_INDENT(2)) : NULL;

    json_decref(value);
    if (!text) {
        return admin_error(admin, ADMIN_EXIT_FAILURE,
                           "cannot encode the output as JSON");
    }
    puts(text);
    /* The text may hold a new client secret. */
    OPENSSL_cleanse(text, strlen(text));
    free(text);
    return ADMIN_EXIT_OK;
}

/* A JSON string, or null for SQL NULL or text that is not UTF-8 (which
 * a database in SQL_ASCII could hold). */
static json_t *json_text(const char *text)
{
    json_t *s = text ? json_string(text) : NULL;

    return s ? s : json_null();
}

/* A space-separated list as a JSON array of strings. */
static json_t *json_words(apr_pool_t *pool, const char *list)
{
    json_t *array = json_array();
    char *copy = apr_pstrdup(pool, list ? list : ""), *last, *word;

    for (word = apr_strtok(copy, " ", &last); word;
         word = apr_strtok(NULL, " ", &last)) {
        json_array_append_new(array, json_text(word));
    }
    return array;
}

json_t *admin_client_json(admin_t *admin, const oauth2_client_t *c)
{
    json_t *o = json_object();

    json_object_set_new(o, "client_id", json_text(c->client_id));
    json_object_set_new(o, "name", json_text(c->name));
    json_object_set_new(o, "public", json_boolean(!c->secret_hash));
    json_object_set_new(o, "redirect_uris",
                        json_words(admin->pool, c->redirect_uris));
    json_object_set_new(o, "grant_types",
                        json_words(admin->pool, c->grant_types));
    json_object_set_new(o, "scopes", json_words(admin->pool, c->scopes));
    json_object_set_new(o, "created_at", json_text(c->created_at));
    json_object_set_new(o, "disabled", json_boolean(c->disabled));
    json_object_set_new(o, "introspect", json_boolean(c->introspect));
    return o;
}

static const char *or_none(const char *list)
{
    return list && *list ? list : "(none)";
}

void admin_client_print(const oauth2_client_t *c)
{
    printf("client_id:     %s\n", c->client_id);
    printf("name:          %s\n", c->name ? c->name : "");
    printf("type:          %s\n", c->secret_hash ? "confidential" : "public");
    printf("redirect_uris: %s\n", or_none(c->redirect_uris));
    printf("grant_types:   %s\n", or_none(c->grant_types));
    printf("scopes:        %s\n", or_none(c->scopes));
    printf("created_at:    %s\n", c->created_at ? c->created_at : "");
    printf("disabled:      %s\n", c->disabled ? "yes" : "no");
    printf("introspect:    %s\n", c->introspect ? "yes" : "no");
}

void admin_client_print_lines(const apr_array_header_t *clients)
{
    const oauth2_client_t *c;
    int i, id_width = 0, name_width = 0;

    for (i = 0; i < clients->nelts; i++) {
        c = APR_ARRAY_IDX(clients, i, const oauth2_client_t *);
        if ((int)strlen(c->client_id) > id_width) {
            id_width = (int)strlen(c->client_id);
        }
        if (c->name && (int)strlen(c->name) > name_width) {
            name_width = (int)strlen(c->name);
        }
    }
    for (i = 0; i < clients->nelts; i++) {
        c = APR_ARRAY_IDX(clients, i, const oauth2_client_t *);
        printf("%-*s  %-*s  %-12s  %-8s  %-10s  %s\n", id_width, c->client_id,
               name_width, c->name ? c->name : "",
               c->secret_hash ? "confidential" : "public",
               c->disabled ? "disabled" : "enabled",
               c->introspect ? "introspect" : "-", or_none(c->grant_types));
    }
}

int admin_secret_print(admin_t *admin, const char *client_id,
                       const char *secret)
{
    json_t *o;

    if (admin->given & ADMIN_OPT_JSON) {
        o = json_object();
        json_object_set_new(o, "client_id", json_text(client_id));
        if (secret) {
            json_object_set_new(o, "client_secret", json_text(secret));
        }
        return admin_json_print(admin, o);
    }
    printf("client_id:     %s\n", client_id);
    if (!secret) {
        printf("(a public client: no secret)\n");
        return ADMIN_EXIT_OK;
    }
    printf("client_secret: %s\n", secret);
    printf("The secret is shown only this once: store it now. Only its "
           "hash is kept;\n'" ADMIN_NAME " client rotate-secret %s' "
           "makes a new one.\n",
           client_id);
    return ADMIN_EXIT_OK;
}
