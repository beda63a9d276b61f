/* Per-server configuration: creation, merging and defaults. */
#include "config.h"
#include "directives.h"
#include "../core/csrf.h"
#include "../core/digest.h"
#include "../core/grant.h"
#include "../core/jwk.h"
#include "../core/key.h"
#include "../core/random.h"
#include "../core/uri.h"

#include <apr_file_io.h>
#include <apr_strings.h>

#define DEFAULT_ACCESS_TOKEN_LIFETIME 3600
#define DEFAULT_REFRESH_TOKEN_LIFETIME 1209600
/* 90 days: an owner who keeps using a client signs in again once a
 * quarter; a stolen refresh token kept alive by rotation dies then too. */
#define DEFAULT_REFRESH_TOKEN_MAX_LIFETIME 7776000
#define DEFAULT_CODE_LIFETIME 60
#define DEFAULT_TOKEN_CACHE "shmcb"
#define DEFAULT_TOKEN_CACHE_TTL 30

void *oauth2_server_conf_create(apr_pool_t *pool, server_rec *s)
{
    oauth2_server_conf_t *c = apr_pcalloc(pool, sizeof(*c));

    c->access_token_lifetime = OAUTH2_UNSET;
    c->refresh_token_lifetime = OAUTH2_UNSET;
    c->refresh_token_max_lifetime = OAUTH2_UNSET;
    c->code_lifetime = OAUTH2_UNSET;
    c->access_token_format = OAUTH2_UNSET;
    c->grant_types = OAUTH2_UNSET;
    c->pkce = OAUTH2_UNSET;
    c->pkce_methods = OAUTH2_UNSET;
    c->token_cache_ttl = OAUTH2_UNSET;
    c->consent_remember = OAUTH2_UNSET;
    return c;
}

#define MERGE_INT(f) c->f = add->f != OAUTH2_UNSET ? add->f : base->f
#define MERGE_PTR(f) c->f = add->f ? add->f : base->f

void *oauth2_server_conf_merge(apr_pool_t *pool, void *basev, void *addv)
{
    oauth2_server_conf_t *base = basev, *add = addv;
    oauth2_server_conf_t *c = apr_pcalloc(pool, sizeof(*c));

    MERGE_PTR(issuer);
    MERGE_INT(access_token_lifetime);
    MERGE_INT(refresh_token_lifetime);
    MERGE_INT(refresh_token_max_lifetime);
    MERGE_INT(code_lifetime);
    MERGE_INT(access_token_format);
    MERGE_PTR(signing_keys);
    MERGE_INT(grant_types);
    MERGE_INT(pkce);
    MERGE_INT(pkce_methods);
    MERGE_PTR(password_providers);
    MERGE_PTR(token_cache);
    MERGE_INT(token_cache_ttl);
    MERGE_PTR(consent_template);
    MERGE_PTR(consent_key_file);
    MERGE_INT(consent_remember);
    MERGE_PTR(scopes_supported);
    MERGE_PTR(authorization_endpoint);
    MERGE_PTR(token_endpoint);
    MERGE_PTR(revocation_endpoint);
    MERGE_PTR(introspection_endpoint);
    MERGE_PTR(jwks_uri);
    MERGE_PTR(jwt_audience);
    return c;
}

#define DEFAULT_INT(f, v) c->f = c->f != OAUTH2_UNSET ? c->f : (v)

/* RFC 8414 §2 wants a stable issuer; without OAuth2Issuer it is derived
 * from ServerName, never from a request's Host header. */
static const char *default_issuer(apr_pool_t *pool, server_rec *s)
{
    const char *host = s->server_hostname ? s->server_hostname : "localhost";
    int loopback = oauth2_host_is_loopback(host);
    const char *scheme = loopback ? "http" : "https";

    if (s->port && s->port != (loopback ? 80 : 443)) {
        return apr_psprintf(pool, "%s://%s:%u", scheme, host, s->port);
    }
    return apr_psprintf(pool, "%s://%s", scheme, host);
}

/* The paths the conf-examples use, under the issuer. */
static void default_endpoints(apr_pool_t *pool, oauth2_server_conf_t *c)
{
#define DEFAULT_URL(f, path)                                                   \
    if (!c->f) {                                                               \
        c->f = apr_pstrcat(pool, c->issuer, path, NULL);                       \
    }
    DEFAULT_URL(authorization_endpoint, "/oauth2/authorize");
    DEFAULT_URL(token_endpoint, "/oauth2/token");
    DEFAULT_URL(revocation_endpoint, "/oauth2/revoke");
    DEFAULT_URL(introspection_endpoint, "/oauth2/introspect");
    DEFAULT_URL(jwks_uri, "/oauth2/jwks");
#undef DEFAULT_URL
}

static const char *read_file(apr_pool_t *pool, const char *path,
                             const char **text, apr_size_t *len)
{
    apr_file_t *f;
    apr_finfo_t finfo;
    char *buf;

    if (apr_file_open(&f, path, APR_FOPEN_READ, 0, pool) != APR_SUCCESS ||
        apr_file_info_get(&finfo, APR_FINFO_SIZE, f) != APR_SUCCESS) {
        return apr_psprintf(pool, "cannot read '%s'", path);
    }
    buf = apr_palloc(pool, (apr_size_t)finfo.size + 1);
    if (apr_file_read_full(f, buf, (apr_size_t)finfo.size, len) !=
        APR_SUCCESS) {
        apr_file_close(f);
        return apr_psprintf(pool, "cannot read '%s'", path);
    }
    apr_file_close(f);
    buf[*len] = '\0';
    *text = buf;
    return NULL;
}

/* The consent page's text and the key of its anti-forgery tokens: read
 * once here, never per request. */
static const char *load_consent(apr_pool_t *pool, oauth2_server_conf_t *c)
{
    unsigned char *key = apr_palloc(pool, OAUTH2_CSRF_KEY_LEN);
    const char *text, *err;
    apr_size_t len;

    if (c->consent_template &&
        (err = read_file(pool, c->consent_template, &c->consent_page, &len))) {
        return apr_pstrcat(pool, OAUTH2_D_CONSENT_TEMPLATE ": ", err, NULL);
    }
    if (c->consent_key_file) {
        if ((err = read_file(pool, c->consent_key_file, &text, &len))) {
            return apr_pstrcat(pool, OAUTH2_D_CONSENT_KEY_FILE ": ", err, NULL);
        }
        if (len < OAUTH2_CSRF_KEY_LEN) {
            return OAUTH2_D_CONSENT_KEY_FILE
                " needs at least 32 bytes of "
                "secret (e.g. openssl rand -base64 48)";
        }
        oauth2_sha256(text, len, key);
    }
    else if (oauth2_random_bytes(key, OAUTH2_CSRF_KEY_LEN) != APR_SUCCESS) {
        return "the random generator failed";
    }
    c->consent_key = key;
    return NULL;
}

/* The signing keys, loaded once: the first signs, all are published.
 * The cache context names the issuer, the audience and every key. */
static const char *load_keys(apr_pool_t *pool, oauth2_server_conf_t *c)
{
    const char *err, *kid = NULL;
    const char *context =
        apr_pstrcat(pool, c->issuer, "\n", c->jwt_audience, NULL);
    EVP_PKEY *key;
    int i;

    c->jwks = oauth2_jwks_make(pool);
    for (i = 0; i < c->signing_keys->nelts; i++) {
        const oauth2_signing_key_conf_t *k =
            &APR_ARRAY_IDX(c->signing_keys, i, oauth2_signing_key_conf_t);
        if ((err = oauth2_key_load_private(pool, k->path, &key)) ||
            (err = oauth2_jwks_add(c->jwks, key, k->kid)) ||
            (!k->kid && (err = oauth2_jwk_thumbprint(pool, key, &kid)))) {
            return apr_pstrcat(pool, OAUTH2_D_SIGNING_KEY ": ", err, NULL);
        }
        if (i == 0) {
            c->signer = oauth2_jwks_find(c->jwks, k->kid ? k->kid : kid);
        }
        context = apr_pstrcat(pool, context, "\n", k->kid ? k->kid : kid, NULL);
    }
    c->cache_context = apr_pstrndup(pool, oauth2_sha256_hex(pool, context), 16);
    return NULL;
}

static const char *finish_one(apr_pool_t *pool, server_rec *s,
                              oauth2_server_conf_t *c)
{
    const char *err;

    if (!c->issuer) {
        c->issuer = default_issuer(pool, s);
    }
    default_endpoints(pool, c);
    DEFAULT_INT(access_token_lifetime, DEFAULT_ACCESS_TOKEN_LIFETIME);
    DEFAULT_INT(refresh_token_lifetime, DEFAULT_REFRESH_TOKEN_LIFETIME);
    DEFAULT_INT(refresh_token_max_lifetime, DEFAULT_REFRESH_TOKEN_MAX_LIFETIME);
    DEFAULT_INT(code_lifetime, DEFAULT_CODE_LIFETIME);
    DEFAULT_INT(access_token_format, OAUTH2_FORMAT_OPAQUE);
    DEFAULT_INT(grant_types, OAUTH2_GRANTS_DEFAULT);
    DEFAULT_INT(pkce, OAUTH2_PKCE_PUBLIC);
    DEFAULT_INT(pkce_methods, OAUTH2_PKCE_S256);
    DEFAULT_INT(token_cache_ttl, DEFAULT_TOKEN_CACHE_TTL);
    DEFAULT_INT(consent_remember, 1);
    if (!c->token_cache) {
        c->token_cache = DEFAULT_TOKEN_CACHE;
    }
    if (!c->signing_keys) {
        c->signing_keys =
            apr_array_make(pool, 1, sizeof(oauth2_signing_key_conf_t));
    }
    if (!c->jwt_audience) {
        c->jwt_audience = c->issuer;
    }
    if ((err = load_consent(pool, c)) || (err = load_keys(pool, c))) {
        return err;
    }
    if (c->access_token_format == OAUTH2_FORMAT_JWT &&
        c->signing_keys->nelts == 0) {
        return OAUTH2_D_ACCESS_TOKEN_FORMAT
            " jwt needs at least one " OAUTH2_D_SIGNING_KEY;
    }
    if ((c->grant_types & OAUTH2_GRANT_PASSWORD) && c->password_providers &&
        c->password_providers->nelts == 0) {
        return OAUTH2_D_PASSWORD_PROVIDER " names no provider";
    }
    return NULL;
}

const char *oauth2_server_conf_finish(apr_pool_t *pool, server_rec *s)
{
    for (; s; s = s->next) {
        const char *err = finish_one(pool, s, oauth2_server_conf(s));
        if (err) {
            return apr_psprintf(pool, "%s (server %s:%u, defined at %s:%d)",
                                err, s->server_hostname, s->port,
                                s->defn_name ? s->defn_name : "main",
                                s->defn_line_number);
        }
    }
    return NULL;
}
