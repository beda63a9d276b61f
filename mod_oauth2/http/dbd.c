#include "dbd.h"
#include "../mod_oauth2.h"

#include "http_config.h"
#include "mod_dbd.h"
#include "util_cfgtree.h"

#include <apr_atomic.h>
#include <apr_hash.h>
#include <apr_optional.h>
#include <apr_strings.h>

APLOG_USE_MODULE(oauth2);

/* Write-once in the configuration phase. */
static APR_OPTIONAL_FN_TYPE(ap_dbd_prepare) * dbd_prepare;
static APR_OPTIONAL_FN_TYPE(ap_dbd_acquire) * dbd_acquire;

/* APR's connection pool opens a new connection with its lock held, so
 * while PostgreSQL does not answer, every request of the child that
 * needs a connection would queue behind one attempt and then make its
 * own, each waiting up to libpq's connect_timeout (for ever without
 * one). Once an attempt has failed, one request at a time tries again
 * and the others are told at once that the database is unreachable; the
 * first success lets everyone through. One gate per mod_dbd pool (per
 * DBD configuration record) in each child, made at child start. */
typedef struct {
    apr_uint32_t failing; /* the last attempt to get a connection failed */
    apr_uint32_t probing; /* a request is trying while failing */
} dbd_gate_t;

/* Made at child start, read-only afterwards (the gates' flags are
 * atomic): mod_dbd record -> dbd_gate_t. */
static apr_hash_t *child_gates;

/* mod_dbd, found in the configuration phase (write-once). */
static module *dbd_module_rec;

static void *dbd_record(server_rec *s)
{
    return dbd_module_rec
               ? ap_get_module_config(s->module_config, dbd_module_rec)
               : NULL;
}

/* The first DBDriver directive anywhere in the configuration tree. */
static const ap_directive_t *find_directive(const ap_directive_t *node,
                                            const char *name)
{
    for (; node; node = node->next) {
        const ap_directive_t *found;
        if (!strcasecmp(node->directive, name)) {
            return node;
        }
        if ((found = find_directive(node->first_child, name))) {
            return found;
        }
    }
    return NULL;
}

typedef struct {
    server_rec *server;
} register_ctx_t;

static int register_statement(void *baton, const char *label, const char *sql)
{
    register_ctx_t *ctx = baton;

    dbd_prepare(ctx->server, sql, label);
    return 0;
}

const char *oauth2_dbd_register(apr_pool_t *pool, server_rec *s)
{
    const ap_directive_t *driver;
    apr_hash_t *seen = apr_hash_make(pool);
    register_ctx_t ctx;

    dbd_module_rec = ap_find_linked_module("mod_dbd.c");
    dbd_prepare = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_prepare);
    dbd_acquire = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
    if (!dbd_prepare || !dbd_acquire) {
        return "mod_oauth2 keeps its state in PostgreSQL through mod_dbd: "
               "add LoadModule dbd_module, DBDriver pgsql and DBDParams";
    }
    driver = find_directive(ap_conftree, "DBDriver");
    if (!driver) {
        return "mod_oauth2 needs a database: add DBDriver pgsql and "
               "DBDParams (mod_dbd)";
    }
    if (strcasecmp(driver->args, "pgsql")) {
        return apr_psprintf(pool,
                            "mod_oauth2 needs DBDriver pgsql, not "
                            "'%s' (%s:%d)",
                            driver->args, driver->filename, driver->line_num);
    }
    for (ctx.server = s; ctx.server; ctx.server = ctx.server->next) {
        /* A virtual host without DBD directives shares the main server's
         * mod_dbd record; register each record once. */
        void *record = dbd_record(ctx.server);
        if (record && apr_hash_get(seen, &record, sizeof(record))) {
            continue;
        }
        if (record) {
            apr_hash_set(seen, apr_pmemdup(pool, &record, sizeof(record)),
                         sizeof(record), record);
        }
        oauth2_store_each_statement(register_statement, &ctx);
    }
    return NULL;
}

void oauth2_dbd_child_init(apr_pool_t *pchild, server_rec *s)
{
    child_gates = apr_hash_make(pchild);
    for (; s; s = s->next) {
        void *record = dbd_record(s);

        if (record && !apr_hash_get(child_gates, &record, sizeof(record))) {
            apr_hash_set(
                child_gates, apr_pmemdup(pchild, &record, sizeof(record)),
                sizeof(record), apr_pcalloc(pchild, sizeof(dbd_gate_t)));
        }
    }
}

static dbd_gate_t *gate_of(request_rec *r)
{
    void *record = dbd_record(r->server);

    return child_gates && record
               ? apr_hash_get(child_gates, &record, sizeof(record))
               : NULL;
}

/* 0 when another request is already trying a failing database; *probe
 * says whether this one is the request that tries. */
static int gate_enter(dbd_gate_t *gate, int *probe)
{
    *probe = 0;
    if (!gate || !apr_atomic_read32(&gate->failing)) {
        return 1;
    }
    *probe = apr_atomic_cas32(&gate->probing, 1, 0) == 0;
    return *probe;
}

static void gate_leave(dbd_gate_t *gate, int probe, int connected)
{
    if (gate) {
        apr_atomic_set32(&gate->failing, !connected);
        if (probe) {
            apr_atomic_set32(&gate->probing, 0);
        }
    }
}

oauth2_store_t *oauth2_dbd_store(request_rec *r)
{
    dbd_gate_t *gate = gate_of(r);
    oauth2_store_t *store;
    ap_dbd_t *dbd;
    int probe;

    if (!gate_enter(gate, &probe)) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      OAUTH2_LOGNO(00180) "no database connection: another "
                                          "request is trying the database, "
                                          "whose last attempt failed");
        return NULL;
    }
    dbd = dbd_acquire(r);
    gate_leave(gate, probe, dbd != NULL);
    if (!dbd) {
        ap_log_rerror(
            APLOG_MARK, APLOG_ERR, 0, r,
            OAUTH2_LOGNO(
                00002) "no database connection (see mod_dbd's messages)");
        return NULL;
    }
    store = apr_pcalloc(r->pool, sizeof(*store));
    store->pool = r->pool;
    store->driver = dbd->driver;
    store->handle = dbd->handle;
    store->prepared = dbd->prepared;
    store->conn_pool = dbd->pool;
    return store;
}
