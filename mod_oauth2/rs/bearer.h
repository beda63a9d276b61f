/* Finding the bearer token in a request (RFC 6750 §2). */
#ifndef OAUTH2_RS_BEARER_H
#define OAUTH2_RS_BEARER_H

#include "httpd.h"

/* Whether text has the b64token syntax of RFC 6750 §2.1. */
int oauth2_bearer_syntax_valid(const char *text);

/* Looks where OAuth2BearerTokenIn allows. Returns OK with *token set (NULL
 * when the request carries none), or HTTP_BAD_REQUEST with *error when the
 * request is malformed (more than one method, a bad token syntax). */
int oauth2_bearer_find(request_rec *r, const char **token, const char **error);

#endif
