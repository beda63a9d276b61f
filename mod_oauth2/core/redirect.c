#include "redirect.h"
#include "form.h"
#include "uri.h"

#include <string.h>

#include <apr_strings.h>
#include <apr_uri.h>

void oauth2_redirect_param(apr_pool_t *pool, apr_array_header_t **params,
                           const char *name, const char *value)
{
    if (!*params) {
        *params = apr_array_make(pool, 8, sizeof(const char *));
    }
    APR_ARRAY_PUSH(*params, const char *) = name;
    APR_ARRAY_PUSH(*params, const char *) = value;
}

const char *oauth2_redirect_build(apr_pool_t *pool, const char *base,
                                  int in_fragment,
                                  const apr_array_header_t *params)
{
    char sep = in_fragment ? '#' : strchr(base, '?') ? '&' : '?';
    const char *out = base;
    int i;

    /* A registered URI ending in '?' already has the separator (an empty
     * base has no last character: base[-1] is not ours to read). */
    if (!in_fragment && *base && base[strlen(base) - 1] == '?') {
        sep = 0;
    }
    for (i = 0; params && i + 1 < params->nelts; i += 2) {
        const char *name = APR_ARRAY_IDX(params, i, const char *);
        const char *value = APR_ARRAY_IDX(params, i + 1, const char *);
        if (!value) {
            continue;
        }
        out = sep ? apr_psprintf(pool, "%s%c%s=%s", out, sep, name,
                                 oauth2_form_encode(pool, value))
                  : apr_psprintf(pool, "%s%s=%s", out, name,
                                 oauth2_form_encode(pool, value));
        sep = '&';
    }
    return out;
}

/* --- registration (RFC 6749 §3.1.2, RFC 9700 §2.1, RFC 8252) --------- */

static int scheme_is(const apr_uri_t *u, const char *scheme)
{
    return !strcasecmp(u->scheme, scheme);
}

/* http and https: a host, a valid port, no user information. */
static const char *web_check(const apr_uri_t *u)
{
    if (!u->hostname || !*u->hostname) {
        return "must name a host";
    }
    if (u->port_str &&
        !oauth2_uri_port_valid(u->port_str, strlen(u->port_str))) {
        return "must have a port from 1 to 65535, or none";
    }
    if (u->user || u->password) {
        return "must not carry user information";
    }
    return NULL;
}

/* RFC 8252 §7.3, §8.3: plain http only to the loopback IP literals. */
static const char *http_check(const apr_uri_t *u)
{
    if (!strcmp(u->hostname, "127.0.0.1") || !strcmp(u->hostname, "::1")) {
        return NULL;
    }
    if (!strcasecmp(u->hostname, "localhost")) {
        return "must use the loopback IP literal http://127.0.0.1 or "
               "http://[::1] rather than localhost (RFC 8252 §8.3)";
    }
    return "must use https: plain http is only for the loopback IP literals "
           "127.0.0.1 and [::1] (RFC 9700 §2.1, RFC 8252 §7.3)";
}

/* RFC 8252 §7.1: a private-use scheme is a reversed domain name. Schemes
 * that run or embed content in the browser are never a place to send a
 * code (RFC 9700 §4.1). */
static const char *private_use_check(const apr_uri_t *u)
{
    if (scheme_is(u, "javascript") || scheme_is(u, "data") ||
        scheme_is(u, "vbscript") || scheme_is(u, "file")) {
        return "must not use a javascript, data, vbscript or file scheme";
    }
    if (!strchr(u->scheme, '.')) {
        return "must use https, loopback http or a private-use scheme in "
               "reverse-domain form such as com.example.app:/callback "
               "(RFC 8252 §7.1)";
    }
    return NULL;
}

const char *oauth2_redirect_uri_check(apr_pool_t *pool, const char *uri)
{
    apr_uri_t u;
    const char *err;

    if (!*uri || oauth2_uri_has_space_or_control(uri)) {
        return "must be a URI without spaces or control characters";
    }
    if (apr_uri_parse(pool, uri, &u) != APR_SUCCESS || !u.scheme) {
        return "must be an absolute URI (RFC 6749 §3.1.2)";
    }
    if (u.fragment || strchr(uri, '#')) {
        return "must not include a fragment (RFC 6749 §3.1.2)";
    }
    if (scheme_is(&u, "https")) {
        return web_check(&u);
    }
    if (scheme_is(&u, "http")) {
        return (err = web_check(&u)) ? err : http_check(&u);
    }
    return private_use_check(&u);
}

/* --- matching (RFC 6749 §3.1.2.3, RFC 8252 §7.3) ---------------------- */

/* The length of the loopback http prefix that s (of len bytes) starts
 * with, when an optional ":port" and then '/', '?' or the end follow it;
 * 0 otherwise. *rest receives the offset after the port. */
static apr_size_t loopback_prefix(const char *s, apr_size_t len,
                                  apr_size_t *rest)
{
    static const char *const prefixes[] = {"http://127.0.0.1", "http://[::1]"};
    apr_size_t i, n, end;

    for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        n = strlen(prefixes[i]);
        if (len < n || memcmp(s, prefixes[i], n)) {
            continue;
        }
        end = n;
        if (end < len && s[end] == ':') {
            for (end++; end < len && s[end] >= '0' && s[end] <= '9'; end++)
                ;
            if (!oauth2_uri_port_valid(s + n + 1, end - n - 1)) {
                return 0;
            }
        }
        if (end < len && s[end] != '/' && s[end] != '?') {
            return 0;
        }
        *rest = end;
        return n;
    }
    return 0;
}

/* Whether a registered entry and uri are equal but for their ports. */
static int loopback_match(const char *entry, apr_size_t len, const char *uri,
                          apr_size_t n)
{
    apr_size_t entry_rest, uri_rest;
    apr_size_t prefix = loopback_prefix(entry, len, &entry_rest);

    return prefix && loopback_prefix(uri, n, &uri_rest) == prefix &&
           !memcmp(entry, uri, prefix) && len - entry_rest == n - uri_rest &&
           !memcmp(entry + entry_rest, uri + uri_rest, n - uri_rest);
}

int oauth2_redirect_registered(const char *registered, const char *uri)
{
    apr_size_t n = strlen(uri);
    const char *p = registered;

    if (n == 0) {
        return 0;
    }
    while (p && *p) {
        const char *end = strchr(p, ' ');
        apr_size_t len = end ? (apr_size_t)(end - p) : strlen(p);
        if ((len == n && !strncmp(p, uri, n)) ||
            loopback_match(p, len, uri, n)) {
            return 1;
        }
        p = end ? end + 1 : NULL;
    }
    return 0;
}

const char *oauth2_redirect_single(apr_pool_t *pool, const char *registered)
{
    if (!registered || !*registered || strchr(registered, ' ')) {
        return NULL;
    }
    return apr_pstrdup(pool, registered);
}
