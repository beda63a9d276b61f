#include "form.h"

#include <apr_lib.h>
#include <apr_strings.h>

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = (char)apr_tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

char *oauth2_form_decode(apr_pool_t *pool, const char *text, apr_size_t len)
{
    char *out = apr_palloc(pool, len + 1), *o = out;
    apr_size_t i;

    for (i = 0; i < len; i++) {
        if (text[i] == '+') {
            *o++ = ' ';
        }
        else if (text[i] == '%') {
            int hi, lo;
            if (i + 2 >= len) {
                return NULL;
            }
            hi = hex_value(text[i + 1]);
            lo = hex_value(text[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                return NULL;
            }
            *o++ = (char)(hi << 4 | lo);
            i += 2;
        }
        else if (text[i] == '\0') {
            return NULL;
        }
        else {
            *o++ = text[i];
        }
    }
    *o = '\0';
    return out;
}

char *oauth2_form_encode(apr_pool_t *pool, const char *text)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = apr_palloc(pool, strlen(text) * 3 + 1), *o = out;
    const unsigned char *p;

    for (p = (const unsigned char *)text; *p; p++) {
        if (apr_isalnum(*p) || *p == '-' || *p == '.' || *p == '_' ||
            *p == '~') {
            *o++ = (char)*p;
        }
        else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 0x0f];
        }
    }
    *o = '\0';
    return out;
}

int oauth2_utf8_valid(const char *text)
{
    const unsigned char *p = (const unsigned char *)text;

    while (*p) {
        unsigned int cp;
        int n, i;
        if (*p < 0x80) {
            p++;
            continue;
        }
        if ((*p & 0xe0) == 0xc0) {
            n = 1, cp = *p & 0x1f;
        }
        else if ((*p & 0xf0) == 0xe0) {
            n = 2, cp = *p & 0x0f;
        }
        else if ((*p & 0xf8) == 0xf0) {
            n = 3, cp = *p & 0x07;
        }
        else {
            return 0;
        }
        for (i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80) {
                return 0;
            }
            cp = cp << 6 | (p[i] & 0x3f);
        }
        /* Overlong forms, surrogates and values past U+10FFFF. */
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
            (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff)) {
            return 0;
        }
        p += n + 1;
    }
    return 1;
}

const char *oauth2_form_parse(apr_pool_t *pool, const char *body,
                              apr_size_t len, apr_hash_t **params,
                              apr_array_header_t **duplicates)
{
    apr_hash_t *t = apr_hash_make(pool);
    const char *p = body, *end = body + len;

    if (duplicates) {
        *duplicates = NULL;
    }
    while (p < end) {
        const char *amp = memchr(p, '&', end - p);
        const char *stop = amp ? amp : end;
        const char *eq = memchr(p, '=', stop - p);
        char *name, *value;

        if (stop > p) {
            name = oauth2_form_decode(pool, p, (eq ? eq : stop) - p);
            value = eq ? oauth2_form_decode(pool, eq + 1, stop - eq - 1)
                       : apr_pstrdup(pool, "");
            if (!name || !value) {
                return "malformed percent-encoding";
            }
            if (!oauth2_utf8_valid(name) || !oauth2_utf8_valid(value)) {
                return "parameters must be UTF-8";
            }
            if (!apr_hash_get(t, name, APR_HASH_KEY_STRING)) {
                apr_hash_set(t, name, APR_HASH_KEY_STRING, value);
            }
            else if (!duplicates) {
                return apr_psprintf(pool,
                                    "parameter '%s' is included more "
                                    "than once",
                                    name);
            }
            else if (!oauth2_form_repeated(*duplicates, name)) {
                if (!*duplicates) {
                    *duplicates = apr_array_make(pool, 2, sizeof(const char *));
                }
                APR_ARRAY_PUSH(*duplicates, const char *) = name;
            }
        }
        p = stop + 1;
    }
    *params = t;
    return NULL;
}

const char *oauth2_form_get(apr_hash_t *params, const char *name)
{
    const char *v = apr_hash_get(params, name, APR_HASH_KEY_STRING);

    return v && *v ? v : NULL;
}

int oauth2_form_repeated(const apr_array_header_t *duplicates, const char *name)
{
    int i;

    for (i = 0; duplicates && i < duplicates->nelts; i++) {
        if (!strcmp(APR_ARRAY_IDX(duplicates, i, const char *), name)) {
            return 1;
        }
    }
    return 0;
}
