/* grant_type=password (RFC 6749 §4.3): the owner's password is checked by
 * Apache's own authn providers (OAuth2PasswordProvider), configured in the
 * token endpoint's <Location> as they would be for AuthBasicProvider. */
#include "token_request.h"
#include "../core/form.h"
#include "../core/owner.h"

#include "ap_provider.h"
#include "mod_auth.h"

#include <apr_strings.h>

APLOG_USE_MODULE(oauth2);

/* AUTH_GRANTED, AUTH_DENIED, AUTH_USER_NOT_FOUND or AUTH_GENERAL_ERROR:
 * the providers are asked in order until one knows the user. */
static authn_status check_password(oauth2_token_request_t *tr, const char *user,
                                   const char *password)
{
    const apr_array_header_t *names = tr->conf->password_providers;
    authn_status status = AUTH_USER_NOT_FOUND;
    int i;

    for (i = 0; i < names->nelts && status == AUTH_USER_NOT_FOUND; i++) {
        const char *name = APR_ARRAY_IDX(names, i, const char *);
        const authn_provider *p = ap_lookup_provider(AUTHN_PROVIDER_GROUP, name,
                                                     AUTHN_PROVIDER_VERSION);
        if (!p || !p->check_password) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, tr->r,
                          OAUTH2_LOGNO(00009) "authn provider '%s' cannot "
                                              "check passwords",
                          name);
            return AUTH_GENERAL_ERROR;
        }
        apr_table_setn(tr->r->notes, AUTHN_PROVIDER_NAME_NOTE, name);
        status = p->check_password(tr->r, user, password);
        apr_table_unset(tr->r->notes, AUTHN_PROVIDER_NAME_NOTE);
    }
    return status;
}

int oauth2_grant_password(oauth2_token_request_t *tr)
{
    const char *user = oauth2_form_get(tr->params, "username");
    const char *password = oauth2_form_get(tr->params, "password");
    oauth2_grant_result_t g = {NULL};
    const char *err, *why;

    if (!tr->conf->password_providers) {
        ap_log_rerror(
            APLOG_MARK, APLOG_ERR, 0, tr->r,
            OAUTH2_LOGNO(
                00010) "password grant requested but OAuth2PasswordProvider "
                       "is not set");
        return oauth2_token_error(tr, HTTP_BAD_REQUEST,
                                  "unsupported_grant_type",
                                  "the password grant is not configured");
    }
    if (!user || !password) {
        return oauth2_token_error(tr, HTTP_BAD_REQUEST, "invalid_request",
                                  "username and password are required");
    }
    /* Before the providers see it: a name no token may carry is refused
     * whatever its password (the same rule as at the authorization
     * endpoint). */
    if ((why = oauth2_owner_name_check(user))) {
        ap_log_rerror(
            APLOG_MARK, APLOG_INFO, 0, tr->r,
            OAUTH2_LOGNO(00142) "password grant refused: the username '%s' %s",
            ap_escape_logitem(tr->r->pool, user), why);
        return oauth2_token_error(tr, HTTP_BAD_REQUEST, "invalid_grant",
                                  "this username cannot be granted tokens");
    }
    err = oauth2_token_scope(tr, oauth2_form_get(tr->params, "scope"),
                             oauth2_token_client_scopes(tr), &g.scope);
    if (err) {
        return oauth2_token_error(tr, HTTP_BAD_REQUEST, "invalid_scope", err);
    }
    switch (check_password(tr, user, password)) {
    case AUTH_GRANTED:
        break;
    case AUTH_GENERAL_ERROR:
        return oauth2_token_unavailable(tr, "checking the password", NULL);
    default:
        ap_log_rerror(
            APLOG_MARK, APLOG_INFO, 0, tr->r,
            OAUTH2_LOGNO(
                00011) "password grant: wrong credentials for user '%s'",
            ap_escape_logitem(tr->r->pool, user));
        return oauth2_token_error(tr, HTTP_BAD_REQUEST, "invalid_grant",
                                  "wrong username or password");
    }
    tr->r->user = apr_pstrdup(tr->r->pool, user);
    g.user = user;
    g.refresh = 1;
    return oauth2_token_issue(tr, &g);
}
