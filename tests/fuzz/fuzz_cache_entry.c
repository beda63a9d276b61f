/* core/cache_entry.c: what the token cache reads back (a shared cache
 * may be written by others). Anything that decodes encodes to the same
 * bytes; fields taken from the input encode and decode back exactly. */
#include "fuzz.h"

#include <string.h>

#include <apr_strings.h>

#include "mod_oauth2/core/cache_entry.h"

static int same_string(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static void assert_same(const oauth2_cache_entry_t *a,
                        const oauth2_cache_entry_t *b)
{
    FUZZ_ASSERT(!strcmp(a->context, b->context) && a->until == b->until &&
                a->refused == b->refused);
    FUZZ_ASSERT(a->refused || (a->expires == b->expires &&
                               same_string(a->client_id, b->client_id) &&
                               same_string(a->user, b->user) &&
                               same_string(a->scope, b->scope)));
}

/* A time (>= 0) made of any text. */
static apr_int64_t number(const char *s)
{
    apr_uint64_t n = 0;

    while (*s) {
        n = n * 31 + (unsigned char)*s++;
    }
    return (apr_int64_t)(n & APR_INT64_MAX);
}

int fuzz_one(apr_pool_t *pool, const uint8_t *data, size_t size)
{
    oauth2_cache_entry_t e, back;
    const char *part[5], *bytes;
    apr_size_t len;

    /* The input as an entry. */
    if (oauth2_cache_entry_decode(pool, (const char *)data, size, &e)) {
        bytes = oauth2_cache_entry_encode(pool, &e, &len);
        FUZZ_ASSERT(len == size && !memcmp(bytes, data, size));
    }
    /* The input as fields. */
    fuzz_split(pool, data, size, 5, part);
    memset(&e, 0, sizeof(e));
    e.context = part[0];
    e.until = number(part[1]);
    e.refused = size > 0 && data[0] == 'R';
    if (!e.refused) {
        e.expires = number(part[4]);
        e.client_id = part[2];
        e.user = size > 0 && data[0] == 'C' ? NULL : part[3];
        e.scope = part[4];
    }
    bytes = oauth2_cache_entry_encode(pool, &e, &len);
    FUZZ_ASSERT(strlen(bytes) == len);
    FUZZ_ASSERT(oauth2_cache_entry_decode(pool, bytes, len, &back));
    assert_same(&e, &back);
    /* Any shorter prefix is refused. */
    FUZZ_ASSERT(
        !oauth2_cache_entry_decode(pool, bytes, len - 1 - size % len, &back));
    return 0;
}
