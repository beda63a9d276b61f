/* grant_type=authorization_code (RFC 6749 §4.1.3, RFC 7636 §4.6): the code
 * is checked, then consumed by the statement that stores its tokens; a
 * code presented again revokes every token issued from it (§4.1.2). */
#include "token_request.h"
#include "../core/digest.h"
#include "../core/form.h"
#include "../core/pkce.h"
#include "../store/code_store.h"

APLOG_USE_MODULE(oauth2);

static int invalid_grant(oauth2_token_request_t *tr, const char *why)
{
    return oauth2_token_error(tr, HTTP_BAD_REQUEST, "invalid_grant", why);
}

/* PKCE must verify when the request carried a challenge, and must have
 * been used when OAuth2PKCE requires it of this client. A verifier without
 * a stored challenge is refused too (RFC 9700 §4.8.2: PKCE downgrade). */
static const char *check_pkce(oauth2_token_request_t *tr,
                              const oauth2_code_t *code)
{
    const char *verifier = oauth2_form_get(tr->params, "code_verifier");
    int required = oauth2_pkce_required(tr->conf, tr->client);

    if (!code->code_challenge) {
        if (verifier) {
            return "code_verifier sent but no code_challenge was";
        }
        return required ? "PKCE is required for this client" : NULL;
    }
    if (!verifier) {
        return "code_verifier is missing";
    }
    if (!oauth2_pkce_verify(tr->r->pool, verifier, code->code_challenge,
                            code->code_challenge_method)) {
        return "code_verifier does not match the code_challenge";
    }
    return NULL;
}

/* Everything but the consumption; NULL or why the code is refused. */
static const char *check_code(oauth2_token_request_t *tr,
                              const oauth2_code_t *code)
{
    const char *redirect_uri = oauth2_form_get(tr->params, "redirect_uri");

    if (code->expired) {
        return "authorization code expired";
    }
    /* §4.1.3: identical redirect_uri when the request had one. */
    if (code->redirect_uri &&
        (!redirect_uri || strcmp(redirect_uri, code->redirect_uri))) {
        return "redirect_uri does not match the authorization request";
    }
    return check_pkce(tr, code);
}

int oauth2_grant_authorization_code(oauth2_token_request_t *tr)
{
    const char *presented = oauth2_form_get(tr->params, "code");
    oauth2_grant_result_t g = {NULL};
    oauth2_code_t *code;
    const char *err, *burn_err, *hash;
    apr_status_t rv;

    if (!presented) {
        return oauth2_token_error(tr, HTTP_BAD_REQUEST, "invalid_request",
                                  "code is missing");
    }
    hash = oauth2_sha256_hex(tr->r->pool, presented);
    rv = oauth2_store_code_get(tr->store, hash, &code, &err);
    if (rv == APR_NOTFOUND) {
        return invalid_grant(tr, "unknown authorization code");
    }
    if (rv != APR_SUCCESS) {
        return oauth2_token_unavailable(tr, "authorization code lookup", err);
    }
    /* Another client's code is unknown to this one, used or not: only
     * the client the code was issued to may set off the replay
     * revocation, or any client could revoke another's grant. */
    if (strcmp(code->client_id, tr->client->client_id)) {
        return invalid_grant(tr, "unknown authorization code");
    }
    if (code->used) {
        return oauth2_token_refuse_family(tr, code->family_id,
                                          "authorization code used twice");
    }
    if ((err = check_code(tr, code))) {
        /* A failed redemption by the code's own client uses it up. */
        if (oauth2_store_code_burn(tr->store, hash, &burn_err)) {
            return oauth2_token_unavailable(tr, "authorization code update",
                                            burn_err);
        }
        return invalid_grant(tr, err);
    }
    g.user = code->user_id;
    g.scope = code->scope;
    g.family = code->family_id;
    g.code_hash = hash;
    g.refresh = 1;
    return oauth2_token_issue(tr, &g);
}
