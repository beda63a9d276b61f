/* The syntax of a bearer token in a request (RFC 6750 §2.1). */
#ifndef OAUTH2_CORE_BEARER_SYNTAX_H
#define OAUTH2_CORE_BEARER_SYNTAX_H

/* Whether text has the b64token syntax of RFC 6750 §2.1. */
int oauth2_bearer_syntax_valid(const char *text);

/* The credentials of an Authorization header value of the Bearer scheme
 * (case-insensitive; the spaces after it skipped), not yet checked; NULL
 * when header is NULL or names another scheme. */
const char *oauth2_bearer_from_header(const char *header);

#endif
