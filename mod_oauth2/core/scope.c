#include "scope.h"

#include <apr_strings.h>

int oauth2_scope_token_valid(const char *token)
{
    const unsigned char *p = (const unsigned char *)token;

    if (!*p) {
        return 0;
    }
    for (; *p; p++) {
        if (*p < 0x21 || *p > 0x7e || *p == '"' || *p == '\\') {
            return 0;
        }
    }
    return 1;
}

static int contains(const apr_array_header_t *arr, const char *s)
{
    int i;

    for (i = 0; i < arr->nelts; i++) {
        if (!strcmp(APR_ARRAY_IDX(arr, i, const char *), s)) {
            return 1;
        }
    }
    return 0;
}

const char *oauth2_scope_parse(apr_pool_t *pool, const char *text,
                               apr_array_header_t **scopes)
{
    apr_array_header_t *out = apr_array_make(pool, 4, sizeof(const char *));
    const char *start = text;

    while (*text) {
        const char *end = strchr(start, ' ');
        const char *token = end ? apr_pstrmemdup(pool, start, end - start)
                                : apr_pstrdup(pool, start);
        if (!oauth2_scope_token_valid(token)) {
            return *token
                       ? apr_psprintf(pool, "invalid scope token '%s'", token)
                       : "scope tokens are separated by single spaces";
        }
        if (!contains(out, token)) {
            APR_ARRAY_PUSH(out, const char *) = token;
        }
        if (!end) {
            break;
        }
        start = end + 1;
        if (!*start) {
            return "scope tokens are separated by single spaces";
        }
    }
    *scopes = out;
    return NULL;
}

const char *oauth2_scope_join(apr_pool_t *pool,
                              const apr_array_header_t *scopes)
{
    return apr_array_pstrcat(pool, scopes, ' ');
}

const char *oauth2_scope_missing(const apr_array_header_t *wanted,
                                 const apr_array_header_t *allowed)
{
    int i;

    for (i = 0; i < wanted->nelts; i++) {
        const char *s = APR_ARRAY_IDX(wanted, i, const char *);
        if (!contains(allowed, s)) {
            return s;
        }
    }
    return NULL;
}

apr_array_header_t *oauth2_scope_intersect(apr_pool_t *pool,
                                           const apr_array_header_t *a,
                                           const apr_array_header_t *b)
{
    apr_array_header_t *out =
        apr_array_make(pool, a->nelts, sizeof(const char *));
    int i;

    for (i = 0; i < a->nelts; i++) {
        const char *s = APR_ARRAY_IDX(a, i, const char *);
        if (contains(b, s)) {
            APR_ARRAY_PUSH(out, const char *) = s;
        }
    }
    return out;
}
