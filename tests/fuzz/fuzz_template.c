/* core/template.c: the consent page template (an administrator's file,
 * with values from the request). No placeholder survives, and a template
 * without one comes out as it went in. */
#include "fuzz.h"

#include <string.h>

#include <apr_hash.h>
#include <apr_strings.h>

#include "mod_oauth2/core/template.h"

int fuzz_one(apr_pool_t *pool, const uint8_t *data, size_t size)
{
    const char *part[2], *out, *open;
    apr_hash_t *values = apr_hash_make(pool);

    fuzz_split(pool, data, size, 2, part);
    /* A value holding placeholders is not expanded again. */
    apr_hash_set(values, "client", APR_HASH_KEY_STRING, part[1]);
    apr_hash_set(values, "scope", APR_HASH_KEY_STRING, "{{client}}");
    out = oauth2_template_render(pool, part[0], values);
    if (!strstr(part[0], "{{")) {
        FUZZ_ASSERT(!strcmp(out, part[0]));
    }
    if (!(open = strstr(part[0], "{{")) || !strstr(open + 2, "}}")) {
        return 0;
    }
    /* At least one {{...}} is replaced: with no values, by nothing. */
    apr_hash_set(values, "client", APR_HASH_KEY_STRING, NULL);
    apr_hash_set(values, "scope", APR_HASH_KEY_STRING, NULL);
    out = oauth2_template_render(pool, part[0], values);
    FUZZ_ASSERT(strlen(out) < strlen(part[0]));
    return 0;
}
