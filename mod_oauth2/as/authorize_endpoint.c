/* SetHandler oauth2-authorize: validates the authorization request. What
 * cannot be tied to a registered redirect URI is shown as an error page,
 * never redirected (RFC 6749 §4.1.2.1); everything else is reported to the
 * client. */
#include "authorize_request.h"
#include "../core/form.h"
#include "../core/grant.h"
#include "../core/owner.h"
#include "../core/pkce.h"
#include "../core/redirect.h"
#include "../http/dbd.h"
#include "../http/form_body.h"
#include "../http/html.h"

#include "http_protocol.h"

#include <apr_strings.h>

APLOG_USE_MODULE(oauth2);

/* Each step returns PASS to go on, or the status of the answer it sent. */
#define PASS DECLINED

static int read_params(oauth2_authz_t *az)
{
    request_rec *r = az->tr.r;
    const char *err;
    const char *args = r->args ? r->args : "";
    int status;

    if (r->method_number == M_POST) {
        status =
            oauth2_form_body_read(r, &az->tr.params, &az->duplicates, &err);
    }
    else {
        err = oauth2_form_parse(r->pool, args, strlen(args), &az->tr.params,
                                &az->duplicates);
        status = err ? HTTP_BAD_REQUEST : OK;
    }
    if (status != OK) {
        return oauth2_html_error(
            r, status,
            apr_pstrcat(r->pool,
                        "The authorization request is malformed: ", err, NULL));
    }
    return PASS;
}

static int bad_client(oauth2_authz_t *az, const char *why)
{
    ap_log_rerror(
        APLOG_MARK, APLOG_INFO, 0, az->tr.r,
        OAUTH2_LOGNO(
            00012) "authorization request refused without redirect: %s",
        why);
    return oauth2_html_error(az->tr.r, HTTP_BAD_REQUEST, why);
}

/* RFC 6749 §3.1.2.3, §4.1.2.1: the client and its redirect URI are checked
 * before anything is sent back to the client. */
static int verify_client(oauth2_authz_t *az)
{
    const char *id = oauth2_form_get(az->tr.params, "client_id"), *err;
    oauth2_client_t *client;
    apr_status_t rv;

    az->redirect_sent = oauth2_form_get(az->tr.params, "redirect_uri");
    if (oauth2_form_repeated(az->duplicates, "client_id") ||
        oauth2_form_repeated(az->duplicates, "redirect_uri")) {
        return bad_client(az, "client_id or redirect_uri is included more "
                              "than once.");
    }
    if (!id) {
        return bad_client(az, "The request does not name a client "
                              "(client_id is missing).");
    }
    rv = oauth2_store_client_get(az->tr.store, id, &client, &err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, az->tr.r,
                      OAUTH2_LOGNO(00013) "client lookup failed: %s", err);
        apr_table_setn(az->tr.r->err_headers_out, "Retry-After", "5");
        return oauth2_html_error(az->tr.r, HTTP_SERVICE_UNAVAILABLE,
                                 "The service is temporarily unavailable.");
    }
    if (rv == APR_NOTFOUND || client->disabled) {
        return bad_client(az, "The application is not registered here.");
    }
    az->tr.client = client;
    az->redirect_uri =
        az->redirect_sent
            ? (oauth2_redirect_registered(client->redirect_uris,
                                          az->redirect_sent)
                   ? az->redirect_sent
                   : NULL)
            : oauth2_redirect_single(az->tr.r->pool, client->redirect_uris);
    if (!az->redirect_uri) {
        return bad_client(az, az->redirect_sent
                                  ? "The redirect_uri is not registered for "
                                    "this application."
                                  : "The request must name its redirect_uri.");
    }
    return PASS;
}

/* RFC 7636 §4.3, §4.4.1. Returns NULL or the invalid_request description. */
static const char *check_pkce(oauth2_authz_t *az)
{
    const oauth2_server_conf_t *conf = az->tr.conf;

    az->challenge = oauth2_form_get(az->tr.params, "code_challenge");
    az->method = oauth2_form_get(az->tr.params, "code_challenge_method");
    if (!az->challenge) {
        if (az->method) {
            return "code_challenge_method without code_challenge";
        }
        return oauth2_pkce_required(conf, az->tr.client)
                   ? "code_challenge is required (PKCE, RFC 7636)"
                   : NULL;
    }
    if (!az->method) {
        az->method = "plain"; /* RFC 7636 §4.3 */
    }
    if (strcmp(az->method, "S256") &&
        (strcmp(az->method, "plain") ||
         !(conf->pkce_methods & OAUTH2_PKCE_PLAIN))) {
        return "code_challenge_method is not supported (use S256)";
    }
    if (!oauth2_pkce_challenge_valid(az->tr.r->pool, az->challenge,
                                     az->method)) {
        return "code_challenge is malformed";
    }
    return NULL;
}

/* Everything that is reported to the verified redirect URI. */
static int validate(oauth2_authz_t *az)
{
    const char *grant, *err;

    az->response_type = oauth2_form_get(az->tr.params, "response_type");
    az->state = apr_hash_get(az->tr.params, "state", APR_HASH_KEY_STRING);
    az->implicit = az->response_type && !strcmp(az->response_type, "token");
    if (az->duplicates) {
        return oauth2_authz_redirect_error(
            az, "invalid_request",
            apr_pstrcat(az->tr.r->pool,
                        APR_ARRAY_IDX(az->duplicates, 0, const char *),
                        " is included more than once", NULL));
    }
    if (!az->response_type) {
        return oauth2_authz_redirect_error(az, "invalid_request",
                                           "response_type is missing");
    }
    if (strcmp(az->response_type, "code") && !az->implicit) {
        return oauth2_authz_redirect_error(az, "unsupported_response_type",
                                           "response_type must be code or "
                                           "token");
    }
    grant = az->implicit ? "implicit" : "authorization_code";
    az->tr.grant_type = grant;
    if (!(az->tr.conf->grant_types & oauth2_grant_from_name(grant)) ||
        !oauth2_client_has_grant(az->tr.client, grant)) {
        return oauth2_authz_redirect_error(
            az, "unauthorized_client",
            apr_pstrcat(az->tr.r->pool, "the client may not use the ", grant,
                        " grant", NULL));
    }
    err = oauth2_token_scope(&az->tr, oauth2_form_get(az->tr.params, "scope"),
                             oauth2_token_client_scopes(&az->tr), &az->scope);
    if (err) {
        return oauth2_authz_redirect_error(az, "invalid_scope", err);
    }
    if (!az->implicit && (err = check_pkce(az))) {
        return oauth2_authz_redirect_error(az, "invalid_request", err);
    }
    return PASS;
}

/* The owner Apache authenticated must be a name tokens can carry. The
 * owner cannot change it, so the client learns (RFC 6749 §4.1.2.1: the
 * redirect URI is verified by now; the authorization server denies the
 * request: access_denied); the log says why, with the name escaped. */
static int check_owner(oauth2_authz_t *az)
{
    const char *why = oauth2_owner_name_check(az->owner);

    if (!why) {
        return PASS;
    }
    ap_log_rerror(
        APLOG_MARK, APLOG_INFO, 0, az->tr.r,
        OAUTH2_LOGNO(00140) "authorization refused: the owner name '%s' %s",
        ap_escape_logitem(az->tr.r->pool, az->owner), why);
    return oauth2_authz_redirect_error(az, "access_denied",
                                       "this account cannot authorize "
                                       "applications");
}

int oauth2_authorize_endpoint(request_rec *r)
{
    oauth2_authz_t az = {{r, oauth2_server_conf(r->server)}};
    int status;

    if (!r->user) {
        ap_log_rerror(
            APLOG_MARK, APLOG_ERR, 0, r,
            OAUTH2_LOGNO(
                00014) "the oauth2-authorize location must be protected by "
                       "Apache authentication (AuthType and Require "
                       "valid-user): no authenticated owner");
        return oauth2_html_error(r, HTTP_INTERNAL_SERVER_ERROR,
                                 "The sign-in in front of this page is not "
                                 "configured.");
    }
    az.owner = r->user;
    if (r->method_number != M_GET && r->method_number != M_POST) {
        apr_table_setn(r->err_headers_out, "Allow", "GET, POST");
        return oauth2_html_error(r, HTTP_METHOD_NOT_ALLOWED,
                                 "Use GET or POST.");
    }
    if ((status = read_params(&az)) != PASS) {
        return status;
    }
    if (!(az.tr.store = oauth2_dbd_store(r))) {
        apr_table_setn(r->err_headers_out, "Retry-After", "5");
        return oauth2_html_error(r, HTTP_SERVICE_UNAVAILABLE,
                                 "The service is temporarily unavailable.");
    }
    if ((status = verify_client(&az)) != PASS ||
        (status = validate(&az)) != PASS ||
        (status = check_owner(&az)) != PASS) {
        return status;
    }
    return oauth2_authz_consent(&az);
}
