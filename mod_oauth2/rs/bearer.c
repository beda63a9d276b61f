#include "bearer.h"
#include "../core/form.h"
#include "../mod_oauth2.h"

#include <apr_lib.h>
#include <apr_strings.h>

int oauth2_bearer_syntax_valid(const char *t)
{
    const char *p = t;

    while (*p && (apr_isalnum(*p) || strchr("-._~+/", *p))) {
        p++;
    }
    while (*p == '=') {
        p++;
    }
    return p != t && *p == '\0' && *t != '=';
}

/* "Authorization: Bearer <token>": NULL when the scheme is another one. */
static const char *from_header(request_rec *r)
{
    const char *h = apr_table_get(r->headers_in, "Authorization");

    if (!h || strncasecmp(h, "Bearer", 6) || (h[6] != ' ' && h[6])) {
        return NULL;
    }
    for (h += 6; *h == ' '; h++) {
    }
    return h;
}

static const char *from_query(request_rec *r, const char **error)
{
    apr_hash_t *params;

    if (!r->args || !strstr(r->args, "access_token=")) {
        return NULL;
    }
    if ((*error = oauth2_form_parse(r->pool, r->args, strlen(r->args),
                                    &params, NULL))) {
        return NULL;
    }
    return oauth2_form_get(params, "access_token");
}

int oauth2_bearer_find(request_rec *r, const char **token,
                       const char **error)
{
    int where = oauth2_dir_bearer_token_in(oauth2_dir_conf(r));
    const char *header = where & OAUTH2_TOKEN_IN_HEADER ? from_header(r)
                                                        : NULL;
    const char *query = NULL;

    *error = NULL;
    if (where & OAUTH2_TOKEN_IN_QUERY) {
        query = from_query(r, error);
        if (*error) {
            return HTTP_BAD_REQUEST;
        }
    }
    if (header && query) {
        *error = "the token is sent in more than one way";
        return HTTP_BAD_REQUEST;
    }
    *token = header ? header : query;
    if (*token && !oauth2_bearer_syntax_valid(*token)) {
        *error = "the bearer token is malformed";
        return HTTP_BAD_REQUEST;
    }
    return OK;
}
