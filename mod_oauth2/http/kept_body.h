/* A whole request body in memory, bounded: read by the endpoints, and by
 * the resource server before the handler runs (a bearer token may be in
 * it, RFC 6750 §2.2), which then hands it to the handler as it was or
 * edited: what mod_request's KeepBody does, without needing it. */
#ifndef OAUTH2_HTTP_KEPT_BODY_H
#define OAUTH2_HTTP_KEPT_BODY_H

#include "httpd.h"

/* Reads the whole request body, at most limit bytes, into *body (NUL
 * terminated; *len bytes). Returns OK, HTTP_REQUEST_ENTITY_TOO_LARGE past
 * the limit, or the status of a read error. */
int oauth2_kept_body_read(request_rec *r, apr_size_t limit, char **body,
                          apr_size_t *len);

/* Makes body (len bytes, in r->pool) the request body that the handler
 * reads, with a Content-Length to match. */
void oauth2_kept_body_replay(request_rec *r, const char *body, apr_size_t len);

void oauth2_kept_body_register(void);

#endif
