/* SetHandler oauth2-jwks: the public signing keys (RFC 7517), so that any
 * resource server can check JWT access tokens. Rotate keys by adding the
 * new one after the current signer, then moving it first. */
#include "endpoints.h"
#include "../core/jwk.h"
#include "../http/json_response.h"
#include "../mod_oauth2.h"

#include "http_protocol.h"
#include "http_request.h"

int oauth2_jwks_endpoint(request_rec *r)
{
    const oauth2_server_conf_t *c = oauth2_server_conf(r->server);
    const char *json;

    if (r->method_number != M_GET) {
        /* The Allow header of the 405 comes from allowed_methods. */
        ap_allow_standard_methods(r, REPLACE_ALLOW, M_GET, -1);
        return HTTP_METHOD_NOT_ALLOWED;
    }
    if (oauth2_jwks_json(r->pool, c->jwks, &json)) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    apr_table_setn(r->headers_out, "Cache-Control", "public, max-age=300");
    return oauth2_json_send_text(r, HTTP_OK, json);
}
