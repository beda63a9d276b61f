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

/* The access_token parameter of the query string. The other parameters
 * belong to the resource: they are not parsed, so that they cannot make
 * the request fail here. An empty value counts as no token. */
static const char *from_query(request_rec *r, const char **error)
{
    static const char name[] = "access_token=";
    const apr_size_t n = sizeof(name) - 1;
    const char *p = r->args, *token = NULL;

    while (p && *p) {
        apr_size_t len = strcspn(p, "&");
        if (len > n && !strncmp(p, name, n)) {
            if (token) {
                *error = "the access_token parameter is sent twice";
                return NULL;
            }
            if (!(token = oauth2_form_decode(r->pool, p + n, len - n))) {
                *error = "the access_token parameter is malformed";
                return NULL;
            }
        }
        p += len + (p[len] == '&');
    }
    return token;
}

int oauth2_bearer_find(request_rec *r, const char **token, const char **error)
{
    int where = oauth2_dir_bearer_token_in(oauth2_dir_conf(r));
    const char *header = where & OAUTH2_TOKEN_IN_HEADER ? from_header(r) : NULL;
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
