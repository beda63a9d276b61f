#include "form_body.h"
#include "../core/form.h"
#include "../mod_oauth2.h"

#include "http_protocol.h"

#include <apr_strings.h>

APLOG_USE_MODULE(oauth2);

int oauth2_form_body_is_form(request_rec *r)
{
    static const char form[] = "application/x-www-form-urlencoded";
    const char *type = apr_table_get(r->headers_in, "Content-Type");
    apr_size_t n = sizeof(form) - 1;

    return type && !strncasecmp(type, form, n) &&
           (type[n] == '\0' || type[n] == ';' || type[n] == ' ');
}

int oauth2_form_body_read(request_rec *r, apr_hash_t **params,
                          apr_array_header_t **duplicates, const char **error)
{
    char *body = apr_palloc(r->pool, OAUTH2_FORM_BODY_LIMIT + 1);
    apr_size_t len = 0;
    long n;
    int rc;

    if (!oauth2_form_body_is_form(r)) {
        *error = "Content-Type must be application/x-www-form-urlencoded";
        return HTTP_UNSUPPORTED_MEDIA_TYPE;
    }
    if ((rc = ap_setup_client_block(r, REQUEST_CHUNKED_DECHUNK)) != OK) {
        *error = "the request body cannot be read";
        return rc;
    }
    if (ap_should_client_block(r)) {
        while ((n = ap_get_client_block(
                    r, body + len, OAUTH2_FORM_BODY_LIMIT + 1 - len)) > 0) {
            len += (apr_size_t)n;
            if (len > OAUTH2_FORM_BODY_LIMIT) {
                *error = "the request body is too large";
                return HTTP_REQUEST_ENTITY_TOO_LARGE;
            }
        }
        if (n < 0) {
            *error = "the request body cannot be read";
            return HTTP_BAD_REQUEST;
        }
    }
    body[len] = '\0';
    if ((*error = oauth2_form_parse(r->pool, body, len, params, duplicates))) {
        return HTTP_BAD_REQUEST;
    }
    return OK;
}
