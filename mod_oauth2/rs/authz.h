/* The authz providers oauth2-scope and oauth2-client. */
#ifndef OAUTH2_RS_AUTHZ_H
#define OAUTH2_RS_AUTHZ_H

#include "httpd.h"

void oauth2_authz_register(apr_pool_t *p);

#endif
