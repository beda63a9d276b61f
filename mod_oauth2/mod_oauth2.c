/* mod_oauth2: an OAuth 2.0 authorization server and resource-server
 * protection for Apache httpd 2.4, with its state in PostgreSQL through
 * mod_dbd. This file declares the module and registers its hooks; the
 * work is done in config/, as/, rs/, http/, store/ and core/. */
#include "mod_oauth2.h"
#include "as/client_cache.h"
#include "as/endpoints.h"
#include "config/config.h"
#include "http/dbd.h"
#include "http/dbd_gate.h"
#include "rs/authn.h"
#include "rs/authz.h"
#include "rs/token_cache.h"

#include "http_request.h"

/* Runs after the configuration is read and merged, before `configtest`
 * says "Syntax OK" and before mod_dbd's post_config groups the
 * statements: mistakes here stop the server from starting. */
static int oauth2_check_config(apr_pool_t *pconf, apr_pool_t *plog,
                               apr_pool_t *ptemp, server_rec *s)
{
    const char *err = oauth2_server_conf_finish(pconf, s);

    if (!err) {
        err = oauth2_dbd_register(ptemp, s);
    }
    if (err) {
        ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                     OAUTH2_LOGNO(00003) "%s", err);
        return !OK;
    }
    return OK;
}

static int oauth2_pre_config(apr_pool_t *pconf, apr_pool_t *plog,
                             apr_pool_t *ptemp)
{
    oauth2_token_cache_register(pconf);
    return OK;
}

static int oauth2_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                              apr_pool_t *ptemp, server_rec *s)
{
    const char *err = oauth2_token_cache_create(pconf, ptemp, s);

    if (err) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, OAUTH2_LOGNO(00023) "%s",
                     err);
        return !OK;
    }
    return OK;
}

static void oauth2_child_init(apr_pool_t *pchild, server_rec *s)
{
    oauth2_token_cache_child_init(pchild, s);
    oauth2_client_cache_child_init(pchild);
    oauth2_dbd_gate_child_init(pchild, s);
}

static void oauth2_register_hooks(apr_pool_t *p)
{
    ap_hook_pre_config(oauth2_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(oauth2_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(oauth2_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(oauth2_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    oauth2_authn_register(p);
    oauth2_authz_register(p);
    ap_hook_handler(oauth2_endpoint_handler, NULL, NULL, APR_HOOK_MIDDLE);
}

AP_DECLARE_MODULE(oauth2) = {
    STANDARD20_MODULE_STUFF,    oauth2_dir_conf_create,   oauth2_dir_conf_merge,
    oauth2_server_conf_create,  oauth2_server_conf_merge, oauth2_commands,
    oauth2_register_hooks,
#if defined(AP_MODULE_FLAG_ALWAYS_MERGE)
    AP_MODULE_FLAG_ALWAYS_MERGE
#endif
};
