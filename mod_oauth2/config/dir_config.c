/* Per-directory configuration: resource-server settings. */
#include "config.h"

#include "http_core.h"

void *oauth2_dir_conf_create(apr_pool_t *pool, char *dir)
{
    oauth2_dir_conf_t *d = apr_pcalloc(pool, sizeof(*d));

    d->bearer_token_in = OAUTH2_UNSET;
    d->forward_authorization = OAUTH2_UNSET;
    d->jwt_revocation_check = OAUTH2_UNSET;
    return d;
}

void *oauth2_dir_conf_merge(apr_pool_t *pool, void *basev, void *addv)
{
    oauth2_dir_conf_t *base = basev, *add = addv;
    oauth2_dir_conf_t *d = apr_palloc(pool, sizeof(*d));

    d->bearer_token_in = add->bearer_token_in != OAUTH2_UNSET
                             ? add->bearer_token_in
                             : base->bearer_token_in;
    d->realm = add->realm ? add->realm : base->realm;
    d->forward_authorization = add->forward_authorization != OAUTH2_UNSET
                                   ? add->forward_authorization
                                   : base->forward_authorization;
    d->jwt_revocation_check = add->jwt_revocation_check != OAUTH2_UNSET
                                  ? add->jwt_revocation_check
                                  : base->jwt_revocation_check;
    return d;
}

int oauth2_dir_bearer_token_in(const oauth2_dir_conf_t *d)
{
    return d->bearer_token_in != OAUTH2_UNSET ? d->bearer_token_in
                                              : OAUTH2_TOKEN_IN_HEADER;
}

int oauth2_dir_forward_authorization(const oauth2_dir_conf_t *d)
{
    return d->forward_authorization == 1;
}

int oauth2_dir_jwt_revocation_check(const oauth2_dir_conf_t *d)
{
    return d->jwt_revocation_check != 0;
}

const char *oauth2_dir_realm(request_rec *r)
{
    const oauth2_dir_conf_t *d = oauth2_dir_conf(r);
    const char *name;

    if (d->realm) {
        return d->realm;
    }
    name = ap_auth_name(r);
    return name ? name : r->server->server_hostname;
}
