#include "bearer_syntax.h"

#include <strings.h>

#include <apr_lib.h>

/* b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
 * (compared directly: a JWT has hundreds of characters). */
static int b64token_char(char c)
{
    return apr_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' ||
           c == '+' || c == '/';
}

int oauth2_bearer_syntax_valid(const char *t)
{
    const char *p = t;

    while (b64token_char(*p)) {
        p++;
    }
    while (*p == '=') {
        p++;
    }
    return p != t && *p == '\0' && *t != '=';
}

const char *oauth2_bearer_from_header(const char *h)
{
    if (!h || strncasecmp(h, "Bearer", 6) || (h[6] != ' ' && h[6])) {
        return NULL;
    }
    for (h += 6; *h == ' '; h++) {
    }
    return h;
}
