/* Handler names mapped to endpoints: adding an endpoint is one line. */
#include "endpoints.h"
#include "authorize_request.h"
#include "token_endpoint.h"
#include "../http/json_response.h"
#include "../mod_oauth2.h"

#include <apr_strings.h>

APLOG_USE_MODULE(oauth2);

typedef int (*endpoint_fn)(request_rec *r);

/* Until an endpoint's issue lands it answers with a clear JSON error. */
static int not_implemented(request_rec *r)
{
    return oauth2_json_error(r, HTTP_NOT_IMPLEMENTED, "server_error",
                             apr_pstrcat(r->pool, r->handler,
                                         " is not implemented yet", NULL));
}

static const struct {
    const char *handler;
    endpoint_fn serve;
} endpoints[] = {
    {"oauth2-authorize", oauth2_authorize_endpoint},
    {"oauth2-token", oauth2_token_endpoint},
    {"oauth2-revoke", oauth2_revoke_endpoint},
    {"oauth2-introspect", oauth2_introspect_endpoint},
    {"oauth2-metadata", oauth2_metadata_endpoint},
    {"oauth2-jwks", not_implemented},
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
