/* core/jwk.c: a JWK as another server's JWKS may hold it. A key that
 * imports is one this module supports, and its public JWK imports back
 * to the same key with the same thumbprint. */
#include "fuzz.h"

#include <string.h>

#include "mod_oauth2/core/jwk.h"

int fuzz_one(apr_pool_t *pool, const uint8_t *data, size_t size)
{
    json_t *jwk = json_loadb((const char *)data, size, 0, NULL), *pub;
    EVP_PKEY *key, *again;
    const char *kid, *kid2;
    oauth2_jwks_t *jwks;

    if (!jwk) {
        return 0;
    }
    if (!oauth2_jwk_import(pool, jwk, &key)) {
        FUZZ_ASSERT(oauth2_jwk_algorithm(key));
        FUZZ_ASSERT(!oauth2_jwk_public(pool, key, "k", &pub));
        FUZZ_ASSERT(!oauth2_jwk_import(pool, pub, &again));
        FUZZ_ASSERT(EVP_PKEY_eq(key, again) == 1);
        FUZZ_ASSERT(!oauth2_jwk_thumbprint(pool, key, &kid) &&
                    !oauth2_jwk_thumbprint(pool, again, &kid2) &&
                    !strcmp(kid, kid2));
        jwks = oauth2_jwks_make(pool);
        FUZZ_ASSERT(!oauth2_jwks_add(jwks, key, NULL));
        FUZZ_ASSERT(oauth2_jwks_find(jwks, kid) &&
                    oauth2_jwks_find(jwks, NULL));
    }
    json_decref(jwk);
    return 0;
}
