/* Client authentication at the token endpoint (RFC 6749 §2.3). */
#ifndef OAUTH2_AS_CLIENT_AUTH_H
#define OAUTH2_AS_CLIENT_AUTH_H

#include "token_request.h"

/* Authenticates the client by client_secret_basic, client_secret_post or,
 * for a public client, its client_id alone; sets tr->client. Returns OK,
 * or sends the error (invalid_request, invalid_client, 503) and returns
 * the handler's status through *done. */
int oauth2_client_authenticate(oauth2_token_request_t *tr, int *done);

#endif
