#include "redirect.h"
#include "form.h"

#include <string.h>

#include <apr_strings.h>

void oauth2_redirect_param(apr_pool_t *pool, apr_array_header_t **params,
                           const char *name, const char *value)
{
    if (!*params) {
        *params = apr_array_make(pool, 8, sizeof(const char *));
    }
    APR_ARRAY_PUSH(*params, const char *) = name;
    APR_ARRAY_PUSH(*params, const char *) = value;
}

const char *oauth2_redirect_build(apr_pool_t *pool, const char *base,
                                  int in_fragment,
                                  const apr_array_header_t *params)
{
    char sep = in_fragment ? '#' : strchr(base, '?') ? '&' : '?';
    const char *out = base;
    int i;

    /* A registered URI ending in '?' already has the separator (an empty
     * base has no last character: base[-1] is not ours to read). */
    if (!in_fragment && *base && base[strlen(base) - 1] == '?') {
        sep = 0;
    }
    for (i = 0; params && i + 1 < params->nelts; i += 2) {
        const char *name = APR_ARRAY_IDX(params, i, const char *);
        const char *value = APR_ARRAY_IDX(params, i + 1, const char *);
        if (!value) {
            continue;
        }
        out = sep ? apr_psprintf(pool, "%s%c%s=%s", out, sep, name,
                                 oauth2_form_encode(pool, value))
                  : apr_psprintf(pool, "%s%s=%s", out, name,
                                 oauth2_form_encode(pool, value));
        sep = '&';
    }
    return out;
}

int oauth2_redirect_registered(const char *registered, const char *uri)
{
    apr_size_t n = strlen(uri);
    const char *p = registered;

    if (n == 0) {
        return 0;
    }
    while (p && *p) {
        const char *end = strchr(p, ' ');
        apr_size_t len = end ? (apr_size_t)(end - p) : strlen(p);
        if (len == n && !strncmp(p, uri, n)) {
            return 1;
        }
        p = end ? end + 1 : NULL;
    }
    return 0;
}

const char *oauth2_redirect_single(apr_pool_t *pool, const char *registered)
{
    if (!registered || !*registered || strchr(registered, ' ')) {
        return NULL;
    }
    return apr_pstrdup(pool, registered);
}
