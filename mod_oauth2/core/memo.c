#include "memo.h"

#include <string.h>

#include <apr_thread_mutex.h>

/* Slots share this many mutexes (slot i takes mutex i % STRIPES), so that
 * threads reading different keys rarely wait for each other. */
#define STRIPES 32

typedef struct {
    apr_time_t expires; /* 0: empty */
    apr_uint32_t epoch;
    unsigned short keylen;
    unsigned short len;
    unsigned char key[OAUTH2_MEMO_KEY_MAX];
    char value[OAUTH2_MEMO_VALUE_MAX];
} slot_t;

struct oauth2_memo_t {
    slot_t *slots;
    unsigned int nslots;
#if APR_HAS_THREADS
    apr_thread_mutex_t *stripe[STRIPES];
#endif
};

oauth2_memo_t *oauth2_memo_create(apr_pool_t *pool, unsigned int nslots)
{
    oauth2_memo_t *memo = apr_pcalloc(pool, sizeof(*memo));
#if APR_HAS_THREADS
    int i;

    for (i = 0; i < STRIPES; i++) {
        if (apr_thread_mutex_create(&memo->stripe[i], APR_THREAD_MUTEX_DEFAULT,
                                    pool) != APR_SUCCESS) {
            return NULL;
        }
    }
#endif
    memo->nslots = nslots ? nslots : 1;
    /* Cleared now, so that every page is resident from the start. */
    memo->slots = apr_pcalloc(pool, memo->nslots * sizeof(slot_t));
    return memo;
}

/* FNV-1a: keys may be digests or text, so all their bytes count. */
static unsigned int slot_of(const oauth2_memo_t *memo, const unsigned char *key,
                            apr_size_t keylen)
{
    apr_uint32_t h = 2166136261u;
    apr_size_t i;

    for (i = 0; i < keylen; i++) {
        h = (h ^ key[i]) * 16777619u;
    }
    return h % memo->nslots;
}

static void lock(oauth2_memo_t *memo, unsigned int i)
{
#if APR_HAS_THREADS
    apr_thread_mutex_lock(memo->stripe[i % STRIPES]);
#else
    (void)memo, (void)i;
#endif
}

static void unlock(oauth2_memo_t *memo, unsigned int i)
{
#if APR_HAS_THREADS
    apr_thread_mutex_unlock(memo->stripe[i % STRIPES]);
#else
    (void)memo, (void)i;
#endif
}

int oauth2_memo_get(oauth2_memo_t *memo, const unsigned char *key,
                    apr_size_t keylen, apr_time_t now, apr_uint32_t epoch,
                    char *value)
{
    unsigned int i;
    slot_t *s;
    int len = -1;

    if (keylen > OAUTH2_MEMO_KEY_MAX) {
        return -1;
    }
    i = slot_of(memo, key, keylen);
    s = &memo->slots[i];
    lock(memo, i);
    if (s->expires > now && s->epoch == epoch && s->keylen == keylen &&
        !memcmp(s->key, key, keylen)) {
        len = s->len;
        memcpy(value, s->value, len);
    }
    unlock(memo, i);
    if (len >= 0) {
        value[len] = '\0';
    }
    return len;
}

int oauth2_memo_put(oauth2_memo_t *memo, const unsigned char *key,
                    apr_size_t keylen, const char *value, apr_size_t len,
                    apr_time_t expires, apr_uint32_t epoch)
{
    unsigned int i;
    slot_t *s;

    if (keylen > OAUTH2_MEMO_KEY_MAX || len > OAUTH2_MEMO_VALUE_MAX) {
        return 0;
    }
    i = slot_of(memo, key, keylen);
    s = &memo->slots[i];
    lock(memo, i);
    s->expires = expires;
    s->epoch = epoch;
    s->keylen = (unsigned short)keylen;
    s->len = (unsigned short)len;
    memcpy(s->key, key, keylen);
    memcpy(s->value, value, len);
    unlock(memo, i);
    return 1;
}
