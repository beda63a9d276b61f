/* Shared declarations of the httpd glue: the module record, the
 * configuration records and the log tag macro. */
#ifndef MOD_OAUTH2_H
#define MOD_OAUTH2_H

#include "httpd.h"
#include "http_config.h"
#include "http_log.h"

#include <apr_tables.h>

extern module AP_MODULE_DECLARE_DATA oauth2_module;

/* Searchable log tags in the httpd shape: OAUTH2_LOGNO(00042) gives
 * "OA00042: ". Each number is used once; the next free one is noted at the
 * end of this file. */
#define OAUTH2_LOGNO(n) "OA" #n ": "

#define OAUTH2_UNSET (-1)

typedef enum {
    OAUTH2_FORMAT_OPAQUE = 1,
    OAUTH2_FORMAT_JWT
} oauth2_token_format_t;

/* OAuth2PKCE: for whom a code_challenge is required. */
typedef enum {
    OAUTH2_PKCE_REQUIRED = 1, /* every client */
    OAUTH2_PKCE_PUBLIC,       /* public clients (the default) */
    OAUTH2_PKCE_OPTIONAL      /* nobody; still verified when sent */
} oauth2_pkce_mode_t;

#define OAUTH2_PKCE_S256 0x1
#define OAUTH2_PKCE_PLAIN 0x2

/* OAuth2BearerTokenIn: where a resource request may carry its token. */
#define OAUTH2_TOKEN_IN_HEADER 0x1
#define OAUTH2_TOKEN_IN_QUERY 0x2
#define OAUTH2_TOKEN_IN_BODY 0x4

typedef struct {
    const char *path;
    const char *kid; /* NULL: derived from the key */
} oauth2_signing_key_conf_t;

/* Per server (virtual host). Fields start OAUTH2_UNSET/NULL, are merged
 * one line each, and get their defaults in post_config
 * (oauth2_server_conf_finish), so handlers read final values. */
typedef struct {
    const char *issuer;
    int access_token_lifetime;
    int refresh_token_lifetime;     /* 0: no refresh tokens */
    int refresh_token_max_lifetime; /* of a token family; 0: none */
    int code_lifetime;
    int access_token_format;          /* oauth2_token_format_t */
    apr_array_header_t *signing_keys; /* oauth2_signing_key_conf_t */
    int grant_types;                  /* oauth2_grant_t bits */
    int pkce;                         /* oauth2_pkce_mode_t */
    int pkce_methods;                 /* OAUTH2_PKCE_S256 | OAUTH2_PKCE_PLAIN */
    apr_array_header_t *password_providers; /* const char * */
    const char *token_cache; /* "none" or socache "provider[:args]" */
    int token_cache_ttl;
    const char *consent_template;
    const char *consent_key_file;
    int consent_remember;
    apr_array_header_t *scopes_supported; /* const char * */
    /* Endpoint URLs in the metadata (default: issuer + /oauth2/…). */
    const char *authorization_endpoint;
    const char *token_endpoint;
    const char *revocation_endpoint;
    const char *introspection_endpoint;
    const char *jwks_uri;
    const char *jwt_audience; /* "aud" of JWT access tokens */
    /* Derived from the above when the configuration is checked: */
    const char *consent_page;          /* the template's text */
    const unsigned char *consent_key;  /* OAUTH2_CSRF_KEY_LEN bytes */
    struct oauth2_jwks_t *jwks;        /* the signing keys, loaded */
    const struct oauth2_jwk_t *signer; /* the first of them */
    /* Who validates tokens here (issuer, audience, keys), as a short
     * digest: cache entries made under another context are misses. */
    const char *cache_context;
} oauth2_server_conf_t;

/* Per directory; read through the accessors below, which apply the
 * defaults (per-directory merges run per request: kept trivial). */
typedef struct {
    int bearer_token_in; /* OAUTH2_TOKEN_IN_* bits */
    const char *realm;
    int forward_authorization; /* pass the Authorization header on */
    int jwt_revocation_check;  /* look JWTs up in the store too */
} oauth2_dir_conf_t;

static APR_INLINE oauth2_server_conf_t *oauth2_server_conf(server_rec *s)
{
    return ap_get_module_config(s->module_config, &oauth2_module);
}

static APR_INLINE oauth2_dir_conf_t *oauth2_dir_conf(request_rec *r)
{
    return ap_get_module_config(r->per_dir_config, &oauth2_module);
}

int oauth2_dir_bearer_token_in(const oauth2_dir_conf_t *d);
int oauth2_dir_forward_authorization(const oauth2_dir_conf_t *d);
int oauth2_dir_jwt_revocation_check(const oauth2_dir_conf_t *d);

/* OAuth2Realm, else AuthName, else the server name. */
const char *oauth2_dir_realm(request_rec *r);

/* Next free log number: 00027 */

#endif
