#include "client_cache.h"

#include <apr_allocator.h>
#include <apr_hash.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>

/* Past this many stores the process forgets every record: a bound on
 * memory (replaced records stay in the pool until then), cheap to refill. */
#define CLIENT_CACHE_MAX 1024

static struct {
    apr_pool_t *pool; /* the table and its records */
    apr_hash_t *records;
    apr_thread_mutex_t *mutex;
    int stored; /* since the pool was last cleared */
} cache;

void oauth2_client_cache_child_init(apr_pool_t *pchild)
{
    apr_allocator_t *allocator;

    /* An allocator of its own: pchild's is shared with other threads
     * and has no mutex; this one is used under cache.mutex only. */
    cache.pool = NULL; /* until created: every record is read afresh */
    if (apr_allocator_create(&allocator) != APR_SUCCESS) {
        return;
    }
    if (apr_pool_create_ex(&cache.pool, pchild, NULL, allocator) !=
        APR_SUCCESS) {
        apr_allocator_destroy(allocator);
        cache.pool = NULL;
        return;
    }
    apr_allocator_owner_set(allocator, cache.pool);
    if (apr_thread_mutex_create(&cache.mutex, APR_THREAD_MUTEX_DEFAULT,
                                pchild) != APR_SUCCESS) {
        cache.pool = NULL;
        return;
    }
    cache.records = apr_hash_make(cache.pool);
}

static oauth2_client_t *copy(apr_pool_t *p, const oauth2_client_t *c)
{
    oauth2_client_t *to = apr_palloc(p, sizeof(*to));

    to->client_id = apr_pstrdup(p, c->client_id);
    to->name = apr_pstrdup(p, c->name);
    to->secret_hash = apr_pstrdup(p, c->secret_hash);
    to->redirect_uris = apr_pstrdup(p, c->redirect_uris);
    to->grant_types = apr_pstrdup(p, c->grant_types);
    to->scopes = apr_pstrdup(p, c->scopes);
    to->created_at = apr_pstrdup(p, c->created_at);
    to->disabled = c->disabled;
    to->introspect = c->introspect;
    return to;
}

/* Records are per virtual host: hosts may use different databases. */
static const char *key(request_rec *r, const char *client_id)
{
    return apr_psprintf(r->pool, "%pp %s", (void *)r->server, client_id);
}

static int lock(void)
{
    return cache.pool && apr_thread_mutex_lock(cache.mutex) == APR_SUCCESS;
}

oauth2_client_t *oauth2_client_cache_get(request_rec *r, const char *client_id)
{
    const oauth2_client_t *found;
    oauth2_client_t *client = NULL;

    if (!lock()) {
        return NULL;
    }
    found = apr_hash_get(cache.records, key(r, client_id), APR_HASH_KEY_STRING);
    if (found) {
        client = copy(r->pool, found);
    }
    apr_thread_mutex_unlock(cache.mutex);
    return client;
}

void oauth2_client_cache_put(request_rec *r, const oauth2_client_t *client)
{
    const char *k = key(r, client->client_id);

    if (!lock()) {
        return;
    }
    if (++cache.stored > CLIENT_CACHE_MAX) {
        apr_pool_clear(cache.pool);
        cache.records = apr_hash_make(cache.pool);
        cache.stored = 1;
    }
    apr_hash_set(cache.records, apr_pstrdup(cache.pool, k), APR_HASH_KEY_STRING,
                 copy(cache.pool, client));
    apr_thread_mutex_unlock(cache.mutex);
}

void oauth2_client_cache_forget(request_rec *r, const char *client_id)
{
    const char *k = key(r, client_id);

    if (!lock()) {
        return;
    }
    apr_hash_set(cache.records, k, APR_HASH_KEY_STRING, NULL);
    apr_thread_mutex_unlock(cache.mutex);
}
