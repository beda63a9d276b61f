#include "basic_auth.h"
#include "form.h"

#include <string.h>

#include <apr_base64.h>
#include <apr_lib.h>
#include <apr_strings.h>

int oauth2_basic_is_basic(const char *header)
{
    return header && !strncasecmp(header, "Basic", 5) &&
           (header[5] == ' ' || header[5] == '\0');
}

static int base64_text_valid(const char *s)
{
    apr_size_t n = strlen(s), i, pad = 0;

    if (n == 0 || n % 4) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (s[i] == '=') {
            pad++;
        }
        else if (pad || !(apr_isalnum(s[i]) || s[i] == '+' || s[i] == '/')) {
            return 0;
        }
    }
    return pad <= 2;
}

const char *oauth2_basic_parse(apr_pool_t *pool, const char *header,
                               const char **id, const char **secret)
{
    const char *b64 = header + 5, *colon;
    char *plain;
    int len;

    if (!oauth2_basic_is_basic(header)) {
        return "not HTTP Basic credentials";
    }
    while (*b64 == ' ') {
        b64++;
    }
    if (!base64_text_valid(b64)) {
        return "malformed Basic credentials";
    }
    plain = apr_palloc(pool, apr_base64_decode_len(b64) + 1);
    len = apr_base64_decode(plain, b64);
    plain[len] = '\0';
    colon = memchr(plain, ':', len);
    if (!colon || strlen(plain) != (apr_size_t)len) {
        return "Basic credentials need client_id:client_secret";
    }
    *id = oauth2_form_decode(pool, plain, colon - plain);
    *secret = oauth2_form_decode(pool, colon + 1, plain + len - colon - 1);
    if (!*id || !*secret || !**id || !oauth2_utf8_valid(*id) ||
        !oauth2_utf8_valid(*secret)) {
        return "malformed Basic credentials";
    }
    return NULL;
}
