/* JSON Web Keys (RFC 7517, 7518 §6) for JWT access tokens (RFC 9068):
 * the public JWK and its RFC 7638 thumbprint, the key set served at the
 * JWKS endpoint and used to verify tokens.
 *
 * Only two kinds of key exist here, each pinned to one algorithm: RSA of
 * 2048 bits or more signs RS256, EC P-256 signs ES256. */
#ifndef OAUTH2_CORE_JWK_H
#define OAUTH2_CORE_JWK_H

#include <apr_pools.h>
#include <jansson.h>
#include <openssl/evp.h>

/* "RS256" or "ES256": the only algorithm key may be used with, or NULL if
 * it is neither RSA >= 2048 bits nor EC P-256. */
const char *oauth2_jwk_algorithm(EVP_PKEY *key);

/* The public JWK of key with "kid", "use":"sig" and "alg". *jwk is
 * released with pool. Returns NULL or what is wrong. */
const char *oauth2_jwk_public(apr_pool_t *pool, EVP_PKEY *key, const char *kid,
                              json_t **jwk);

/* RFC 7638 SHA-256 thumbprint of key, base64url: the default "kid". */
const char *oauth2_jwk_thumbprint(apr_pool_t *pool, EVP_PKEY *key,
                                  const char **kid);

/* The public key of an RSA or EC P-256 JWK (as found in another server's
 * JWKS); *key is freed with pool. A JWK whose "alg" or "use" contradicts
 * its key type is refused. */
const char *oauth2_jwk_import(apr_pool_t *pool, json_t *jwk, EVP_PKEY **key);

/* Prepares md to sign (sign = 1) or verify (0) with key's algorithm:
 * SHA-256 with RSASSA-PKCS1-v1_5 for RS256, or with ECDSA for ES256 (DER
 * signatures: see jws.c). Returns 1, or 0 on failure. */
int oauth2_jwk_digest_init(EVP_MD_CTX *md, EVP_PKEY *key, int sign);

/* The "typ" of the JWS header of JWT access tokens (RFC 9068 §2.1). */
#define OAUTH2_JWT_ACCESS_TYP "at+jwt"

/* One key of a set, with its pinned algorithm. */
typedef struct oauth2_jwk_t {
    const char *kid;
    const char *alg;
    EVP_PKEY *key;
    /* Prepared once to verify with key, then only copied: a copy costs
     * less than preparing a context per token (OpenSSL 3 fetches the
     * algorithms each time), and threads may copy it concurrently. */
    const EVP_MD_CTX *verifier;
    /* The header of the access tokens signed with this key, as
     * oauth2_jws_sign encodes it, and its parse: a token whose header has
     * exactly these characters names this key and its algorithm, and its
     * header is not decoded and parsed once more. Read only; NULL when
     * the kid cannot be put in a header. */
    const char *access_header;
    json_t *access_header_json;
} oauth2_jwk_t;

/* A JWK Set (RFC 7517 §5), made once at configuration time and then only
 * read, so it may be shared by threads. */
typedef struct oauth2_jwks_t oauth2_jwks_t;

oauth2_jwks_t *oauth2_jwks_make(apr_pool_t *pool);

/* Adds key (private or public; the set holds its own reference) under kid,
 * or under its thumbprint when kid is NULL. Refuses unsupported keys and
 * a kid already in the set. */
const char *oauth2_jwks_add(oauth2_jwks_t *jwks, EVP_PKEY *key,
                            const char *kid);

/* The key named kid; with kid NULL, the only key of a one-key set. */
const oauth2_jwk_t *oauth2_jwks_find(const oauth2_jwks_t *jwks,
                                     const char *kid);

/* The key whose access_header is b64, or NULL. */
const oauth2_jwk_t *oauth2_jwks_find_access_header(const oauth2_jwks_t *jwks,
                                                   const char *b64);

int oauth2_jwks_count(const oauth2_jwks_t *jwks);

/* The JWKS document {"keys":[...]} of the public keys, compact JSON in
 * pool: computed once, served as is (application/jwk-set+json). */
const char *oauth2_jwks_json(apr_pool_t *pool, const oauth2_jwks_t *jwks,
                             const char **json);

#endif
