#include "uri.h"

#include <stdlib.h>

#include <apr_strings.h>
#include <apr_uri.h>

int oauth2_host_is_loopback(const char *host)
{
    return host && (!strcasecmp(host, "localhost") ||
                    !strcmp(host, "127.0.0.1") || !strcmp(host, "::1"));
}

static int has_space_or_control(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s <= 0x20 || *s == 0x7f) {
            return 1;
        }
    }
    return 0;
}

/* apr_uri_parse() takes any strtol() result as the port, truncated to 16
 * bits ("https://host:99999" or ":-1" pass), and an empty one too. */
static int port_valid(const char *port)
{
    apr_size_t n = strspn(port, "0123456789");

    return n > 0 && n <= 5 && !port[n] && atoi(port) >= 1 &&
           atoi(port) <= 65535;
}

const char *oauth2_issuer_check(apr_pool_t *pool, const char *url)
{
    apr_uri_t uri;

    if (has_space_or_control(url) ||
        apr_uri_parse(pool, url, &uri) != APR_SUCCESS || !uri.scheme ||
        !uri.hostname || !*uri.hostname) {
        return "must be an absolute URL such as https://auth.example.org";
    }
    if (uri.port_str && !port_valid(uri.port_str)) {
        return "must have a port from 1 to 65535, or none";
    }
    if (uri.query || uri.fragment || strchr(url, '?') || strchr(url, '#')) {
        return "must not have a query or fragment (RFC 8414 §2)";
    }
    if (uri.user || uri.password) {
        return "must not carry user information";
    }
    if (!strcasecmp(uri.scheme, "https")) {
        return NULL;
    }
    if (!strcasecmp(uri.scheme, "http") &&
        oauth2_host_is_loopback(uri.hostname)) {
        return NULL;
    }
    return "must use https (plain http only for localhost, 127.0.0.1 or "
           "[::1])";
}

const char *oauth2_redirect_uri_check(apr_pool_t *pool, const char *uri)
{
    apr_uri_t parsed;

    if (!*uri || has_space_or_control(uri)) {
        return "must be a URI without spaces or control characters";
    }
    if (apr_uri_parse(pool, uri, &parsed) != APR_SUCCESS || !parsed.scheme) {
        return "must be an absolute URI (RFC 6749 §3.1.2)";
    }
    if (parsed.fragment || strchr(uri, '#')) {
        return "must not include a fragment (RFC 6749 §3.1.2)";
    }
    /* Schemes that run or embed content in the browser are never a place
     * to send a code (RFC 9700 §4.1). */
    if (!strcasecmp(parsed.scheme, "javascript") ||
        !strcasecmp(parsed.scheme, "data") ||
        !strcasecmp(parsed.scheme, "vbscript") ||
        !strcasecmp(parsed.scheme, "file")) {
        return "must not use a javascript, data, vbscript or file scheme";
    }
    if ((!strcasecmp(parsed.scheme, "http") ||
         !strcasecmp(parsed.scheme, "https")) &&
        (!parsed.hostname || !*parsed.hostname)) {
        return "must name a host";
    }
    return NULL;
}

const char *oauth2_endpoint_url_check(apr_pool_t *pool, const char *url)
{
    apr_uri_t uri;

    if (has_space_or_control(url) ||
        apr_uri_parse(pool, url, &uri) != APR_SUCCESS || !uri.scheme ||
        !uri.hostname || !*uri.hostname) {
        return "must be an absolute URL";
    }
    if (uri.port_str && !port_valid(uri.port_str)) {
        return "must have a port from 1 to 65535, or none";
    }
    if (uri.fragment || strchr(url, '#')) {
        return "must not have a fragment";
    }
    if (!strcasecmp(uri.scheme, "https") ||
        (!strcasecmp(uri.scheme, "http") &&
         oauth2_host_is_loopback(uri.hostname))) {
        return NULL;
    }
    return "must use https (plain http only on loopback hosts)";
}
