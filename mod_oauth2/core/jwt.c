#include "jwt.h"

#include <string.h>

#include <apr_cstr.h>

int oauth2_jwt_is_access_token(json_t *header)
{
    const char *typ = json_string_value(json_object_get(header, "typ"));

    /* Media types are case-insensitive (RFC 2045 §5.1); apr_cstr_casecmp
     * compares ASCII whatever the locale. */
    return typ && (!apr_cstr_casecmp(typ, "at+jwt") ||
                   !apr_cstr_casecmp(typ, "application/at+jwt"));
}

/* RFC 7519 §4.1.3: "aud" is one string or an array of strings. */
static int audience_has(json_t *claim, const char *aud)
{
    const char *value;
    size_t i;

    if (json_is_string(claim)) {
        return !strcmp(json_string_value(claim), aud);
    }
    /* json_array_size is 0 for anything but an array. */
    for (i = 0; i < json_array_size(claim); i++) {
        value = json_string_value(json_array_get(claim, i));
        if (value && !strcmp(value, aud)) {
            return 1;
        }
    }
    return 0;
}

const char *oauth2_jwt_check_claims(json_t *claims, const char *iss,
                                    const char *aud, apr_time_t now,
                                    int leeway_seconds)
{
    const char *claim_iss = json_string_value(json_object_get(claims, "iss"));
    json_t *exp = json_object_get(claims, "exp");
    json_t *nbf = json_object_get(claims, "nbf");
    double t = (double)now / APR_USEC_PER_SEC;
    double leeway = leeway_seconds > 0 ? leeway_seconds : 0;

    /* RFC 9068 §4: iss must exactly match, and aud name this server. */
    if (iss && (!claim_iss || strcmp(claim_iss, iss))) {
        return "token iss is not the expected issuer";
    }
    if (aud && !audience_has(json_object_get(claims, "aud"), aud)) {
        return "token aud does not name this audience";
    }
    /* RFC 9068 §2.2: exp is required; RFC 7519 §4.1.4: the token is
     * refused from that time on. NumericDate may have a fraction. */
    if (!json_is_number(exp)) {
        return "token exp is missing or not a number";
    }
    if (t >= json_number_value(exp) + leeway) {
        return "token has expired";
    }
    /* RFC 7519 §4.1.5: refused before nbf. */
    if (nbf && !json_is_number(nbf)) {
        return "token nbf is not a number";
    }
    if (nbf && t + leeway < json_number_value(nbf)) {
        return "token is not valid yet (nbf)";
    }
    return NULL;
}
