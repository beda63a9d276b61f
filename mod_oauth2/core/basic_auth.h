/* Client credentials in an HTTP Basic header (RFC 6749 §2.3.1). */
#ifndef OAUTH2_CORE_BASIC_AUTH_H
#define OAUTH2_CORE_BASIC_AUTH_H

#include <apr_pools.h>

/* Whether an Authorization header value uses the Basic scheme. */
int oauth2_basic_is_basic(const char *header);

/* Decodes "Basic base64(id:secret)", where id and secret are each
 * form-urlencoded (RFC 6749 §2.3.1), into *id and *secret. Returns NULL
 * or what is wrong. */
const char *oauth2_basic_parse(apr_pool_t *pool, const char *header,
                               const char **id, const char **secret);

#endif
