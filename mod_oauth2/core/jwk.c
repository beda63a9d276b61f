#include "jwk.h"
#include "digest.h"
#include "encoding.h"
#include "jws.h"

#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <apr_tables.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

/* RFC 7518 §3.3: "A key of size 2048 bits or larger MUST be used". */
#define RSA_MIN_BITS 2048
/* Imported moduli beyond this only make every verification slower. */
#define RSA_MAX_BYTES (16384 / 8)
/* RFC 7518 §6.2.1.2: x and y are the full size of a P-256 coordinate. */
#define P256_COORD_LEN 32

#define UNSUPPORTED_KEY "not an RSA (2048 bits or more) or EC P-256 key"

/* Imported RSA moduli have no factor below this (see small_factor). */
#define RSA_TRIAL_BOUND 65536

struct oauth2_jwks_t {
    apr_pool_t *pool;
    apr_array_header_t *keys; /* of oauth2_jwk_t */
};

static apr_status_t free_key(void *key)
{
    EVP_PKEY_free(key);
    return APR_SUCCESS;
}

static apr_status_t free_json(void *json)
{
    json_decref(json);
    return APR_SUCCESS;
}

static apr_status_t free_md(void *md)
{
    EVP_MD_CTX_free(md);
    return APR_SUCCESS;
}

const char *oauth2_jwk_algorithm(EVP_PKEY *key)
{
    char group[32];

    /* EVP_PKEY_is_a(key, "RSA") is false for RSA-PSS keys, which cannot
     * sign PKCS #1 v1.5. */
    if (EVP_PKEY_is_a(key, "RSA")) {
        return EVP_PKEY_get_bits(key) >= RSA_MIN_BITS ? "RS256" : NULL;
    }
    if (EVP_PKEY_is_a(key, "EC") &&
        EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group,
                                       sizeof(group), NULL) == 1 &&
        (!strcmp(group, "prime256v1") || !strcmp(group, "P-256"))) {
        return "ES256";
    }
    return NULL;
}

/* RS256 (RFC 7518 §3.3) is PKCS #1 v1.5, OpenSSL's default for RSA keys;
 * it is set anyway so that no default can change it. */
int oauth2_jwk_digest_init(EVP_MD_CTX *md, EVP_PKEY *key, int sign)
{
    EVP_PKEY_CTX *pctx = NULL;
    int ok = sign ? EVP_DigestSignInit(md, &pctx, EVP_sha256(), NULL, key)
                  : EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), NULL, key);

    if (ok != 1) {
        return 0;
    }
    return !EVP_PKEY_is_a(key, "RSA") ||
           EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0;
}

/* A big-endian key parameter in base64url: minimal for RSA n and e (RFC
 * 7518 §6.3.1), left-padded to width for EC coordinates (§6.2.1.2). */
static const char *bn_member(apr_pool_t *pool, EVP_PKEY *key, const char *name,
                             int width, const char **b64)
{
    BIGNUM *bn = NULL;
    unsigned char *buf;
    int len;

    if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) {
        return apr_psprintf(pool, "cannot read the key parameter %s", name);
    }
    len = width ? width : BN_num_bytes(bn);
    buf = apr_palloc(pool, len + 1);
    if (BN_bn2binpad(bn, buf, len) != len) {
        BN_free(bn);
        return apr_psprintf(pool, "key parameter %s is too large", name);
    }
    BN_free(bn);
    *b64 = oauth2_base64url_encode(pool, buf, len);
    return NULL;
}

/* n and e of an RSA key, or x and y of an EC key. */
static const char *public_members(apr_pool_t *pool, EVP_PKEY *key,
                                  const char *alg, const char **a,
                                  const char **b)
{
    const char *err;

    if (!strcmp(alg, "RS256")) {
        if ((err = bn_member(pool, key, OSSL_PKEY_PARAM_RSA_N, 0, a))) {
            return err;
        }
        return bn_member(pool, key, OSSL_PKEY_PARAM_RSA_E, 0, b);
    }
    if ((err = bn_member(pool, key, OSSL_PKEY_PARAM_EC_PUB_X, P256_COORD_LEN,
                         a))) {
        return err;
    }
    return bn_member(pool, key, OSSL_PKEY_PARAM_EC_PUB_Y, P256_COORD_LEN, b);
}

const char *oauth2_jwk_public(apr_pool_t *pool, EVP_PKEY *key, const char *kid,
                              json_t **jwk)
{
    const char *alg = oauth2_jwk_algorithm(key), *a, *b, *err;

    if (!alg) {
        return UNSUPPORTED_KEY;
    }
    if ((err = public_members(pool, key, alg, &a, &b)) ||
        (!kid && (err = oauth2_jwk_thumbprint(pool, key, &kid)))) {
        return err;
    }
    /* The key first, then its parameters (RFC 7517 §4). */
    if (!strcmp(alg, "RS256")) {
        *jwk = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "kty", "RSA", "n", a,
                         "e", b, "kid", kid, "use", "sig", "alg", alg);
    }
    else {
        *jwk = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "kty", "EC",
                         "crv", "P-256", "x", a, "y", b, "kid", kid, "use",
                         "sig", "alg", alg);
    }
    if (!*jwk) {
        return "cannot make the JWK (is kid valid UTF-8?)";
    }
    apr_pool_cleanup_register(pool, *jwk, free_json, apr_pool_cleanup_null);
    return NULL;
}

const char *oauth2_jwk_thumbprint(apr_pool_t *pool, EVP_PKEY *key,
                                  const char **kid)
{
    const char *alg = oauth2_jwk_algorithm(key), *a, *b, *err, *text;
    unsigned char md[OAUTH2_SHA256_LEN];

    if (!alg) {
        return UNSUPPORTED_KEY;
    }
    if ((err = public_members(pool, key, alg, &a, &b))) {
        return err;
    }
    /* RFC 7638 §3.2: the required members only, in lexicographic order,
     * without whitespace. base64url needs no JSON escaping. */
    if (!strcmp(alg, "RS256")) {
        text = apr_pstrcat(pool, "{\"e\":\"", b, "\",\"kty\":\"RSA\",\"n\":\"",
                           a, "\"}", NULL);
    }
    else {
        text = apr_pstrcat(pool, "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"",
                           a, "\",\"y\":\"", b, "\"}", NULL);
    }
    oauth2_sha256(text, strlen(text), md);
    *kid = oauth2_base64url_encode(pool, md, sizeof(md));
    return NULL;
}

/* A base64url member of a JWK, decoded; max_len 0 means any length. */
static const char *b64_member(apr_pool_t *pool, json_t *jwk, const char *name,
                              apr_size_t max_len, unsigned char **bytes,
                              apr_size_t *len)
{
    const char *text = json_string_value(json_object_get(jwk, name));

    if (!text || !*text ||
        !(*bytes = oauth2_base64url_decode(pool, text, len))) {
        return apr_psprintf(pool, "JWK member \"%s\" is not base64url", name);
    }
    if (max_len && *len > max_len) {
        return apr_psprintf(pool, "JWK member \"%s\" is too long", name);
    }
    return NULL;
}

/* Makes a public key and checks it: a point off P-256 (an invalid-curve
 * attack) or an RSA exponent of 1 (anyone could sign) is refused. */
static const char *key_fromdata(apr_pool_t *pool, const char *type,
                                OSSL_PARAM *params, EVP_PKEY **key)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    EVP_PKEY_CTX *check = NULL;
    int ok;

    *key = NULL;
    ok = ctx && EVP_PKEY_fromdata_init(ctx) == 1 &&
         EVP_PKEY_fromdata(ctx, key, EVP_PKEY_PUBLIC_KEY, params) == 1;
    if (ok) {
        check = EVP_PKEY_CTX_new_from_pkey(NULL, *key, NULL);
        ok = check && EVP_PKEY_public_check(check) == 1;
    }
    EVP_PKEY_CTX_free(check);
    EVP_PKEY_CTX_free(ctx);
    if (!ok) {
        EVP_PKEY_free(*key);
        *key = NULL;
        return apr_psprintf(pool, "JWK is not a valid %s public key", type);
    }
    apr_pool_cleanup_register(pool, *key, free_key, apr_pool_cleanup_null);
    return NULL;
}

/* Whether n is even or has an odd factor below RSA_TRIAL_BOUND. OpenSSL's
 * public key check refuses factors below 752 always, but a larger one
 * only when one of its random Miller-Rabin bases shares it (about one
 * import in 50 for 6151, found by tests/fuzz/fuzz_jwk): the same JWK was
 * accepted by one process and refused by another. Trial division decides
 * for every factor below the bound; past it, the chance is below 0.2 %.
 * Odd d and d + 2 at a time: their product fits a BN_ULONG. */
static int small_factor(const BIGNUM *n)
{
    BN_ULONG d, r;

    if (!BN_is_odd(n)) {
        return 1;
    }
    for (d = 3; d < RSA_TRIAL_BOUND; d += 4) {
        r = BN_mod_word(n, d * (d + 2));
        if (r == (BN_ULONG)-1 || r % d == 0 || r % (d + 2) == 0) {
            return 1;
        }
    }
    return 0;
}

static const char *import_rsa(apr_pool_t *pool, json_t *jwk, EVP_PKEY **key)
{
    unsigned char *n, *e;
    apr_size_t n_len, e_len;
    BIGNUM *bn_n, *bn_e;
    OSSL_PARAM_BLD *bld;
    OSSL_PARAM *params = NULL;
    const char *err;

    if ((err = b64_member(pool, jwk, "n", RSA_MAX_BYTES, &n, &n_len)) ||
        (err = b64_member(pool, jwk, "e", RSA_MAX_BYTES, &e, &e_len))) {
        return err;
    }
    bn_n = BN_bin2bn(n, (int)n_len, NULL);
    bn_e = BN_bin2bn(e, (int)e_len, NULL);
    if (bn_n && small_factor(bn_n)) {
        BN_free(bn_n);
        BN_free(bn_e);
        return "JWK is not a valid RSA public key";
    }
    bld = OSSL_PARAM_BLD_new();
    if (bn_n && bn_e && bld &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1 &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1) {
        params = OSSL_PARAM_BLD_to_param(bld);
    }
    err = params ? key_fromdata(pool, "RSA", params, key) : "out of memory";
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(bn_n);
    BN_free(bn_e);
    return err;
}

static const char *import_ec(apr_pool_t *pool, json_t *jwk, EVP_PKEY **key)
{
    const char *crv = json_string_value(json_object_get(jwk, "crv")), *err;
    unsigned char *x, *y, point[1 + 2 * P256_COORD_LEN];
    apr_size_t x_len, y_len;
    OSSL_PARAM params[3];

    if (!crv || strcmp(crv, "P-256")) {
        return "JWK crv is not P-256";
    }
    if ((err = b64_member(pool, jwk, "x", 0, &x, &x_len)) ||
        (err = b64_member(pool, jwk, "y", 0, &y, &y_len))) {
        return err;
    }
    if (x_len != P256_COORD_LEN || y_len != P256_COORD_LEN) {
        return "JWK x or y is not 32 bytes long";
    }
    /* SEC 1 §2.3.3 uncompressed point: 0x04 || X || Y. */
    point[0] = 0x04;
    memcpy(point + 1, x, P256_COORD_LEN);
    memcpy(point + 1 + P256_COORD_LEN, y, P256_COORD_LEN);
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                                 (char *)"P-256", 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
                                                  point, sizeof(point));
    params[2] = OSSL_PARAM_construct_end();
    return key_fromdata(pool, "EC", params, key);
}

const char *oauth2_jwk_import(apr_pool_t *pool, json_t *jwk, EVP_PKEY **key)
{
    const char *kty = json_string_value(json_object_get(jwk, "kty"));
    const char *alg = json_string_value(json_object_get(jwk, "alg"));
    const char *use = json_string_value(json_object_get(jwk, "use"));
    const char *err, *pinned;

    if (!kty || (strcmp(kty, "RSA") && strcmp(kty, "EC"))) {
        return "JWK kty is neither RSA nor EC";
    }
    err = !strcmp(kty, "RSA") ? import_rsa(pool, jwk, key)
                              : import_ec(pool, jwk, key);
    if (err) {
        return err;
    }
    if (!(pinned = oauth2_jwk_algorithm(*key))) {
        return UNSUPPORTED_KEY;
    }
    /* RFC 7517 §4.2, §4.4: a key meant for encryption or for another
     * algorithm must not verify our tokens. */
    if ((alg && strcmp(alg, pinned)) || (use && strcmp(use, "sig"))) {
        return apr_psprintf(pool, "JWK is not for signing with %s", pinned);
    }
    return NULL;
}

oauth2_jwks_t *oauth2_jwks_make(apr_pool_t *pool)
{
    oauth2_jwks_t *jwks = apr_palloc(pool, sizeof(*jwks));

    jwks->pool = pool;
    jwks->keys = apr_array_make(pool, 2, sizeof(oauth2_jwk_t));
    return jwks;
}

const char *oauth2_jwks_add(oauth2_jwks_t *jwks, EVP_PKEY *key, const char *kid)
{
    const char *alg = oauth2_jwk_algorithm(key), *err;
    EVP_MD_CTX *verifier;
    oauth2_jwk_t jwk = {0};

    if (!alg) {
        return UNSUPPORTED_KEY;
    }
    if (!kid && (err = oauth2_jwk_thumbprint(jwks->pool, key, &kid))) {
        return err;
    }
    if (!*kid) {
        return "a kid cannot be empty";
    }
    if (oauth2_jwks_find(jwks, kid)) {
        return apr_psprintf(jwks->pool, "two keys have the kid '%s'", kid);
    }
    /* Without it (a kid that is not UTF-8), every header is parsed. */
    if (oauth2_jws_header(jwks->pool, alg, OAUTH2_JWT_ACCESS_TYP, kid,
                          &jwk.access_header, &jwk.access_header_json)) {
        jwk.access_header = NULL;
        jwk.access_header_json = NULL;
    }
    if (!(verifier = EVP_MD_CTX_new())) {
        return "out of memory";
    }
    apr_pool_cleanup_register(jwks->pool, verifier, free_md,
                              apr_pool_cleanup_null);
    if (!oauth2_jwk_digest_init(verifier, key, 0) ||
        EVP_PKEY_up_ref(key) != 1) {
        ERR_clear_error();
        return "cannot prepare the key to verify signatures";
    }
    apr_pool_cleanup_register(jwks->pool, key, free_key, apr_pool_cleanup_null);
    jwk.kid = apr_pstrdup(jwks->pool, kid);
    jwk.alg = alg;
    jwk.key = key;
    jwk.verifier = verifier;
    *(oauth2_jwk_t *)apr_array_push(jwks->keys) = jwk;
    return NULL;
}

const oauth2_jwk_t *oauth2_jwks_find_access_header(const oauth2_jwks_t *jwks,
                                                   const char *b64)
{
    const oauth2_jwk_t *keys = (const oauth2_jwk_t *)jwks->keys->elts;
    int i;

    for (i = 0; i < jwks->keys->nelts; i++) {
        if (keys[i].access_header && !strcmp(keys[i].access_header, b64)) {
            return &keys[i];
        }
    }
    return NULL;
}

const oauth2_jwk_t *oauth2_jwks_find(const oauth2_jwks_t *jwks, const char *kid)
{
    const oauth2_jwk_t *keys = (const oauth2_jwk_t *)jwks->keys->elts;
    int i;

    if (!kid) {
        return jwks->keys->nelts == 1 ? &keys[0] : NULL;
    }
    for (i = 0; i < jwks->keys->nelts; i++) {
        if (!strcmp(keys[i].kid, kid)) {
            return &keys[i];
        }
    }
    return NULL;
}

int oauth2_jwks_count(const oauth2_jwks_t *jwks)
{
    return jwks->keys->nelts;
}

const char *oauth2_jwks_json(apr_pool_t *pool, const oauth2_jwks_t *jwks,
                             const char **json)
{
    const oauth2_jwk_t *keys = (const oauth2_jwk_t *)jwks->keys->elts;
    json_t *array = json_array(), *doc, *jwk;
    const char *err = NULL;
    char *text = NULL;
    int i;

    for (i = 0; array && !err && i < jwks->keys->nelts; i++) {
        err = oauth2_jwk_public(pool, keys[i].key, keys[i].kid, &jwk);
        if (!err && json_array_append(array, jwk) != 0) {
            err = "out of memory";
        }
    }
    /* RFC 7517 §5: {"keys": [...]}; "o" takes the array's reference. */
    doc = array ? json_pack("{s:o}", "keys", array) : NULL;
    if (!err && !(doc && (text = json_dumps(doc, JSON_COMPACT)))) {
        err = "out of memory";
    }
    if (!err) {
        *json = apr_pstrdup(pool, text);
    }
    free(text);
    json_decref(doc);
    return err;
}
