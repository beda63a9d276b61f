/* The token endpoint handler (SetHandler oauth2-token). */
#ifndef OAUTH2_AS_TOKEN_ENDPOINT_H
#define OAUTH2_AS_TOKEN_ENDPOINT_H

#include "token_request.h"

int oauth2_token_endpoint(request_rec *r);

#endif
