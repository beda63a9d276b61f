/* The error_description of an OAuth error answer (RFC 6749 §4.1.2.1,
 * §5.2): only %x20-21 / %x23-5B / %x5D-7E may appear in it. */
#ifndef OAUTH2_CORE_ERROR_DESCRIPTION_H
#define OAUTH2_CORE_ERROR_DESCRIPTION_H

#include <apr_pools.h>

/* text with every character outside that set replaced by '?' (a UTF-8
 * character as one '?'): descriptions may quote request bytes (a scope, a
 * parameter name), which must not travel to the client's redirect URI or
 * JSON as they came. Returns text itself when it needs no change, NULL
 * for NULL. */
const char *oauth2_error_description(apr_pool_t *pool, const char *text);

#endif
