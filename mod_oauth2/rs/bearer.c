#include "bearer.h"
#include "../core/form.h"
#include "../http/form_body.h"
#include "../http/kept_body.h"
#include "../mod_oauth2.h"

#include <apr_lib.h>
#include <apr_strings.h>

/* "Authorization: Bearer <token>": NULL when the scheme is another one. */
static const char *from_header(request_rec *r)
{
    return oauth2_bearer_from_header(
        apr_table_get(r->headers_in, "Authorization"));
}

/* The access_token parameter of form-encoded text (a query string or a
 * body). The other parameters belong to the resource: they are not
 * parsed, so that they cannot make the request fail here, and they are
 * copied to *rest as they were. An empty value counts as no token. */
static const char *from_form(apr_pool_t *pool, const char *text, apr_size_t len,
                             char **rest, apr_size_t *rest_len,
                             const char **error)
{
    static const char name[] = "access_token=";
    const apr_size_t n = sizeof(name) - 1;
    const char *p = text, *end = text + len, *token = NULL;
    char *out = *rest = apr_palloc(pool, len + 1);

    while (p < end) {
        const char *amp = memchr(p, '&', end - p);
        apr_size_t pair = amp ? (apr_size_t)(amp - p) : (apr_size_t)(end - p);
        if (pair >= n && !memcmp(p, name, n)) {
            if (pair > n && token) {
                *error = "the access_token parameter is sent twice";
                return NULL;
            }
            if (pair > n &&
                !(token = oauth2_form_decode(pool, p + n, pair - n))) {
                *error = "the access_token parameter is malformed";
                return NULL;
            }
        }
        else if (pair) {
            if (out != *rest) {
                *out++ = '&';
            }
            memcpy(out, p, pair);
            out += pair;
        }
        p += pair + 1;
    }
    *out = '\0';
    *rest_len = out - *rest;
    return token;
}

const char *oauth2_bearer_strip(apr_pool_t *pool, const char *query)
{
    char *rest;
    apr_size_t rest_len;
    const char *error = NULL;

    from_form(pool, query, strlen(query), &rest, &rest_len, &error);
    return error ? "" : rest;
}

/* A form body may carry the token only as RFC 6750 §2.2 says: not with
 * GET, and not in a subrequest or an internal redirect (the client's
 * body belongs to the initial request, which has read it). */
static int body_may_carry(request_rec *r)
{
    return r->method_number != M_GET && !r->main && !r->prev &&
           oauth2_form_body_is_form(r);
}

/* Sets *found when text carries a token; a second one is an error. */
static int search(request_rec *r, int in, const char *text, apr_size_t len,
                  oauth2_bearer_t *found, const char **error)
{
    char *rest;
    apr_size_t rest_len;
    const char *token = from_form(r->pool, text, len, &rest, &rest_len, error);

    if (*error) {
        return HTTP_BAD_REQUEST;
    }
    if (token && found->token) {
        *error = "the token is sent in more than one way";
        return HTTP_BAD_REQUEST;
    }
    if (token) {
        found->token = token;
        found->in = in;
        found->rest = rest;
        found->rest_len = rest_len;
    }
    return OK;
}

int oauth2_bearer_find(request_rec *r, oauth2_bearer_t *found,
                       const char **error)
{
    int where = oauth2_dir_bearer_token_in(oauth2_dir_conf(r));
    int rc;

    memset(found, 0, sizeof(*found));
    *error = NULL;
    if ((where & OAUTH2_TOKEN_IN_HEADER) && (found->token = from_header(r))) {
        found->in = OAUTH2_TOKEN_IN_HEADER;
    }
    if ((where & OAUTH2_TOKEN_IN_QUERY) && r->args &&
        (rc = search(r, OAUTH2_TOKEN_IN_QUERY, r->args, strlen(r->args), found,
                     error)) != OK) {
        return rc;
    }
    if ((where & OAUTH2_TOKEN_IN_BODY) && body_may_carry(r)) {
        char *body;
        if ((rc = oauth2_kept_body_read(r, OAUTH2_BEARER_BODY_LIMIT, &body,
                                        &found->body_len)) != OK) {
            *error = rc == HTTP_REQUEST_ENTITY_TOO_LARGE
                         ? "the form body is too large to search for a token"
                         : "the request body cannot be read";
            return rc;
        }
        found->body = body;
        if ((rc = search(r, OAUTH2_TOKEN_IN_BODY, body, found->body_len, found,
                         error)) != OK) {
            return rc;
        }
    }
    if (found->token && !oauth2_bearer_syntax_valid(found->token)) {
        *error = "the bearer token is malformed";
        return HTTP_BAD_REQUEST;
    }
    return OK;
}
