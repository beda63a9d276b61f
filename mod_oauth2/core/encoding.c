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

/* The value of each base64url character, X for the others (a table: the
 * three parts of every JWT are decoded on the resource server's path). */
#define X 0xff
/* clang-format off */
static const unsigned char b64url_values[256] = {
     X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
     X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
     X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X, 62,  X,  X,
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61,  X,  X,  X,  X,  X,  X,
     X,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
    15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,  X,  X,  X,  X, 63,
     X, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51,  X,  X,  X,  X,  X,
     X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
     X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
     X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
     X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
     X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
     X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
     X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
     X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
};
/* clang-format on */
#undef X

unsigned char *oauth2_base64url_decode(apr_pool_t *pool, const char *text,
                                       apr_size_t *len)
{
    const unsigned char *in = (const unsigned char *)text;
    apr_size_t n = strlen(text), i, o = 0;
    unsigned char *out;
    unsigned int a, b, c, d;

    /* One leftover character cannot encode a whole byte. */
    if (n % 4 == 1) {
        return NULL;
    }
    out = apr_palloc(pool, n * 3 / 4 + 1);
    for (i = 0; i + 4 <= n; i += 4) {
        a = b64url_values[in[i]];
        b = b64url_values[in[i + 1]];
        c = b64url_values[in[i + 2]];
        d = b64url_values[in[i + 3]];
        if ((a | b | c | d) & 0x80) {
            return NULL;
        }
        out[o++] = (unsigned char)(a << 2 | b >> 4);
        out[o++] = (unsigned char)(b << 4 | c >> 2);
        out[o++] = (unsigned char)(c << 6 | d);
    }
    if (n - i >= 2) {
        a = b64url_values[in[i]];
        b = b64url_values[in[i + 1]];
        c = n - i == 3 ? b64url_values[in[i + 2]] : 0;
        /* Canonical form only: the unused trailing bits must be zero. */
        if ((a | b | c) & 0x80 || (n - i == 2 ? b & 0x0f : c & 0x03)) {
            return NULL;
        }
        out[o++] = (unsigned char)(a << 2 | b >> 4);
        if (n - i == 3) {
            out[o++] = (unsigned char)(b << 4 | c >> 2);
        }
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

static int hex_value(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                  : -1;
}

int oauth2_hex_decode(const char *hex, unsigned char *out, apr_size_t len)
{
    apr_size_t i;

    for (i = 0; i < len; i++) {
        int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return 0;
        }
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return 1;
}
