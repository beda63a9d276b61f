/* core/jws.c and core/jwt.c: JWT access tokens, verified with a fixed
 * key set (an EC P-256 key "ec" and an RSA key "rsa") so that the verify
 * paths run. The first byte picks what the rest is:
 *   0  a compact JWS, verified (seeds: tokens signed with these keys);
 *   1  header bytes NUL payload bytes, base64url-encoded and signed with
 *      the EC key as they are: the header parsing behind a valid
 *      signature; verification succeeds exactly when the header names
 *      the EC key the way the verifier requires;
 *   2  JSON claims, signed with oauth2_jws_sign then verified: always
 *      accepted, the same claims;
 *   3  JSON claims checked as a verified token's would be. */
#include "fuzz.h"
#include "fuzz_keys.h"

#include <string.h>

#include <apr_strings.h>
#include <openssl/ecdsa.h>

#include "mod_oauth2/core/encoding.h"
#include "mod_oauth2/core/jws.h"
#include "mod_oauth2/core/jwt.h"

#define ISS "https://as.example"
#define AUD "https://rs.example"
#define NOW ((apr_time_t)1700000000 * APR_USEC_PER_SEC)

static EVP_PKEY *ec_key;
static oauth2_jwks_t *both, *ec_only;

void fuzz_setup(void)
{
    apr_pool_t *pool;
    EVP_PKEY *rsa_key = fuzz_key(0);

    apr_pool_create(&pool, NULL);
    ec_key = fuzz_key(1);
    both = oauth2_jwks_make(pool);
    ec_only = oauth2_jwks_make(pool);
    if (oauth2_jwks_add(both, ec_key, FUZZ_KID_EC) ||
        oauth2_jwks_add(both, rsa_key, FUZZ_KID_RSA) ||
        oauth2_jwks_add(ec_only, ec_key, FUZZ_KID_EC)) {
        abort();
    }
    EVP_PKEY_free(rsa_key); /* the set holds its own reference */
}

static const char *verify(apr_pool_t *pool, const oauth2_jwks_t *jwks,
                          const char *jwt, json_t **header, json_t **claims)
{
    const char *err = oauth2_jws_verify(pool, jwks, jwt, header, claims);

    FUZZ_ASSERT(err ? !*claims && !*header
                    : json_is_object(*claims) && json_is_object(*header));
    if (!err) {
        oauth2_jwt_is_access_token(*header);
        oauth2_jwt_check_claims(*claims, ISS, AUD, NOW, 60);
    }
    return err;
}

/* ES256 over input, R || S base64url (as jws.c signs). */
static const char *es256(apr_pool_t *pool, const char *input)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char der[80], raw[64];
    const unsigned char *p = der;
    size_t len = sizeof(der);
    ECDSA_SIG *sig;

    if (!md || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, ec_key) != 1 ||
        EVP_DigestSign(md, der, &len, (const unsigned char *)input,
                       strlen(input)) != 1 ||
        !(sig = d2i_ECDSA_SIG(NULL, &p, (long)len))) {
        abort();
    }
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + 32, 32);
    ECDSA_SIG_free(sig);
    EVP_MD_CTX_free(md);
    return oauth2_base64url_encode(pool, raw, sizeof(raw));
}

static json_t *object(const char *text)
{
    json_t *json = json_loads(text, JSON_REJECT_DUPLICATES, NULL);

    if (json && !json_is_object(json)) {
        json_decref(json);
        json = NULL;
    }
    return json;
}

/* Whether a header selects the EC key of ec_only as the verifier does. */
static int names_ec_key(json_t *h)
{
    json_t *kid = json_object_get(h, "kid");

    return h && !json_object_get(h, "crit") &&
           json_is_string(json_object_get(h, "alg")) &&
           !strcmp(json_string_value(json_object_get(h, "alg")), "ES256") &&
           (!kid || (json_is_string(kid) &&
                     !strcmp(json_string_value(kid), FUZZ_KID_EC)));
}

static void signed_as_given(apr_pool_t *pool, const uint8_t *data, size_t size)
{
    const char *part[2], *input, *jwt;
    json_t *header, *claims, *h = NULL, *c = NULL;
    const char *err;

    fuzz_split(pool, data, size, 2, part);
    input =
        apr_pstrcat(pool,
                    oauth2_base64url_encode(
                        pool, (const unsigned char *)part[0], strlen(part[0])),
                    ".",
                    oauth2_base64url_encode(
                        pool, (const unsigned char *)part[1], strlen(part[1])),
                    NULL);
    jwt = apr_pstrcat(pool, input, ".", es256(pool, input), NULL);
    err = verify(pool, ec_only, jwt, &header, &claims);
    h = object(part[0]);
    c = object(part[1]);
    FUZZ_ASSERT(!err == (names_ec_key(h) && c != NULL));
    if (!err) {
        FUZZ_ASSERT(json_equal(claims, c));
    }
    json_decref(h);
    json_decref(c);
}

static void signed_claims(apr_pool_t *pool, const char *text)
{
    json_t *claims = object(text), *header, *back;
    const char *jwt;

    if (!claims) {
        return;
    }
    FUZZ_ASSERT(!oauth2_jws_sign(pool, ec_key, FUZZ_KID_EC,
                                 OAUTH2_JWT_ACCESS_TYP, claims, &jwt));
    FUZZ_ASSERT(!verify(pool, both, jwt, &header, &back));
    FUZZ_ASSERT(json_equal(claims, back));
    FUZZ_ASSERT(oauth2_jwt_is_access_token(header));
    json_decref(claims);
}

static void claims_checked(const char *text)
{
    json_t *claims = object(text);

    if (claims && !oauth2_jwt_check_claims(claims, ISS, AUD, NOW, 60)) {
        FUZZ_ASSERT(
            !strcmp(json_string_value(json_object_get(claims, "iss")), ISS));
        FUZZ_ASSERT(json_is_number(json_object_get(claims, "exp")));
    }
    if (claims) {
        oauth2_jwt_is_access_token(claims);
    }
    json_decref(claims);
}

int fuzz_one(apr_pool_t *pool, const uint8_t *data, size_t size)
{
    const char *text;
    json_t *header, *claims;

    if (size < 1) {
        return 0;
    }
    text = apr_pstrmemdup(pool, (const char *)data + 1, size - 1);
    switch (data[0] & 3) {
    case 0:
        verify(pool, both, text, &header, &claims);
        verify(pool, ec_only, text, &header, &claims);
        break;
    case 1:
        signed_as_given(pool, data + 1, size - 1);
        break;
    case 2:
        signed_claims(pool, text);
        break;
    default:
        claims_checked(text);
    }
    return 0;
}
