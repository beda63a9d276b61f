/* Proof Key for Code Exchange (RFC 7636). */
#ifndef OAUTH2_CORE_PKCE_H
#define OAUTH2_CORE_PKCE_H

#include <apr_pools.h>

/* RFC 7636 §4.1: 43 to 128 characters of [A-Z] [a-z] [0-9] - . _ ~ */
int oauth2_pkce_verifier_valid(const char *verifier);

/* A challenge as the authorization request may carry it: for S256 the
 * base64url of a SHA-256 (43 characters), for plain a verifier. */
int oauth2_pkce_challenge_valid(apr_pool_t *pool, const char *challenge,
                                const char *method);

/* RFC 7636 §4.6: whether verifier matches the stored challenge. */
int oauth2_pkce_verify(apr_pool_t *pool, const char *verifier,
                       const char *challenge, const char *method);

#endif
