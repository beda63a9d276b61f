#include "access.h"
#include "token_cache.h"
#include "../core/digest.h"
#include "../core/jwk.h"
#include "../core/jws.h"
#include "../core/jwt.h"
#include "../core/subject.h"
#include "../http/dbd.h"
#include "../mod_oauth2.h"
#include "../store/token_store.h"

#include <apr_strings.h>

APLOG_USE_MODULE(oauth2);

/* Clock skew tolerated on exp and nbf. */
#define JWT_LEEWAY 30

static int looks_like_jwt(const char *token)
{
    const char *dot = strchr(token, '.');

    return dot && strchr(dot + 1, '.');
}

/* RFC 9068 §4: signature (key by kid, algorithm pinned to the key), typ,
 * iss, aud, exp and nbf. The claims fill access. */
static int jwt_valid(request_rec *r, const char *token, oauth2_access_t *access)
{
    const oauth2_server_conf_t *c = oauth2_server_conf(r->server);
    json_t *header, *claims;
    const char *err, *sub = NULL, *client = NULL;

    if (oauth2_jwks_count(c->jwks) == 0) {
        return 0;
    }
    err = oauth2_jws_verify(r->pool, c->jwks, token, &header, &claims);
    if (!err && !oauth2_jwt_is_access_token(header)) {
        err = "typ is not at+jwt";
    }
    if (!err) {
        err = oauth2_jwt_check_claims(claims, c->issuer, c->jwt_audience,
                                      apr_time_now(), JWT_LEEWAY);
    }
    if (!err) {
        sub = json_string_value(json_object_get(claims, "sub"));
        client = json_string_value(json_object_get(claims, "client_id"));
        if (!sub || !client) {
            err = "sub or client_id is missing";
        }
        else if (oauth2_subject_client(sub) &&
                 strcmp(oauth2_subject_client(sub), client)) {
            err = "sub names another client";
        }
    }
    if (err) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      OAUTH2_LOGNO(00025) "JWT access token refused: %s", err);
        return 0;
    }
    access->client_id = apr_pstrdup(r->pool, client);
    /* A client's own token has "client:" + its id as subject (§2.2, and
     * §5: never to be taken for a user's); any other subject is the
     * owner, even one equal to the client id. */
    access->user =
        oauth2_subject_client(sub) ? NULL : apr_pstrdup(r->pool, sub);
    access->scope = apr_pstrdup(
        r->pool, json_string_value(json_object_get(claims, "scope")) ?: "");
    access->expires = json_integer_value(json_object_get(claims, "exp"));
    return 1;
}

static oauth2_access_status_t stored(request_rec *r, const char *hash,
                                     oauth2_token_t **row);

oauth2_access_status_t oauth2_access_check(request_rec *r, const char *token,
                                           oauth2_access_t *access)
{
    const char *hash = oauth2_sha256_hex(r->pool, token);
    int jwt = looks_like_jwt(token);
    int checked = !jwt || oauth2_dir_jwt_revocation_check(oauth2_dir_conf(r));
    /* A JWT judged without the database is cached apart, so that a
     * location that checks revocation never takes that word for its own
     * (nor the other way round). */
    oauth2_cache_ticket_t ticket = {
        .key = checked ? hash : apr_pstrcat(r->pool, hash, ":local", NULL),
        .shared = checked};
    oauth2_access_status_t status = OAUTH2_ACCESS_VALID;
    oauth2_token_t *row;

    switch (oauth2_token_cache_get(r, &ticket, access)) {
    case OAUTH2_CACHE_VALID:
        return OAUTH2_ACCESS_VALID;
    case OAUTH2_CACHE_INVALID:
        return OAUTH2_ACCESS_INVALID;
    default:
        break;
    }
    if (jwt) {
        if (!jwt_valid(r, token, access)) {
            status = OAUTH2_ACCESS_INVALID;
        }
        else if (checked &&
                 (status = stored(r, hash, &row)) == OAUTH2_ACCESS_VALID) {
            /* The row knows whose token it is, also for a JWT issued
             * before client tokens had their own subjects. */
            access->user = row->user_id;
        }
    }
    else if ((status = stored(r, hash, &row)) == OAUTH2_ACCESS_VALID) {
        access->client_id = row->client_id;
        access->user = row->user_id;
        access->scope = row->scope;
        access->expires = row->expires_at;
    }
    if (status == OAUTH2_ACCESS_VALID) {
        oauth2_token_cache_put(r, &ticket, access);
    }
    else if (status == OAUTH2_ACCESS_INVALID) {
        oauth2_token_cache_put_invalid(r, &ticket);
    }
    return status;
}

/* The store's word on a token, and its row when it is live. */
static oauth2_access_status_t stored(request_rec *r, const char *hash,
                                     oauth2_token_t **row)
{
    oauth2_store_t *store;
    const char *err;
    apr_status_t rv;

    /* Not held until the response ends: slow downloads would pin every
     * connection of the child. */
    if (!(store = oauth2_dbd_open(r))) {
        return OAUTH2_ACCESS_UNAVAILABLE;
    }
    rv = oauth2_store_token_live_access(store, hash, row, &err);
    oauth2_dbd_close(store);
    if (rv == APR_NOTFOUND) {
        return OAUTH2_ACCESS_INVALID;
    }
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      OAUTH2_LOGNO(00021) "token lookup failed: %s", err);
        return OAUTH2_ACCESS_UNAVAILABLE;
    }
    return OAUTH2_ACCESS_VALID;
}

oauth2_accepted_t *oauth2_access_apply(request_rec *r,
                                       const oauth2_access_t *access,
                                       const char *token)
{
    oauth2_accepted_t *accepted = apr_pcalloc(r->pool, sizeof(*accepted));

    accepted->access = *access;
    accepted->token = token;
    r->user = (char *)oauth2_subject(r->pool, access->user, access->client_id);
    apr_table_setn(r->subprocess_env, "OAUTH2_CLIENT_ID", access->client_id);
    apr_table_setn(r->subprocess_env, "OAUTH2_USER",
                   access->user ? access->user : "");
    apr_table_setn(r->subprocess_env, "OAUTH2_SCOPE", access->scope);
    apr_table_setn(r->subprocess_env, "OAUTH2_EXPIRES",
                   apr_psprintf(r->pool, "%" APR_INT64_T_FMT, access->expires));
    ap_set_module_config(r->request_config, &oauth2_module, accepted);
    return accepted;
}

const oauth2_access_t *oauth2_access_of(request_rec *r)
{
    oauth2_accepted_t *accepted =
        ap_get_module_config(r->request_config, &oauth2_module);

    return accepted ? &accepted->access : NULL;
}

const oauth2_accepted_t *oauth2_accepted_upstream(request_rec *r)
{
    while ((r = r->prev ? r->prev : r->main)) {
        oauth2_accepted_t *accepted =
            ap_get_module_config(r->request_config, &oauth2_module);
        if (accepted) {
            return accepted;
        }
    }
    return NULL;
}
