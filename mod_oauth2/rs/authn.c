/* AuthType oauth2: the bearer token authenticates the request. Also the
 * "oauth2" authn provider, for clients that can only send a token as a
 * Basic password (AuthBasicProvider oauth2). */
#include "authn.h"
#include "access.h"
#include "bearer.h"
#include "../http/kept_body.h"
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

/* s with its query replaced by rest (NULL: none). */
static const char *with_query(request_rec *r, const char *s, const char *rest)
{
    const char *q = strchr(s, '?');

    return q ? apr_pstrcat(r->pool, apr_pstrmemdup(r->pool, s, q - s),
                           rest ? "?" : "", rest, NULL)
             : s;
}

/* The query without the token (rest; NULL: nothing left), everywhere
 * httpd keeps it: the handler and a backend see only the resource's own
 * parameters. */
static void strip_query(request_rec *r, char *rest)
{
    const char *q;

    r->args = r->parsed_uri.query = rest;
    r->unparsed_uri = (char *)with_query(r, r->unparsed_uri, rest);
    /* ProxyPass ... nocanon (or a RewriteRule [P]) built the backend URL
     * with the query at translate time, before authentication. */
    if (r->proxyreq && r->filename && !strncmp(r->filename, "proxy:", 6) &&
        (q = strchr(r->filename, '?'))) {
        const char *left = oauth2_bearer_strip(r->pool, q + 1);
        r->filename = (char *)with_query(r, r->filename, *left ? left : NULL);
    }
}

/* The request line is logged (%r): it never keeps a query token. Its
 * own query is stripped (a rewrite may have changed r->args). */
static void redact_request_line(request_rec *r)
{
    const char *q = strchr(r->the_request, '?');
    const char *end = q ? strchr(q, ' ') : NULL;
    const char *rest;

    if (q) {
        rest = oauth2_bearer_strip(
            r->pool, end ? apr_pstrmemdup(r->pool, q + 1, end - q - 1) : q + 1);
        r->the_request = apr_pstrcat(
            r->pool,
            apr_pstrmemdup(r->pool, r->the_request, q - r->the_request),
            *rest ? "?" : "", rest, end ? end : "", NULL);
    }
}

/* Once the query may carry a token, it leaves the request line however
 * the request ends (accepted, 400, 401, 503), and the query too unless
 * the handler is to get it (OAuth2ForwardAuthorization On). */
static void hide_query_token(request_rec *r, int accepted)
{
    const oauth2_dir_conf_t *d = oauth2_dir_conf(r);
    const char *rest;

    if (!r->args || !(oauth2_dir_bearer_token_in(d) & OAUTH2_TOKEN_IN_QUERY) ||
        !strcmp(rest = oauth2_bearer_strip(r->pool, r->args), r->args)) {
        return;
    }
    redact_request_line(r);
    if (!accepted || !oauth2_dir_forward_authorization(d)) {
        strip_query(r, *rest ? (char *)rest : NULL);
    }
}

/* What the handler (or a proxied backend) gets: a header or body token
 * stays behind unless OAuth2ForwardAuthorization On (hide_query_token
 * takes care of the query); a body read to search it is handed on. */
static void hand_on(request_rec *r, const oauth2_bearer_t *found)
{
    int forward = oauth2_dir_forward_authorization(oauth2_dir_conf(r));
    const char *body = found->body;
    apr_size_t len = found->body_len;

    if (!forward && found->in == OAUTH2_TOKEN_IN_HEADER) {
        apr_table_unset(r->headers_in, "Authorization");
    }
    if (!forward && found->in == OAUTH2_TOKEN_IN_BODY) {
        body = found->rest;
        len = found->rest_len;
    }
    if (found->body) {
        oauth2_kept_body_replay(r, body, len);
    }
}

/* The bearer token's verdict on the request. */
static int authenticate(request_rec *r)
{
    oauth2_bearer_t found;
    const oauth2_accepted_t *upstream;
    const char *err;
    oauth2_access_t access;
    int rc;

    if ((rc = oauth2_bearer_find(r, &found, &err)) != OK) {
        return refuse(r, rc, "invalid_request", err);
    }
    if (!found.token && (upstream = oauth2_accepted_upstream(r))) {
        /* A subrequest or internal redirect under another configuration:
         * the token came with the request that made it, which may have
         * taken it out of the header, query or body already. */
        found.token = upstream->token;
    }
    if (!found.token) {
        return refuse(r, HTTP_UNAUTHORIZED, NULL, NULL);
    }
    switch (oauth2_access_check(r, found.token, &access)) {
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
    oauth2_access_apply(r, &access, found.token);
    r->ap_auth_type = "oauth2";
    hand_on(r, &found);
    return OK;
}

static int check_authn(request_rec *r)
{
    int rc;

    if (!is_oauth2(r)) {
        return DECLINED;
    }
    rc = authenticate(r);
    hide_query_token(r, rc == OK);
    return rc;
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

/* mod_auth_basic answers 500 to any provider error; a database outage
 * is a 503, so that the client retries instead of giving up. The error
 * response gets this filter when the provider could not reach the
 * database (the note says so). */
#define UNAVAILABLE_NOTE "oauth2-unavailable"

static ap_filter_rec_t *unavailable_filter_handle;

static apr_status_t unavailable_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    request_rec *r = f->r;

    if (r->status == HTTP_INTERNAL_SERVER_ERROR) {
        r->status = HTTP_SERVICE_UNAVAILABLE;
        r->status_line = NULL;
    }
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

static void insert_error_filter(request_rec *r)
{
    if (apr_table_get(r->notes, UNAVAILABLE_NOTE)) {
        ap_add_output_filter_handle(unavailable_filter_handle, NULL, r,
                                    r->connection);
    }
}

static void basic_unavailable(request_rec *r)
{
    apr_table_setn(r->notes, UNAVAILABLE_NOTE, "1");
    apr_table_setn(r->err_headers_out, "Retry-After", "5");
    ap_custom_response(r, HTTP_INTERNAL_SERVER_ERROR,
                       "The access token cannot be checked now; "
                       "try again later.\n");
}

/* AuthBasicProvider oauth2: the password is an access token, and the user
 * name must be its owner, or its client id for a client's own token (a
 * Basic user name cannot hold the colon of "client:ID", which REMOTE_USER
 * becomes all the same). A
 * password that is no token is "user not found", so that the next
 * provider (AuthBasicProvider oauth2 file) can check it. */
static authn_status check_password(request_rec *r, const char *user,
                                   const char *password)
{
    oauth2_access_t access;
    oauth2_accepted_t *accepted;

    if (!oauth2_bearer_syntax_valid(password)) {
        return AUTH_USER_NOT_FOUND;
    }
    switch (oauth2_access_check(r, password, &access)) {
    case OAUTH2_ACCESS_VALID:
        break;
    case OAUTH2_ACCESS_UNAVAILABLE:
        basic_unavailable(r);
        return AUTH_GENERAL_ERROR;
    default:
        return AUTH_USER_NOT_FOUND;
    }
    if (strcmp(user, access.user ? access.user : access.client_id)) {
        return AUTH_DENIED;
    }
    accepted = oauth2_access_apply(r, &access, password);
    if (!oauth2_dir_forward_authorization(oauth2_dir_conf(r))) {
        accepted->authorization = apr_table_get(r->headers_in, "Authorization");
        apr_table_unset(r->headers_in, "Authorization");
    }
    return AUTH_GRANTED;
}

/* A subrequest or internal redirect under another configuration checks
 * Basic credentials again: it gets back the header that the provider took
 * from the request that made it. */
static int restore_authorization(request_rec *r)
{
    const oauth2_accepted_t *upstream;

    if (!is_oauth2(r) && (upstream = oauth2_accepted_upstream(r)) &&
        upstream->authorization &&
        !apr_table_get(r->headers_in, "Authorization")) {
        apr_table_setn(r->headers_in, "Authorization", upstream->authorization);
    }
    return DECLINED;
}

static const authn_provider basic_provider = {check_password, NULL};

void oauth2_authn_register(apr_pool_t *p)
{
    ap_hook_check_authn(restore_authorization, NULL, NULL, APR_HOOK_FIRST,
                        AP_AUTH_INTERNAL_PER_CONF);
    ap_hook_check_authn(check_authn, NULL, NULL, APR_HOOK_MIDDLE,
                        AP_AUTH_INTERNAL_PER_CONF);
    ap_hook_note_auth_failure(note_auth_failure, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_fixups(drop_stale_challenge, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_insert_error_filter(insert_error_filter, NULL, NULL,
                                APR_HOOK_MIDDLE);
    ap_register_auth_provider(p, AUTHN_PROVIDER_GROUP, "oauth2",
                              AUTHN_PROVIDER_VERSION, &basic_provider,
                              AP_AUTH_INTERNAL_PER_CONF);
    unavailable_filter_handle = ap_register_output_filter(
        "OAUTH2_UNAVAILABLE", unavailable_filter, NULL, AP_FTYPE_CONTENT_SET);
    oauth2_kept_body_register();
}
