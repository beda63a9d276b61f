/* HTML answers of the authorization endpoint: the consent page and the
 * error page shown when a redirect would be unsafe. */
#ifndef OAUTH2_HTTP_HTML_H
#define OAUTH2_HTTP_HTML_H

#include "httpd.h"

/* Sends a page that may not be framed, cached or stored. */
int oauth2_html_send(request_rec *r, int status, const char *html);

/* Sends a small error page with the (unescaped) message. */
int oauth2_html_error(request_rec *r, int status, const char *message);

#endif
