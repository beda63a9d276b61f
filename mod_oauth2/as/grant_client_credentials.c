/* grant_type=client_credentials (RFC 6749 §4.4): a token on the client's
 * own behalf, no user, no refresh token. */
#include "token_request.h"
#include "../core/form.h"

int oauth2_grant_client_credentials(oauth2_token_request_t *tr)
{
    oauth2_grant_result_t g = {NULL};
    const char *err;

    err = oauth2_token_scope(tr, oauth2_form_get(tr->params, "scope"),
                             oauth2_token_client_scopes(tr), &g.scope);
    if (err) {
        return oauth2_token_error(tr, HTTP_BAD_REQUEST, "invalid_scope", err);
    }
    return oauth2_token_issue(tr, &g);
}
