/* core/form.c: form bodies and query strings (every endpoint's input).
 * Whatever parses decodes to UTF-8, and encoding what was decoded
 * decodes back to it. */
#include "fuzz.h"

#include <string.h>

#include <apr_hash.h>
#include <apr_strings.h>

#include "mod_oauth2/core/form.h"

static void assert_round_trip(apr_pool_t *pool, const char *text)
{
    const char *encoded = oauth2_form_encode(pool, text);
    const char *back = oauth2_form_decode(pool, encoded, strlen(encoded));

    FUZZ_ASSERT(back && !strcmp(back, text));
}

int fuzz_one(apr_pool_t *pool, const uint8_t *data, size_t size)
{
    const char *body = (const char *)data, *err, *decoded;
    apr_hash_t *params = NULL, *strict = NULL;
    apr_array_header_t *dups = NULL;
    apr_hash_index_t *hi;
    char *again = "";

    err = oauth2_form_parse(pool, body, size, &params, &dups);
    if (oauth2_form_parse(pool, body, size, &strict, NULL) == NULL) {
        /* Strict parsing accepts only what lenient parsing accepts
         * without duplicates. */
        FUZZ_ASSERT(!err && !dups);
        FUZZ_ASSERT(apr_hash_count(strict) == apr_hash_count(params));
    }
    if (!err) {
        for (hi = apr_hash_first(pool, params); hi; hi = apr_hash_next(hi)) {
            const char *name = apr_hash_this_key(hi);
            const char *value = apr_hash_this_val(hi);
            FUZZ_ASSERT(oauth2_utf8_valid(name) && oauth2_utf8_valid(value));
            assert_round_trip(pool, name);
            assert_round_trip(pool, value);
            FUZZ_ASSERT(oauth2_form_get(params, name) ==
                        (*value ? value : NULL));
            again = apr_pstrcat(pool, again, *again ? "&" : "",
                                oauth2_form_encode(pool, name), "=",
                                oauth2_form_encode(pool, value), NULL);
        }
        /* What was parsed, written again, parses to the same. */
        FUZZ_ASSERT(
            !oauth2_form_parse(pool, again, strlen(again), &strict, NULL));
        FUZZ_ASSERT(apr_hash_count(strict) == apr_hash_count(params));
        for (hi = apr_hash_first(pool, params); hi; hi = apr_hash_next(hi)) {
            const char *v = apr_hash_get(strict, apr_hash_this_key(hi),
                                         APR_HASH_KEY_STRING);
            FUZZ_ASSERT(v && !strcmp(v, apr_hash_this_val(hi)));
        }
    }
    if (dups) {
        FUZZ_ASSERT(dups->nelts > 0);
        FUZZ_ASSERT(oauth2_form_repeated(dups, APR_ARRAY_IDX(dups, 0, char *)));
    }
    /* One value alone, as the bearer token's access_token parameter. */
    if ((decoded = oauth2_form_decode(pool, body, size))) {
        assert_round_trip(pool, decoded);
    }
    return 0;
}
