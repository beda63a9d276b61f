#include "template.h"

#include <string.h>

#include <apr_strings.h>
#include <apr_tables.h>

const char *oauth2_template_render(apr_pool_t *pool, const char *tmpl,
                                   apr_hash_t *values)
{
    apr_array_header_t *parts = apr_array_make(pool, 32, sizeof(char *));
    const char *p = tmpl, *open;

    while ((open = strstr(p, "{{"))) {
        const char *close = strstr(open + 2, "}}"), *value;
        if (!close) {
            break;
        }
        APR_ARRAY_PUSH(parts, char *) = apr_pstrmemdup(pool, p, open - p);
        value = apr_hash_get(values, open + 2, close - open - 2);
        APR_ARRAY_PUSH(parts, char *) = apr_pstrdup(pool, value ? value : "");
        p = close + 2;
    }
    APR_ARRAY_PUSH(parts, char *) = apr_pstrdup(pool, p);
    return apr_array_pstrcat(pool, parts, 0);
}

static const char *entity(char c)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&#39;";
    default:
        return NULL;
    }
}

const char *oauth2_template_escape(apr_pool_t *pool, const char *text)
{
    apr_size_t n = 0;
    const char *p, *e;
    char *out, *o;

    for (p = text; *p; p++) {
        n += (e = entity(*p)) ? strlen(e) : 1;
    }
    if (n == (apr_size_t)(p - text)) {
        return text;
    }
    o = out = apr_palloc(pool, n + 1);
    for (p = text; *p; p++) {
        if ((e = entity(*p))) {
            memcpy(o, e, strlen(e));
            o += strlen(e);
        }
        else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}
