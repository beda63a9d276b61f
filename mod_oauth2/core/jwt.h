/* Validation of JWT access tokens (RFC 9068 §4) once their signature is
 * verified (oauth2_jws_verify). */
#ifndef OAUTH2_CORE_JWT_H
#define OAUTH2_CORE_JWT_H

#include <apr_time.h>
#include <jansson.h>

/* Whether a JWS header names an access token: "typ" is "at+jwt" or
 * "application/at+jwt", compared case-insensitively (RFC 9068 §2.1, §4;
 * RFC 7515 §4.1.9). */
int oauth2_jwt_is_access_token(json_t *header);

/* Checks the claims of a verified token at time now: "iss" equals iss,
 * "aud" equals aud or (an array) contains it, "exp" is present and not
 * passed, "nbf" (when present) is reached; exp and nbf are allowed
 * leeway_seconds of clock skew. A NULL iss or aud is not checked. Returns
 * NULL, or why the token is refused (a constant string). */
const char *oauth2_jwt_check_claims(json_t *claims, const char *iss,
                                    const char *aud, apr_time_t now,
                                    int leeway_seconds);

#endif
