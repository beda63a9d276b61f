/* Checks of the URLs this server is configured with (the rules for
 * registered redirect URIs are in redirect.h). */
#ifndef OAUTH2_CORE_URI_H
#define OAUTH2_CORE_URI_H

#include <apr_pools.h>

/* RFC 8414 §2: the issuer is an https URL without query or fragment.
 * Plain http is accepted for loopback hosts only (localhost, 127.0.0.1,
 * [::1]), for development. Returns NULL or what is wrong. */
const char *oauth2_issuer_check(apr_pool_t *pool, const char *url);

/* An endpoint URL published in the metadata: absolute, https (http only
 * on loopback hosts), no fragment. Returns NULL or what is wrong. */
const char *oauth2_endpoint_url_check(apr_pool_t *pool, const char *url);

/* Whether host names the loopback interface. */
int oauth2_host_is_loopback(const char *host);

/* Whether the len characters at port are a port number: 1 to 5 digits
 * naming 1 to 65535. */
int oauth2_uri_port_valid(const char *port, apr_size_t len);

/* Whether s has a space, a control character (C0) or DEL. */
int oauth2_uri_has_space_or_control(const char *s);

#endif
