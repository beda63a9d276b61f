/* Building the redirection URI of an authorization response (RFC 6749
 * §4.1.2, §4.2.2, §4.1.2.1). */
#ifndef OAUTH2_CORE_REDIRECT_H
#define OAUTH2_CORE_REDIRECT_H

#include <apr_pools.h>
#include <apr_tables.h>

/* Appends params (name, value pairs of const char *, NULL values skipped)
 * form-encoded to base: in the query, keeping a query base already has,
 * or in the fragment (implicit grant). */
const char *oauth2_redirect_build(apr_pool_t *pool, const char *base,
                                  int in_fragment,
                                  const apr_array_header_t *params);

/* Pushes one name/value pair onto a params array for oauth2_redirect_build
 * (creating the array when *params is NULL). */
void oauth2_redirect_param(apr_pool_t *pool, apr_array_header_t **params,
                           const char *name, const char *value);

/* Whether uri is one of the space-separated registered URIs, by simple
 * string comparison (RFC 6749 §3.1.2.3, RFC 9700 §4.1.3). */
int oauth2_redirect_registered(const char *registered, const char *uri);

/* The only registered URI, or NULL when there are none or several. */
const char *oauth2_redirect_single(apr_pool_t *pool, const char *registered);

#endif
