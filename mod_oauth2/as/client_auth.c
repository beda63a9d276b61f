#include "client_auth.h"
#include "client_cache.h"
#include "../core/basic_auth.h"
#include "../core/digest.h"
#include "../core/form.h"
#include "../http/dbd.h"
#include "../http/form_body.h"

#include "http_protocol.h"

#include <apr_strings.h>

APLOG_USE_MODULE(oauth2);

int oauth2_client_request_read(oauth2_token_request_t *tr, int *done)
{
    const char *err;
    int status;

    if (tr->r->method_number != M_POST) {
        tr->r->allowed = AP_METHOD_BIT << M_POST;
        apr_table_setn(tr->r->err_headers_out, "Allow", "POST");
        *done =
            oauth2_token_error(tr, HTTP_METHOD_NOT_ALLOWED, "invalid_request",
                               "this endpoint accepts POST only");
        return !OK;
    }
    status = oauth2_form_body_read(tr->r, &tr->params, NULL, &err);
    if (status == HTTP_UNSUPPORTED_MEDIA_TYPE) {
        /* RFC 6749 §5.2 (RFC 7009 §2.2.1, RFC 7662 §2.3): a request
         * that is not a form is invalid_request, answered with 400. */
        status = HTTP_BAD_REQUEST;
    }
    if (status != OK) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, tr->r,
                      OAUTH2_LOGNO(00005) "request refused: %s", err);
        *done = oauth2_token_error(tr, status, "invalid_request", err);
        return !OK;
    }
    return OK;
}

/* RFC 6749 §5.2: 401, with a Basic challenge when Basic was tried. */
static int invalid_client(oauth2_token_request_t *tr, const char *id,
                          const char *why)
{
    ap_log_rerror(
        APLOG_MARK, APLOG_INFO, 0, tr->r,
        OAUTH2_LOGNO(
            00004) "client authentication failed for client_id '%s': %s",
        id ? id : "(none)", why);
    if (tr->used_basic) {
        apr_table_setn(tr->r->err_headers_out, "WWW-Authenticate",
                       apr_psprintf(tr->r->pool, "Basic realm=\"%s\"",
                                    oauth2_dir_realm(tr->r)));
    }
    return oauth2_token_error(tr, HTTP_UNAUTHORIZED, "invalid_client",
                              "client authentication failed");
}

/* Where the client put its credentials; *error for a malformed request. */
static const char *credentials(oauth2_token_request_t *tr, const char **id,
                               const char **secret)
{
    const char *header = apr_table_get(tr->r->headers_in, "Authorization");
    const char *body_id = oauth2_form_get(tr->params, "client_id");
    const char *body_secret = oauth2_form_get(tr->params, "client_secret");
    const char *err;

    *id = body_id;
    *secret = body_secret;
    if (!oauth2_basic_is_basic(header)) {
        return NULL;
    }
    tr->used_basic = 1;
    if (body_secret) {
        return "use one client authentication method, not Basic and "
               "client_secret together";
    }
    if ((err = oauth2_basic_parse(tr->r->pool, header, id, secret))) {
        return err;
    }
    if (body_id && strcmp(body_id, *id)) {
        return "client_id differs from the Basic credentials";
    }
    return NULL;
}

/* Why the client's record refuses these credentials, or NULL. A public
 * client has no secret; a confidential one must prove its secret,
 * compared as SHA-256 digests in constant time. */
static const char *refusal(oauth2_token_request_t *tr,
                           const oauth2_client_t *client, const char *secret)
{
    if (client->disabled) {
        return "client is disabled";
    }
    if (!client->secret_hash) {
        return secret ? "public client sent a secret" : NULL;
    }
    return secret && oauth2_secret_equal(oauth2_sha256_hex(tr->r->pool, secret),
                                         client->secret_hash)
               ? NULL
               : "wrong or missing secret";
}

int oauth2_client_authenticate(oauth2_token_request_t *tr, int *done)
{
    const char *id, *secret, *err, *why;
    oauth2_client_t *client = NULL;
    apr_status_t rv;

    if (!tr->store && !(tr->store = oauth2_dbd_store(tr->r))) {
        *done = oauth2_token_unavailable(tr, "database connection", NULL);
        return !OK;
    }
    if ((err = credentials(tr, &id, &secret))) {
        *done =
            oauth2_token_error(tr, HTTP_BAD_REQUEST, "invalid_request", err);
        return !OK;
    }
    if (!id) {
        *done = invalid_client(tr, NULL, "no client credentials");
        return !OK;
    }
    /* A remembered record may let the client in, never keep it out. */
    if (tr->remember && (client = oauth2_client_cache_get(tr->r, id)) &&
        !refusal(tr, client, secret)) {
        tr->recalled = 1;
        tr->client = client;
        return OK;
    }
    rv = oauth2_store_client_get(tr->store, id, &client, &err);
    if (rv == APR_NOTFOUND) {
        *done = invalid_client(tr, id, "unknown client");
        return !OK;
    }
    if (rv != APR_SUCCESS) {
        *done = oauth2_token_unavailable(tr, "client lookup", err);
        return !OK;
    }
    if ((why = refusal(tr, client, secret))) {
        *done = invalid_client(tr, id, why);
        return !OK;
    }
    if (tr->remember) {
        oauth2_client_cache_put(tr->r, client);
    }
    tr->client = client;
    return OK;
}
