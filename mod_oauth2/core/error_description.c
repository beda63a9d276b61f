#include "error_description.h"

#include <string.h>

static int allowed(unsigned char c)
{
    return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
}

const char *oauth2_error_description(apr_pool_t *pool, const char *text)
{
    const unsigned char *p;
    char *out, *o;

    if (!text) {
        return NULL;
    }
    for (p = (const unsigned char *)text; *p && allowed(*p); p++)
        ;
    if (!*p) {
        return text;
    }
    o = out = apr_palloc(pool, strlen(text) + 1);
    for (p = (const unsigned char *)text; *p; p++) {
        if (allowed(*p)) {
            *o++ = (char)*p;
        }
        /* A continuation byte after a non-ASCII byte: same character. */
        else if ((*p & 0xc0) != 0x80 || p == (const unsigned char *)text ||
                 p[-1] < 0x80) {
            *o++ = '?';
        }
    }
    *o = '\0';
    return out;
}
