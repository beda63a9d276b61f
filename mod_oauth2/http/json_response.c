#include "json_response.h"
#include "../core/error_description.h"
#include "../mod_oauth2.h"

#include "http_protocol.h"

APLOG_USE_MODULE(oauth2);

static apr_status_t free_text(void *text)
{
    free(text);
    return APR_SUCCESS;
}

int oauth2_json_send(request_rec *r, int status, json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT);

    json_decref(body);
    if (!text) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      OAUTH2_LOGNO(00001) "cannot serialise a JSON response");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    apr_pool_cleanup_register(r->pool, text, free_text, apr_pool_cleanup_null);
    /* RFC 6749 §5.1: token responses must never be cached. */
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    apr_table_setn(r->headers_out, "Pragma", "no-cache");
    return oauth2_json_send_text(r, status, text);
}

int oauth2_json_send_text(request_rec *r, int status, const char *text)
{
    r->status = status;
    ap_set_content_type(r, "application/json");
    ap_set_content_length(r, strlen(text));
    if (!r->header_only) {
        ap_rputs(text, r);
    }
    return OK;
}

int oauth2_json_error(request_rec *r, int status, const char *error,
                      const char *description)
{
    json_t *body = json_pack("{s:s}", "error", error);

    if (body && description) {
        json_object_set_new(
            body, "error_description",
            json_string(oauth2_error_description(r->pool, description)));
    }
    if (!body) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return oauth2_json_send(r, status, body);
}
