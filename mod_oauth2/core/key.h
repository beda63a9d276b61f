/* Signing keys for JWT access tokens (RFC 9068): RSA or EC P-256 private
 * keys in PEM files. */
#ifndef OAUTH2_CORE_KEY_H
#define OAUTH2_CORE_KEY_H

#include <apr_pools.h>
#include <openssl/evp.h>

/* Loads a private key and checks it can sign RS256 (RSA >= 2048 bits) or
 * ES256 (EC P-256). The key is freed with pool. Returns NULL or what is
 * wrong. */
const char *oauth2_key_load_private(apr_pool_t *pool, const char *path,
                                    EVP_PKEY **key);

/* "RS256" or "ES256" for a key accepted by oauth2_key_load_private. */
const char *oauth2_key_algorithm(EVP_PKEY *key);

#endif
