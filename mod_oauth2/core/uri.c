#include "uri.h"

#include <string.h>

#include <apr_strings.h>
#include <apr_uri.h>

int oauth2_host_is_loopback(const char *host)
{
    return host && (!strcasecmp(host, "localhost") ||
                    !strcmp(host, "127.0.0.1") || !strcmp(host, "::1"));
}

int oauth2_uri_has_space_or_control(const char *s)
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
int oauth2_uri_port_valid(const char *port, apr_size_t len)
{
    unsigned long value = 0;
    apr_size_t i;

    if (len == 0 || len > 5) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        if (port[i] < '0' || port[i] > '9') {
            return 0;
        }
        value = value * 10 + (unsigned long)(port[i] - '0');
    }
    return value >= 1 && value <= 65535;
}

static int port_valid(const char *port)
{
    return oauth2_uri_port_valid(port, strlen(port));
}

const char *oauth2_issuer_check(apr_pool_t *pool, const char *url)
{
    apr_uri_t uri;

    if (oauth2_uri_has_space_or_control(url) ||
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

const char *oauth2_endpoint_url_check(apr_pool_t *pool, const char *url)
{
    apr_uri_t uri;

    if (oauth2_uri_has_space_or_control(url) ||
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
