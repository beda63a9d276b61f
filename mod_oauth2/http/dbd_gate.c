#include "dbd_gate.h"
#include "../mod_oauth2.h"

#include "util_cfgtree.h"

#include <limits.h>

#include <apr_hash.h>
#include <apr_strings.h>
#include <apr_thread_cond.h>
#include <apr_thread_mutex.h>

APLOG_USE_MODULE(oauth2);

/* mod_dbd's default DBDMax. */
#define DBD_DEFAULT_MAX 10

typedef struct {
    apr_thread_mutex_t *mutex;
    apr_thread_cond_t *freed;
    int left;    /* connections mod_oauth2 may still take */
    int failing; /* the last attempt to get a connection failed */
    int probing; /* a request is trying while failing */
} gate_t;

/* DBDPersist Off: every request opens a connection of its own. */
#define GATE_UNCOUNTED INT_MAX

/* server_rec * -> gate_t *: made in child_init, before the child serves
 * requests, and only read afterwards. */
static apr_hash_t *gates;

/* The last setting name among nodes and their children (<IfModule>,
 * <IfDefine> and Include are spliced in already), outside <VirtualHost>
 * sections. */
static const ap_directive_t *last_setting(const ap_directive_t *node,
                                          const char *name)
{
    const ap_directive_t *found = NULL, *inner;

    for (; node; node = node->next) {
        if (!strcasecmp(node->directive, "<VirtualHost")) {
            continue;
        }
        if (!strcasecmp(node->directive, name)) {
            found = node;
        }
        else if ((inner = last_setting(node->first_child, name))) {
            found = inner;
        }
    }
    return found;
}

/* The <VirtualHost> section that defined s. */
static const ap_directive_t *section_of(server_rec *s)
{
    const ap_directive_t *n;

    for (n = ap_conftree; s->is_virtual && s->defn_name && n; n = n->next) {
        if (!strcasecmp(n->directive, "<VirtualHost") &&
            (unsigned)n->line_num == s->defn_line_number &&
            !strcmp(n->filename, s->defn_name)) {
            return n;
        }
    }
    return NULL;
}

/* A mod_dbd setting of s as mod_dbd merges it: its virtual host's own,
 * else the main server's; "" when unset. */
static const char *setting(apr_pool_t *pool, server_rec *s, const char *name)
{
    const ap_directive_t *section = section_of(s), *d = NULL;
    const char *args;

    if (section) {
        d = last_setting(section->first_child, name);
    }
    if (!d) {
        d = last_setting(ap_conftree, name);
    }
    args = d ? d->args : "";
    return ap_getword_conf(pool, &args);
}

static gate_t *gate_create(apr_pool_t *pchild, server_rec *s, int size)
{
    gate_t *g = apr_pcalloc(pchild, sizeof(*g));

    g->left = size;
    if (apr_thread_mutex_create(&g->mutex, APR_THREAD_MUTEX_DEFAULT, pchild) ||
        apr_thread_cond_create(&g->freed, pchild)) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     OAUTH2_LOGNO(00160) "no database gate in this child: "
                                         "requests wait for mod_dbd");
        return NULL;
    }
    return g;
}

void oauth2_dbd_gate_child_init(apr_pool_t *pchild, server_rec *s)
{
    apr_hash_t *by_settings = apr_hash_make(pchild);

    gates = apr_hash_make(pchild);
    for (; s; s = s->next) {
        const char *max = setting(pchild, s, "DBDMax");
        const char *key;
        gate_t *g;

        int persist = strcasecmp(setting(pchild, s, "DBDPersist"), "off");

        key = apr_pstrcat(
            pchild, persist ? "" : "off\n", setting(pchild, s, "DBDriver"),
            "\n", setting(pchild, s, "DBDParams"), "\n",
            setting(pchild, s, "DBDMin"), "\n", setting(pchild, s, "DBDKeep"),
            "\n", max, "\n", setting(pchild, s, "DBDExptime"), NULL);
        if (!(g = apr_hash_get(by_settings, key, APR_HASH_KEY_STRING))) {
            g = gate_create(pchild, s,
                            !persist ? GATE_UNCOUNTED
                            : *max   ? atoi(max)
                                     : DBD_DEFAULT_MAX);
            apr_hash_set(by_settings, key, APR_HASH_KEY_STRING, g);
        }
        if (g && g->left > 0) {
            apr_hash_set(gates, apr_pmemdup(pchild, &s, sizeof(s)), sizeof(s),
                         g);
        }
    }
}

static gate_t *gate_of(server_rec *s)
{
    return gates ? apr_hash_get(gates, &s, sizeof(s)) : NULL;
}

oauth2_gate_status_t oauth2_dbd_gate_enter(server_rec *s)
{
    gate_t *g = gate_of(s);
    apr_time_t deadline =
        apr_time_now() + apr_time_from_sec(OAUTH2_DBD_WAIT_SECONDS);
    apr_interval_time_t wait;
    oauth2_gate_status_t status = OAUTH2_GATE_FULL;

    if (!g) {
        return OAUTH2_GATE_IN;
    }
    apr_thread_mutex_lock(g->mutex);
    while (g->left == 0 && (wait = deadline - apr_time_now()) > 0) {
        apr_thread_cond_timedwait(g->freed, g->mutex, wait);
    }
    if (g->left > 0) {
        if (g->failing && g->probing) {
            status = OAUTH2_GATE_FAILING;
        }
        else {
            g->probing = g->failing;
            g->left -= g->left != GATE_UNCOUNTED;
            status = OAUTH2_GATE_IN;
        }
    }
    apr_thread_mutex_unlock(g->mutex);
    return status;
}

void oauth2_dbd_gate_tried(server_rec *s, int connected)
{
    gate_t *g = gate_of(s);

    if (g) {
        /* Any attempt's end lets the next one try: at most the requests
         * that entered before the failure was seen try at once. */
        apr_thread_mutex_lock(g->mutex);
        g->failing = !connected;
        g->probing = 0;
        apr_thread_mutex_unlock(g->mutex);
    }
}

void oauth2_dbd_gate_leave(server_rec *s)
{
    gate_t *g = gate_of(s);

    if (g) {
        apr_thread_mutex_lock(g->mutex);
        if (g->left != GATE_UNCOUNTED) {
            g->left++;
            apr_thread_cond_signal(g->freed);
        }
        apr_thread_mutex_unlock(g->mutex);
    }
}
