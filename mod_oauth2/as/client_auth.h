/* Client authentication at the token endpoint (RFC 6749 §2.3). */
#ifndef OAUTH2_AS_CLIENT_AUTH_H
#define OAUTH2_AS_CLIENT_AUTH_H

#include "token_request.h"

/* The endpoints where clients authenticate (token, revocation,
 * introspection) take POST only, with form parameters. Sets tr->params and
 * returns OK, or sends the error and returns !OK with the handler's status
 * in *done. */
int oauth2_client_request_read(oauth2_token_request_t *tr, int *done);

/* Authenticates the client by client_secret_basic, client_secret_post or,
 * for a public client, its client_id alone; sets tr->store and tr->client.
 * Returns OK, or sends the error (invalid_request, invalid_client, 503)
 * and returns !OK with the handler's status in *done. */
int oauth2_client_authenticate(oauth2_token_request_t *tr, int *done);

#endif
