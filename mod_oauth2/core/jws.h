/* Compact JWS (RFC 7515 §7.1) signed with RS256 or ES256 (RFC 7518 §3.3,
 * §3.4): the signature of JWT access tokens (RFC 9068). */
#ifndef OAUTH2_CORE_JWS_H
#define OAUTH2_CORE_JWS_H

#include <apr_pools.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "jwk.h"

/* Signs claims with key (RSA >= 2048 bits: RS256; EC P-256: ES256) under
 * the header {"alg", "typ", "kid"}; typ and kid may be NULL to leave them
 * out. *jwt is allocated from pool. Returns NULL or what is wrong. */
const char *oauth2_jws_sign(apr_pool_t *pool, EVP_PKEY *key, const char *kid,
                            const char *typ, json_t *claims, const char **jwt);

/* The base64url protected header {"alg", "typ", "kid"} that
 * oauth2_jws_sign writes (typ and kid may be NULL to leave them out), and,
 * when json is not NULL, that header as a JSON object released with pool.
 * Returns NULL or what is wrong. */
const char *oauth2_jws_header(apr_pool_t *pool, const char *alg,
                              const char *typ, const char *kid,
                              const char **b64, json_t **json);

/* Verifies a compact JWS with the key of jwks its "kid" names (with no
 * "kid", the only key of a one-key set) and the algorithm pinned to that
 * key, then returns its header and claims (JSON objects released with
 * pool, or, for the header, kept by jwks; both only to be read; header may
 * be NULL when not wanted). Checks neither "typ" nor any
 * claim: see oauth2_jwt_check_claims. Returns NULL, or why the token is
 * refused (a message that never quotes the token; then *header and
 * *claims are NULL). */
const char *oauth2_jws_verify(apr_pool_t *pool, const oauth2_jwks_t *jwks,
                              const char *jwt, json_t **header,
                              json_t **claims);

#endif
