/* What every grant shares: errors, scope decisions, issuing tokens and
 * revoking a token family. */
#include "token_request.h"
#include "../core/digest.h"
#include "../core/form.h"
#include "../core/grant.h"
#include "../core/jwk.h"
#include "../core/jws.h"
#include "../core/random.h"
#include "../core/scope.h"
#include "../core/subject.h"
#include "../http/json_response.h"
#include "../rs/token_cache.h"
#include "../store/token_store.h"

#include <apr_strings.h>

APLOG_USE_MODULE(oauth2);

int oauth2_token_error(oauth2_token_request_t *tr, int status,
                       const char *error, const char *description)
{
    if (tr->recalled) {
        tr->redo = 1;
        return DONE;
    }
    return oauth2_json_error(tr->r, status, error, description);
}

int oauth2_token_unavailable(oauth2_token_request_t *tr, const char *what,
                             const char *detail)
{
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, tr->r,
                  OAUTH2_LOGNO(00006) "token endpoint: %s failed%s%s", what,
                  detail ? ": " : "", detail ? detail : "");
    apr_table_setn(tr->r->err_headers_out, "Retry-After", "5");
    return oauth2_json_error(tr->r, HTTP_SERVICE_UNAVAILABLE,
                             "temporarily_unavailable",
                             "the authorization server cannot reach its "
                             "database; try again shortly");
}

static int in_list(const char *list, const char *word)
{
    apr_size_t n = strlen(word);
    const char *p = list;

    while (p && (p = strstr(p, word))) {
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) {
            return 1;
        }
        p += n;
    }
    return 0;
}

int oauth2_pkce_required(const oauth2_server_conf_t *conf,
                         const oauth2_client_t *client)
{
    return conf->pkce == OAUTH2_PKCE_REQUIRED ||
           (conf->pkce == OAUTH2_PKCE_PUBLIC && !client->secret_hash);
}

int oauth2_client_has_grant(const oauth2_client_t *client, const char *grant)
{
    return in_list(client->grant_types, grant);
}

const char *oauth2_token_client_scopes(oauth2_token_request_t *tr)
{
    apr_array_header_t *registered;

    if (oauth2_scope_parse(tr->r->pool, tr->client->scopes, &registered) ||
        !tr->conf->scopes_supported) {
        return tr->client->scopes;
    }
    return oauth2_scope_join(
        tr->r->pool, oauth2_scope_intersect(tr->r->pool, registered,
                                            tr->conf->scopes_supported));
}

const char *oauth2_token_scope(oauth2_token_request_t *tr,
                               const char *requested, const char *ceiling,
                               const char **granted)
{
    apr_array_header_t *want, *allowed;
    const char *err, *missing;

    if (oauth2_scope_parse(tr->r->pool, ceiling, &allowed)) {
        return "the stored scope is malformed";
    }
    if (!requested) {
        *granted = oauth2_scope_join(tr->r->pool, allowed);
        return NULL;
    }
    if ((err = oauth2_scope_parse(tr->r->pool, requested, &want))) {
        return err;
    }
    if ((missing = oauth2_scope_missing(want, allowed))) {
        return apr_psprintf(tr->r->pool, "scope '%s' is not allowed", missing);
    }
    *granted = oauth2_scope_join(tr->r->pool, want);
    return NULL;
}

/* A refresh token goes along when the grant allows one, the server
 * issues them and the client is registered for the refresh grant. */
static int wants_refresh(oauth2_token_request_t *tr,
                         const oauth2_grant_result_t *g)
{
    return g->refresh && tr->conf->refresh_token_lifetime > 0 &&
           (tr->conf->grant_types & OAUTH2_GRANT_REFRESH_TOKEN) &&
           oauth2_client_has_grant(tr->client, "refresh_token");
}

/* OAuth2RefreshTokenLifetime, cut so that no refresh token outlives its
 * family's OAuth2RefreshTokenMaxLifetime. */
static int refresh_lifetime(oauth2_token_request_t *tr,
                            const oauth2_grant_result_t *g)
{
    apr_int64_t left = tr->conf->refresh_token_max_lifetime - g->family_age;

    if (tr->conf->refresh_token_max_lifetime > 0 &&
        left < tr->conf->refresh_token_lifetime) {
        return left > 0 ? (int)left : 0;
    }
    return tr->conf->refresh_token_lifetime;
}

static json_t *token_response(oauth2_token_request_t *tr, const char *access,
                              const char *refresh, const char *scope)
{
    json_t *body = json_pack("{s:s, s:s, s:i, s:s}", "access_token", access,
                             "token_type", "Bearer", "expires_in",
                             tr->conf->access_token_lifetime, "scope", scope);

    if (body && refresh) {
        json_object_set_new(body, "refresh_token", json_string(refresh));
    }
    return body;
}

/* An RFC 9068 access token: signed by the first OAuth2SigningKey. It is
 * stored hashed like an opaque token, so revocation and introspection
 * work the same for both formats. */
static const char *jwt_access_token(oauth2_token_request_t *tr,
                                    const oauth2_grant_result_t *g, char **jwt)
{
    const oauth2_server_conf_t *c = tr->conf;
    apr_int64_t now = apr_time_sec(apr_time_now());
    const char *err, *signed_jwt;
    char *jti;
    json_t *claims;

    if (oauth2_random_token(tr->r->pool, 16, &jti)) {
        return "the random generator failed";
    }
    claims = json_pack(
        "{s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s}", "iss", c->issuer, "sub",
        oauth2_subject(tr->r->pool, g->user, tr->client->client_id), "aud",
        c->jwt_audience, "exp", (json_int_t)(now + c->access_token_lifetime),
        "iat", (json_int_t)now, "jti", jti, "client_id", tr->client->client_id,
        "scope", g->scope);
    if (!claims) {
        return "cannot build the JWT claims";
    }
    err = oauth2_jws_sign(tr->r->pool, c->signer->key, c->signer->kid,
                          OAUTH2_JWT_ACCESS_TYP, claims, &signed_jwt);
    json_decref(claims);
    *jwt = (char *)signed_jwt;
    return err;
}

apr_status_t oauth2_token_mint(oauth2_token_request_t *tr,
                               const oauth2_grant_result_t *g,
                               oauth2_minted_t *out, const char **err)
{
    oauth2_token_issue_t row = {tr->client, g->user, g->scope, tr->grant_type,
                                g->family};

    out->refresh = NULL;
    if (tr->conf->access_token_format == OAUTH2_FORMAT_JWT) {
        if ((*err = jwt_access_token(tr, g, &out->access))) {
            return APR_EGENERAL;
        }
    }
    else if (oauth2_random_token(tr->r->pool, OAUTH2_TOKEN_BYTES,
                                 &out->access)) {
        *err = "the random generator failed";
        return APR_EGENERAL;
    }
    if ((wants_refresh(tr, g) &&
         oauth2_random_token(tr->r->pool, OAUTH2_TOKEN_BYTES, &out->refresh))) {
        *err = "the random generator failed";
        return APR_EGENERAL;
    }
    row.access_hash = oauth2_sha256_hex(tr->r->pool, out->access);
    row.access_lifetime = tr->conf->access_token_lifetime;
    row.refresh_hash =
        out->refresh ? oauth2_sha256_hex(tr->r->pool, out->refresh) : NULL;
    row.refresh_lifetime = refresh_lifetime(tr, g);
    row.refresh_scope = g->ceiling ? g->ceiling : g->scope;
    ap_log_rerror(
        APLOG_MARK, APLOG_DEBUG, 0, tr->r,
        OAUTH2_LOGNO(
            00007) "issuing %s token %.8s... to client '%s' (grant %s)",
        out->refresh ? "access+refresh" : "access", row.access_hash,
        tr->client->client_id, tr->grant_type);
    if (g->rotate_from) {
        return oauth2_store_token_rotate(tr->store, g->rotate_from, &row, err);
    }
    if (g->code_hash) {
        return oauth2_store_token_redeem_code(tr->store, g->code_hash, &row,
                                              err);
    }
    return oauth2_store_token_issue(tr->store, &row, err);
}

int oauth2_token_issue(oauth2_token_request_t *tr,
                       const oauth2_grant_result_t *g)
{
    oauth2_minted_t minted;
    const char *err;
    json_t *body;
    apr_status_t rv = oauth2_token_mint(tr, g, &minted, &err);

    if (rv == APR_NOTFOUND) {
        /* Another request consumed the refresh token or code first. */
        return oauth2_token_refuse_family(tr, g->family,
                                          g->code_hash
                                              ? "authorization code used "
                                                "twice"
                                              : "refresh token used twice");
    }
    if (rv == APR_EAGAIN && tr->remember) {
        /* The client's row changed since it was read or remembered. (For
         * another grant, or the second time, a change racing the request:
         * 503 below, and the client retries.) */
        tr->redo = 1;
        return DONE;
    }
    if (rv != APR_SUCCESS) {
        return oauth2_token_unavailable(tr, "storing the token", err);
    }
    body = token_response(tr, minted.access, minted.refresh, g->scope);
    if (!body) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return oauth2_json_send(tr->r, HTTP_OK, body);
}

int oauth2_token_refuse_family(oauth2_token_request_t *tr, const char *family,
                               const char *why)
{
    apr_array_header_t *revoked;
    const char *err;
    int i;

    if (oauth2_store_token_revoke_family(tr->store, family, &revoked, &err)) {
        return oauth2_token_unavailable(tr, "revoking a token family", err);
    }
    for (i = 0; i < revoked->nelts; i++) {
        oauth2_token_cache_remove(tr->r,
                                  APR_ARRAY_IDX(revoked, i, const char *));
    }
    ap_log_rerror(
        APLOG_MARK, APLOG_WARNING, 0, tr->r,
        OAUTH2_LOGNO(
            00008) "client '%s': %s; revoked %d token(s) of that grant",
        tr->client->client_id, why, revoked->nelts);
    return oauth2_token_error(tr, HTTP_BAD_REQUEST, "invalid_grant", why);
}
