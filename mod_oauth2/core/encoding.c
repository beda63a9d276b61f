#include "encoding.h"

#include <string.h>

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *oauth2_base64url_encode(apr_pool_t *pool, const unsigned char *data,
                              apr_size_t len)
{
    char *out = apr_palloc(pool, (len + 2) / 3 * 4 + 1);
    char *p = out;
    apr_size_t i;

    for (i = 0; i + 2 < len; i += 3) {
        *p++ = b64url[data[i] >> 2];
        *p++ = b64url[((data[i] & 0x03) << 4) | (data[i + 1] >> 4)];
        *p++ = b64url[((data[i + 1] & 0x0f) << 2) | (data[i + 2] >> 6)];
        *p++ = b64url[data[i + 2] & 0x3f];
    }
    if (i < len) {
        *p++ = b64url[data[i] >> 2];
        if (i + 1 < len) {
            *p++ = b64url[((data[i] & 0x03) << 4) | (data[i + 1] >> 4)];
            *p++ = b64url[(data[i + 1] & 0x0f) << 2];
        }
        else {
            *p++ = b64url[(data[i] & 0x03) << 4];
        }
    }
    *p = '\0';
    return out;
}

static int b64url_value(char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '-') {
        return 62;
    }
    if (c == '_') {
        return 63;
    }
    return -1;
}

unsigned char *oauth2_base64url_decode(apr_pool_t *pool, const char *text,
                                       apr_size_t *len)
{
    apr_size_t n = strlen(text), i, o = 0;
    unsigned char *out;
    unsigned int acc = 0;
    int bits = 0;

    /* One leftover character cannot encode a whole byte. */
    if (n % 4 == 1) {
        return NULL;
    }
    out = apr_palloc(pool, n * 3 / 4 + 1);
    for (i = 0; i < n; i++) {
        int v = b64url_value(text[i]);
        if (v < 0) {
            return NULL;
        }
        acc = (acc << 6) | (unsigned int)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    /* Canonical form only: the unused trailing bits must be zero. */
    if (acc != 0) {
        return NULL;
    }
    out[o] = '\0';
    *len = o;
    return out;
}

char *oauth2_hex_encode(apr_pool_t *pool, const unsigned char *data,
                        apr_size_t len)
{
    static const char hex[] = "0123456789abcdef";
    char *out = apr_palloc(pool, len * 2 + 1);
    apr_size_t i;

    for (i = 0; i < len; i++) {
        out[2 * i] = hex[data[i] >> 4];
        out[2 * i + 1] = hex[data[i] & 0x0f];
    }
    out[2 * len] = '\0';
    return out;
}
