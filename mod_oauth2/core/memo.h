/* A fixed-size, thread-safe memo of short byte strings for one process:
 * each entry has an expiry time and the epoch it was made in, and reads
 * as missing once either has passed. Direct-mapped (a key has one slot;
 * a newer entry displaces whatever was there), allocated once, so it
 * never grows. */
#ifndef OAUTH2_CORE_MEMO_H
#define OAUTH2_CORE_MEMO_H

#include <apr_pools.h>
#include <apr_time.h>

/* Largest key and value a slot holds; larger ones are not memoised. */
#define OAUTH2_MEMO_KEY_MAX 72
#define OAUTH2_MEMO_VALUE_MAX 440

typedef struct oauth2_memo_t oauth2_memo_t;

/* A memo of nslots slots (about 530 bytes each, all allocated and
 * cleared now) in pool; NULL when its mutexes cannot be created. */
oauth2_memo_t *oauth2_memo_create(apr_pool_t *pool, unsigned int nslots);

/* Copies key's value into value (at least OAUTH2_MEMO_VALUE_MAX + 1
 * bytes, NUL-terminated) and returns its length; -1 when key is not
 * memoised, was memoised in another epoch, or expired before now. */
int oauth2_memo_get(oauth2_memo_t *memo, const unsigned char *key,
                    apr_size_t keylen, apr_time_t now, apr_uint32_t epoch,
                    char *value);

/* Memoises value (len bytes) under key until expires, for epoch. Returns
 * 0 when the key or value is too large to keep. */
int oauth2_memo_put(oauth2_memo_t *memo, const unsigned char *key,
                    apr_size_t keylen, const char *value, apr_size_t len,
                    apr_time_t expires, apr_uint32_t epoch);

#endif
