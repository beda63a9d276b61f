/* SetHandler oauth2-token: the token endpoint (RFC 6749 §3.2). */
#include "token_endpoint.h"
#include "client_auth.h"
#include "../core/form.h"
#include "../core/grant.h"

#include "http_protocol.h"

#include <apr_strings.h>

APLOG_USE_MODULE(oauth2);

/* Adding a grant is one line here and one file. Public clients (no
 * secret) may use only the grants marked so (RFC 6749 §2.1, §4.4). */
static const struct {
    const char *name;
    oauth2_grant_fn serve;
    int public_ok;
} grants[] = {
    {"authorization_code", oauth2_grant_authorization_code, 1},
    {"refresh_token", oauth2_grant_refresh_token, 1},
    {"client_credentials", oauth2_grant_client_credentials, 0},
    {"password", oauth2_grant_password, 0},
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
    if (oauth2_client_authenticate(&tr, &status) != OK) {
        return status;
    }
    return serve_grant(&tr, g, name);
}
