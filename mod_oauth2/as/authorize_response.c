/* The answers of the authorization endpoint: a code (RFC 6749 §4.1.2), an
 * access token in the fragment (§4.2.2), or an error (§4.1.2.1), each with
 * state and the issuer (RFC 9207). */
#include "authorize_request.h"
#include "../core/digest.h"
#include "../core/error_description.h"
#include "../core/random.h"
#include "../core/redirect.h"
#include "../store/code_store.h"

#include <apr_strings.h>

APLOG_USE_MODULE(oauth2);

static int redirect(oauth2_authz_t *az, apr_array_header_t *params)
{
    request_rec *r = az->tr.r;

    oauth2_redirect_param(r->pool, &params, "state", az->state);
    oauth2_redirect_param(r->pool, &params, "iss", az->tr.conf->issuer);
    apr_table_setn(
        r->headers_out, "Location",
        oauth2_redirect_build(r->pool, az->redirect_uri, az->implicit, params));
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    apr_table_setn(r->err_headers_out, "Referrer-Policy", "no-referrer");
    return HTTP_MOVED_TEMPORARILY;
}

int oauth2_authz_redirect_error(oauth2_authz_t *az, const char *error,
                                const char *description)
{
    apr_array_header_t *params = NULL;

    ap_log_rerror(
        APLOG_MARK, APLOG_INFO, 0, az->tr.r,
        OAUTH2_LOGNO(00015) "authorization request of client '%s': %s (%s)",
        az->tr.client->client_id, error,
        ap_escape_logitem(az->tr.r->pool, description));
    oauth2_redirect_param(az->tr.r->pool, &params, "error", error);
    oauth2_redirect_param(
        az->tr.r->pool, &params, "error_description",
        oauth2_error_description(az->tr.r->pool, description));
    return redirect(az, params);
}

static int unavailable(oauth2_authz_t *az, const char *what, const char *err)
{
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, az->tr.r,
                  OAUTH2_LOGNO(00016) "authorization endpoint: %s failed: %s",
                  what, err);
    return oauth2_authz_redirect_error(az, "temporarily_unavailable",
                                       "try again shortly");
}

static int respond_code(oauth2_authz_t *az)
{
    request_rec *r = az->tr.r;
    oauth2_code_t row = {NULL};
    apr_array_header_t *params = NULL;
    const char *err;
    char *code;

    if (oauth2_random_token(r->pool, OAUTH2_TOKEN_BYTES, &code)) {
        return unavailable(az, "the random generator", "no entropy");
    }
    row.code_hash = oauth2_sha256_hex(r->pool, code);
    row.client_id = az->tr.client->client_id;
    row.user_id = az->owner;
    row.redirect_uri = az->redirect_sent;
    row.scope = az->scope;
    row.code_challenge = az->challenge;
    row.code_challenge_method = az->challenge ? az->method : NULL;
    row.lifetime = az->tr.conf->code_lifetime;
    if (oauth2_store_code_insert(az->tr.store, &row, &err)) {
        return unavailable(az, "storing the code", err);
    }
    oauth2_redirect_param(r->pool, &params, "code", code);
    return redirect(az, params);
}

static int respond_token(oauth2_authz_t *az)
{
    request_rec *r = az->tr.r;
    oauth2_grant_result_t g = {az->owner, az->scope};
    apr_array_header_t *params = NULL;
    oauth2_minted_t minted;
    const char *err;

    if (oauth2_token_mint(&az->tr, &g, &minted, &err)) {
        return unavailable(az, "storing the token", err);
    }
    oauth2_redirect_param(r->pool, &params, "access_token", minted.access);
    oauth2_redirect_param(r->pool, &params, "token_type", "Bearer");
    oauth2_redirect_param(
        r->pool, &params, "expires_in",
        apr_itoa(r->pool, az->tr.conf->access_token_lifetime));
    oauth2_redirect_param(r->pool, &params, "scope", az->scope);
    return redirect(az, params);
}

int oauth2_authz_respond(oauth2_authz_t *az)
{
    return az->implicit ? respond_token(az) : respond_code(az);
}
