/* Hashing and comparison of secrets: tokens, codes and client secrets are
 * stored only as SHA-256 digests (DESIGN.md, "Data and secrets"). */
#ifndef OAUTH2_CORE_DIGEST_H
#define OAUTH2_CORE_DIGEST_H

#include <apr_pools.h>

#define OAUTH2_SHA256_LEN 32

/* SHA-256 of a NUL-terminated string, as 64 lower-case hex characters. */
char *oauth2_sha256_hex(apr_pool_t *pool, const char *text);

/* SHA-256 of raw bytes into out (OAUTH2_SHA256_LEN bytes). */
void oauth2_sha256(const void *data, apr_size_t len, unsigned char *out);

/* Equality of two strings in time independent of where they differ. */
int oauth2_secret_equal(const char *a, const char *b);

#endif
