/* Anti-forgery tokens of the consent form: an HMAC over the owner and the
 * exact authorization request, with the time it was made. */
#ifndef OAUTH2_CORE_CSRF_H
#define OAUTH2_CORE_CSRF_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>

#define OAUTH2_CSRF_KEY_LEN 32

/* A token binding fields (an array of const char *) at time now. */
const char *oauth2_csrf_make(apr_pool_t *pool, const unsigned char *key,
                             const apr_array_header_t *fields, apr_time_t now);

/* Whether token was made by oauth2_csrf_make for the same fields with the
 * same key, no more than max_age ago. */
int oauth2_csrf_check(apr_pool_t *pool, const unsigned char *key,
                      const apr_array_header_t *fields, const char *token,
                      apr_time_t now, apr_interval_time_t max_age);

#endif
