#include "jws.h"
#include "encoding.h"

#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>

/* RFC 7518 §3.4: an ES256 signature is R || S, 32 bytes each. */
#define ES256_HALF_LEN 32
#define ES256_SIG_LEN (2 * ES256_HALF_LEN)
/* Its DER form: SEQUENCE { INTEGER r, INTEGER s }, each of at most 33
 * content bytes, so every length fits in one byte. */
#define ES256_DER_MAX (2 + 2 * (2 + ES256_HALF_LEN + 1))

/* The three parts of a compact JWS, split in a copy of the token. */
typedef struct {
    const char *header;
    const char *payload;
    const char *signature;
    apr_size_t input_len; /* of the signing input: header.payload */
} jws_parts_t;

static apr_status_t free_json(void *json)
{
    json_decref(json);
    return APR_SUCCESS;
}

static int is_es256(const char *alg)
{
    return !strcmp(alg, "ES256");
}

static const char *encode_json(apr_pool_t *pool, json_t *json, const char **b64)
{
    char *text = json_dumps(json, JSON_COMPACT);

    if (!text) {
        return "cannot serialize JSON";
    }
    *b64 = oauth2_base64url_encode(pool, (unsigned char *)text, strlen(text));
    free(text);
    return NULL;
}

/* RFC 7518 §3.4: OpenSSL's DER ECDSA signature to R || S. */
static const char *ecdsa_der_to_raw(apr_pool_t *pool, const unsigned char *der,
                                    size_t len, unsigned char **raw)
{
    const unsigned char *p = der;
    ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)len);
    const BIGNUM *r, *s;
    int ok;

    if (!sig) {
        return "cannot decode the ECDSA signature";
    }
    ECDSA_SIG_get0(sig, &r, &s);
    *raw = apr_palloc(pool, ES256_SIG_LEN);
    ok = BN_bn2binpad(r, *raw, ES256_HALF_LEN) == ES256_HALF_LEN &&
         BN_bn2binpad(s, *raw + ES256_HALF_LEN, ES256_HALF_LEN) ==
             ES256_HALF_LEN;
    ECDSA_SIG_free(sig);
    return ok ? NULL : "ECDSA signature does not fit P-256";
}

/* X.690 §8.3 DER INTEGER of a 32-byte unsigned big-endian value: no
 * leading zero bytes, but one 0x00 when the high bit is set (the value is
 * positive). Returns the bytes written to out (at most 35). */
static size_t der_integer(const unsigned char *value, unsigned char *out)
{
    size_t len = ES256_HALF_LEN, pad;

    while (len > 1 && *value == 0) {
        value++;
        len--;
    }
    pad = (*value & 0x80) ? 1 : 0;
    out[0] = 0x02;
    out[1] = (unsigned char)(len + pad);
    out[2] = 0x00;
    memcpy(out + 2 + pad, value, len);
    return 2 + pad + len;
}

/* R || S to the DER form OpenSSL verifies; encoded by hand because it is
 * on the path of every request and needs no allocation this way. */
static size_t ecdsa_raw_to_der(const unsigned char *raw,
                               unsigned char der[ES256_DER_MAX])
{
    size_t len = der_integer(raw, der + 2);

    len += der_integer(raw + ES256_HALF_LEN, der + 2 + len);
    der[0] = 0x30;
    der[1] = (unsigned char)len;
    return 2 + len;
}

static const char *sign_input(apr_pool_t *pool, EVP_PKEY *key, const char *alg,
                              const char *input, const char **b64)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    size_t len = (size_t)EVP_PKEY_get_size(key);
    unsigned char *sig = apr_palloc(pool, len), *raw;
    const char *err = NULL;

    if (!md || !oauth2_jwk_digest_init(md, key, 1) ||
        EVP_DigestSign(md, sig, &len, (const unsigned char *)input,
                       strlen(input)) != 1) {
        err = "signing failed";
    }
    EVP_MD_CTX_free(md);
    if (!err && is_es256(alg)) {
        err = ecdsa_der_to_raw(pool, sig, len, &raw);
        sig = raw;
        len = ES256_SIG_LEN;
    }
    if (err) {
        ERR_clear_error();
        return err;
    }
    *b64 = oauth2_base64url_encode(pool, sig, len);
    return NULL;
}

const char *oauth2_jws_header(apr_pool_t *pool, const char *alg,
                              const char *typ, const char *kid,
                              const char **b64, json_t **json)
{
    /* RFC 7515 §4.1; "s*" leaves out a NULL typ or kid. */
    json_t *h =
        json_pack("{s:s, s:s*, s:s*}", "alg", alg, "typ", typ, "kid", kid);
    const char *err;

    if (!h) {
        return "cannot make the JWS header (are typ and kid UTF-8?)";
    }
    err = encode_json(pool, h, b64);
    if (!err && json) {
        apr_pool_cleanup_register(pool, h, free_json, apr_pool_cleanup_null);
        *json = h;
        return NULL;
    }
    json_decref(h);
    return err;
}

const char *oauth2_jws_sign(apr_pool_t *pool, EVP_PKEY *key, const char *kid,
                            const char *typ, json_t *claims, const char **jwt)
{
    const char *alg = oauth2_jwk_algorithm(key), *header, *payload, *input;
    const char *sig, *err;

    if (!alg) {
        return "not an RSA (2048 bits or more) or EC P-256 key";
    }
    if (!json_is_object(claims)) {
        return "JWT claims must be a JSON object";
    }
    if ((err = oauth2_jws_header(pool, alg, typ, kid, &header, NULL)) ||
        (err = encode_json(pool, claims, &payload))) {
        return err;
    }
    input = apr_pstrcat(pool, header, ".", payload, NULL);
    if ((err = sign_input(pool, key, alg, input, &sig))) {
        return err;
    }
    *jwt = apr_pstrcat(pool, input, ".", sig, NULL);
    return NULL;
}

/* RFC 7515 §7.1: exactly three parts, none empty (an empty signature is
 * what "alg":"none" makes, RFC 7518 §3.6). One copy of the token whose
 * dots become NULs: the parts are decoded in place. */
static const char *split(apr_pool_t *pool, const char *jwt, jws_parts_t *parts)
{
    char *copy = apr_pstrdup(pool, jwt);
    char *dot1 = strchr(copy, '.');
    char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;

    if (!dot2 || strchr(dot2 + 1, '.')) {
        return "token is not a compact JWS of three parts";
    }
    *dot1 = *dot2 = '\0';
    parts->header = copy;
    parts->payload = dot1 + 1;
    parts->signature = dot2 + 1;
    parts->input_len = (apr_size_t)(dot2 - copy);
    if (!*parts->header || !*parts->payload || !*parts->signature) {
        return "token has an empty part";
    }
    return NULL;
}

/* Duplicate member names are refused: two "alg" or "exp" members would
 * let two parsers read two different tokens (RFC 7515 §4, RFC 7519 §4). */
static const char *decode_object(apr_pool_t *pool, const char *b64,
                                 const char *what, json_t **json)
{
    apr_size_t len;
    unsigned char *bytes = oauth2_base64url_decode(pool, b64, &len);
    json_t *value;

    if (!bytes) {
        return apr_pstrcat(pool, "token ", what, " is not base64url", NULL);
    }
    value = json_loadb((const char *)bytes, len, JSON_REJECT_DUPLICATES, NULL);
    if (!value) {
        return apr_pstrcat(pool, "token ", what, " is not JSON", NULL);
    }
    apr_pool_cleanup_register(pool, value, free_json, apr_pool_cleanup_null);
    if (!json_is_object(value)) {
        return apr_pstrcat(pool, "token ", what, " is not a JSON object", NULL);
    }
    *json = value;
    return NULL;
}

static const char *select_key(const oauth2_jwks_t *jwks, json_t *header,
                              const oauth2_jwk_t **jwk)
{
    json_t *kid = json_object_get(header, "kid");
    const char *alg = json_string_value(json_object_get(header, "alg"));

    if (!alg) {
        return "token header has no alg";
    }
    /* RFC 7515 §4.1.11: extensions not understood must be refused, and
     * none is understood here. */
    if (json_object_get(header, "crit")) {
        return "token header has crit extensions";
    }
    if (kid && !json_is_string(kid)) {
        return "token header kid is not a string";
    }
    if (!(*jwk = oauth2_jwks_find(jwks, json_string_value(kid)))) {
        return kid ? "token kid names no known key" : "token has no kid";
    }
    /* The key decides the algorithm, never the token: this refuses
     * "none", HS256 keyed with the public key, and RS256/ES256 mix-ups
     * (RFC 8725 §2.1, §3.1). */
    if (strcmp(alg, (*jwk)->alg)) {
        return "token alg is not the algorithm of its key";
    }
    return NULL;
}

static const char *verify_signature(apr_pool_t *pool, const oauth2_jwk_t *jwk,
                                    const char *input, apr_size_t input_len,
                                    const char *b64)
{
    unsigned char der[ES256_DER_MAX], *sig;
    apr_size_t len;
    EVP_MD_CTX *md;
    int ok;

    if (!(sig = oauth2_base64url_decode(pool, b64, &len))) {
        return "token signature is not base64url";
    }
    if (is_es256(jwk->alg)) {
        /* RFC 7518 §3.4: R || S exactly; a DER signature is refused. */
        if (len != ES256_SIG_LEN) {
            return "token ES256 signature is not 64 bytes long";
        }
        len = ecdsa_raw_to_der(sig, der);
        sig = der;
    }
    md = EVP_MD_CTX_new();
    ok = md && EVP_MD_CTX_copy_ex(md, jwk->verifier) == 1;
    if (ok) {
        /* The copy serves once: without this flag, the final step would
         * copy the key context once more to keep this one reusable. */
        EVP_MD_CTX_set_flags(md, EVP_MD_CTX_FLAG_FINALISE);
        ok = EVP_DigestVerify(md, sig, len, (const unsigned char *)input,
                              input_len) == 1;
    }
    EVP_MD_CTX_free(md);
    if (!ok) {
        ERR_clear_error();
        return "token signature is invalid";
    }
    return NULL;
}

const char *oauth2_jws_verify(apr_pool_t *pool, const oauth2_jwks_t *jwks,
                              const char *jwt, json_t **header, json_t **claims)
{
    jws_parts_t parts;
    const oauth2_jwk_t *jwk;
    json_t *h;
    const char *err;

    /* Refused: no header, no claims. */
    *claims = NULL;
    if (header) {
        *header = NULL;
    }
    /* The payload is parsed only once the signature is verified; the
     * header of our own access tokens was parsed when the key was added. */
    if ((err = split(pool, jwt, &parts))) {
        return err;
    }
    if (!(jwk = oauth2_jwks_find_access_header(jwks, parts.header))) {
        if ((err = decode_object(pool, parts.header, "header", &h)) ||
            (err = select_key(jwks, h, &jwk))) {
            return err;
        }
    }
    else {
        h = jwk->access_header_json;
    }
    if ((err = verify_signature(pool, jwk, jwt, parts.input_len,
                                parts.signature)) ||
        (err = decode_object(pool, parts.payload, "payload", claims))) {
        return err;
    }
    if (header) {
        *header = h;
    }
    return NULL;
}
