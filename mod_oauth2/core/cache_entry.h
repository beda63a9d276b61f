/* The entries of the validated-token cache (shared socache and per-process
 * memo): what one token's validation concluded, in a byte format that
 * reads back exactly whatever bytes its strings hold (an owner name with a
 * newline included), and that rejects anything it did not write. */
#ifndef OAUTH2_CORE_CACHE_ENTRY_H
#define OAUTH2_CORE_CACHE_ENTRY_H

#include <apr_pools.h>
#include <apr_time.h>

typedef struct {
    /* The validating context the entry was made in (issuer, audience, key
     * set: another virtual host's entry is a miss). */
    const char *context;
    apr_time_t until;    /* when the entry lapses; >= 0 */
    int refused;         /* the token is refused: the fields below are unset */
    apr_int64_t expires; /* the token's expiry, epoch seconds; >= 0 */
    const char *client_id; /* never NULL in an accepted entry */
    const char *user;      /* NULL: the client's own token */
    const char *scope;     /* never NULL in an accepted entry */
} oauth2_cache_entry_t;

/* The bytes of entry (*len of them, NUL-terminated for convenience,
 * without a NUL inside when its strings have none), allocated from pool. */
const char *oauth2_cache_entry_encode(apr_pool_t *pool,
                                      const oauth2_cache_entry_t *entry,
                                      apr_size_t *len);

/* Reads len bytes that oauth2_cache_entry_encode wrote into *entry (its
 * strings allocated from pool). Returns 1, or 0 when the bytes are not
 * exactly such an entry (truncated, padded, another format). */
int oauth2_cache_entry_decode(apr_pool_t *pool, const char *data,
                              apr_size_t len, oauth2_cache_entry_t *entry);

#endif
