#include "form_body.h"
#include "kept_body.h"
#include "../core/form.h"
#include "../mod_oauth2.h"

#include "http_protocol.h"

#include <apr_strings.h>

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
    char *body;
    apr_size_t len;
    int rc;

    if (!oauth2_form_body_is_form(r)) {
        *error = "Content-Type must be application/x-www-form-urlencoded";
        return HTTP_UNSUPPORTED_MEDIA_TYPE;
    }
    if ((rc = oauth2_kept_body_read(r, OAUTH2_FORM_BODY_LIMIT, &body, &len)) !=
        OK) {
        *error = rc == HTTP_REQUEST_ENTITY_TOO_LARGE
                     ? "the request body is too large"
                     : "the request body cannot be read";
        return rc;
    }
    if ((*error = oauth2_form_parse(r->pool, body, len, params, duplicates))) {
        return HTTP_BAD_REQUEST;
    }
    return OK;
}
