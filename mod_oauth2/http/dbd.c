#include "dbd.h"
#include "dbd_gate.h"
#include "../mod_oauth2.h"

#include "http_config.h"
#include "http_request.h"
#include "mod_dbd.h"
#include "util_cfgtree.h"

#include <apr_optional.h>
#include <apr_strings.h>

APLOG_USE_MODULE(oauth2);

/* Write-once in the configuration phase. */
static APR_OPTIONAL_FN_TYPE(ap_dbd_prepare) * dbd_prepare;
static APR_OPTIONAL_FN_TYPE(ap_dbd_acquire) * dbd_acquire;
static APR_OPTIONAL_FN_TYPE(ap_dbd_open) * dbd_open;
static APR_OPTIONAL_FN_TYPE(ap_dbd_close) * dbd_close;

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
    module *dbd;

    dbd_prepare = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_prepare);
    dbd_acquire = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
    dbd_open = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_open);
    dbd_close = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_close);
    if (!dbd_prepare || !dbd_acquire || !dbd_open || !dbd_close) {
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
    dbd = ap_find_linked_module("mod_dbd.c");
    for (ctx.server = s; ctx.server; ctx.server = ctx.server->next) {
        /* A virtual host without DBD directives shares the main server's
         * mod_dbd record; register each record once. */
        void *record =
            dbd ? ap_get_module_config(ctx.server->module_config, dbd) : NULL;
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

/* A store on connection dbd, whose results live in the request pool. */
static oauth2_store_t *store_on(request_rec *r, ap_dbd_t *dbd, apr_size_t size)
{
    oauth2_store_t *store = apr_pcalloc(r->pool, size);

    store->pool = r->pool;
    store->driver = dbd->driver;
    store->handle = dbd->handle;
    store->prepared = dbd->prepared;
    store->conn_pool = dbd->pool;
    return store;
}

static oauth2_store_t *unavailable(request_rec *r, const char *why)
{
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, OAUTH2_LOGNO(00002) "%s", why);
    return NULL;
}

#define NO_CONNECTION "no database connection (see mod_dbd's messages)"
#define NO_FREE_CONNECTION                                                     \
    "no database connection came free within " APR_STRINGIFY(                  \
        OAUTH2_DBD_WAIT_SECONDS) " s: every one of this child's is busy"

/* Through the gate (dbd_gate.h), or NULL (logged). */
static int gate_passed(request_rec *r)
{
    switch (oauth2_dbd_gate_enter(r->server)) {
    case OAUTH2_GATE_IN:
        return 1;
    case OAUTH2_GATE_FULL:
        unavailable(r, NO_FREE_CONNECTION);
        return 0;
    default:
        /* Not an error per request: the failed attempt was logged. */
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      OAUTH2_LOGNO(00180) "no database connection: another "
                                          "request is trying the database, "
                                          "whose last attempt failed");
        return 0;
    }
}

static apr_status_t leave_gate(void *server)
{
    oauth2_dbd_gate_leave(server);
    return APR_SUCCESS;
}

/* The request's store, made once per request: mod_dbd lends a
 * subrequest or internal redirect the connection of the initial
 * request, which holds it (and our place at the gate) to its end. */
#define REQUEST_STORE "oauth2_dbd_store"

oauth2_store_t *oauth2_dbd_store(request_rec *r)
{
    oauth2_store_t *store = NULL;
    ap_dbd_t *dbd;

    while (!ap_is_initial_req(r)) {
        r = r->prev ? r->prev : r->main;
    }
    apr_pool_userdata_get((void **)&store, REQUEST_STORE, r->pool);
    if (store) {
        return store;
    }
    if (!gate_passed(r)) {
        return NULL;
    }
    /* Registered first, so run last: after mod_dbd's own cleanup has put
     * the connection back. */
    apr_pool_cleanup_register(r->pool, r->server, leave_gate,
                              apr_pool_cleanup_null);
    dbd = dbd_acquire(r);
    oauth2_dbd_gate_tried(r->server, dbd != NULL);
    if (!dbd) {
        apr_pool_cleanup_run(r->pool, r->server, leave_gate);
        return unavailable(r, NO_CONNECTION);
    }
    store = store_on(r, dbd, sizeof(*store));
    apr_pool_userdata_setn(store, REQUEST_STORE, NULL, r->pool);
    return store;
}

/* A store on a connection of its own, and what gives it back. */
typedef struct {
    oauth2_store_t store; /* first: what callers see */
    server_rec *server;
    ap_dbd_t *dbd;
    apr_pool_t *hold; /* the connection is given back when it goes */
} held_store_t;

static apr_status_t give_back(void *data)
{
    held_store_t *held = data;

    dbd_close(held->server, held->dbd);
    oauth2_dbd_gate_leave(held->server);
    return APR_SUCCESS;
}

oauth2_store_t *oauth2_dbd_open(request_rec *r)
{
    held_store_t *held;
    apr_pool_t *hold;
    ap_dbd_t *dbd;

    if (!gate_passed(r)) {
        return NULL;
    }
    /* With DBDPersist Off the connection lives in a pool under hold: it
     * is given back (closed) before hold destroys what it holds. */
    apr_pool_create(&hold, r->pool);
    dbd = dbd_open(hold, r->server);
    oauth2_dbd_gate_tried(r->server, dbd != NULL);
    if (!dbd) {
        apr_pool_destroy(hold);
        oauth2_dbd_gate_leave(r->server);
        return unavailable(r, NO_CONNECTION);
    }
    held = (held_store_t *)store_on(r, dbd, sizeof(*held));
    held->server = r->server;
    held->dbd = dbd;
    held->hold = hold;
    apr_pool_pre_cleanup_register(hold, held, give_back);
    return &held->store;
}

void oauth2_dbd_close(oauth2_store_t *store)
{
    apr_pool_destroy(((held_store_t *)store)->hold);
}
