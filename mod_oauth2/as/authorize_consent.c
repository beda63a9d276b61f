/* The owner's decision: a remembered consent, the consent page, or the
 * answer posted from it. The form carries an HMAC token bound to the owner
 * and the exact request, so no other site can post an approval
 * (RFC 6749 §10.12). */
#include "authorize_request.h"
#include "../core/csrf.h"
#include "../core/form.h"
#include "../core/scope.h"
#include "../core/template.h"
#include "../http/html.h"
#include "../store/consent_store.h"

#include "http_protocol.h"

#include <apr_strings.h>
#include <apr_uri.h>

APLOG_USE_MODULE(oauth2);

#define CONSENT_MAX_AGE apr_time_from_sec(600)

static const char default_page[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width\">"
    "<title>Authorize {{client_name}}</title>\n<style>"
    "body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0}"
    "main{max-width:28em;margin:4em auto;background:#fff;padding:2em;"
    "border-radius:8px;box-shadow:0 1px 4px #0002}"
    "h1{font-size:1.3em}code{background:#eef;padding:0 .2em}"
    "ul{padding-left:1.2em}.b{display:flex;gap:1em;margin-top:1.5em}"
    "button{flex:1;padding:.7em;font-size:1em;border-radius:5px;"
    "border:1px solid #888;background:#fff;cursor:pointer}"
    "button[value=approve]{background:#1a5fb4;color:#fff;border:0}"
    "</style></head>\n<body><main>\n"
    "<h1><strong>{{client_name}}</strong> wants to access your account"
    "</h1>\n<p>Signed in as <strong>{{user}}</strong>. The application "
    "<code>{{client_id}}</code> asks for:</p>\n<ul>{{scope_list}}</ul>\n"
    "<form method=\"post\" action=\"{{action}}\">\n{{form_fields}}"
    "<div class=\"b\"><button type=\"submit\" name=\"decision\" "
    "value=\"deny\">Deny</button><button type=\"submit\" name=\"decision\" "
    "value=\"approve\">Approve</button></div>\n</form>\n</main></body>"
    "</html>\n";

/* The page is UTF-8: only markup characters and both quotes are escaped
 * (a custom template may quote attributes with '). */
static const char *esc(apr_pool_t *pool, const char *text)
{
    return oauth2_template_escape(pool, text);
}

/* Where the form posts: the published authorization endpoint's path (and
 * query), never r->uri, whose path suffix below the <Location> anyone may
 * choose. The form stays on the origin the page came from. */
static const char *form_action(oauth2_authz_t *az)
{
    request_rec *r = az->tr.r;
    apr_uri_t u;
    const char *path;

    if (apr_uri_parse(r->pool, az->tr.conf->authorization_endpoint, &u) !=
        APR_SUCCESS) {
        return "";
    }
    path = u.path && *u.path ? u.path : "/";
    if (strncmp(r->uri, path, strlen(path))) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      OAUTH2_LOGNO(00141) "the consent form posts to %s, the "
                                          "path of "
                                          "OAuth2AuthorizationEndpoint, but "
                                          "this request came to %s: set "
                                          "OAuth2AuthorizationEndpoint to "
                                          "this location's URL",
                      path, ap_escape_logitem(r->pool, r->uri));
    }
    return u.query ? apr_pstrcat(r->pool, path, "?", u.query, NULL) : path;
}

/* What the anti-forgery token binds: the owner and the request as
 * validated (the scope as decided). */
static apr_array_header_t *bound_fields(oauth2_authz_t *az)
{
    apr_array_header_t *f =
        apr_array_make(az->tr.r->pool, 8, sizeof(const char *));

    APR_ARRAY_PUSH(f, const char *) = az->owner;
    APR_ARRAY_PUSH(f, const char *) = az->tr.client->client_id;
    APR_ARRAY_PUSH(f, const char *) = az->redirect_sent;
    APR_ARRAY_PUSH(f, const char *) = az->response_type;
    APR_ARRAY_PUSH(f, const char *) = az->scope;
    APR_ARRAY_PUSH(f, const char *) = az->state;
    APR_ARRAY_PUSH(f, const char *) = az->challenge;
    APR_ARRAY_PUSH(f, const char *) = az->challenge ? az->method : NULL;
    return f;
}

static const char *hidden(apr_pool_t *pool, const char *name, const char *value)
{
    if (!value) {
        return "";
    }
    return apr_pstrcat(pool, "<input type=\"hidden\" name=\"", name,
                       "\" value=\"", esc(pool, value), "\">\n", NULL);
}

static const char *form_fields(oauth2_authz_t *az, const char *csrf)
{
    apr_pool_t *p = az->tr.r->pool;

    return apr_pstrcat(
        p, hidden(p, "client_id", az->tr.client->client_id),
        hidden(p, "redirect_uri", az->redirect_sent),
        hidden(p, "response_type", az->response_type),
        hidden(p, "scope", *az->scope ? az->scope : NULL),
        hidden(p, "state", az->state),
        hidden(p, "code_challenge", az->challenge),
        hidden(p, "code_challenge_method", az->challenge ? az->method : NULL),
        hidden(p, "csrf", csrf), NULL);
}

static const char *scope_list(apr_pool_t *pool, const char *scope)
{
    apr_array_header_t *scopes;
    const char *out = "";
    int i;

    if (oauth2_scope_parse(pool, scope, &scopes) || scopes->nelts == 0) {
        return "<li>basic access (no specific scope)</li>";
    }
    for (i = 0; i < scopes->nelts; i++) {
        out = apr_pstrcat(pool, out, "<li><code>",
                          esc(pool, APR_ARRAY_IDX(scopes, i, const char *)),
                          "</code></li>", NULL);
    }
    return out;
}

static int show_page(oauth2_authz_t *az)
{
    request_rec *r = az->tr.r;
    apr_hash_t *v = apr_hash_make(r->pool);
    const char *csrf = oauth2_csrf_make(r->pool, az->tr.conf->consent_key,
                                        bound_fields(az), apr_time_now());

    if (!csrf) {
        return oauth2_html_error(r, HTTP_INTERNAL_SERVER_ERROR,
                                 "The consent form cannot be made.");
    }
    apr_hash_set(v, "client_name", APR_HASH_KEY_STRING,
                 esc(r->pool, az->tr.client->name));
    apr_hash_set(v, "client_id", APR_HASH_KEY_STRING,
                 esc(r->pool, az->tr.client->client_id));
    apr_hash_set(v, "user", APR_HASH_KEY_STRING, esc(r->pool, az->owner));
    apr_hash_set(v, "scope_list", APR_HASH_KEY_STRING,
                 scope_list(r->pool, az->scope));
    apr_hash_set(v, "action", APR_HASH_KEY_STRING,
                 esc(r->pool, form_action(az)));
    apr_hash_set(v, "form_fields", APR_HASH_KEY_STRING, form_fields(az, csrf));
    return oauth2_html_send(
        r, HTTP_OK,
        oauth2_template_render(r->pool,
                               az->tr.conf->consent_page
                                   ? az->tr.conf->consent_page
                                   : default_page,
                               v));
}

/* Whether an earlier consent covers every requested scope. */
static apr_status_t remembered(oauth2_authz_t *az, int *covered,
                               const char **err)
{
    apr_array_header_t *approved, *wanted;
    const char *scopes;
    apr_status_t rv;

    *covered = 0;
    rv = oauth2_store_consent_get(az->tr.store, az->owner,
                                  az->tr.client->client_id, &scopes, err);
    if (rv == APR_NOTFOUND) {
        return APR_SUCCESS;
    }
    if (rv == APR_SUCCESS &&
        !oauth2_scope_parse(az->tr.r->pool, scopes, &approved) &&
        !oauth2_scope_parse(az->tr.r->pool, az->scope, &wanted)) {
        *covered = !oauth2_scope_missing(wanted, approved);
    }
    return rv;
}

static int decided(oauth2_authz_t *az, const char *decision)
{
    request_rec *r = az->tr.r;
    const char *err;

    if (!oauth2_csrf_check(r->pool, az->tr.conf->consent_key, bound_fields(az),
                           oauth2_form_get(az->tr.params, "csrf"),
                           apr_time_now(), CONSENT_MAX_AGE)) {
        ap_log_rerror(
            APLOG_MARK, APLOG_INFO, 0, r,
            OAUTH2_LOGNO(
                00017) "consent answer refused: bad or expired form token");
        return oauth2_html_error(r, HTTP_BAD_REQUEST,
                                 "The consent form has expired or did not "
                                 "come from this server. Start again from "
                                 "the application.");
    }
    if (strcmp(decision, "approve")) {
        return oauth2_authz_redirect_error(az, "access_denied",
                                           "the resource owner denied the "
                                           "request");
    }
    if (az->tr.conf->consent_remember &&
        oauth2_store_consent_grant(az->tr.store, az->owner,
                                   az->tr.client->client_id, az->scope, &err)) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      OAUTH2_LOGNO(00018) "storing consent failed: %s", err);
        return oauth2_authz_redirect_error(az, "temporarily_unavailable",
                                           "try again shortly");
    }
    return oauth2_authz_respond(az);
}

int oauth2_authz_consent(oauth2_authz_t *az)
{
    const char *decision = az->tr.r->method_number == M_POST
                               ? oauth2_form_get(az->tr.params, "decision")
                               : NULL;
    const char *err;
    int covered;

    if (decision) {
        return decided(az, decision);
    }
    if (az->tr.conf->consent_remember) {
        if (remembered(az, &covered, &err) != APR_SUCCESS) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, az->tr.r,
                          OAUTH2_LOGNO(00019) "consent lookup failed: %s", err);
            return oauth2_authz_redirect_error(az, "temporarily_unavailable",
                                               "try again shortly");
        }
        if (covered) {
            return oauth2_authz_respond(az);
        }
    }
    return show_page(az);
}
