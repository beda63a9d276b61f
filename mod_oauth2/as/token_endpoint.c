/* SetHandler oauth2-token: the token endpoint (RFC 6749 §3.2). */
#include "token_endpoint.h"
#include "client_auth.h"
#include "client_cache.h"
#include "../core/form.h"
#include "../core/grant.h"

#include "http_protocol.h"

#include <apr_strings.h>

APLOG_USE_MODULE(oauth2);

/* Adding a grant is one line here and one file. Public clients (no
 * secret) may use only the grants marked so (RFC 6749 §2.1, §4.4).
 * remember: the client record may come from the process's client cache,
 * which is safe for a grant whose tokens are stored by the guarded
 * oauth2_store_token_issue and whose decision can be taken twice; not
 * for password, whose second decision would check the owner's password
 * again (and count twice against lockout policies). */
static const struct {
    const char *name;
    oauth2_grant_fn serve;
    int public_ok;
    int remember;
} grants[] = {
    {"authorization_code", oauth2_grant_authorization_code, 1, 0},
    {"refresh_token", oauth2_grant_refresh_token, 1, 0},
    {"client_credentials", oauth2_grant_client_credentials, 0, 1},
    {"password", oauth2_grant_password, 0, 0},
};

/* Serves one grant for an authenticated client. */
static int serve_grant(oauth2_token_request_t *tr, apr_size_t g,
                       const char *name)
{
    if (!tr->client->secret_hash && !grants[g].public_ok) {
        return oauth2_token_error(tr, HTTP_BAD_REQUEST, "unauthorized_client",
                                  apr_psprintf(tr->r->pool,
                                               "public clients cannot use "
                                               "the %s grant",
                                               name));
    }
    if (!(tr->conf->grant_types & oauth2_grant_from_name(name)) ||
        !oauth2_client_has_grant(tr->client, name)) {
        return oauth2_token_error(tr, HTTP_BAD_REQUEST, "unauthorized_client",
                                  apr_psprintf(tr->r->pool,
                                               "the client may not use the "
                                               "%s grant",
                                               name));
    }
    return grants[g].serve(tr);
}

static int authenticate_and_serve(oauth2_token_request_t *tr, apr_size_t g,
                                  const char *name)
{
    int status;

    if (oauth2_client_authenticate(tr, &status) != OK) {
        return status;
    }
    return serve_grant(tr, g, name);
}

int oauth2_token_endpoint(request_rec *r)
{
    oauth2_token_request_t tr = {r, oauth2_server_conf(r->server)};
    const char *name;
    apr_size_t g;
    int status;

    if (oauth2_client_request_read(&tr, &status) != OK) {
        return status;
    }
    if (!(name = oauth2_form_get(tr.params, "grant_type"))) {
        return oauth2_token_error(&tr, HTTP_BAD_REQUEST, "invalid_request",
                                  "grant_type is missing");
    }
    for (g = 0; g < sizeof(grants) / sizeof(grants[0]); g++) {
        if (!strcmp(grants[g].name, name)) {
            break;
        }
    }
    if (g == sizeof(grants) / sizeof(grants[0])) {
        return oauth2_token_error(&tr, HTTP_BAD_REQUEST,
                                  "unsupported_grant_type",
                                  "grant_type is not supported here");
    }
    tr.grant_type = grants[g].name;
    tr.remember = grants[g].remember;
    status = authenticate_and_serve(&tr, g, name);
    if (tr.redo) {
        /* A remembered record led to a refusal, or the client's row
         * changed before the token was stored: decide again on the row as
         * it is now. */
        oauth2_client_cache_forget(r, tr.client->client_id);
        tr.redo = tr.recalled = tr.remember = 0;
        tr.client = NULL;
        status = authenticate_and_serve(&tr, g, name);
    }
    return status;
}
