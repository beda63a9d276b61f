#include "token_cache.h"
#include "../core/cache_entry.h"
#include "../core/encoding.h"
#include "../core/memo.h"
#include "../mod_oauth2.h"

#include "ap_provider.h"
#include "ap_socache.h"
#include "util_mutex.h"

#include <apr_atomic.h>
#include <apr_global_mutex.h>
#include <apr_shm.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>

APLOG_USE_MODULE(oauth2);

#define MUTEX_TYPE "oauth2-token-cache"

/* Slots of each process's memo (about 530 bytes each). */
#define MEMO_SLOTS 1024

typedef struct {
    const ap_socache_provider_t *provider;
    ap_socache_instance_t *instance;
    apr_global_mutex_t *mutex; /* for providers that are not MP-safe */
#if APR_HAS_THREADS
    /* Taken before mutex, so that at most one thread per process waits
     * for it (see lock()). */
    apr_thread_mutex_t *thread_mutex;
#endif
    int failed; /* a failure was logged by this process */
    /* Until when (apr_time_sec) this process leaves the shared cache
     * alone after a failure. */
    volatile apr_uint32_t resting_until;
    /* Moved by every removal, in memory shared by all processes: an entry
     * memoised in an older epoch is void. */
    volatile apr_uint32_t *epoch;
    /* This process's memo of entries, in front of the shared cache: its
     * threads find what the process saw recently without taking the
     * cross-process mutex, whose waiters sleep in the kernel. */
    oauth2_memo_t *memo;
} token_cache_t;

/* Created once per configuration cycle; NULL with OAuth2TokenCache none. */
static token_cache_t *cache;

void oauth2_token_cache_register(apr_pool_t *pconf)
{
    ap_mutex_register(pconf, MUTEX_TYPE, NULL, APR_LOCK_DEFAULT, 0);
}

static apr_status_t destroy(void *data)
{
    token_cache_t *c = data;

    c->provider->destroy(c->instance, NULL);
    cache = NULL;
    return APR_SUCCESS;
}

const char *oauth2_token_cache_create(apr_pool_t *pconf, apr_pool_t *ptemp,
                                      server_rec *s)
{
    const char *spec = oauth2_server_conf(s)->token_cache, *colon, *err;
    struct ap_socache_hints hints = {64, 96, 30 * APR_USEC_PER_SEC};
    token_cache_t *c = apr_pcalloc(pconf, sizeof(*c));
    apr_shm_t *shm;
    char *name;

    cache = NULL;
    if (!strcasecmp(spec, "none")) {
        return NULL;
    }
    colon = strchr(spec, ':');
    name = colon ? apr_pstrmemdup(ptemp, spec, colon - spec)
                 : apr_pstrdup(ptemp, spec);
    c->provider = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name,
                                     AP_SOCACHE_PROVIDER_VERSION);
    if (!c->provider) {
        return apr_psprintf(pconf,
                            "OAuth2TokenCache: socache provider '%s' "
                            "is not loaded (LoadModule socache_%s_module)",
                            name, name);
    }
    if ((err = c->provider->create(&c->instance, colon ? colon + 1 : "", ptemp,
                                   pconf))) {
        return apr_pstrcat(pconf, "OAuth2TokenCache: ", err, NULL);
    }
    if ((c->provider->flags & AP_SOCACHE_FLAG_NOTMPSAFE) &&
        ap_global_mutex_create(&c->mutex, NULL, MUTEX_TYPE, NULL, s, pconf,
                               0) != APR_SUCCESS) {
        return "OAuth2TokenCache: cannot create the cache mutex";
    }
    if (c->provider->init(c->instance, "mod_oauth2-token", &hints, s, pconf) !=
        APR_SUCCESS) {
        return "OAuth2TokenCache: cannot initialise the cache";
    }
    if (apr_shm_create(&shm, sizeof(*c->epoch), NULL, pconf) != APR_SUCCESS) {
        return "OAuth2TokenCache: cannot create anonymous shared memory";
    }
    c->epoch = apr_shm_baseaddr_get(shm);
    *c->epoch = 0;
    apr_pool_cleanup_register(pconf, c, destroy, apr_pool_cleanup_null);
    cache = c;
    return NULL;
}

void oauth2_token_cache_child_init(apr_pool_t *pchild, server_rec *s)
{
    if (cache && !(cache->memo = oauth2_memo_create(pchild, MEMO_SLOTS))) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     OAUTH2_LOGNO(00026) "token cache: no memo in this "
                                         "process (mutexes unavailable)");
    }
    if (cache && cache->mutex) {
        apr_global_mutex_child_init(
            &cache->mutex, apr_global_mutex_lockfile(cache->mutex), pchild);
#if APR_HAS_THREADS
        if (apr_thread_mutex_create(&cache->thread_mutex,
                                    APR_THREAD_MUTEX_DEFAULT,
                                    pchild) != APR_SUCCESS) {
            cache->thread_mutex = NULL; /* the global mutex suffices */
        }
#endif
    }
}

/* After a failure, each process leaves the shared cache alone for this
 * long (counted in whole seconds: up to one more): a dead memcached or
 * redis would cost every request a failed call, and their providers log
 * every one (at crit, with the key). */
#define SHARED_REST_SECONDS 1

static int shared_resting(void)
{
    return (apr_uint32_t)apr_time_sec(apr_time_now()) <
           apr_atomic_read32(&cache->resting_until);
}

/* A cache problem never fails a request: it is logged once per process
 * and the database answers instead. */
static void note_failure(request_rec *r, apr_status_t rv, const char *what)
{
    /* A store too large for shmcb's subcache is no outage. */
    if (rv != APR_ENOSPC) {
        apr_atomic_set32(&cache->resting_until,
                         (apr_uint32_t)apr_time_sec(apr_time_now()) +
                             SHARED_REST_SECONDS + 1);
    }
    if (!cache->failed) {
        cache->failed = 1;
        ap_log_rerror(
            APLOG_MARK, APLOG_WARNING, rv, r,
            OAUTH2_LOGNO(
                00020) "token cache %s failed; using the database (logged "
                       "once per process)",
            what);
    }
}

/* The default global mutex on Linux is a robust, priority-inheriting
 * pthread mutex that APR does not pair with a thread mutex: a waiter
 * always sleeps in the kernel and an unlock hands the mutex to a sleeping
 * waiter, so with every worker thread of every child queued on it the
 * cache ran at the pace of the scheduler. The threads of one process
 * queue on an ordinary thread mutex first, which a running thread can
 * take without a context switch (as APR does itself for the lock
 * mechanisms that are not thread-safe). */
static void thread_unlock(void)
{
#if APR_HAS_THREADS
    if (cache->thread_mutex) {
        apr_thread_mutex_unlock(cache->thread_mutex);
    }
#endif
}

static int lock(request_rec *r)
{
    apr_status_t rv;

    if (!cache->mutex) {
        return 1;
    }
#if APR_HAS_THREADS
    if (cache->thread_mutex &&
        (rv = apr_thread_mutex_lock(cache->thread_mutex))) {
        note_failure(r, rv, "lock");
        return 0;
    }
#endif
    if ((rv = apr_global_mutex_lock(cache->mutex))) {
        thread_unlock();
        note_failure(r, rv, "lock");
        return 0;
    }
    return 1;
}

static void unlock(void)
{
    if (cache->mutex) {
        apr_global_mutex_unlock(cache->mutex);
        thread_unlock();
    }
}

/* Entries (core/cache_entry.h) carry the validating context they were
 * made in: the key stays the token's hash, so that a revocation removes
 * the entry whoever made it; an entry made under another context
 * (another issuer, audience or key set: another virtual host) is a miss,
 * and is replaced.
 *
 * What entry (len bytes) says, when it was made in this server's context
 * and has not lapsed (then *until is when it lapses). */
static oauth2_cache_result_t read_entry(request_rec *r, const char *data,
                                        apr_size_t len, apr_time_t now,
                                        apr_time_t *until, oauth2_access_t *a)
{
    oauth2_cache_entry_t e;

    if (!oauth2_cache_entry_decode(r->pool, data, len, &e) ||
        strcmp(e.context, oauth2_server_conf(r->server)->cache_context) ||
        e.until <= now) {
        return OAUTH2_CACHE_MISS;
    }
    *until = e.until;
    if (e.refused) {
        return OAUTH2_CACHE_INVALID;
    }
    if (e.expires <= apr_time_sec(now)) {
        return OAUTH2_CACHE_MISS;
    }
    a->expires = e.expires;
    a->client_id = e.client_id;
    a->user = e.user;
    a->scope = e.scope;
    return OAUTH2_CACHE_VALID;
}

/* The cache key of a hash (SHA-256 hex, perhaps with a suffix): the digest
 * as 32 bytes, then the suffix. shmcb picks a subcache by the key's first
 * byte; as a hex digit it would use 16 values of 256, so half of the
 * subcaches would stay empty and the others hold (and scan) twice as
 * many entries. */
typedef struct {
    unsigned char bytes[64];
    unsigned int len;
} cache_key_t;

static const unsigned char *cache_key(const char *hash, cache_key_t *key)
{
    apr_size_t n = strlen(hash);

    if (n < 64 || n - 32 > sizeof(key->bytes) ||
        !oauth2_hex_decode(hash, key->bytes, 32)) {
        key->len = n; /* not a digest: the text itself */
        return (const unsigned char *)hash;
    }
    memcpy(key->bytes + 32, hash + 64, n - 64);
    key->len = n - 32;
    return key->bytes;
}

/* Whether ticket's entry may be memoised: always when this process judged
 * it alone (a JWT's signature); when the shared cache holds it, only if
 * that cache is this host's own (a provider that needs our mutex: shmcb,
 * dbm). A network cache (memcache, redis) may be shared with other hosts,
 * whose revocations no epoch here would see. */
static int reaches_memo(const oauth2_cache_ticket_t *ticket)
{
    return cache->memo && (!ticket->shared || cache->mutex);
}

/* Whether ticket's entry lives in the shared cache (an entry of this
 * process's own does when there is no memo). */
static int reaches_shared(const oauth2_cache_ticket_t *ticket)
{
    return ticket->shared || !cache->memo;
}

/* The shared cache's entry for id, copied into data (size bytes); its
 * length, or -1 when there is none. */
static int shared_get(request_rec *r, const unsigned char *id,
                      unsigned int idlen, unsigned char *data,
                      unsigned int size)
{
    unsigned int len = size;
    apr_status_t rv;

    if (shared_resting() || !lock(r)) {
        return -1;
    }
    rv = cache->provider->retrieve(cache->instance, r->server, id, idlen, data,
                                   &len, r->pool);
    unlock();
    if (rv != APR_SUCCESS) {
        if (rv != APR_NOTFOUND) {
            note_failure(r, rv, "lookup");
        }
        return -1;
    }
    return (int)len;
}

oauth2_cache_result_t oauth2_token_cache_get(request_rec *r,
                                             oauth2_cache_ticket_t *ticket,
                                             oauth2_access_t *access)
{
    char data[2048];
    apr_time_t now = apr_time_now(), until;
    cache_key_t key;
    const unsigned char *id;
    oauth2_cache_result_t result;
    int len = -1, memoised;

    if (!cache) {
        return OAUTH2_CACHE_MISS;
    }
    ticket->epoch = apr_atomic_read32(cache->epoch);
    id = cache_key(ticket->key, &key);
    if (reaches_memo(ticket)) {
        len =
            oauth2_memo_get(cache->memo, id, key.len, now, ticket->epoch, data);
    }
    memoised = len >= 0;
    if (!memoised && (!reaches_shared(ticket) ||
                      (len = shared_get(r, id, key.len, (unsigned char *)data,
                                        sizeof(data))) < 0)) {
        return OAUTH2_CACHE_MISS;
    }
    result = read_entry(r, data, len, now, &until, access);
    if (result != OAUTH2_CACHE_MISS && !memoised && reaches_memo(ticket)) {
        oauth2_memo_put(cache->memo, id, key.len, data, len, until,
                        ticket->epoch);
    }
    return result;
}

/* Nothing is kept when a removal came after the ticket was taken: it may
 * have been this token's revocation, which the judgement did not see. */
static int current(const oauth2_cache_ticket_t *ticket)
{
    return apr_atomic_read32(cache->epoch) == ticket->epoch;
}

/* Keeps e (its context and lapse time set here) for ttl seconds. */
static void store_entry(request_rec *r, const oauth2_cache_ticket_t *ticket,
                        oauth2_cache_entry_t *e, apr_int64_t ttl)
{
    apr_size_t len;
    const char *entry;
    cache_key_t key;
    const unsigned char *id = cache_key(ticket->key, &key);
    apr_status_t rv = APR_SUCCESS;

    if (!current(ticket)) {
        return;
    }
    e->context = oauth2_server_conf(r->server)->cache_context;
    e->until = apr_time_now() + apr_time_from_sec(ttl);
    entry = oauth2_cache_entry_encode(r->pool, e, &len);
    if (reaches_memo(ticket)) {
        oauth2_memo_put(cache->memo, id, key.len, entry, len, e->until,
                        ticket->epoch);
    }
    if (!reaches_shared(ticket) || shared_resting() || !lock(r)) {
        return;
    }
    /* Checked again under the lock, which a removal takes too. */
    if (current(ticket)) {
        rv = cache->provider->store(cache->instance, r->server, id, key.len,
                                    e->until, (unsigned char *)entry, len,
                                    r->pool);
    }
    unlock();
    if (rv != APR_SUCCESS) {
        note_failure(r, rv, "store");
    }
}

void oauth2_token_cache_put(request_rec *r, const oauth2_cache_ticket_t *ticket,
                            const oauth2_access_t *a)
{
    apr_int64_t now = apr_time_sec(apr_time_now());
    apr_int64_t ttl = oauth2_server_conf(r->server)->token_cache_ttl;
    oauth2_cache_entry_t e = {0};

    if (!cache || a->expires <= now) {
        return;
    }
    if (a->expires - now < ttl) {
        ttl = a->expires - now;
    }
    e.expires = a->expires;
    e.client_id = a->client_id;
    e.user = a->user;
    e.scope = a->scope;
    store_entry(r, ticket, &e, ttl);
}

void oauth2_token_cache_put_invalid(request_rec *r,
                                    const oauth2_cache_ticket_t *ticket)
{
    oauth2_cache_entry_t e = {0};

    if (cache) {
        e.refused = 1;
        store_entry(r, ticket, &e,
                    oauth2_server_conf(r->server)->token_cache_ttl);
    }
}

void oauth2_token_cache_remove(request_rec *r, const char *hash)
{
    cache_key_t key;
    const unsigned char *id = cache_key(hash, &key);

    if (!cache) {
        return;
    }
    /* Voids every process's memo and every judgement still in flight. */
    apr_atomic_inc32(cache->epoch);
    if (!lock(r)) {
        return;
    }
    cache->provider->remove(cache->instance, r->server, id, key.len, r->pool);
    unlock();
}
