/* core/scope.c: scope strings of requests and registrations (two of them
 * per input, NUL-separated). A parsed scope joins to a string that parses
 * to the same scopes; intersection and subset agree. */
#include "fuzz.h"

#include <string.h>

#include "mod_oauth2/core/scope.h"

static int same(const apr_array_header_t *a, const apr_array_header_t *b)
{
    int i;

    if (a->nelts != b->nelts) {
        return 0;
    }
    for (i = 0; i < a->nelts; i++) {
        if (strcmp(APR_ARRAY_IDX(a, i, const char *),
                   APR_ARRAY_IDX(b, i, const char *))) {
            return 0;
        }
    }
    return 1;
}

static void check_one(apr_pool_t *pool, const char *text,
                      apr_array_header_t **scopes)
{
    apr_array_header_t *again;
    const char *joined;
    int i;

    *scopes = NULL;
    if (oauth2_scope_parse(pool, text, scopes)) {
        *scopes = NULL;
        return;
    }
    for (i = 0; i < (*scopes)->nelts; i++) {
        FUZZ_ASSERT(
            oauth2_scope_token_valid(APR_ARRAY_IDX(*scopes, i, const char *)));
    }
    joined = oauth2_scope_join(pool, *scopes);
    FUZZ_ASSERT(strlen(joined) <= strlen(text));
    FUZZ_ASSERT(!oauth2_scope_parse(pool, joined, &again) &&
                same(*scopes, again));
    FUZZ_ASSERT(!oauth2_scope_missing(*scopes, *scopes));
    FUZZ_ASSERT(same(oauth2_scope_intersect(pool, *scopes, *scopes), *scopes));
}

int fuzz_one(apr_pool_t *pool, const uint8_t *data, size_t size)
{
    const char *text[2];
    apr_array_header_t *a, *b, *both;

    fuzz_split(pool, data, size, 2, text);
    check_one(pool, text[0], &a);
    check_one(pool, text[1], &b);
    if (!a || !b) {
        return 0;
    }
    both = oauth2_scope_intersect(pool, a, b);
    FUZZ_ASSERT(!oauth2_scope_missing(both, a) &&
                !oauth2_scope_missing(both, b));
    FUZZ_ASSERT(!oauth2_scope_missing(a, b) == (both->nelts == a->nelts));
    return 0;
}
