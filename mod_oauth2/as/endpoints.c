/* Handler names mapped to endpoints: adding an endpoint is one line. */
#include "endpoints.h"
#include "authorize_request.h"
#include "token_endpoint.h"
#include "../mod_oauth2.h"

typedef int (*endpoint_fn)(request_rec *r);

static const struct {
    const char *handler;
    endpoint_fn serve;
} endpoints[] = {
    {"oauth2-authorize", oauth2_authorize_endpoint},
    {"oauth2-token", oauth2_token_endpoint},
    {"oauth2-revoke", oauth2_revoke_endpoint},
    {"oauth2-introspect", oauth2_introspect_endpoint},
    {"oauth2-metadata", oauth2_metadata_endpoint},
    {"oauth2-jwks", oauth2_jwks_endpoint},
};

int oauth2_endpoint_handler(request_rec *r)
{
    apr_size_t i;

    if (!r->handler || strncmp(r->handler, "oauth2-", 7)) {
        return DECLINED;
    }
    for (i = 0; i < sizeof(endpoints) / sizeof(endpoints[0]); i++) {
        if (!strcmp(r->handler, endpoints[i].handler)) {
            return endpoints[i].serve(r);
        }
    }
    return DECLINED;
}
