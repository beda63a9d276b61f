/* Byte <-> text encodings used by tokens, hashes and JOSE (RFC 4648 §5). */
#ifndef OAUTH2_CORE_ENCODING_H
#define OAUTH2_CORE_ENCODING_H

#include <apr_pools.h>

/* Base64url without padding; the result is allocated from pool. */
char *oauth2_base64url_encode(apr_pool_t *pool, const unsigned char *data,
                              apr_size_t len);

/* Decodes unpadded base64url; returns NULL on any character outside the
 * alphabet or an impossible length. *len receives the decoded size. */
unsigned char *oauth2_base64url_decode(apr_pool_t *pool, const char *text,
                                       apr_size_t *len);

/* Lower-case hexadecimal. */
char *oauth2_hex_encode(apr_pool_t *pool, const unsigned char *data,
                        apr_size_t len);

/* The len bytes that the first 2 * len characters of hex (lower-case, as
 * oauth2_hex_encode writes) encode, into out. Returns 1, or 0 when one of
 * them is not such a digit. */
int oauth2_hex_decode(const char *hex, unsigned char *out, apr_size_t len);

#endif
