/* core/encoding.c: base64url (every JWS part) and hex. Decoding accepts
 * only the canonical text, so that encoding what it decoded gives the
 * input back; encoding then decoding gives the bytes back. */
#include "fuzz.h"

#include <string.h>

#include <apr_strings.h>

#include "mod_oauth2/core/encoding.h"

int fuzz_one(apr_pool_t *pool, const uint8_t *data, size_t size)
{
    const char *text = apr_pstrmemdup(pool, (const char *)data, size), *b64;
    unsigned char *bytes, *hexed;
    apr_size_t len, n = strlen(text);
    char *hex;

    if ((bytes = oauth2_base64url_decode(pool, text, &len))) {
        FUZZ_ASSERT(!strcmp(oauth2_base64url_encode(pool, bytes, len), text));
    }
    b64 = oauth2_base64url_encode(pool, data, size);
    bytes = oauth2_base64url_decode(pool, b64, &len);
    FUZZ_ASSERT(bytes && len == size && !memcmp(bytes, data, size));

    hexed = apr_palloc(pool, n / 2 + 1);
    if (oauth2_hex_decode(text, hexed, n / 2)) {
        hex = oauth2_hex_encode(pool, hexed, n / 2);
        FUZZ_ASSERT(!strncmp(hex, text, n / 2 * 2));
    }
    hex = oauth2_hex_encode(pool, data, size);
    hexed = apr_palloc(pool, size + 1);
    FUZZ_ASSERT(oauth2_hex_decode(hex, hexed, size) &&
                !memcmp(hexed, data, size));
    return 0;
}
