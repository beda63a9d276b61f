#include "digest.h"
#include "encoding.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

void oauth2_sha256(const void *data, apr_size_t len, unsigned char *out)
{
    SHA256(data, len, out);
}

char *oauth2_sha256_hex(apr_pool_t *pool, const char *text)
{
    unsigned char md[OAUTH2_SHA256_LEN];

    oauth2_sha256(text, strlen(text), md);
    return oauth2_hex_encode(pool, md, sizeof(md));
}

int oauth2_secret_equal(const char *a, const char *b)
{
    apr_size_t la = strlen(a), lb = strlen(b);

    /* Length is not secret (hashes and generated secrets have fixed
     * lengths); the contents are compared without early exit. */
    if (la != lb) {
        return 0;
    }
    return CRYPTO_memcmp(a, b, la) == 0;
}
