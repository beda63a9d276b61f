#include "fuzz.h"

#include <string.h>

#include <apr_general.h>
#include <apr_strings.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static apr_pool_t *input;

__attribute__((weak)) void fuzz_setup(void)
{
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    if (apr_initialize() != APR_SUCCESS ||
        apr_pool_create(&input, NULL) != APR_SUCCESS) {
        abort();
    }
    /* Before LeakSanitizer's check at exit, which cannot see pointers
     * kept in pool memory (APR's allocator maps it). */
    atexit(apr_terminate);
    fuzz_setup();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_one(input, data, size);
    apr_pool_clear(input);
    return 0;
}

void fuzz_split(apr_pool_t *pool, const uint8_t *data, size_t size, int n,
                const char **parts)
{
    const char *p = (const char *)data, *end = p + size;
    int i;

    for (i = 0; i < n; i++) {
        const char *nul = i < n - 1 ? memchr(p, '\0', end - p) : NULL;
        const char *stop = nul ? nul : end;
        char *s = apr_pstrmemdup(pool, p, stop - p), *w = s, *r;
        for (r = s; r < s + (stop - p); r++) { /* the last part's NULs */
            if (*r) {
                *w++ = *r;
            }
        }
        *w = '\0';
        parts[i] = s;
        p = nul ? nul + 1 : end;
    }
}
