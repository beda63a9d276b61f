#include "html.h"
#include "../core/template.h"

#include "http_protocol.h"

#include <apr_strings.h>

int oauth2_html_send(request_rec *r, int status, const char *html)
{
    r->status = status;
    ap_set_content_type(r, "text/html; charset=utf-8");
    /* The consent page must not be framed (clickjacking, RFC 6749 §10.13)
     * nor kept by caches. */
    apr_table_setn(r->headers_out, "X-Frame-Options", "DENY");
    apr_table_setn(r->headers_out, "Content-Security-Policy",
                   "frame-ancestors 'none'");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    apr_table_setn(r->headers_out, "Pragma", "no-cache");
    apr_table_setn(r->headers_out, "Referrer-Policy", "no-referrer");
    ap_set_content_length(r, strlen(html));
    if (!r->header_only) {
        ap_rputs(html, r);
    }
    return OK;
}

int oauth2_html_error(request_rec *r, int status, const char *message)
{
    const char *title = ap_get_status_line(status);

    return oauth2_html_send(
        r, status,
        apr_pstrcat(r->pool,
                    "<!DOCTYPE html>\n<html lang=\"en\"><head>"
                    "<meta charset=\"utf-8\"><title>",
                    oauth2_template_escape(r->pool, title),
                    "</title><meta name=\"viewport\" content=\"width="
                    "device-width\"></head>\n<body style=\"font-family:"
                    "sans-serif;max-width:34em;margin:3em auto\"><h1>"
                    "Authorization failed</h1>\n<p>",
                    oauth2_template_escape(r->pool, message),
                    "</p>\n<p>Return to the application and try again."
                    "</p></body></html>\n",
                    NULL));
}
