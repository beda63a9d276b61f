/* Finding the bearer token in a request (RFC 6750 §2). */
#ifndef OAUTH2_RS_BEARER_H
#define OAUTH2_RS_BEARER_H

#include "httpd.h"

#include "../core/bearer_syntax.h"

/* The largest form body searched for access_token (RFC 6750 §2.2). */
#define OAUTH2_BEARER_BODY_LIMIT (64 * 1024)

typedef struct {
    const char *token; /* NULL when the request carries none */
    int in;            /* OAUTH2_TOKEN_IN_* where it was */
    /* The query string or the body without the access_token parameter
     * (when the token was there), for the handler. */
    const char *rest;
    apr_size_t rest_len;
    /* The form body, when it was read (it must be replayed). */
    const char *body;
    apr_size_t body_len;
} oauth2_bearer_t;

/* query without its access_token parameters; "" when they are malformed
 * or twice (all or nothing: never a token left in). */
const char *oauth2_bearer_strip(apr_pool_t *pool, const char *query);

/* Looks where OAuth2BearerTokenIn allows; a form body is read only for a
 * method other than GET and HEAD, in the initial request. Returns OK with
 * *found filled, or an HTTP status (400 for more than one method or a bad
 * syntax, 413 for a form body past the limit) with *error. */
int oauth2_bearer_find(request_rec *r, oauth2_bearer_t *found,
                       const char **error);

#endif
