/* grant_type=refresh_token (RFC 6749 §6): scope may narrow, never widen;
 * every use rotates the token, and a rotated token presented again
 * revokes its whole family (RFC 9700 §4.14.2). A refresh continues the
 * grant that started the family, so it is judged against the client's
 * registration and the server's settings as they are now. */
#include "token_request.h"
#include "../core/digest.h"
#include "../core/form.h"
#include "../core/grant.h"
#include "../core/owner.h"
#include "../core/scope.h"
#include "../store/token_store.h"

#include <apr_strings.h>

APLOG_USE_MODULE(oauth2);

static int invalid_grant(oauth2_token_request_t *tr, const char *why)
{
    return oauth2_token_error(tr, HTTP_BAD_REQUEST, "invalid_grant", why);
}

/* Why the grant behind the family lapsed, or NULL. The grant type that
 * started it must still be allowed by OAuth2GrantTypes and the client
 * (NULL: a family stored before schema version 2, not known), and the
 * family must be younger than OAuth2RefreshTokenMaxLifetime. This is
 * invalid_grant, not unauthorized_client (RFC 6749 §5.2): the client may
 * use the refresh_token grant; this one grant is no longer valid, and
 * the client has to obtain a new one. */
static const char *lapsed(oauth2_token_request_t *tr, const oauth2_token_t *t)
{
    const char *g = t->family_grant_type;

    if (g && (!(tr->conf->grant_types & oauth2_grant_from_name(g)) ||
              !oauth2_client_has_grant(tr->client, g))) {
        return apr_psprintf(tr->r->pool,
                            "the %s grant this refresh token continues "
                            "is no longer allowed",
                            g);
    }
    if (tr->conf->refresh_token_max_lifetime > 0 &&
        t->family_age >= tr->conf->refresh_token_max_lifetime) {
        return "the grant reached its maximum lifetime";
    }
    return NULL;
}

/* The most a refresh may grant now: the family's scope as far as the
 * client's registered scopes and OAuth2ScopesSupported still allow it.
 * NULL when the stored scope is malformed. */
static const char *ceiling(oauth2_token_request_t *tr, const char *granted)
{
    apr_array_header_t *had, *allowed;

    if (oauth2_scope_parse(tr->r->pool, granted, &had) ||
        oauth2_scope_parse(tr->r->pool, oauth2_token_client_scopes(tr),
                           &allowed)) {
        return NULL;
    }
    return oauth2_scope_join(tr->r->pool,
                             oauth2_scope_intersect(tr->r->pool, had, allowed));
}

int oauth2_grant_refresh_token(oauth2_token_request_t *tr)
{
    const char *presented = oauth2_form_get(tr->params, "refresh_token");
    oauth2_grant_result_t g = {NULL};
    oauth2_token_t *old;
    const char *err, *hash;
    apr_status_t rv;

    if (!presented) {
        return oauth2_token_error(tr, HTTP_BAD_REQUEST, "invalid_request",
                                  "refresh_token is missing");
    }
    hash = oauth2_sha256_hex(tr->r->pool, presented);
    rv = oauth2_store_token_get(tr->store, hash, &old, &err);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return oauth2_token_unavailable(tr, "refresh token lookup", err);
    }
    if (rv == APR_NOTFOUND || strcmp(old->kind, "refresh") ||
        strcmp(old->client_id, tr->client->client_id)) {
        return invalid_grant(tr, "unknown refresh token");
    }
    if (old->revoked || old->expired) {
        return invalid_grant(tr, old->revoked ? "refresh token revoked"
                                              : "refresh token expired");
    }
    if (old->used) {
        return oauth2_token_refuse_family(tr, old->family_id,
                                          "refresh token used twice");
    }
    if ((err = lapsed(tr, old))) {
        return invalid_grant(tr, err);
    }
    /* A family stored before owner names were checked (never 503 for a
     * name a JWT cannot carry). */
    if (old->user_id && oauth2_owner_name_check(old->user_id)) {
        return invalid_grant(tr, "the grant's owner name is not acceptable");
    }
    if (!(g.ceiling = ceiling(tr, old->scope))) {
        return invalid_grant(tr, "the stored scope is malformed");
    }
    err = oauth2_token_scope(tr, oauth2_form_get(tr->params, "scope"),
                             g.ceiling, &g.scope);
    if (err) {
        return oauth2_token_error(tr, HTTP_BAD_REQUEST, "invalid_scope", err);
    }
    g.user = old->user_id;
    g.family = old->family_id;
    g.family_age = old->family_age;
    g.rotate_from = hash;
    g.refresh = 1;
    return oauth2_token_issue(tr, &g);
}
