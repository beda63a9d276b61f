#include "dbd.h"
#include "../mod_oauth2.h"

#include "http_config.h"
#include "mod_dbd.h"
#include "util_cfgtree.h"

#include <apr_optional.h>
#include <apr_strings.h>

APLOG_USE_MODULE(oauth2);

/* Write-once in the configuration phase. */
static APR_OPTIONAL_FN_TYPE(ap_dbd_prepare) * dbd_prepare;
static APR_OPTIONAL_FN_TYPE(ap_dbd_acquire) * dbd_acquire;

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

oauth2_store_t *oauth2_dbd_store(request_rec *r)
{
    ap_dbd_t *dbd = dbd_acquire(r);
    oauth2_store_t *store;

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
