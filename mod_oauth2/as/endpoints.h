/* The handlers this module serves (SetHandler oauth2-…). */
#ifndef OAUTH2_AS_ENDPOINTS_H
#define OAUTH2_AS_ENDPOINTS_H

#include "httpd.h"

/* Dispatches r->handler to its endpoint; DECLINED when it is not ours. */
int oauth2_endpoint_handler(request_rec *r);

int oauth2_revoke_endpoint(request_rec *r);
int oauth2_introspect_endpoint(request_rec *r);
int oauth2_metadata_endpoint(request_rec *r);
int oauth2_jwks_endpoint(request_rec *r);

#endif
