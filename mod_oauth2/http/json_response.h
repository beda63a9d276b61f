/* JSON answers of the token, revocation, introspection and metadata
 * endpoints (RFC 6749 §5.1/§5.2). */
#ifndef OAUTH2_HTTP_JSON_RESPONSE_H
#define OAUTH2_HTTP_JSON_RESPONSE_H

#include "httpd.h"

#include <jansson.h>

/* Sends body with the given status, Content-Type application/json and
 * Cache-Control: no-store; takes the reference to body. Returns the value
 * a handler returns. */
int oauth2_json_send(request_rec *r, int status, json_t *body);

/* Sends text as application/json; the caller sets caching headers. */
int oauth2_json_send_text(request_rec *r, int status, const char *text);

/* Sends {"error": error, "error_description": description}, the
 * description reduced to the characters RFC 6749 §5.2 allows. */
int oauth2_json_error(request_rec *r, int status, const char *error,
                      const char *description);

#endif
