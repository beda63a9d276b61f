/* SetHandler oauth2-introspect: token introspection (RFC 7662), for
 * resource servers registered as confidential clients with the
 * introspect flag (oauth2-admin client add/set --introspect). */
#include "client_auth.h"
#include "endpoints.h"
#include "../core/digest.h"
#include "../core/form.h"
#include "../core/subject.h"
#include "../http/json_response.h"
#include "../store/token_store.h"

#include <apr_strings.h>

APLOG_USE_MODULE(oauth2);

/* RFC 7662 §4: only clients registered for it learn about other
 * clients' tokens; any confidential client may ask about its own, which
 * tells it nothing it was not given (node-oidc-provider's default policy
 * allows that too). A refresh token is reported only to the client that
 * holds it, whatever its flags. */
static int may_see(oauth2_token_request_t *tr, const oauth2_token_t *t)
{
    if (!strcmp(t->client_id, tr->client->client_id)) {
        return 1;
    }
    if (strcmp(t->kind, "access")) {
        return 0;
    }
    if (!tr->client->introspect) {
        ap_log_rerror(
            APLOG_MARK, APLOG_INFO, 0, tr->r,
            OAUTH2_LOGNO(
                00120) "introspection: client '%s' may not "
                       "introspect other clients' tokens (oauth2-admin "
                       "client set %s --introspect); answered "
                       "inactive",
            tr->client->client_id, tr->client->client_id);
        return 0;
    }
    return 1;
}

/* What an active token says about itself (§2.2). Anything the client
 * may not see is just inactive (§2.2: "not allowed to introspect this
 * particular token"), so that it cannot tell such a token from an
 * unknown one. */
static json_t *describe(oauth2_token_request_t *tr, const oauth2_token_t *t)
{
    int access = !strcmp(t->kind, "access");
    /* The JWT's sub: a client's own token is "client:" + its id. */
    const char *sub = oauth2_subject(tr->r->pool, t->user_id, t->client_id);
    json_t *body;

    if (t->expired || t->revoked || t->used || !may_see(tr, t)) {
        return json_pack("{s:b}", "active", 0);
    }
    body = json_pack("{s:b, s:s, s:s, s:s, s:I, s:I, s:s, s:s}", "active", 1,
                     "scope", t->scope, "client_id", t->client_id, "token_type",
                     access ? "Bearer" : "refresh_token", "exp",
                     (json_int_t)t->expires_at, "iat", (json_int_t)t->issued_at,
                     "sub", sub, "iss", tr->conf->issuer);
    if (body && t->user_id) {
        json_object_set_new(body, "username", json_string(t->user_id));
    }
    /* A row from before owner names were checked may hold bytes JSON
     * cannot carry: such a token cannot be described, so it is not
     * active (never a 500). */
    return body ? body : json_pack("{s:b}", "active", 0);
}

int oauth2_introspect_endpoint(request_rec *r)
{
    oauth2_token_request_t tr = {r, oauth2_server_conf(r->server)};
    oauth2_token_t *t;
    const char *token, *err;
    apr_status_t rv;
    int status;

    if (oauth2_client_request_read(&tr, &status) != OK ||
        oauth2_client_authenticate(&tr, &status) != OK) {
        return status;
    }
    if (!tr.client->secret_hash) {
        return oauth2_token_error(&tr, HTTP_UNAUTHORIZED, "invalid_client",
                                  "introspection needs a confidential "
                                  "client");
    }
    if (!(token = oauth2_form_get(tr.params, "token"))) {
        return oauth2_token_error(&tr, HTTP_BAD_REQUEST, "invalid_request",
                                  "token is missing");
    }
    rv = oauth2_store_token_get(tr.store, oauth2_sha256_hex(r->pool, token), &t,
                                &err);
    if (rv == APR_NOTFOUND) {
        return oauth2_json_send(r, HTTP_OK, json_pack("{s:b}", "active", 0));
    }
    if (rv != APR_SUCCESS) {
        return oauth2_token_unavailable(&tr, "token lookup", err);
    }
    return oauth2_json_send(r, HTTP_OK, describe(&tr, t));
}
