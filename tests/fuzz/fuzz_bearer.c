/* core/bearer_syntax.c: the token of "Authorization: Bearer", checked
 * against a second, plainer reading of RFC 6750 §2.1. */
#include "fuzz.h"

#include <string.h>
#include <strings.h>

#include <apr_strings.h>

#include "mod_oauth2/core/bearer_syntax.h"

/* b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" */
static int b64token(const char *t)
{
    static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
                              "vwxyz0123456789-._~+/";
    size_t body = strspn(t, set), pad = strspn(t + body, "=");

    return body > 0 && t[body + pad] == '\0';
}

int fuzz_one(apr_pool_t *pool, const uint8_t *data, size_t size)
{
    const char *text = apr_pstrmemdup(pool, (const char *)data, size);
    const char *token = oauth2_bearer_from_header(text);

    FUZZ_ASSERT(!oauth2_bearer_syntax_valid(text) == !b64token(text));
    if (token) {
        /* A suffix of the header, after "Bearer" and its spaces. */
        FUZZ_ASSERT(token >= text + 6 && token <= text + strlen(text));
        FUZZ_ASSERT(!strncasecmp(text, "bearer", 6) && *token != ' ');
        FUZZ_ASSERT(!oauth2_bearer_syntax_valid(token) == !b64token(token));
    }
    else {
        FUZZ_ASSERT(strncasecmp(text, "bearer", 6) ||
                    (text[6] && text[6] != ' '));
    }
    return 0;
}
