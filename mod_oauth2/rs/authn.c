/* AuthType oauth2: the bearer token authenticates the request. Also the
 * "oauth2" authn provider, for clients that can only send a token as a
 * Basic password (AuthBasicProvider oauth2). */
#include "authn.h"
#include "access.h"
#include "bearer.h"
#include "../mod_oauth2.h"

#include "ap_provider.h"
#include "http_core.h"
#include "http_protocol.h"
#include "http_request.h"
#include "mod_auth.h"

#include <apr_strings.h>

APLOG_USE_MODULE(oauth2);

/* A quoted-string parameter value: quotes and backslashes escaped. */
static const char *quoted(apr_pool_t *pool, const char *v)
{
    const char *p;
    char *out, *o;

    for (p = v; *p && *p != '"' && *p != '\\'; p++) {
    }
    if (!*p) {
        return v;
    }
    out = o = apr_palloc(pool, strlen(v) * 2 + 1);
    for (p = v; *p; p++) {
        if (*p == '"' || *p == '\\') {
            *o++ = '\\';
        }
        *o++ = *p;
    }
    *o = '\0';
    return out;
}

void oauth2_authn_challenge(request_rec *r, const char *error,
                            const char *description, const char *scope)
{
    /* Not quoted() again: OAuth2Realm has no quotes or backslashes, and
     * httpd keeps AuthName escaped already (as mod_auth_basic sends it). */
    const char *v =
        apr_psprintf(r->pool, "Bearer realm=\"%s\"", oauth2_dir_realm(r));

    if (error) {
        v = apr_psprintf(r->pool, "%s, error=\"%s\"", v, error);
    }
    if (description) {
        v = apr_psprintf(r->pool, "%s, error_description=\"%s\"", v,
                         quoted(r->pool, description));
    }
    if (scope) {
        v = apr_psprintf(r->pool, "%s, scope=\"%s\"", v, scope);
    }
    apr_table_setn(r->err_headers_out, "WWW-Authenticate", v);
}

static int is_oauth2(request_rec *r)
{
    const char *type = ap_auth_type(r);

    return type && !strcasecmp(type, "oauth2");
}

static int refuse(request_rec *r, int status, const char *error,
                  const char *description)
{
    /* Rejections are routine: debug level, never the token itself. */
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                  OAUTH2_LOGNO(00022) "bearer token refused: %s",
                  description ? description : "no token");
    oauth2_authn_challenge(r, error, description, NULL);
    return status;
}

static int check_authn(request_rec *r)
{
    const char *token, *err;
    oauth2_access_t access;

    if (!is_oauth2(r)) {
        return DECLINED;
    }
    if (oauth2_bearer_find(r, &token, &err) != OK) {
        return refuse(r, HTTP_BAD_REQUEST, "invalid_request", err);
    }
    if (!token) {
        return refuse(r, HTTP_UNAUTHORIZED, NULL, NULL);
    }
    switch (oauth2_access_check(r, token, &access)) {
    case OAUTH2_ACCESS_VALID:
        break;
    case OAUTH2_ACCESS_UNAVAILABLE:
        /* Never 401: the client must not drop a good token because the
         * database blinked. */
        apr_table_setn(r->err_headers_out, "Retry-After", "5");
        return HTTP_SERVICE_UNAVAILABLE;
    default:
        return refuse(r, HTTP_UNAUTHORIZED, "invalid_token",
                      "the access token is invalid, expired or revoked");
    }
    oauth2_access_apply(r, &access);
    r->ap_auth_type = "oauth2";
    if (!oauth2_dir_forward_authorization(oauth2_dir_conf(r))) {
        apr_table_unset(r->headers_in, "Authorization");
    }
    return OK;
}

/* Called when authorization fails after authentication: the challenge
 * may already name insufficient_scope (set by the authz provider). */
static int note_auth_failure(request_rec *r, const char *type)
{
    if (strcasecmp(type, "oauth2")) {
        return DECLINED;
    }
    if (!apr_table_get(r->err_headers_out, "WWW-Authenticate")) {
        oauth2_authn_challenge(r, NULL, NULL, NULL);
    }
    return OK;
}

/* A scope refusal sets its challenge at once (403 with
 * AuthzSendForbiddenOnFailure never reaches note_auth_failure); when
 * another Require grants the request after all, the challenge goes. */
static int drop_stale_challenge(request_rec *r)
{
    const char *v = apr_table_get(r->err_headers_out, "WWW-Authenticate");

    if (v && !strncmp(v, "Bearer ", 7) && oauth2_access_of(r)) {
        apr_table_unset(r->err_headers_out, "WWW-Authenticate");
    }
    return DECLINED;
}

/* AuthBasicProvider oauth2: the password is an access token, and the user
 * name must be its owner (or its client, for a client's own token). A
 * password that is no token is "user not found", so that the next
 * provider (AuthBasicProvider oauth2 file) can check it. */
static authn_status check_password(request_rec *r, const char *user,
                                   const char *password)
{
    oauth2_access_t access;

    if (!oauth2_bearer_syntax_valid(password)) {
        return AUTH_USER_NOT_FOUND;
    }
    switch (oauth2_access_check(r, password, &access)) {
    case OAUTH2_ACCESS_VALID:
        break;
    case OAUTH2_ACCESS_UNAVAILABLE:
        return AUTH_GENERAL_ERROR;
    default:
        return AUTH_USER_NOT_FOUND;
    }
    if (strcmp(user, access.user ? access.user : access.client_id)) {
        return AUTH_DENIED;
    }
    oauth2_access_apply(r, &access);
    return AUTH_GRANTED;
}

static const authn_provider basic_provider = {check_password, NULL};

void oauth2_authn_register(apr_pool_t *p)
{
    ap_hook_check_authn(check_authn, NULL, NULL, APR_HOOK_MIDDLE,
                        AP_AUTH_INTERNAL_PER_CONF);
    ap_hook_note_auth_failure(note_auth_failure, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_fixups(drop_stale_challenge, NULL, NULL, APR_HOOK_MIDDLE);
    ap_register_auth_provider(p, AUTHN_PROVIDER_GROUP, "oauth2",
                              AUTHN_PROVIDER_VERSION, &basic_provider,
                              AP_AUTH_INTERNAL_PER_CONF);
}
