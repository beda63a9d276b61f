/* Scope strings (RFC 6749 §3.3): space-separated scope tokens of NQCHAR. */
#ifndef OAUTH2_CORE_SCOPE_H
#define OAUTH2_CORE_SCOPE_H

#include <apr_pools.h>
#include <apr_tables.h>

/* Whether token is one non-empty scope-token (%x21 / %x23-5B / %x5D-7E). */
int oauth2_scope_token_valid(const char *token);

/* Splits a scope string on single spaces into an array of const char *,
 * duplicates collapsed, order kept. Returns NULL or what is wrong (an
 * empty token, i.e. leading, trailing or double spaces, or a bad
 * character). */
const char *oauth2_scope_parse(apr_pool_t *pool, const char *text,
                               apr_array_header_t **scopes);

/* Joins scope tokens with single spaces. */
const char *oauth2_scope_join(apr_pool_t *pool,
                              const apr_array_header_t *scopes);

/* The first scope of wanted that allowed lacks, or NULL when wanted is a
 * subset of allowed. */
const char *oauth2_scope_missing(const apr_array_header_t *wanted,
                                 const apr_array_header_t *allowed);

/* The scopes of a that b has too, in a's order. */
apr_array_header_t *oauth2_scope_intersect(apr_pool_t *pool,
                                           const apr_array_header_t *a,
                                           const apr_array_header_t *b);

#endif
