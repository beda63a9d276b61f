/* grant_type=refresh_token (RFC 6749 §6): scope may narrow, never widen;
 * every use rotates the token, and a rotated token presented again
 * revokes its whole family (RFC 9700 §4.14.2). */
#include "token_request.h"
#include "../core/digest.h"
#include "../core/form.h"
#include "../store/token_store.h"

APLOG_USE_MODULE(oauth2);

int oauth2_grant_refresh_token(oauth2_token_request_t *tr)
{
    const char *presented = oauth2_form_get(tr->params, "refresh_token");
    oauth2_grant_result_t g = {NULL};
    oauth2_token_t *old;
    const char *err, *hash;
    apr_status_t rv;

    if (!presented) {
        return oauth2_token_error(tr, HTTP_BAD_REQUEST, "invalid_request",
                                  "refresh_token is missing");
    }
    hash = oauth2_sha256_hex(tr->r->pool, presented);
    rv = oauth2_store_token_get(tr->store, hash, &old, &err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return oauth2_token_unavailable(tr, "refresh token lookup", err);
    }
    if (rv == APR_NOTFOUND || strcmp(old->kind, "refresh") ||
        strcmp(old->client_id, tr->client->client_id)) {
        return oauth2_token_error(tr, HTTP_BAD_REQUEST, "invalid_grant",
                                  "unknown refresh token");
    }
    if (old->revoked || old->expired) {
        return oauth2_token_error(tr, HTTP_BAD_REQUEST, "invalid_grant",
                                  old->revoked ? "refresh token revoked"
                                               : "refresh token expired");
    }
    if (old->used) {
        return oauth2_token_refuse_family(tr, old->family_id,
                                          "refresh token used twice");
    }
    err = oauth2_token_scope(tr, oauth2_form_get(tr->params, "scope"),
                             old->scope, &g.scope);
    if (err) {
        return oauth2_token_error(tr, HTTP_BAD_REQUEST, "invalid_scope", err);
    }
    g.user = old->user_id;
    g.family = old->family_id;
    g.rotate_from = hash;
    g.refresh = 1;
    return oauth2_token_issue(tr, &g);
}
