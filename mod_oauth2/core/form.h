/* application/x-www-form-urlencoded bodies and query strings (HTML5
 * §4.10.21.6, as RFC 6749 Appendix B uses them). */
#ifndef OAUTH2_CORE_FORM_H
#define OAUTH2_CORE_FORM_H

#include <apr_pools.h>
#include <apr_hash.h>
#include <apr_tables.h>

/* Undoes form encoding ('+' is a space, %XX a byte) into a new string.
 * Returns NULL on a malformed escape or an encoded NUL byte. */
char *oauth2_form_decode(apr_pool_t *pool, const char *text, apr_size_t len);

/* Form-encodes text (unreserved characters kept, space as %20). */
char *oauth2_form_encode(apr_pool_t *pool, const char *text);

/* Whether text is valid UTF-8 (no overlongs, no surrogates). */
int oauth2_utf8_valid(const char *text);

/* Parses name=value pairs separated by '&'. Every name and value must
 * decode to UTF-8, and no name may appear twice (RFC 6749 §3.1, §3.2:
 * "parameters MUST NOT be included more than once"). Empty values are kept
 * (callers treat them as omitted); names are case-sensitive. Returns NULL
 * or what is wrong. When duplicates is not NULL, a repeated name is not an
 * error: parsing goes on, the first value is kept and *duplicates lists
 * each repeated name once, in order (else it is NULL), so that the caller
 * can decide how to report them. */
const char *oauth2_form_parse(apr_pool_t *pool, const char *body,
                              apr_size_t len, apr_hash_t **params,
                              apr_array_header_t **duplicates);

/* Whether name is among the duplicates oauth2_form_parse reported. */
int oauth2_form_repeated(const apr_array_header_t *duplicates,
                         const char *name);

/* A parameter's value, NULL when absent or empty (RFC 6749 §3.1: "sent
 * without a value MUST be treated as if they were omitted"). */
const char *oauth2_form_get(apr_hash_t *params, const char *name);

#endif
