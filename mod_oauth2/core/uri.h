/* Checks of the URLs this server is configured with or registers. */
#ifndef OAUTH2_CORE_URI_H
#define OAUTH2_CORE_URI_H

#include <apr_pools.h>

/* RFC 8414 §2: the issuer is an https URL without query or fragment.
 * Plain http is accepted for loopback hosts only (localhost, 127.0.0.1,
 * [::1]), for development. Returns NULL or what is wrong. */
const char *oauth2_issuer_check(apr_pool_t *pool, const char *url);

/* RFC 6749 §3.1.2: a redirection URI is absolute and has no fragment.
 * Whitespace is refused too (lists of URIs are space-separated). Returns
 * NULL or what is wrong. */
const char *oauth2_redirect_uri_check(apr_pool_t *pool, const char *uri);

/* An endpoint URL published in the metadata: absolute, https (http only
 * on loopback hosts), no fragment. Returns NULL or what is wrong. */
const char *oauth2_endpoint_url_check(apr_pool_t *pool, const char *url);

/* Whether host names the loopback interface. */
int oauth2_host_is_loopback(const char *host);

#endif
