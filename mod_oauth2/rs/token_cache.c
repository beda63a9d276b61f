#include "token_cache.h"
#include "../core/encoding.h"
#include "../mod_oauth2.h"

#include "ap_provider.h"
#include "ap_socache.h"
#include "util_mutex.h"

#include <apr_global_mutex.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>

APLOG_USE_MODULE(oauth2);

#define MUTEX_TYPE "oauth2-token-cache"

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
    apr_pool_cleanup_register(pconf, c, destroy, apr_pool_cleanup_null);
    cache = c;
    return NULL;
}

void oauth2_token_cache_child_init(apr_pool_t *pchild, server_rec *s)
{
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

/* A cache problem never fails a request: it is logged once per process
 * and the database answers instead. */
static void note_failure(request_rec *r, apr_status_t rv, const char *what)
{
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

/* Entry: "context\nexpires\nclient_id\nuser\nscope" (user empty for a
 * client), or "context\n-" for a refusal. The key stays the token's hash,
 * so that a revocation removes the entry whoever made it; an entry made
 * under another validating context (another issuer, audience or key set:
 * another virtual host) is a miss, and is replaced. */
static int parse_entry(request_rec *r, const char *p, oauth2_access_t *a)
{
    const char *field[3];
    int i;

    for (i = 0; i < 3; i++) {
        const char *nl = strchr(p, '\n');
        if (!nl) {
            return 0;
        }
        field[i] = apr_pstrmemdup(r->pool, p, nl - p);
        p = nl + 1;
    }
    a->expires = apr_atoi64(field[0]);
    a->client_id = field[1];
    a->user = *field[2] ? field[2] : NULL;
    a->scope = apr_pstrdup(r->pool, p);
    return a->expires > apr_time_sec(apr_time_now());
}

/* The entry's body after this server's context, or NULL. */
static const char *in_context(request_rec *r, const char *entry)
{
    const char *context = oauth2_server_conf(r->server)->cache_context;
    apr_size_t n = strlen(context);

    return !strncmp(entry, context, n) && entry[n] == '\n' ? entry + n + 1
                                                           : NULL;
}

/* The body of a refusal entry. */
#define INVALID_ENTRY "-"

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

oauth2_cache_result_t oauth2_token_cache_get(request_rec *r, const char *hash,
                                             oauth2_access_t *access)
{
    unsigned char data[2048];
    unsigned int len = sizeof(data) - 1;
    cache_key_t key;
    const unsigned char *id = cache_key(hash, &key);
    const char *body;
    apr_status_t rv;

    if (!cache || !lock(r)) {
        return OAUTH2_CACHE_MISS;
    }
    rv = cache->provider->retrieve(cache->instance, r->server, id, key.len,
                                   data, &len, r->pool);
    unlock();
    if (rv != APR_SUCCESS) {
        if (rv != APR_NOTFOUND) {
            note_failure(r, rv, "lookup");
        }
        return OAUTH2_CACHE_MISS;
    }
    data[len] = '\0';
    if (!(body = in_context(r, (const char *)data))) {
        return OAUTH2_CACHE_MISS;
    }
    if (!strcmp(body, INVALID_ENTRY)) {
        return OAUTH2_CACHE_INVALID;
    }
    return parse_entry(r, body, access) ? OAUTH2_CACHE_VALID
                                        : OAUTH2_CACHE_MISS;
}

static void store_entry(request_rec *r, const char *hash, const char *body,
                        apr_int64_t ttl)
{
    const char *entry =
        apr_pstrcat(r->pool, oauth2_server_conf(r->server)->cache_context, "\n",
                    body, NULL);
    cache_key_t key;
    const unsigned char *id = cache_key(hash, &key);
    apr_status_t rv;

    if (!lock(r)) {
        return;
    }
    rv = cache->provider->store(cache->instance, r->server, id, key.len,
                                apr_time_now() + apr_time_from_sec(ttl),
                                (unsigned char *)entry, strlen(entry), r->pool);
    unlock();
    if (rv != APR_SUCCESS) {
        note_failure(r, rv, "store");
    }
}

void oauth2_token_cache_put(request_rec *r, const char *hash,
                            const oauth2_access_t *a)
{
    apr_int64_t now = apr_time_sec(apr_time_now());
    apr_int64_t ttl = oauth2_server_conf(r->server)->token_cache_ttl;

    if (!cache || a->expires <= now) {
        return;
    }
    if (a->expires - now < ttl) {
        ttl = a->expires - now;
    }
    store_entry(r, hash,
                apr_psprintf(r->pool, "%" APR_INT64_T_FMT "\n%s\n%s\n%s",
                             a->expires, a->client_id, a->user ? a->user : "",
                             a->scope),
                ttl);
}

void oauth2_token_cache_put_invalid(request_rec *r, const char *hash)
{
    if (cache) {
        store_entry(r, hash, INVALID_ENTRY,
                    oauth2_server_conf(r->server)->token_cache_ttl);
    }
}

void oauth2_token_cache_remove(request_rec *r, const char *hash)
{
    cache_key_t key;
    const unsigned char *id = cache_key(hash, &key);

    if (!cache || !lock(r)) {
        return;
    }
    cache->provider->remove(cache->instance, r->server, id, key.len, r->pool);
    unlock();
}
