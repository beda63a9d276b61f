/* core/pkce.c: verifier, challenge and method (NUL-separated). A valid
 * verifier verifies against its own S256 and plain challenges, and only
 * a valid verifier verifies anything. */
#include "fuzz.h"

#include <string.h>

#include <openssl/sha.h>

#include "mod_oauth2/core/encoding.h"
#include "mod_oauth2/core/pkce.h"

int fuzz_one(apr_pool_t *pool, const uint8_t *data, size_t size)
{
    const char *part[3], *s256;
    unsigned char md[SHA256_DIGEST_LENGTH];

    fuzz_split(pool, data, size, 3, part);
    oauth2_pkce_challenge_valid(pool, part[1], part[2]);
    if (oauth2_pkce_verify(pool, part[0], part[1], part[2])) {
        FUZZ_ASSERT(oauth2_pkce_verifier_valid(part[0]));
        FUZZ_ASSERT(oauth2_pkce_challenge_valid(pool, part[1], part[2]));
    }
    if (!oauth2_pkce_verifier_valid(part[0])) {
        FUZZ_ASSERT(!oauth2_pkce_verify(pool, part[0], part[0], "plain"));
        return 0;
    }
    SHA256((const unsigned char *)part[0], strlen(part[0]), md);
    s256 = oauth2_base64url_encode(pool, md, sizeof(md));
    FUZZ_ASSERT(oauth2_pkce_challenge_valid(pool, s256, "S256"));
    FUZZ_ASSERT(oauth2_pkce_verify(pool, part[0], s256, "S256"));
    FUZZ_ASSERT(!oauth2_pkce_verify(pool, part[0], s256, "plain"));
    FUZZ_ASSERT(oauth2_pkce_challenge_valid(pool, part[0], "plain"));
    FUZZ_ASSERT(oauth2_pkce_verify(pool, part[0], part[0], "plain"));
    return 0;
}
