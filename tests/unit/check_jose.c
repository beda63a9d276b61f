/* core/jwk.c, jws.c, jwt.c: JWKs, the JWKS document, RS256/ES256 compact
 * JWS and the claims of JWT access tokens (RFC 7515, 7517, 7518, 7638,
 * 9068). Keys are generated once per test case; tokens made by PyJWT
 * 2.6 (Debian python3-jwt) check interoperability. */
#include "core_suites.h"

#include <string.h>

#include <apr_strings.h>
#include <apr_thread_proc.h>
#include <apr_time.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "mod_oauth2/core/encoding.h"
#include "mod_oauth2/core/jwk.h"
#include "mod_oauth2/core/jws.h"
#include "mod_oauth2/core/jwt.h"

enum { RSA2048, P256, P256_OTHER, RSA1024, P384, KEY_COUNT };

/* Made by the unchecked fixture in the runner's process; test processes
 * inherit them. */
static EVP_PKEY *keys[KEY_COUNT];

static void keys_setup(void)
{
    keys[RSA2048] = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    keys[P256] = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    keys[P256_OTHER] = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    keys[RSA1024] = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
    keys[P384] = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
}

static void keys_teardown(void)
{
    int i;

    for (i = 0; i < KEY_COUNT; i++) {
        EVP_PKEY_free(keys[i]);
        keys[i] = NULL;
    }
}

static apr_status_t free_json(void *json)
{
    json_decref(json);
    return APR_SUCCESS;
}

static json_t *parse(const char *text)
{
    json_error_t error;
    json_t *json = json_loads(text, 0, &error);

    ck_assert_msg(json != NULL, "bad test JSON %s: %s", text, error.text);
    apr_pool_cleanup_register(test_pool, json, free_json,
                              apr_pool_cleanup_null);
    return json;
}

static const char *member(json_t *object, const char *name)
{
    return json_string_value(json_object_get(object, name));
}

static char *b64(const char *text)
{
    return oauth2_base64url_encode(test_pool, (const unsigned char *)text,
                                   strlen(text));
}

static unsigned char *unb64(const char *text, apr_size_t *len)
{
    unsigned char *bytes = oauth2_base64url_decode(test_pool, text, len);

    ck_assert_msg(bytes != NULL, "'%s' is not base64url", text);
    return bytes;
}

/* Whether a base64url member holds exactly the key's parameter. */
static void assert_bn_member(json_t *jwk, const char *name, EVP_PKEY *key,
                             const char *param)
{
    BIGNUM *expected = NULL, *actual;
    apr_size_t len;
    unsigned char *bytes = unb64(member(jwk, name), &len);

    ck_assert_int_eq(EVP_PKEY_get_bn_param(key, param, &expected), 1);
    actual = BN_bin2bn(bytes, (int)len, NULL);
    ck_assert_msg(BN_cmp(actual, expected) == 0, "%s differs", name);
    BN_free(actual);
    BN_free(expected);
}

/* --- JWK ------------------------------------------------------------ */

START_TEST(test_jwk_public_of_an_rsa_key_holds_its_n_and_e)
{
    json_t *jwk = NULL;

    ck_assert_ptr_null(oauth2_jwk_public(test_pool, keys[RSA2048], "k1", &jwk));
    ck_assert_str_eq(member(jwk, "kty"), "RSA");
    ck_assert_str_eq(member(jwk, "kid"), "k1");
    ck_assert_str_eq(member(jwk, "use"), "sig");
    ck_assert_str_eq(member(jwk, "alg"), "RS256");
    ck_assert_str_eq(member(jwk, "e"), "AQAB");
    assert_bn_member(jwk, "n", keys[RSA2048], OSSL_PKEY_PARAM_RSA_N);
    assert_bn_member(jwk, "e", keys[RSA2048], OSSL_PKEY_PARAM_RSA_E);
    /* 2048 bits, no leading zero byte (RFC 7518 §6.3.1.1). */
    ck_assert_int_eq(strlen(member(jwk, "n")), 342);
    /* Public members only: no "d", "p", "q"... */
    ck_assert_int_eq(json_object_size(jwk), 6);
}
END_TEST

START_TEST(test_jwk_public_of_an_ec_key_holds_its_point)
{
    json_t *jwk = NULL;
    unsigned char point[65], *x, *y;
    apr_size_t x_len, y_len;
    size_t point_len = 0;

    ck_assert_ptr_null(oauth2_jwk_public(test_pool, keys[P256], "k2", &jwk));
    ck_assert_str_eq(member(jwk, "kty"), "EC");
    ck_assert_str_eq(member(jwk, "crv"), "P-256");
    ck_assert_str_eq(member(jwk, "kid"), "k2");
    ck_assert_str_eq(member(jwk, "use"), "sig");
    ck_assert_str_eq(member(jwk, "alg"), "ES256");
    ck_assert_int_eq(json_object_size(jwk), 7);
    x = unb64(member(jwk, "x"), &x_len);
    y = unb64(member(jwk, "y"), &y_len);
    ck_assert_int_eq(x_len, 32);
    ck_assert_int_eq(y_len, 32);
    /* The uncompressed point 04 || x || y is the key's own. */
    ck_assert_int_eq(EVP_PKEY_get_octet_string_param(
                         keys[P256], OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point,
                         sizeof(point), &point_len),
                     1);
    ck_assert_int_eq(point_len, 65);
    ck_assert_mem_eq(point + 1, x, 32);
    ck_assert_mem_eq(point + 33, y, 32);
}
END_TEST

START_TEST(test_jwk_public_pads_a_short_ec_coordinate_to_32_bytes)
{
    EVP_PKEY *key = NULL;
    BIGNUM *x = NULL, *y = NULL;
    json_t *jwk = NULL;
    apr_size_t len;
    int tries, short_one = 0;

    /* About one P-256 key in 128 has a coordinate below 2^248. */
    for (tries = 0; tries < 5000 && !short_one; tries++) {
        EVP_PKEY_free(key);
        key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
        ck_assert_int_eq(
            EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x), 1);
        ck_assert_int_eq(
            EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y), 1);
        short_one = BN_num_bytes(x) < 32 || BN_num_bytes(y) < 32;
        BN_free(x);
        BN_free(y);
        x = y = NULL;
    }
    ck_assert_msg(short_one, "no short coordinate in %d keys", tries);
    ck_assert_ptr_null(oauth2_jwk_public(test_pool, key, "k", &jwk));
    ck_assert_int_eq(unb64(member(jwk, "x"), &len) != NULL && len == 32, 1);
    ck_assert_int_eq(unb64(member(jwk, "y"), &len) != NULL && len == 32, 1);
    assert_bn_member(jwk, "x", key, OSSL_PKEY_PARAM_EC_PUB_X);
    assert_bn_member(jwk, "y", key, OSSL_PKEY_PARAM_EC_PUB_Y);
    EVP_PKEY_free(key);
}
END_TEST

START_TEST(test_jwk_public_without_kid_uses_the_thumbprint)
{
    json_t *jwk = NULL;
    const char *kid = NULL;

    ck_assert_ptr_null(oauth2_jwk_public(test_pool, keys[P256], NULL, &jwk));
    ck_assert_ptr_null(oauth2_jwk_thumbprint(test_pool, keys[P256], &kid));
    ck_assert_str_eq(member(jwk, "kid"), kid);
    /* SHA-256, base64url without padding. */
    ck_assert_int_eq(strlen(kid), 43);
}
END_TEST

START_TEST(test_jwk_refuses_keys_that_sign_neither_rs256_nor_es256)
{
    int which = _i ? P384 : RSA1024;
    json_t *jwk = NULL;
    const char *kid = NULL;

    ck_assert_ptr_null(oauth2_jwk_algorithm(keys[which]));
    ck_assert_ptr_nonnull(oauth2_jwk_public(test_pool, keys[which], "k", &jwk));
    ck_assert_ptr_nonnull(oauth2_jwk_thumbprint(test_pool, keys[which], &kid));
}
END_TEST

/* RFC 7638 §3.1. */
#define RFC7638_N                                                              \
    "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1"      \
    "RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5"      \
    "n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8K"      \
    "JZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQF"      \
    "h6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJz"      \
    "KnqDKgw"

START_TEST(test_jwk_thumbprint_of_the_rfc_7638_example_key)
{
    json_t *jwk = parse("{\"kty\":\"RSA\",\"n\":\"" RFC7638_N "\","
                        "\"e\":\"AQAB\",\"alg\":\"RS256\","
                        "\"kid\":\"2011-04-29\"}");
    EVP_PKEY *key = NULL;
    const char *kid = NULL;
    json_t *exported = NULL;

    ck_assert_ptr_null(oauth2_jwk_import(test_pool, jwk, &key));
    ck_assert_ptr_null(oauth2_jwk_thumbprint(test_pool, key, &kid));
    ck_assert_str_eq(kid, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    /* And the key exports back to the same n and e. */
    ck_assert_ptr_null(oauth2_jwk_public(test_pool, key, NULL, &exported));
    ck_assert_str_eq(member(exported, "n"), RFC7638_N);
    ck_assert_str_eq(member(exported, "e"), "AQAB");
    ck_assert_str_eq(member(exported, "kid"), kid);
}
END_TEST

START_TEST(test_jwk_import_of_a_public_jwk_gives_back_the_key)
{
    EVP_PKEY *key = keys[_i ? P256 : RSA2048], *imported = NULL;
    const char *kid = NULL, *imported_kid = NULL;
    json_t *jwk = NULL;

    ck_assert_ptr_null(oauth2_jwk_public(test_pool, key, "k", &jwk));
    ck_assert_ptr_null(oauth2_jwk_import(test_pool, jwk, &imported));
    ck_assert_int_eq(EVP_PKEY_eq(key, imported), 1);
    ck_assert_ptr_null(oauth2_jwk_thumbprint(test_pool, key, &kid));
    ck_assert_ptr_null(
        oauth2_jwk_thumbprint(test_pool, imported, &imported_kid));
    ck_assert_str_eq(kid, imported_kid);
}
END_TEST

#define PY_EC_X "kaV5-eUKzhfdzJ07TRINjr9OyUBihx8nClaI2t-p3cc"
#define PY_EC_Y "9pJmfGGJ_5R2VBC6zLdiNj5neXUpPri_DJdcs8aikpo"

static const struct {
    const char *jwk;
    const char *error; /* a part of the expected error */
} bad_jwks[] = {
    {"{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}", "neither RSA nor EC"},
    {"{\"n\":\"" RFC7638_N "\",\"e\":\"AQAB\"}", "neither RSA nor EC"},
    {"{\"kty\":\"RSA\",\"e\":\"AQAB\"}", "\"n\" is not base64url"},
    {"{\"kty\":\"RSA\",\"n\":\"" RFC7638_N "=\",\"e\":\"AQAB\"}",
     "\"n\" is not base64url"},
    {"{\"kty\":\"RSA\",\"n\":\"" RFC7638_N "\",\"e\":\"\"}",
     "\"e\" is not base64url"},
    /* 1024 bits. */
    {"{\"kty\":\"RSA\",\"e\":\"AQAB\",\"n\":\"xEmBRQbFdKDQ0V5qipopI9VCOhHu-"
     "Jhp0aTrRpIhZpI5LSRgk3U9ko4xZz35SVnA8_hgMtii55u0VehyQBw8fy3nhP6vi30-1"
     "GwX3xA2OsK7ryq-SgpriOj7bNVkW6_JVT1upOm5ncZKDBQminWsUVOlTIYn1-cNpaJ84"
     "HS_t2E\"}",
     "RSA"},
    {"{\"kty\":\"RSA\",\"n\":\"" RFC7638_N "\",\"e\":\"AQAB\","
     "\"alg\":\"ES256\"}",
     "not for signing with RS256"},
    {"{\"kty\":\"RSA\",\"n\":\"" RFC7638_N "\",\"e\":\"AQAB\","
     "\"use\":\"enc\"}",
     "not for signing with RS256"},
    {"{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"jmq0tSkxiMMnx78kUNeGdj1d7M"
     "mj33sMbaxmoQdzimbflRgaZ9vpCJIZ_YQLz1PI\",\"y\":\"duj72XLNqdiu2JrOKth"
     "4v2BV1fDEmvXgxyAxnnBlBLunSZJGkVNqtcFQvv2gUV2r\"}",
     "not P-256"},
    {"{\"kty\":\"EC\",\"x\":\"" PY_EC_X "\",\"y\":\"" PY_EC_Y "\"}",
     "not P-256"},
    {"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAA" PY_EC_X
     "\",\"y\":\"" PY_EC_Y "\"}",
     "not 32 bytes"},
    {"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" PY_EC_X "\"}",
     "\"y\" is not base64url"},
    /* e = 1: every message is its own signature; e = 2 is even. */
    {"{\"kty\":\"RSA\",\"n\":\"" RFC7638_N "\",\"e\":\"AQ\"}",
     "not a valid RSA public key"},
    {"{\"kty\":\"RSA\",\"n\":\"" RFC7638_N "\",\"e\":\"Ag\"}",
     "not a valid RSA public key"},
    /* The point moved off the curve: an invalid-curve attack. */
    {"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" PY_EC_X "\",\"y\":\""
     "9pJmfGGJ_5R2VBC6zLdiNj5neXUpPri_DJdcs8aikpA\"}",
     "not a valid EC public key"},
    {"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" PY_EC_X "\",\"y\":\"" PY_EC_Y
     "\",\"alg\":\"RS256\"}",
     "not for signing with ES256"},
};

START_TEST(test_jwk_import_refuses_unusable_jwks)
{
    EVP_PKEY *key = NULL;
    const char *err =
        oauth2_jwk_import(test_pool, parse(bad_jwks[_i].jwk), &key);

    ck_assert_msg(err != NULL, "accepted %s", bad_jwks[_i].jwk);
    ck_assert_msg(strstr(err, bad_jwks[_i].error) != NULL,
                  "%s: error '%s' lacks '%s'", bad_jwks[_i].jwk, err,
                  bad_jwks[_i].error);
}
END_TEST

/* Found by tests/fuzz/fuzz_jwk: a 2840-bit modulus divisible by 6151,
 * which OpenSSL's public key check refused only when one of its random
 * Miller-Rabin bases happened to share that factor (about one import in
 * a hundred). */
#define FACTOR_6151_N                                                          \
    "yzV58nmKped9CLGF4fdWaBZm2ikxAaRkbmSzZ-CZAqove_qW95G-QEe7WxKC1TXghE"       \
    "A12Z5_2ti7O-4xIU8DfP0RgoGIzLgRz-h-u5Kt4_soprP50AfJjWGC8LNRWwqdpV3T"       \
    "HH2NWaRQagFrNdBbXoon9K1dA5apKy1ri2y0_vioUKSJPBY0KtrueqQEhkdDGVbBBG"       \
    "gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg"       \
    "ggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggQDrL"       \
    "E8b7lwevaiHDTeoJ8Q9s9rW5sWQz46sBOiCU5f-jAs662c7P8qTt_ClRjjuce7iXuL"       \
    "e78Ek7bpAUNsxRJOSxZFaHLMleEZ7jtj0JHPOXl4_HTH9aeJg3031VOn-QGlc2TB3W"       \
    "vE6GSiiFx9Aw"

START_TEST(test_jwk_import_refuses_a_modulus_with_a_small_factor_every_time)
{
    json_t *jwk = parse("{\"kty\":\"RSA\",\"n\":\"" FACTOR_6151_N "\","
                        "\"e\":\"AQAB\"}");
    EVP_PKEY *key = NULL;
    int i;

    for (i = 0; i < 300; i++) {
        const char *err = oauth2_jwk_import(test_pool, jwk, &key);
        ck_assert_msg(err && strstr(err, "not a valid RSA public key"),
                      "import %d: %s", i, err ? err : "accepted");
    }
}
END_TEST

/* --- JWKS ----------------------------------------------------------- */

START_TEST(test_jwks_names_a_key_by_its_thumbprint_by_default)
{
    oauth2_jwks_t *jwks = oauth2_jwks_make(test_pool);
    const char *kid = NULL;
    const oauth2_jwk_t *jwk;

    ck_assert_ptr_null(oauth2_jwks_add(jwks, keys[P256], NULL));
    ck_assert_ptr_null(oauth2_jwk_thumbprint(test_pool, keys[P256], &kid));
    jwk = oauth2_jwks_find(jwks, kid);
    ck_assert_ptr_nonnull(jwk);
    ck_assert_ptr_eq(jwk->key, keys[P256]);
    ck_assert_str_eq(jwk->alg, "ES256");
    ck_assert_ptr_null(oauth2_jwks_find(jwks, "other"));
}
END_TEST

START_TEST(test_jwks_refuses_a_second_key_with_the_same_kid)
{
    oauth2_jwks_t *jwks = oauth2_jwks_make(test_pool);
    const char *err;

    ck_assert_ptr_null(oauth2_jwks_add(jwks, keys[RSA2048], "k"));
    err = oauth2_jwks_add(jwks, keys[P256], "k");
    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_nonnull(strstr(err, "two keys have the kid 'k'"));
    ck_assert_ptr_nonnull(oauth2_jwks_add(jwks, keys[P256], ""));
    ck_assert_ptr_nonnull(oauth2_jwks_add(jwks, keys[RSA1024], "small"));
    ck_assert_ptr_nonnull(oauth2_jwks_add(jwks, keys[P384], "p384"));
    ck_assert_int_eq(oauth2_jwks_count(jwks), 1);
}
END_TEST

START_TEST(test_jwks_finds_a_key_without_kid_only_in_a_one_key_set)
{
    oauth2_jwks_t *jwks = oauth2_jwks_make(test_pool);

    ck_assert_ptr_null(oauth2_jwks_find(jwks, NULL));
    ck_assert_ptr_null(oauth2_jwks_add(jwks, keys[RSA2048], "rsa"));
    ck_assert_ptr_eq(oauth2_jwks_find(jwks, NULL)->key, keys[RSA2048]);
    ck_assert_ptr_null(oauth2_jwks_add(jwks, keys[P256], "ec"));
    ck_assert_ptr_null(oauth2_jwks_find(jwks, NULL));
}
END_TEST

START_TEST(test_jwks_keeps_its_own_reference_to_a_key)
{
    oauth2_jwks_t *jwks = oauth2_jwks_make(test_pool);
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    json_t *claims = parse("{\"sub\":\"alice\"}"), *out = NULL;
    const char *jwt = NULL;

    ck_assert_ptr_null(oauth2_jwks_add(jwks, key, "k"));
    ck_assert_ptr_null(
        oauth2_jws_sign(test_pool, key, "k", NULL, claims, &jwt));
    EVP_PKEY_free(key);
    /* Sanitizers would see a use after free here. */
    ck_assert_ptr_null(oauth2_jws_verify(test_pool, jwks, jwt, NULL, &out));
}
END_TEST

START_TEST(test_jwks_json_lists_the_public_keys_only)
{
    oauth2_jwks_t *jwks = oauth2_jwks_make(test_pool);
    const char *text = NULL;
    json_t *doc, *list;

    ck_assert_ptr_null(oauth2_jwks_add(jwks, keys[RSA2048], "rsa"));
    ck_assert_ptr_null(oauth2_jwks_add(jwks, keys[P256], "ec"));
    ck_assert_ptr_null(oauth2_jwks_json(test_pool, jwks, &text));
    /* Compact: served as is. */
    ck_assert_ptr_null(strchr(text, ' '));
    ck_assert_ptr_null(strchr(text, '\n'));
    doc = parse(text);
    ck_assert_int_eq(json_object_size(doc), 1);
    list = json_object_get(doc, "keys");
    ck_assert_int_eq(json_array_size(list), 2);
    ck_assert_str_eq(member(json_array_get(list, 0), "kid"), "rsa");
    ck_assert_str_eq(member(json_array_get(list, 0), "kty"), "RSA");
    ck_assert_str_eq(member(json_array_get(list, 1), "kid"), "ec");
    ck_assert_str_eq(member(json_array_get(list, 1), "kty"), "EC");
    ck_assert_ptr_null(strstr(text, "\"d\""));
    ck_assert_ptr_null(strstr(text, "\"p\""));
}
END_TEST

START_TEST(test_jwks_json_of_an_empty_set_has_an_empty_list)
{
    const char *text = NULL;

    ck_assert_ptr_null(
        oauth2_jwks_json(test_pool, oauth2_jwks_make(test_pool), &text));
    ck_assert_str_eq(text, "{\"keys\":[]}");
}
END_TEST

/* --- JWS ------------------------------------------------------------ */

static oauth2_jwks_t *rsa_and_ec(void)
{
    oauth2_jwks_t *jwks = oauth2_jwks_make(test_pool);

    ck_assert_ptr_null(oauth2_jwks_add(jwks, keys[RSA2048], "rsa"));
    ck_assert_ptr_null(oauth2_jwks_add(jwks, keys[P256], "ec"));
    return jwks;
}

#define CLAIMS                                                                 \
    "{\"iss\":\"https://as.example.com\",\"sub\":\"alice\","                   \
    "\"aud\":\"https://rs.example.com\",\"client_id\":\"c1\","                 \
    "\"scope\":\"read\",\"iat\":1700000000,\"exp\":1700000300,"                \
    "\"jti\":\"j1\"}"

static const char *sign(int which, const char *kid, const char *claims)
{
    const char *jwt = NULL, *err;

    err = oauth2_jws_sign(test_pool, keys[which], kid, "at+jwt", parse(claims),
                          &jwt);
    ck_assert_msg(err == NULL, "cannot sign: %s", err);
    return jwt;
}

/* A token signed with RS256 by the RSA key whatever its header says, to
 * make tokens that oauth2_jws_sign would not. */
static const char *sign_raw(const char *header, const char *payload)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    const char *input = apr_pstrcat(test_pool, header, ".", payload, NULL);
    unsigned char sig[512];
    size_t len = sizeof(sig);

    ck_assert_int_eq(
        EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, keys[RSA2048]), 1);
    ck_assert_int_eq(EVP_DigestSign(md, sig, &len, (const unsigned char *)input,
                                    strlen(input)),
                     1);
    EVP_MD_CTX_free(md);
    return apr_pstrcat(test_pool, input, ".",
                       oauth2_base64url_encode(test_pool, sig, len), NULL);
}

/* Refused, for the expected reason, leaving no header or claims behind
 * (the caller's variables start out pointing anywhere). */
static void assert_refused(const char *jwt, const oauth2_jwks_t *jwks,
                           const char *expected)
{
    static json_t garbage;
    json_t *header = &garbage, *claims = &garbage;
    const char *err = oauth2_jws_verify(test_pool, jwks, jwt, &header, &claims);

    ck_assert_msg(err != NULL, "accepted %s", jwt);
    ck_assert_msg(strstr(err, expected) != NULL, "%s: error '%s' lacks '%s'",
                  jwt, err, expected);
    ck_assert_ptr_null(header);
    ck_assert_ptr_null(claims);
}

START_TEST(test_jws_sign_then_verify_gives_back_header_and_claims)
{
    int which = _i ? P256 : RSA2048;
    const char *kid = _i ? "ec" : "rsa", *jwt = sign(which, kid, CLAIMS);
    json_t *header = NULL, *claims = NULL;
    const char *err =
        oauth2_jws_verify(test_pool, rsa_and_ec(), jwt, &header, &claims);

    ck_assert_msg(err == NULL, "%s", err);
    ck_assert_str_eq(member(header, "alg"), _i ? "ES256" : "RS256");
    ck_assert_str_eq(member(header, "typ"), "at+jwt");
    ck_assert_str_eq(member(header, "kid"), kid);
    ck_assert_int_eq(json_object_size(header), 3);
    ck_assert_int_eq(json_equal(claims, parse(CLAIMS)), 1);
    /* The payload is the compact JSON of the claims. */
    ck_assert_ptr_nonnull(strstr(jwt, b64(CLAIMS)));
}
END_TEST

/* Our own header is recognised by its characters; any other spelling of
 * the same header is parsed, and both give the same header. */
START_TEST(
    test_jws_verify_gives_the_same_header_for_our_own_and_other_spellings)
{
    const char *own = sign(RSA2048, "rsa", CLAIMS);
    const char *other =
        sign_raw(b64("{\"kid\":\"rsa\",\"typ\":\"at+jwt\",\"alg\":\"RS256\"}"),
                 b64(CLAIMS));
    json_t *h1 = NULL, *h2 = NULL, *claims = NULL;

    ck_assert_ptr_null(
        oauth2_jws_verify(test_pool, rsa_and_ec(), own, &h1, &claims));
    ck_assert_ptr_null(
        oauth2_jws_verify(test_pool, rsa_and_ec(), other, &h2, &claims));
    ck_assert_int_eq(json_equal(h1, h2), 1);
    ck_assert_int_eq(json_equal(claims, parse(CLAIMS)), 1);
    /* Our header under another key's kid is refused as before. */
    assert_refused(sign_raw(b64("{\"alg\":\"RS256\",\"typ\":\"at+jwt\","
                                "\"kid\":\"ec\"}"),
                            b64(CLAIMS)),
                   rsa_and_ec(), "alg");
}
END_TEST

START_TEST(test_jws_sign_leaves_out_a_null_typ_and_kid)
{
    const char *jwt = NULL, *header = b64("{\"alg\":\"ES256\"}");

    ck_assert_ptr_null(
        oauth2_jws_sign(test_pool, keys[P256], NULL, NULL, parse("{}"), &jwt));
    ck_assert_int_eq(strncmp(jwt, header, strlen(header)), 0);
    ck_assert_int_eq(jwt[strlen(header)], '.');
}
END_TEST

START_TEST(test_jws_sign_refuses_unusable_keys_and_claims)
{
    const char *jwt = NULL;

    ck_assert_ptr_nonnull(oauth2_jws_sign(test_pool, keys[RSA1024], "k", NULL,
                                          parse("{}"), &jwt));
    ck_assert_ptr_nonnull(
        oauth2_jws_sign(test_pool, keys[P384], "k", NULL, parse("{}"), &jwt));
    ck_assert_ptr_nonnull(
        oauth2_jws_sign(test_pool, keys[P256], "k", NULL, parse("[1]"), &jwt));
    /* Not UTF-8. */
    ck_assert_ptr_nonnull(oauth2_jws_sign(test_pool, keys[P256], "\xff", NULL,
                                          parse("{}"), &jwt));
    ck_assert_ptr_null(jwt);
}
END_TEST

/* R and S each have their high bit set about half of the time, and a
 * leading zero byte one time in 256: many signatures exercise every
 * R || S to DER conversion. */
START_TEST(test_jws_es256_signatures_are_r_s_and_all_verify)
{
    oauth2_jwks_t *jwks = rsa_and_ec();
    int i, high = 0, low = 0;

    for (i = 0; i < 300; i++) {
        const char *jwt = sign(P256, "ec", "{\"i\":1}");
        apr_size_t len;
        unsigned char *sig = unb64(strrchr(jwt, '.') + 1, &len);
        json_t *claims = NULL;
        const char *err =
            oauth2_jws_verify(test_pool, jwks, jwt, NULL, &claims);

        ck_assert_msg(err == NULL, "%s: %s", jwt, err);
        ck_assert_int_eq(len, 64);
        high += (sig[0] & 0x80) && (sig[32] & 0x80);
        low += !(sig[0] & 0x80) && !(sig[32] & 0x80);
    }
    ck_assert_int_gt(high, 0);
    ck_assert_int_gt(low, 0);
}
END_TEST

/* httpd's threaded MPMs verify with one key set from many threads at
 * once: the shared parts (keys, prepared verifiers) must only be read. */
typedef struct {
    const oauth2_jwks_t *jwks;
    const char *jwts[2];
    int failures;
} verify_run_t;

static void *APR_THREAD_FUNC verify_many(apr_thread_t *thread, void *data)
{
    verify_run_t *run = data;
    apr_pool_t *pool;
    json_t *claims;
    int i;

    /* A pool with its own allocator: pools are not shared by threads. */
    apr_pool_create_unmanaged(&pool);
    for (i = 0; i < 200; i++) {
        if (oauth2_jws_verify(pool, run->jwks, run->jwts[i % 2], NULL,
                              &claims)) {
            run->failures++;
        }
        apr_pool_clear(pool);
    }
    apr_pool_destroy(pool);
    /* Returning ends the thread; apr_thread_exit would unwind it with
     * pthread_exit, which ASan then misreports as a stack underflow. */
    return NULL;
}

START_TEST(test_jws_verify_from_several_threads_at_once)
{
    const oauth2_jwks_t *jwks = rsa_and_ec();
    const char *rs256 = sign(RSA2048, "rsa", CLAIMS);
    const char *es256 = sign(P256, "ec", CLAIMS);
    verify_run_t runs[4];
    apr_thread_t *threads[4];
    apr_status_t status;
    int i;

    for (i = 0; i < 4; i++) {
        runs[i] = (verify_run_t){jwks, {rs256, es256}, 0};
        ck_assert_int_eq(apr_thread_create(&threads[i], NULL, verify_many,
                                           &runs[i], test_pool),
                         APR_SUCCESS);
    }
    for (i = 0; i < 4; i++) {
        ck_assert_int_eq(apr_thread_join(&status, threads[i]), APR_SUCCESS);
        ck_assert_int_eq(runs[i].failures, 0);
    }
}
END_TEST

/* Made by PyJWT 2.6 with keys from jwcrypto 1.1 (exp 2100-01-01). */
static const struct {
    const char *jwk;
    const char *jwt;
} python[] = {
    {"{\"e\":\"AQAB\",\"kid\":\"py-rsa\",\"kty\":\"RSA\",\"n\":\"r"
     "H9sYVadBGhL_iOfM0LOLfgKSanA5tEptFzuJDyjpcuRShrHtSbTNuvAKAIft"
     "EBFbnw_HhAq1Hexjoqs0Vx7u66sZZTUPY2IUVIB7B4j_bt8isHmWUbqXgcSU"
     "ljWD8kC__H7gL3OB0pWehhmzkeyPaE5hbg02U-iJ8LoEkTlndZ12-Qr7mFRr"
     "dvZU2WIoEHmybHbVO64KrvOOIimGCNyc20C6YgbIQVUumDDwcd-qnP1mSeeV"
     "JU7CKumlTFiH5cyPtL8YNxiQBk2SO2aLpZT_fPo8rud7BIkLOtdFcsBXCbVZ"
     "rzI4UsCDCI9fqAv8ALYTVczFAYJfttu0OEXEBaJDw\"}",
     "eyJhbGciOiJSUzI1NiIsImtpZCI6InB5LXJzYSIsInR5cCI6ImF0K2p3dCJ9.eyJ"
     "pc3MiOiJodHRwczovL2FzLmV4YW1wbGUuY29tIiwic3ViIjoiYWxpY2UiLCJhdWQ"
     "iOiJodHRwczovL3JzLmV4YW1wbGUuY29tIiwiY2xpZW50X2lkIjoiczZCaGRSa3F"
     "0MyIsInNjb3BlIjoicmVhZCB3cml0ZSIsImp0aSI6ImRCamZ0SmVaNENWUC1tQjk"
     "ySzI3dWhiVUpVMXAxcl93VzFnRldGT0VqWGsiLCJpYXQiOjE3MDAwMDAwMDAsImV"
     "4cCI6NDEwMjQ0NDgwMH0.jCx1DNkuDZEERDhXxizi177IpA2eRSPRQGJK4bXAfjp"
     "Ych2s_0fH3P1p6EzgDytWjq8NK7hWK5qerjK40t1B-huHiqePn4tYAG7-HcOyrS0"
     "HyC2g9uX0jT24ja3xPItbU-KjKjbh7k1tmfX3aGCzSPWt0iXE6IkI52W5Wr1tdWw"
     "1qUudHOQVBBxcvNhO6QUFXdjTsHvx9G1Z4qn--RqTwoWJu5ypmu7FBiaV000jRTP"
     "QTwpLrD3U7Ox-G7jZlK4fMidsu66NO5jzFxJ-em-4VunWoNhEi42UTWNOqJmqniK"
     "eiMt0EmBi0YgKd1Ixsp8Dv0rSA_rlXeWbzO9BBjsDMQ"},
    {"{\"crv\":\"P-256\",\"kid\":\"py-ec\",\"kty\":\"EC\",\"x\":\"" PY_EC_X
     "\",\"y\":\"" PY_EC_Y "\"}",
     "eyJhbGciOiJFUzI1NiIsImtpZCI6InB5LWVjIiwidHlwIjoiYXQrand0In0.eyJp"
     "c3MiOiJodHRwczovL2FzLmV4YW1wbGUuY29tIiwic3ViIjoiYWxpY2UiLCJhdWQi"
     "OiJodHRwczovL3JzLmV4YW1wbGUuY29tIiwiY2xpZW50X2lkIjoiczZCaGRSa3F0"
     "MyIsInNjb3BlIjoicmVhZCB3cml0ZSIsImp0aSI6ImRCamZ0SmVaNENWUC1tQjky"
     "SzI3dWhiVUpVMXAxcl93VzFnRldGT0VqWGsiLCJpYXQiOjE3MDAwMDAwMDAsImV4"
     "cCI6NDEwMjQ0NDgwMH0.5sCPhern154ktnOS4e-c4p2RqTWJXaXKlXQ_CvW63l6B"
     "7trtklpeqFbvMO9DC8AHdobrizP-tMMwFjBt6JgXuA"},
};

static oauth2_jwks_t *python_keys(void)
{
    oauth2_jwks_t *jwks = oauth2_jwks_make(test_pool);
    int i;

    for (i = 0; i < TABLE_SIZE(python); i++) {
        json_t *jwk = parse(python[i].jwk);
        EVP_PKEY *key = NULL;

        ck_assert_ptr_null(oauth2_jwk_import(test_pool, jwk, &key));
        ck_assert_ptr_null(oauth2_jwks_add(jwks, key, member(jwk, "kid")));
    }
    return jwks;
}

START_TEST(test_jws_verify_accepts_tokens_made_by_pyjwt)
{
    json_t *header = NULL, *claims = NULL;
    const char *err = oauth2_jws_verify(test_pool, python_keys(),
                                        python[_i].jwt, &header, &claims);

    ck_assert_msg(err == NULL, "%s", err);
    ck_assert_int_eq(oauth2_jwt_is_access_token(header), 1);
    ck_assert_str_eq(member(claims, "sub"), "alice");
    ck_assert_ptr_null(oauth2_jwt_check_claims(
        claims, "https://as.example.com", "https://rs.example.com",
        apr_time_from_sec(1700000100), 0));
}
END_TEST

/* Replaces the character at offset from the start of a part (negative:
 * from its end) by another of the base64url alphabet. */
static const char *tamper(const char *jwt, int part, int offset)
{
    char *copy = apr_pstrdup(test_pool, jwt), *p = copy, *end;

    while (part-- > 0) {
        p = strchr(p, '.') + 1;
    }
    end = strchr(p, '.') ? strchr(p, '.') : p + strlen(p);
    p = offset >= 0 ? p + offset : end + offset;
    *p = *p == 'A' ? 'B' : 'A';
    return copy;
}

START_TEST(test_jws_verify_refuses_a_tampered_token)
{
    int which = _i ? P256 : RSA2048;
    const char *kid = _i ? "ec" : "rsa";
    const char *jwt = sign(which, kid, CLAIMS);
    const char *other = sign(which, kid, "{\"sub\":\"mallory\"}");
    const char *sig = strrchr(jwt, '.');
    const char *header = apr_pstrmemdup(test_pool, jwt, strchr(jwt, '.') - jwt);
    oauth2_jwks_t *jwks = rsa_and_ec();

    assert_refused(tamper(jwt, 1, 5), jwks, "signature is invalid");
    assert_refused(tamper(jwt, 2, 3), jwks, "signature is invalid");
    /* The next to last character: the last one has unused bits. */
    assert_refused(tamper(jwt, 2, -2), jwks, "signature is invalid");
    /* Another token's payload under this one's signature. */
    other = apr_pstrmemdup(test_pool, strchr(other, '.'),
                           strrchr(other, '.') - strchr(other, '.'));
    assert_refused(apr_pstrcat(test_pool, header, other, sig, NULL), jwks,
                   "signature is invalid");
    /* Signed by a key that is not the one its kid names. */
    assert_refused(sign(P256_OTHER, "ec", CLAIMS), jwks,
                   "signature is invalid");
    /* Signature cut short (to 20 characters, whole bytes). */
    assert_refused(apr_pstrmemdup(test_pool, jwt, sig - jwt + 21), jwks,
                   _i ? "not 64 bytes" : "signature is invalid");
}
END_TEST

START_TEST(test_jws_verify_refuses_alg_none)
{
    oauth2_jwks_t *jwks = rsa_and_ec();
    const char *payload = b64(CLAIMS);

    /* RFC 7518 §3.6: an unsecured JWS has an empty signature. */
    assert_refused(apr_pstrcat(test_pool,
                               b64("{\"alg\":\"none\",\"kid\":\"rsa\"}"), ".",
                               payload, ".", NULL),
                   jwks, "empty part");
    assert_refused(apr_pstrcat(test_pool,
                               b64("{\"alg\":\"none\",\"kid\":\"rsa\"}"), ".",
                               payload, ".AAAA", NULL),
                   jwks, "alg is not the algorithm of its key");
    assert_refused(apr_pstrcat(test_pool, b64("{\"alg\":\"none\"}"), ".",
                               payload, ".AAAA", NULL),
                   jwks, "no kid");
}
END_TEST

/* The classic confusion: HS256 whose HMAC secret is the verifier's RSA
 * public key, which a careless verifier would use as the secret. */
START_TEST(test_jws_verify_refuses_hs256_keyed_with_the_public_key)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *pem = NULL;
    long pem_len;
    unsigned char mac[32];
    size_t mac_len = 0;
    const char *input = apr_pstrcat(
        test_pool,
        b64("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"rsa\"}"), ".",
        b64(CLAIMS), NULL);

    ck_assert_int_eq(PEM_write_bio_PUBKEY(bio, keys[RSA2048]), 1);
    pem_len = BIO_get_mem_data(bio, &pem);
    ck_assert_ptr_nonnull(EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, pem,
                                    (size_t)pem_len,
                                    (const unsigned char *)input, strlen(input),
                                    mac, sizeof(mac), &mac_len));
    assert_refused(apr_pstrcat(test_pool, input, ".",
                               oauth2_base64url_encode(test_pool, mac, mac_len),
                               NULL),
                   rsa_and_ec(), "alg is not the algorithm of its key");
    BIO_free(bio);
}
END_TEST

START_TEST(test_jws_verify_refuses_an_algorithm_its_key_is_not_for)
{
    oauth2_jwks_t *jwks = rsa_and_ec();

    /* RS256, signed by an RSA key, naming the EC key; and the reverse. */
    assert_refused(sign(RSA2048, "ec", CLAIMS), jwks,
                   "alg is not the algorithm of its key");
    assert_refused(sign(P256, "rsa", CLAIMS), jwks,
                   "alg is not the algorithm of its key");
    /* Other RSA and EC algorithms, and a lower-case spelling. */
    assert_refused(
        sign_raw(b64("{\"alg\":\"PS256\",\"kid\":\"rsa\"}"), b64(CLAIMS)), jwks,
        "alg is not the algorithm of its key");
    assert_refused(
        sign_raw(b64("{\"alg\":\"RS512\",\"kid\":\"rsa\"}"), b64(CLAIMS)), jwks,
        "alg is not the algorithm of its key");
    assert_refused(
        sign_raw(b64("{\"alg\":\"rs256\",\"kid\":\"rsa\"}"), b64(CLAIMS)), jwks,
        "alg is not the algorithm of its key");
}
END_TEST

START_TEST(test_jws_verify_refuses_an_unknown_kid)
{
    oauth2_jwks_t *jwks = rsa_and_ec();

    assert_refused(sign(P256_OTHER, "ec-other", CLAIMS), jwks,
                   "kid names no known key");
    assert_refused(sign(RSA2048, "RSA", CLAIMS), jwks,
                   "kid names no known key");
    /* Several keys: the one meant cannot be told. */
    assert_refused(sign(RSA2048, NULL, CLAIMS), jwks, "no kid");
}
END_TEST

START_TEST(test_jws_verify_takes_the_only_key_when_there_is_no_kid)
{
    oauth2_jwks_t *jwks = oauth2_jwks_make(test_pool);
    json_t *claims = NULL;

    ck_assert_ptr_null(oauth2_jwks_add(jwks, keys[P256], "ec"));
    ck_assert_ptr_null(oauth2_jws_verify(
        test_pool, jwks, sign(P256, NULL, CLAIMS), NULL, &claims));
    ck_assert_str_eq(member(claims, "sub"), "alice");
}
END_TEST

START_TEST(test_jws_verify_refuses_an_es256_signature_in_der_form)
{
    const char *jwt = sign(P256, "ec", CLAIMS), *sig = strrchr(jwt, '.') + 1;
    const char *input = apr_pstrmemdup(test_pool, jwt, sig - jwt);
    apr_size_t len;
    unsigned char *raw = unb64(sig, &len), *der = NULL;
    ECDSA_SIG *ecdsa = ECDSA_SIG_new();
    int der_len;
    oauth2_jwks_t *jwks = rsa_and_ec();

    ck_assert_int_eq(ECDSA_SIG_set0(ecdsa, BN_bin2bn(raw, 32, NULL),
                                    BN_bin2bn(raw + 32, 32, NULL)),
                     1);
    der_len = i2d_ECDSA_SIG(ecdsa, &der);
    ck_assert_int_gt(der_len, 0);
    assert_refused(apr_pstrcat(test_pool, input,
                               oauth2_base64url_encode(test_pool, der,
                                                       (apr_size_t)der_len),
                               NULL),
                   jwks, "not 64 bytes");
    assert_refused(apr_pstrcat(test_pool, input,
                               oauth2_base64url_encode(test_pool, raw, 63),
                               NULL),
                   jwks, "not 64 bytes");
    raw = apr_pmemdup(test_pool, raw, 65);
    raw[64] = 0;
    assert_refused(apr_pstrcat(test_pool, input,
                               oauth2_base64url_encode(test_pool, raw, 65),
                               NULL),
                   jwks, "not 64 bytes");
    OPENSSL_free(der);
    ECDSA_SIG_free(ecdsa);
}
END_TEST

/* base64url of {"alg":"RS256","kid":"rsa"} and of {}. */
#define RS256_HEADER "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYSJ9"

static const struct {
    const char *jwt;
    const char *error;
} malformed[] = {
    {"", "three parts"},
    {"e30", "three parts"},
    {"e30.e30", "three parts"},
    {"e30.e30.AAAA.AAAA", "three parts"},
    {"e30.e30.AAAA.", "three parts"},
    {"..", "empty part"},
    {".e30.AAAA", "empty part"},
    {"e30..AAAA", "empty part"},
    {"e30=.e30.AAAA", "header is not base64url"},
    {"e3+.e30.AAAA", "header is not base64url"},
    {"e30 .e30.AAAA", "header is not base64url"},
    {"e3.e30.AAAA", "header is not base64url"},
    {RS256_HEADER ".e30.AA+A", "signature is not base64url"},
    {RS256_HEADER ".e30.AAAA=", "signature is not base64url"},
    {RS256_HEADER ".e30.A", "signature is not base64url"},
};

START_TEST(test_jws_verify_refuses_malformed_tokens)
{
    assert_refused(malformed[_i].jwt, rsa_and_ec(), malformed[_i].error);
}
END_TEST

/* Validly RS256-signed (by sign_raw) but wrong in their header or
 * payload: the header is JSON text, the payload already encoded. */
static const struct {
    const char *header;
    const char *payload;
    const char *error;
} wrong_json[] = {
    {"[]", "e30", "header is not a JSON object"},
    {"\"RS256\"", "e30", "header is not JSON"},
    {"{\"alg\":\"RS256\",\"kid\":\"rsa\"", "e30", "header is not JSON"},
    {"{\"alg\":\"RS256\",\"kid\":\"rsa\"}x", "e30", "header is not JSON"},
    {"{\"alg\":\"RS256\",\"kid\":\"rsa\"}\n{}", "e30", "header is not JSON"},
    /* Two algs: which one would another parser take? */
    {"{\"alg\":\"ES256\",\"alg\":\"RS256\",\"kid\":\"rsa\"}", "e30",
     "header is not JSON"},
    {"{\"alg\":\"RS256\",\"kid\":\"r\\u0000sa\"}", "e30", "header is not JSON"},
    {"{\"kid\":\"rsa\"}", "e30", "no alg"},
    {"{\"alg\":256,\"kid\":\"rsa\"}", "e30", "no alg"},
    {"{\"alg\":\"RS256\",\"kid\":7}", "e30", "kid is not a string"},
    {"{\"alg\":\"RS256\",\"kid\":\"rsa\",\"crit\":[\"exp\"]}", "e30", "crit"},
    /* base64url of [], of "not json", of {"a":1,"a":2}. */
    {"{\"alg\":\"RS256\",\"kid\":\"rsa\"}", "W10",
     "payload is not a JSON object"},
    {"{\"alg\":\"RS256\",\"kid\":\"rsa\"}", "bm90IGpzb24",
     "payload is not JSON"},
    {"{\"alg\":\"RS256\",\"kid\":\"rsa\"}", "eyJhIjoxLCJhIjoyfQ",
     "payload is not JSON"},
    {"{\"alg\":\"RS256\",\"kid\":\"rsa\"}", "e30=", "payload is not base64url"},
};

START_TEST(test_jws_verify_refuses_wrong_json_even_when_signed)
{
    assert_refused(sign_raw(b64(wrong_json[_i].header), wrong_json[_i].payload),
                   rsa_and_ec(), wrong_json[_i].error);
}
END_TEST

START_TEST(test_jws_verify_accepts_what_sign_raw_makes)
{
    json_t *claims = NULL;

    /* The helper of the two tests above is sound. */
    ck_assert_ptr_null(oauth2_jws_verify(
        test_pool, rsa_and_ec(), sign_raw(RS256_HEADER, "e30"), NULL, &claims));
    ck_assert_int_eq(json_object_size(claims), 0);
}
END_TEST

/* --- JWT ------------------------------------------------------------ */

static const struct {
    const char *header;
    int access_token;
} typs[] = {
    {"{\"typ\":\"at+jwt\"}", 1},
    {"{\"typ\":\"AT+JWT\"}", 1},
    {"{\"typ\":\"application/at+jwt\"}", 1},
    {"{\"typ\":\"Application/At+JWT\"}", 1},
    {"{\"typ\":\"JWT\"}", 0},
    {"{\"typ\":\"at+jwt \"}", 0},
    {"{\"typ\":\"application/jwt\"}", 0},
    {"{\"typ\":[\"at+jwt\"]}", 0},
    {"{\"cty\":\"at+jwt\"}", 0},
    {"{}", 0},
};

START_TEST(test_jwt_is_access_token_by_its_typ)
{
    ck_assert_msg(oauth2_jwt_is_access_token(parse(typs[_i].header)) ==
                      typs[_i].access_token,
                  "%s", typs[_i].header);
}
END_TEST

#define NOW 1700000000
#define ISS "\"iss\":\"https://as.example.com\""
#define AUD "\"aud\":\"https://rs.example.com\""

static const struct {
    const char *claims;
    int leeway;
    const char *error; /* NULL: accepted */
} claim_cases[] = {
    {"{" ISS "," AUD ",\"exp\":1700000060}", 0, NULL},
    {"{" ISS ",\"aud\":[\"x\",\"https://rs.example.com\"],"
     "\"exp\":1700000060}",
     0, NULL},
    {"{" ISS ",\"aud\":[\"x\",\"y\"],\"exp\":1700000060}", 0, "aud"},
    {"{" ISS ",\"aud\":[],\"exp\":1700000060}", 0, "aud"},
    {"{" ISS ",\"aud\":[1,null],\"exp\":1700000060}", 0, "aud"},
    {"{" ISS ",\"aud\":\"https://rs.example.com/\",\"exp\":1700000060}", 0,
     "aud"},
    {"{" ISS ",\"exp\":1700000060}", 0, "aud"},
    {"{" AUD ",\"exp\":1700000060}", 0, "iss"},
    {"{\"iss\":\"https://AS.example.com\"," AUD ",\"exp\":1700000060}", 0,
     "iss"},
    {"{\"iss\":[\"https://as.example.com\"]," AUD ",\"exp\":1700000060}", 0,
     "iss"},
    {"{" ISS "," AUD "}", 0, "exp is missing"},
    {"{" ISS "," AUD ",\"exp\":\"1700000060\"}", 0, "exp is missing"},
    /* RFC 7519 §4.1.4: not on or after exp, give or take the leeway. */
    {"{" ISS "," AUD ",\"exp\":1700000000}", 0, "expired"},
    {"{" ISS "," AUD ",\"exp\":1700000001}", 0, NULL},
    {"{" ISS "," AUD ",\"exp\":1700000000.5}", 0, NULL},
    {"{" ISS "," AUD ",\"exp\":1699999970}", 60, NULL},
    {"{" ISS "," AUD ",\"exp\":1699999940}", 60, "expired"},
    {"{" ISS "," AUD ",\"exp\":1699999999}", -60, "expired"},
    /* RFC 7519 §4.1.5: not before nbf, give or take the leeway. */
    {"{" ISS "," AUD ",\"exp\":1700000060,\"nbf\":1700000000}", 0, NULL},
    {"{" ISS "," AUD ",\"exp\":1700000060,\"nbf\":1700000001}", 0,
     "not valid yet"},
    {"{" ISS "," AUD ",\"exp\":1700000060,\"nbf\":1700000060}", 60, NULL},
    {"{" ISS "," AUD ",\"exp\":1700000090,\"nbf\":1700000061}", 60,
     "not valid yet"},
    {"{" ISS "," AUD ",\"exp\":1700000060,\"nbf\":\"0\"}", 0,
     "nbf is not a number"},
};

START_TEST(test_jwt_check_claims_of_iss_aud_exp_and_nbf)
{
    const char *err = oauth2_jwt_check_claims(
        parse(claim_cases[_i].claims), "https://as.example.com",
        "https://rs.example.com", apr_time_from_sec(NOW),
        claim_cases[_i].leeway);

    if (!claim_cases[_i].error) {
        ck_assert_msg(err == NULL, "%s: %s", claim_cases[_i].claims, err);
        return;
    }
    ck_assert_msg(err != NULL, "accepted %s", claim_cases[_i].claims);
    ck_assert_msg(strstr(err, claim_cases[_i].error) != NULL,
                  "%s: error '%s' lacks '%s'", claim_cases[_i].claims, err,
                  claim_cases[_i].error);
}
END_TEST

START_TEST(test_jwt_check_claims_skips_a_null_iss_or_aud)
{
    json_t *claims = parse("{\"exp\":1700000060}");

    ck_assert_ptr_null(
        oauth2_jwt_check_claims(claims, NULL, NULL, apr_time_from_sec(NOW), 0));
    ck_assert_ptr_nonnull(
        oauth2_jwt_check_claims(claims, "i", NULL, apr_time_from_sec(NOW), 0));
    ck_assert_ptr_nonnull(
        oauth2_jwt_check_claims(claims, NULL, "a", apr_time_from_sec(NOW), 0));
}
END_TEST

START_TEST(test_jwt_check_claims_counts_microseconds)
{
    json_t *claims = parse("{\"exp\":1700000000}");

    /* A microsecond before exp is still before it. */
    ck_assert_ptr_null(oauth2_jwt_check_claims(claims, NULL, NULL,
                                               apr_time_from_sec(NOW) - 1, 0));
    ck_assert_ptr_nonnull(
        oauth2_jwt_check_claims(claims, NULL, NULL, apr_time_from_sec(NOW), 0));
}
END_TEST

static TCase *keyed_tcase(const char *name)
{
    TCase *tc = tcase_create(name);

    /* RSA key generation and sanitizers are slow. */
    tcase_set_timeout(tc, 60);
    tcase_add_unchecked_fixture(tc, keys_setup, keys_teardown);
    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    return tc;
}

Suite *oauth2_jose_suite(void)
{
    Suite *s = suite_create("jose");
    TCase *jwk = keyed_tcase("jwk"), *jwks = keyed_tcase("jwks");
    TCase *jws = keyed_tcase("jws"), *jwt = tcase_create("jwt");

    tcase_add_test(jwk, test_jwk_public_of_an_rsa_key_holds_its_n_and_e);
    tcase_add_test(jwk, test_jwk_public_of_an_ec_key_holds_its_point);
    tcase_add_test(jwk, test_jwk_public_pads_a_short_ec_coordinate_to_32_bytes);
    tcase_add_test(jwk, test_jwk_public_without_kid_uses_the_thumbprint);
    tcase_add_loop_test(
        jwk, test_jwk_refuses_keys_that_sign_neither_rs256_nor_es256, 0, 2);
    tcase_add_test(jwk, test_jwk_thumbprint_of_the_rfc_7638_example_key);
    tcase_add_loop_test(jwk, test_jwk_import_of_a_public_jwk_gives_back_the_key,
                        0, 2);
    tcase_add_loop_test(jwk, test_jwk_import_refuses_unusable_jwks, 0,
                        TABLE_SIZE(bad_jwks));
    tcase_add_test(
        jwk, test_jwk_import_refuses_a_modulus_with_a_small_factor_every_time);
    suite_add_tcase(s, jwk);

    tcase_add_test(jwks, test_jwks_names_a_key_by_its_thumbprint_by_default);
    tcase_add_test(jwks, test_jwks_refuses_a_second_key_with_the_same_kid);
    tcase_add_test(jwks,
                   test_jwks_finds_a_key_without_kid_only_in_a_one_key_set);
    tcase_add_test(jwks, test_jwks_keeps_its_own_reference_to_a_key);
    tcase_add_test(jwks, test_jwks_json_lists_the_public_keys_only);
    tcase_add_test(jwks, test_jwks_json_of_an_empty_set_has_an_empty_list);
    suite_add_tcase(s, jwks);

    tcase_add_loop_test(
        jws, test_jws_sign_then_verify_gives_back_header_and_claims, 0, 2);
    tcase_add_test(
        jws,
        test_jws_verify_gives_the_same_header_for_our_own_and_other_spellings);
    tcase_add_test(jws, test_jws_sign_leaves_out_a_null_typ_and_kid);
    tcase_add_test(jws, test_jws_sign_refuses_unusable_keys_and_claims);
    tcase_add_test(jws, test_jws_es256_signatures_are_r_s_and_all_verify);
    tcase_add_test(jws, test_jws_verify_from_several_threads_at_once);
    tcase_add_loop_test(jws, test_jws_verify_accepts_tokens_made_by_pyjwt, 0,
                        TABLE_SIZE(python));
    tcase_add_loop_test(jws, test_jws_verify_refuses_a_tampered_token, 0, 2);
    tcase_add_test(jws, test_jws_verify_refuses_alg_none);
    tcase_add_test(jws,
                   test_jws_verify_refuses_hs256_keyed_with_the_public_key);
    tcase_add_test(jws,
                   test_jws_verify_refuses_an_algorithm_its_key_is_not_for);
    tcase_add_test(jws, test_jws_verify_refuses_an_unknown_kid);
    tcase_add_test(jws,
                   test_jws_verify_takes_the_only_key_when_there_is_no_kid);
    tcase_add_test(jws, test_jws_verify_refuses_an_es256_signature_in_der_form);
    tcase_add_loop_test(jws, test_jws_verify_refuses_malformed_tokens, 0,
                        TABLE_SIZE(malformed));
    tcase_add_loop_test(jws,
                        test_jws_verify_refuses_wrong_json_even_when_signed, 0,
                        TABLE_SIZE(wrong_json));
    tcase_add_test(jws, test_jws_verify_accepts_what_sign_raw_makes);
    suite_add_tcase(s, jws);

    tcase_add_checked_fixture(jwt, test_pool_setup, test_pool_teardown);
    tcase_add_loop_test(jwt, test_jwt_is_access_token_by_its_typ, 0,
                        TABLE_SIZE(typs));
    tcase_add_loop_test(jwt, test_jwt_check_claims_of_iss_aud_exp_and_nbf, 0,
                        TABLE_SIZE(claim_cases));
    tcase_add_test(jwt, test_jwt_check_claims_skips_a_null_iss_or_aud);
    tcase_add_test(jwt, test_jwt_check_claims_counts_microseconds);
    suite_add_tcase(s, jwt);
    return s;
}
