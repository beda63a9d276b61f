/* The grant types of RFC 6749 as a bit set, with their protocol names. */
#ifndef OAUTH2_CORE_GRANT_H
#define OAUTH2_CORE_GRANT_H

#include <apr_pools.h>

typedef enum {
    OAUTH2_GRANT_AUTHORIZATION_CODE = 1 << 0,
    OAUTH2_GRANT_IMPLICIT = 1 << 1,
    OAUTH2_GRANT_PASSWORD = 1 << 2,
    OAUTH2_GRANT_CLIENT_CREDENTIALS = 1 << 3,
    OAUTH2_GRANT_REFRESH_TOKEN = 1 << 4
} oauth2_grant_t;

#define OAUTH2_GRANTS_ALL 0x1f

/* OAuth2GrantTypes when unset: not implicit (RFC 9700 §2.1.2: SHOULD NOT
 * be used) nor password (§2.4: MUST NOT be used); a server enables them
 * by name for legacy clients. */
#define OAUTH2_GRANTS_DEFAULT                                                  \
    (OAUTH2_GRANT_AUTHORIZATION_CODE | OAUTH2_GRANT_CLIENT_CREDENTIALS |       \
     OAUTH2_GRANT_REFRESH_TOKEN)

/* The bit for a protocol name ("client_credentials"), or 0 if unknown. */
unsigned int oauth2_grant_from_name(const char *name);

/* The protocol name of one bit, or NULL. */
const char *oauth2_grant_name(unsigned int grant);

/* Parses a space-separated list into *grants; returns NULL or an error
 * naming the first unknown word. An empty list yields 0. */
const char *oauth2_grants_parse(apr_pool_t *pool, const char *list,
                                unsigned int *grants);

/* The space-separated names of a bit set, in canonical order. */
const char *oauth2_grants_format(apr_pool_t *pool, unsigned int grants);

/* The names accepted by oauth2_grant_from_name, for messages. */
const char *oauth2_grants_known(void);

#endif
