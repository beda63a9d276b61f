/* One request to the authorization endpoint (RFC 6749 §3.1, §4.1.1,
 * §4.2.1), from the verified client onwards. */
#ifndef OAUTH2_AS_AUTHORIZE_REQUEST_H
#define OAUTH2_AS_AUTHORIZE_REQUEST_H

#include "token_request.h"

typedef struct {
    oauth2_token_request_t tr; /* request, configuration, store, client */
    const char *owner;         /* r->user: Apache authenticated the owner */
    apr_array_header_t *duplicates; /* repeated parameters, or NULL */
    const char *redirect_uri;       /* verified destination of the answer */
    const char *redirect_sent;      /* as in the request; NULL if omitted */
    const char *response_type;
    int implicit; /* response_type=token: answer in fragment */
    const char *state;
    const char *scope;     /* as decided */
    const char *challenge; /* PKCE, code flow only */
    const char *method;
} oauth2_authz_t;

/* The authorization endpoint handler (SetHandler oauth2-authorize). */
int oauth2_authorize_endpoint(request_rec *r);

/* Approved (or remembered), denied, or not yet asked: shows the consent
 * page or answers. */
int oauth2_authz_consent(oauth2_authz_t *az);

/* Issues the code or, for the implicit grant, the access token and
 * redirects to the client. */
int oauth2_authz_respond(oauth2_authz_t *az);

/* RFC 6749 §4.1.2.1, §4.2.2.1: an error sent to the verified redirect
 * URI, with state and iss; the description reduced to the characters
 * that §4.1.2.1 allows. */
int oauth2_authz_redirect_error(oauth2_authz_t *az, const char *error,
                                const char *description);

#endif
