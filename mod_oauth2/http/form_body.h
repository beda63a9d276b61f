/* Reading a request body of form parameters. */
#ifndef OAUTH2_HTTP_FORM_BODY_H
#define OAUTH2_HTTP_FORM_BODY_H

#include "httpd.h"

#include <apr_hash.h>

/* The largest form body accepted (RFC 6749 requests are small). */
#define OAUTH2_FORM_BODY_LIMIT (16 * 1024)

/* Whether the Content-Type is application/x-www-form-urlencoded
 * (parameters such as charset tolerated). */
int oauth2_form_body_is_form(request_rec *r);

/* Reads and parses an application/x-www-form-urlencoded body. Returns OK,
 * or an HTTP status with *error saying what is wrong: 415 for another
 * Content-Type, 413 past the limit, 400 for a malformed body. A repeated
 * parameter is an error too, unless duplicates is not NULL: see
 * oauth2_form_parse. */
int oauth2_form_body_read(request_rec *r, apr_hash_t **params,
                          apr_array_header_t **duplicates, const char **error);

#endif
