#include "pkce.h"
#include "digest.h"
#include "encoding.h"

#include <string.h>

#include <apr_lib.h>

static int unreserved_run(const char *s, apr_size_t min, apr_size_t max)
{
    apr_size_t n = 0;

    for (; *s; s++, n++) {
        if (!apr_isalnum(*s) && *s != '-' && *s != '.' && *s != '_' &&
            *s != '~') {
            return 0;
        }
    }
    return n >= min && n <= max;
}

int oauth2_pkce_verifier_valid(const char *verifier)
{
    return unreserved_run(verifier, 43, 128);
}

int oauth2_pkce_challenge_valid(apr_pool_t *pool, const char *challenge,
                                const char *method)
{
    apr_size_t len;

    if (!strcmp(method, "plain")) {
        return oauth2_pkce_verifier_valid(challenge);
    }
    /* S256: 43 base64url characters that decode to exactly 32 bytes. */
    return !strcmp(method, "S256") && strlen(challenge) == 43 &&
           oauth2_base64url_decode(pool, challenge, &len) &&
           len == OAUTH2_SHA256_LEN;
}

int oauth2_pkce_verify(apr_pool_t *pool, const char *verifier,
                       const char *challenge, const char *method)
{
    unsigned char md[OAUTH2_SHA256_LEN];

    if (!method || !oauth2_pkce_verifier_valid(verifier)) {
        return 0;
    }
    if (!strcmp(method, "plain")) {
        return oauth2_secret_equal(verifier, challenge);
    }
    if (strcmp(method, "S256")) {
        return 0;
    }
    oauth2_sha256(verifier, strlen(verifier), md);
    return oauth2_secret_equal(oauth2_base64url_encode(pool, md, sizeof(md)),
                               challenge);
}
