#include "digest.h"
#include "encoding.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

/* SHA256() and EVP_sha256() look the implementation up in the provider
 * store (a locked table) on every call; it is fetched once instead and
 * then only read. Write-once, like a configuration-phase static. */
static CRYPTO_ONCE sha256_once = CRYPTO_ONCE_STATIC_INIT;
static EVP_MD *sha256_md;

static void sha256_fetch(void)
{
    sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

void oauth2_sha256(const void *data, apr_size_t len, unsigned char *out)
{
    if (!CRYPTO_THREAD_run_once(&sha256_once, sha256_fetch) || !sha256_md ||
        !EVP_Digest(data, len, out, NULL, sha256_md, NULL)) {
        /* Out of memory, or no provider offers SHA-256. */
        EVP_Q_digest(NULL, "SHA256", NULL, data, len, out, NULL);
    }
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
