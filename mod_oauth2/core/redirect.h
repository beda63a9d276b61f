/* Redirection URIs: which ones a client may register (RFC 6749 §3.1.2,
 * RFC 9700 §2.1, RFC 8252 §7-8), which registered one a request names
 * (RFC 6749 §3.1.2.3, RFC 8252 §7.3), and building the redirection URI of
 * an authorization response (RFC 6749 §4.1.2, §4.2.2, §4.1.2.1). */
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

/* Whether uri may be registered as a redirection URI: absolute, without
 * fragment, spaces or control characters, and one of
 *   - https with a host (no user information);
 *   - http on the loopback IP literals 127.0.0.1 or [::1], for native
 *     apps (RFC 8252 §7.3); not http://localhost (§8.3: NOT RECOMMENDED;
 *     refused, as the strictest implementations do) nor any other host
 *     (RFC 9700 §2.1: the code would travel in clear);
 *   - a private-use scheme in reverse-domain form (RFC 8252 §7.1:
 *     com.example.app:/callback); never javascript, data, vbscript or
 *     file.
 * Returns NULL, or what is wrong as a phrase that follows the URI in a
 * message ("must use https ..."). */
const char *oauth2_redirect_uri_check(apr_pool_t *pool, const char *uri);

/* Whether uri is one of the space-separated registered URIs: by simple
 * string comparison (RFC 6749 §3.1.2.3, RFC 9700 §4.1.3), except that a
 * registered http://127.0.0.1 or http://[::1] URI matches whatever port
 * uri has, or none, when everything else is equal (RFC 8252 §7.3). */
int oauth2_redirect_registered(const char *registered, const char *uri);

/* The only registered URI, or NULL when there are none or several. */
const char *oauth2_redirect_single(apr_pool_t *pool, const char *registered);

#endif
