/* SetHandler oauth2-revoke: token revocation (RFC 7009). */
#include "client_auth.h"
#include "endpoints.h"
#include "../core/digest.h"
#include "../core/form.h"
#include "../rs/token_cache.h"
#include "../store/token_store.h"

#include "http_protocol.h"

APLOG_USE_MODULE(oauth2);

/* RFC 7009 §2.1: the hint only orders the lookup, which a hash lookup does
 * not need; an unknown hint is refused (§2.2.1). */
static int hint_known(const char *hint)
{
    return !hint || !strcmp(hint, "access_token") ||
           !strcmp(hint, "refresh_token");
}

int oauth2_revoke_endpoint(request_rec *r)
{
    oauth2_token_request_t tr = {r, oauth2_server_conf(r->server)};
    apr_array_header_t *revoked;
    const char *token, *err;
    int status, i;

    if (oauth2_client_request_read(&tr, &status) != OK ||
        oauth2_client_authenticate(&tr, &status) != OK) {
        return status;
    }
    if (!(token = oauth2_form_get(tr.params, "token"))) {
        return oauth2_token_error(&tr, HTTP_BAD_REQUEST, "invalid_request",
                                  "token is missing");
    }
    if (!hint_known(oauth2_form_get(tr.params, "token_type_hint"))) {
        return oauth2_token_error(&tr, HTTP_BAD_REQUEST,
                                  "unsupported_token_type",
                                  "token_type_hint must be access_token or "
                                  "refresh_token");
    }
    if (oauth2_store_token_revoke(tr.store, oauth2_sha256_hex(r->pool, token),
                                  tr.client->client_id, &revoked, &err)) {
        return oauth2_token_unavailable(&tr, "revocation", err);
    }
    for (i = 0; i < revoked->nelts; i++) {
        oauth2_token_cache_remove(r, APR_ARRAY_IDX(revoked, i, const char *));
    }
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                  OAUTH2_LOGNO(00024) "client '%s' revoked %d token(s)",
                  tr.client->client_id, revoked->nelts);
    /* §2.2: 200 whether or not the token was known or the client's. */
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    ap_set_content_length(r, 0);
    return OK;
}
