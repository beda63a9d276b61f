/* AuthType oauth2 and the oauth2 authn provider (RFC 6750). */
#ifndef OAUTH2_RS_AUTHN_H
#define OAUTH2_RS_AUTHN_H

#include "httpd.h"

void oauth2_authn_register(apr_pool_t *p);

/* WWW-Authenticate: Bearer realm="…"[, error="…", …] (RFC 6750 §3). */
void oauth2_authn_challenge(request_rec *r, const char *error,
                            const char *description, const char *scope);

#endif
