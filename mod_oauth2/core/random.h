/* Unguessable values from the OpenSSL CSPRNG. */
#ifndef OAUTH2_CORE_RANDOM_H
#define OAUTH2_CORE_RANDOM_H

#include <apr_errno.h>
#include <apr_pools.h>

/* 256 bits: the minimum for tokens, codes and client secrets. */
#define OAUTH2_TOKEN_BYTES 32

/* A base64url string of nbytes random bytes. APR_EGENERAL when the CSPRNG
 * fails (it is never replaced by a weaker source). */
apr_status_t oauth2_random_token(apr_pool_t *pool, apr_size_t nbytes,
                                 char **token);

/* n random bytes into buf. APR_EGENERAL when the CSPRNG fails. */
apr_status_t oauth2_random_bytes(unsigned char *buf, apr_size_t n);

#endif
