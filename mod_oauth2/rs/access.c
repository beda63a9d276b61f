#include "access.h"
#include "token_cache.h"
#include "../core/digest.h"
#include "../http/dbd.h"
#include "../mod_oauth2.h"
#include "../store/token_store.h"

#include <apr_strings.h>

APLOG_USE_MODULE(oauth2);

oauth2_access_status_t oauth2_access_check(request_rec *r, const char *token,
                                           oauth2_access_t *access)
{
    const char *hash = oauth2_sha256_hex(r->pool, token), *err;
    oauth2_store_t *store;
    oauth2_token_t *row;
    apr_status_t rv;

    if (oauth2_token_cache_get(r, hash, access)) {
        return OAUTH2_ACCESS_VALID;
    }
    if (!(store = oauth2_dbd_store(r))) {
        return OAUTH2_ACCESS_UNAVAILABLE;
    }
    rv = oauth2_store_token_get(store, hash, &row, &err);
    if (rv == APR_NOTFOUND) {
        return OAUTH2_ACCESS_INVALID;
    }
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, OAUTH2_LOGNO(00021)
                      "token lookup failed: %s", err);
        return OAUTH2_ACCESS_UNAVAILABLE;
    }
    if (strcmp(row->kind, "access") || row->expired || row->revoked) {
        return OAUTH2_ACCESS_INVALID;
    }
    access->client_id = row->client_id;
    access->user = row->user_id;
    access->scope = row->scope;
    access->expires = row->expires_at;
    oauth2_token_cache_put(r, hash, access);
    return OAUTH2_ACCESS_VALID;
}

void oauth2_access_apply(request_rec *r, const oauth2_access_t *access)
{
    oauth2_access_t *copy = apr_pmemdup(r->pool, access, sizeof(*access));

    r->user = (char *)(access->user ? access->user : access->client_id);
    apr_table_setn(r->subprocess_env, "OAUTH2_CLIENT_ID", access->client_id);
    apr_table_setn(r->subprocess_env, "OAUTH2_USER",
                   access->user ? access->user : "");
    apr_table_setn(r->subprocess_env, "OAUTH2_SCOPE", access->scope);
    apr_table_setn(r->subprocess_env, "OAUTH2_EXPIRES",
                   apr_psprintf(r->pool, "%" APR_INT64_T_FMT,
                                access->expires));
    ap_set_module_config(r->request_config, &oauth2_module, copy);
}

const oauth2_access_t *oauth2_access_of(request_rec *r)
{
    return ap_get_module_config(r->request_config, &oauth2_module);
}
