/* The directive table and the handlers that parse and validate each
 * directive when the configuration is read, so that a mistake stops
 * `apachectl configtest` with a message naming the directive. */
#include "config.h"
#include "directives.h"
#include "../core/grant.h"
#include "../core/key.h"
#include "../core/scope.h"
#include "../core/uri.h"

#include "ap_provider.h"
#include "ap_socache.h"
#include "mod_auth.h"

#include <apr_file_info.h>
#include <apr_lib.h>
#include <apr_strings.h>

static oauth2_server_conf_t *server_conf(cmd_parms *cmd)
{
    return oauth2_server_conf(cmd->server);
}

static const char *fail(cmd_parms *cmd, const char *fmt, const char *arg)
{
    return apr_pstrcat(cmd->pool, cmd->cmd->name, ": ",
                       apr_psprintf(cmd->pool, fmt, arg), NULL);
}

/* Like nginx, a setting given twice in one context is a mistake. */
static const char *twice(cmd_parms *cmd)
{
    return apr_pstrcat(cmd->pool, cmd->cmd->name,
                       " is set twice in the same context", NULL);
}

/* Splits a raw argument line into words (quotes honoured). */
static apr_array_header_t *words(cmd_parms *cmd, const char *args)
{
    apr_array_header_t *out =
        apr_array_make(cmd->pool, 4, sizeof(const char *));
    const char *w;

    while (*(w = ap_getword_conf(cmd->pool, &args))) {
        APR_ARRAY_PUSH(out, const char *) = w;
    }
    return out;
}

static const char *set_issuer(cmd_parms *cmd, void *d, const char *arg)
{
    oauth2_server_conf_t *c = server_conf(cmd);
    const char *err = oauth2_issuer_check(cmd->temp_pool, arg);

    if (c->issuer) {
        return twice(cmd);
    }
    if (err) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": '", arg, "' ", err,
                           NULL);
    }
    /* The issuer is compared by string equality (RFC 9207, RFC 9068), so
     * it has one spelling: no trailing slash. */
    if (arg[strlen(arg) - 1] == '/') {
        return fail(cmd, "'%s' must not end with a slash", arg);
    }
    c->issuer = arg;
    return NULL;
}

/* An endpoint URL of the metadata; cmd->info is the field's offset. Like
 * the issuer: https (http on loopback), no fragment. */
static const char *set_url(cmd_parms *cmd, void *d, const char *arg)
{
    const char **field =
        (const char **)((char *)server_conf(cmd) + (apr_size_t)cmd->info);
    const char *err = oauth2_endpoint_url_check(cmd->temp_pool, arg);

    if (*field) {
        return twice(cmd);
    }
    if (err) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": '", arg, "' ", err,
                           NULL);
    }
    *field = arg;
    return NULL;
}

/* Seconds, bounded; cmd->info holds the field's offset and bounds. */
typedef struct {
    apr_size_t offset;
    int min;
    int max;
} seconds_slot_t;

#define SLOT(field) APR_OFFSETOF(oauth2_server_conf_t, field)
static seconds_slot_t access_token_lifetime = {SLOT(access_token_lifetime), 1,
                                               31536000};
static seconds_slot_t refresh_token_lifetime = {SLOT(refresh_token_lifetime), 0,
                                                315360000};
static seconds_slot_t refresh_token_max_lifetime = {
    SLOT(refresh_token_max_lifetime), 0, 315360000};
static seconds_slot_t code_lifetime = {SLOT(code_lifetime), 1, 600};
static seconds_slot_t token_cache_ttl = {SLOT(token_cache_ttl), 1, 86400};

static const char *set_seconds(cmd_parms *cmd, void *d, const char *arg)
{
    const seconds_slot_t *slot = cmd->info;
    int *field = (int *)((char *)server_conf(cmd) + slot->offset);
    apr_int64_t v;
    char *end;

    if (*field != OAUTH2_UNSET) {
        return twice(cmd);
    }
    errno = 0;
    v = apr_strtoi64(arg, &end, 10);
    if (!apr_isdigit(*arg) || *end || errno || v < slot->min || v > slot->max) {
        return apr_psprintf(cmd->pool,
                            "%s: expects a number of seconds "
                            "from %d to %d, not '%s'",
                            cmd->cmd->name, slot->min, slot->max, arg);
    }
    *field = (int)v;
    return NULL;
}

static const char *set_token_format(cmd_parms *cmd, void *d, const char *arg)
{
    oauth2_server_conf_t *c = server_conf(cmd);

    if (c->access_token_format != OAUTH2_UNSET) {
        return twice(cmd);
    }
    if (!strcasecmp(arg, "opaque")) {
        c->access_token_format = OAUTH2_FORMAT_OPAQUE;
    }
    else if (!strcasecmp(arg, "jwt")) {
        c->access_token_format = OAUTH2_FORMAT_JWT;
    }
    else {
        return fail(cmd, "expects opaque or jwt, not '%s'", arg);
    }
    return NULL;
}

static const char *set_signing_key(cmd_parms *cmd, void *d, const char *path,
                                   const char *kid)
{
    oauth2_server_conf_t *c = server_conf(cmd);
    oauth2_signing_key_conf_t *key;
    const char *full = ap_server_root_relative(cmd->pool, path), *err;
    EVP_PKEY *pkey;
    int i;

    if (!full) {
        return fail(cmd, "invalid path '%s'", path);
    }
    if ((err = oauth2_key_load_private(cmd->temp_pool, full, &pkey))) {
        return fail(cmd, "%s", err);
    }
    if (!c->signing_keys) {
        c->signing_keys = apr_array_make(cmd->pool, 2, sizeof(*key));
    }
    for (i = 0; kid && i < c->signing_keys->nelts; i++) {
        key = &APR_ARRAY_IDX(c->signing_keys, i, oauth2_signing_key_conf_t);
        if (key->kid && !strcmp(key->kid, kid)) {
            return fail(cmd, "key id '%s' is used twice", kid);
        }
    }
    key = apr_array_push(c->signing_keys);
    key->path = full;
    key->kid = kid;
    return NULL;
}

static const char *set_grant_types(cmd_parms *cmd, void *d, const char *args)
{
    oauth2_server_conf_t *c = server_conf(cmd);
    unsigned int grants;
    const char *err;

    if (c->grant_types != OAUTH2_UNSET) {
        return twice(cmd);
    }
    if ((err = oauth2_grants_parse(cmd->pool, args, &grants))) {
        return fail(cmd, "%s", err);
    }
    if (!grants) {
        return fail(cmd, "%s", "expects one or more grant types");
    }
    c->grant_types = (int)grants;
    return NULL;
}

static const char *set_pkce(cmd_parms *cmd, void *d, const char *arg)
{
    oauth2_server_conf_t *c = server_conf(cmd);

    if (c->pkce != OAUTH2_UNSET) {
        return twice(cmd);
    }
    if (!strcasecmp(arg, "required")) {
        c->pkce = OAUTH2_PKCE_REQUIRED;
    }
    else if (!strcasecmp(arg, "public")) {
        c->pkce = OAUTH2_PKCE_PUBLIC;
    }
    else if (!strcasecmp(arg, "optional")) {
        c->pkce = OAUTH2_PKCE_OPTIONAL;
    }
    else {
        return fail(cmd, "expects required, public or optional, not '%s'", arg);
    }
    return NULL;
}

static const char *set_pkce_methods(cmd_parms *cmd, void *d, const char *args)
{
    oauth2_server_conf_t *c = server_conf(cmd);
    apr_array_header_t *list = words(cmd, args);
    int i, methods = 0;

    if (c->pkce_methods != OAUTH2_UNSET) {
        return twice(cmd);
    }
    for (i = 0; i < list->nelts; i++) {
        const char *m = APR_ARRAY_IDX(list, i, const char *);
        if (!strcmp(m, "S256")) {
            methods |= OAUTH2_PKCE_S256;
        }
        else if (!strcmp(m, "plain")) {
            methods |= OAUTH2_PKCE_PLAIN;
        }
        else {
            return fail(cmd, "expects S256 [plain], not '%s'", m);
        }
    }
    /* RFC 7636 §4.2: S256 is mandatory to implement; plain is an extra. */
    if (!(methods & OAUTH2_PKCE_S256)) {
        return fail(cmd, "%s", "must include S256 (RFC 7636 §4.2)");
    }
    c->pkce_methods = methods;
    return NULL;
}

static const char *set_password_provider(cmd_parms *cmd, void *d,
                                         const char *args)
{
    oauth2_server_conf_t *c = server_conf(cmd);
    apr_array_header_t *list = words(cmd, args);
    int i;

    if (c->password_providers) {
        return twice(cmd);
    }
    if (list->nelts == 0) {
        return fail(cmd, "%s", "expects one or more authn provider names");
    }
    for (i = 0; i < list->nelts; i++) {
        const char *name = APR_ARRAY_IDX(list, i, const char *);
        /* As AuthBasicProvider does: the provider's module must be loaded
         * before this line. */
        if (!ap_lookup_provider(AUTHN_PROVIDER_GROUP, name,
                                AUTHN_PROVIDER_VERSION)) {
            return fail(cmd,
                        "unknown authn provider '%s' (is its module, "
                        "e.g. mod_authn_file, loaded before this line?)",
                        name);
        }
    }
    c->password_providers = list;
    return NULL;
}

static const char *set_token_cache(cmd_parms *cmd, void *d, const char *arg)
{
    oauth2_server_conf_t *c = server_conf(cmd);
    const char *colon = strchr(arg, ':');
    const char *name =
        colon ? apr_pstrmemdup(cmd->pool, arg, colon - arg) : arg;
    /* One cache serves every virtual host. */
    const char *ctx = ap_check_cmd_context(cmd, NOT_IN_VIRTUALHOST);

    if (ctx) {
        return ctx;
    }
    if (c->token_cache) {
        return twice(cmd);
    }
    if (strcasecmp(arg, "none") &&
        !ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name,
                            AP_SOCACHE_PROVIDER_VERSION)) {
        return fail(cmd,
                    "unknown socache provider '%s' (expects none, or "
                    "shmcb, memcache, redis… with mod_socache_<name> "
                    "loaded before this line)",
                    name);
    }
    c->token_cache = strcasecmp(arg, "none") ? arg : "none";
    return NULL;
}

/* A file path setting; cmd->info is the field's offset. The file is read
 * when the configuration is checked. */
static const char *set_file(cmd_parms *cmd, void *d, const char *path)
{
    const char **field =
        (const char **)((char *)server_conf(cmd) + (apr_size_t)cmd->info);
    const char *full = ap_server_root_relative(cmd->pool, path);
    apr_finfo_t finfo;

    if (*field) {
        return twice(cmd);
    }
    if (!full || apr_stat(&finfo, full, APR_FINFO_TYPE, cmd->temp_pool) ||
        finfo.filetype != APR_REG) {
        return fail(cmd, "'%s' is not a readable file", path);
    }
    *field = full;
    return NULL;
}

static const char *set_consent_remember(cmd_parms *cmd, void *d, int on)
{
    oauth2_server_conf_t *c = server_conf(cmd);

    if (c->consent_remember != OAUTH2_UNSET) {
        return twice(cmd);
    }
    c->consent_remember = on;
    return NULL;
}

static const char *set_scopes_supported(cmd_parms *cmd, void *d,
                                        const char *args)
{
    oauth2_server_conf_t *c = server_conf(cmd);
    apr_array_header_t *list = words(cmd, args);
    int i;

    if (c->scopes_supported) {
        return twice(cmd);
    }
    if (list->nelts == 0) {
        return fail(cmd, "%s", "expects one or more scopes");
    }
    for (i = 0; i < list->nelts; i++) {
        const char *s = APR_ARRAY_IDX(list, i, const char *);
        if (!oauth2_scope_token_valid(s)) {
            return fail(cmd, "'%s' is not a valid scope (RFC 6749 §3.3)", s);
        }
    }
    c->scopes_supported = list;
    return NULL;
}

static const char *set_bearer_token_in(cmd_parms *cmd, void *dconf,
                                       const char *args)
{
    oauth2_dir_conf_t *d = dconf;
    apr_array_header_t *list = words(cmd, args);
    int i, where = 0;

    if (d->bearer_token_in != OAUTH2_UNSET) {
        return twice(cmd);
    }
    for (i = 0; i < list->nelts; i++) {
        const char *w = APR_ARRAY_IDX(list, i, const char *);
        if (!strcasecmp(w, "header")) {
            where |= OAUTH2_TOKEN_IN_HEADER;
        }
        else if (!strcasecmp(w, "query")) {
            where |= OAUTH2_TOKEN_IN_QUERY;
        }
        else if (!strcasecmp(w, "body")) {
            where |= OAUTH2_TOKEN_IN_BODY;
        }
        else {
            return fail(cmd, "expects header, query or body, not '%s'", w);
        }
    }
    if (!where) {
        return fail(cmd, "%s", "expects header [query] [body]");
    }
    d->bearer_token_in = where;
    return NULL;
}

static const char *set_realm(cmd_parms *cmd, void *dconf, const char *arg)
{
    oauth2_dir_conf_t *d = dconf;
    const char *p;

    if (d->realm) {
        return twice(cmd);
    }
    /* It is sent as a quoted-string in WWW-Authenticate. */
    for (p = arg; *p; p++) {
        if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20) {
            return fail(cmd,
                        "'%s' must not contain quotes, backslashes or "
                        "control characters",
                        arg);
        }
    }
    d->realm = arg;
    return NULL;
}

/* An On/Off directory setting; cmd->info is the field's offset. */
static const char *set_dir_flag(cmd_parms *cmd, void *dconf, int on)
{
    int *field = (int *)((char *)dconf + (apr_size_t)cmd->info);

    if (*field != OAUTH2_UNSET) {
        return twice(cmd);
    }
    *field = on;
    return NULL;
}

static const char *set_audience(cmd_parms *cmd, void *d, const char *arg)
{
    oauth2_server_conf_t *c = server_conf(cmd);

    if (c->jwt_audience) {
        return twice(cmd);
    }
    if (!*arg || strpbrk(arg, " \t\"\\")) {
        return fail(cmd, "'%s' must be a single URI or name", arg);
    }
    c->jwt_audience = arg;
    return NULL;
}

/* Directives of the unrelated resource-server module that Debian ships
 * under the same name (libapache2-mod-oauth2): a config written for it
 * must fail loudly here instead of half-working. */
static const char *foreign_directive(cmd_parms *cmd, void *d, const char *a)
{
    return apr_pstrcat(cmd->pool, cmd->cmd->name,
                       " belongs to a different "
                       "module also called mod_oauth2 (Debian's "
                       "libapache2-mod-oauth2); this mod_oauth2 protects "
                       "resources with AuthType oauth2 and Require "
                       "oauth2-scope, see its README",
                       NULL);
}

#define SERVER_DIRECTIVE(name, fn, info, kind, help)                           \
    AP_INIT_##kind(name, fn, info, RSRC_CONF, help)
#define FOREIGN(name)                                                          \
    AP_INIT_RAW_ARGS(name, foreign_directive, NULL, OR_ALL,                    \
                     "not a directive of this mod_oauth2")

const command_rec oauth2_commands[] = {
    SERVER_DIRECTIVE(OAUTH2_D_ISSUER, set_issuer, NULL, TAKE1,
                     "Issuer URL (https, or http on loopback)"),
    SERVER_DIRECTIVE(OAUTH2_D_ACCESS_TOKEN_LIFETIME, set_seconds,
                     &access_token_lifetime, TAKE1,
                     "Access token lifetime in seconds (default 3600)"),
    SERVER_DIRECTIVE(OAUTH2_D_REFRESH_TOKEN_LIFETIME, set_seconds,
                     &refresh_token_lifetime, TAKE1,
                     "Refresh token lifetime in seconds, 0 = none "
                     "(default 1209600)"),
    SERVER_DIRECTIVE(OAUTH2_D_REFRESH_TOKEN_MAX_LIFETIME, set_seconds,
                     &refresh_token_max_lifetime, TAKE1,
                     "Longest life of a grant's refresh tokens, however "
                     "often rotated, in seconds, 0 = no limit "
                     "(default 7776000)"),
    SERVER_DIRECTIVE(OAUTH2_D_CODE_LIFETIME, set_seconds, &code_lifetime, TAKE1,
                     "Authorization code lifetime in seconds (default 60)"),
    SERVER_DIRECTIVE(OAUTH2_D_ACCESS_TOKEN_FORMAT, set_token_format, NULL,
                     TAKE1, "opaque or jwt (default opaque)"),
    SERVER_DIRECTIVE(OAUTH2_D_SIGNING_KEY, set_signing_key, NULL, TAKE12,
                     "PEM private key file [key id]; the first one signs"),
    SERVER_DIRECTIVE(OAUTH2_D_GRANT_TYPES, set_grant_types, NULL, RAW_ARGS,
                     "Grant types enabled on this server (default all)"),
    SERVER_DIRECTIVE(OAUTH2_D_PKCE, set_pkce, NULL, TAKE1,
                     "required, public or optional (default public)"),
    SERVER_DIRECTIVE(OAUTH2_D_PKCE_METHODS, set_pkce_methods, NULL, RAW_ARGS,
                     "S256 [plain] (default S256)"),
    SERVER_DIRECTIVE(OAUTH2_D_PASSWORD_PROVIDER, set_password_provider, NULL,
                     RAW_ARGS,
                     "Authn providers that check owner passwords "
                     "for the password grant"),
    SERVER_DIRECTIVE(OAUTH2_D_TOKEN_CACHE, set_token_cache, NULL, TAKE1,
                     "none or socache provider[:args] (default shmcb)"),
    SERVER_DIRECTIVE(OAUTH2_D_TOKEN_CACHE_TTL, set_seconds, &token_cache_ttl,
                     TAKE1,
                     "Seconds a validated token stays cached (default 30)"),
    SERVER_DIRECTIVE(OAUTH2_D_CONSENT_TEMPLATE, set_file,
                     (void *)SLOT(consent_template), TAKE1,
                     "HTML template of the consent page"),
    SERVER_DIRECTIVE(OAUTH2_D_CONSENT_KEY_FILE, set_file,
                     (void *)SLOT(consent_key_file), TAKE1,
                     "File whose contents key the consent form's "
                     "anti-forgery tokens (default: random per start)"),
    SERVER_DIRECTIVE(OAUTH2_D_CONSENT_REMEMBER, set_consent_remember, NULL,
                     FLAG,
                     "Remember consent per owner and client "
                     "(default On)"),
    SERVER_DIRECTIVE(OAUTH2_D_SCOPES_SUPPORTED, set_scopes_supported, NULL,
                     RAW_ARGS, "Scopes this server knows"),
    SERVER_DIRECTIVE(OAUTH2_D_AUTHORIZATION_ENDPOINT, set_url,
                     (void *)SLOT(authorization_endpoint), TAKE1,
                     "Authorization endpoint URL in the metadata"),
    SERVER_DIRECTIVE(OAUTH2_D_TOKEN_ENDPOINT, set_url,
                     (void *)SLOT(token_endpoint), TAKE1,
                     "Token endpoint URL in the metadata"),
    SERVER_DIRECTIVE(OAUTH2_D_REVOCATION_ENDPOINT, set_url,
                     (void *)SLOT(revocation_endpoint), TAKE1,
                     "Revocation endpoint URL in the metadata"),
    SERVER_DIRECTIVE(OAUTH2_D_INTROSPECTION_ENDPOINT, set_url,
                     (void *)SLOT(introspection_endpoint), TAKE1,
                     "Introspection endpoint URL in the metadata"),
    SERVER_DIRECTIVE(OAUTH2_D_JWKS_URI, set_url, (void *)SLOT(jwks_uri), TAKE1,
                     "JWKS URL in the metadata"),
    AP_INIT_RAW_ARGS(OAUTH2_D_BEARER_TOKEN_IN, set_bearer_token_in, NULL,
                     OR_AUTHCFG,
                     "Where a bearer token may be sent: header "
                     "[query] [body] (default header)"),
    AP_INIT_TAKE1(OAUTH2_D_REALM, set_realm, NULL, OR_AUTHCFG,
                  "Realm of WWW-Authenticate (default AuthName)"),
    SERVER_DIRECTIVE(OAUTH2_D_JWT_AUDIENCE, set_audience, NULL, TAKE1,
                     "The aud of JWT access tokens (default: the issuer)"),
    AP_INIT_FLAG(OAUTH2_D_FORWARD_AUTHORIZATION, set_dir_flag,
                 (void *)APR_OFFSETOF(oauth2_dir_conf_t, forward_authorization),
                 OR_AUTHCFG,
                 "Pass the Authorization header of an accepted "
                 "token on to the handler or backend (default Off)"),
    AP_INIT_FLAG(OAUTH2_D_JWT_REVOCATION_CHECK, set_dir_flag,
                 (void *)APR_OFFSETOF(oauth2_dir_conf_t, jwt_revocation_check),
                 OR_AUTHCFG,
                 "Also look JWT access tokens up in the "
                 "database, so revocation applies (default On)"),
    FOREIGN("OAuth2TokenVerify"),
    FOREIGN("OAuth2AcceptTokenIn"),
    FOREIGN("OAuth2TargetPass"),
    FOREIGN("OAuth2Cache"),
    FOREIGN("OAuth2CryptoPassphrase"),
    {NULL}};
