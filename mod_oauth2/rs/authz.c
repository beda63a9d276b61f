/* Require oauth2-scope SCOPE… and Require oauth2-client ID…: granted when
 * the accepted token carries any of the listed scopes (as Require group
 * is any-of; <RequireAll> for all-of) or belongs to one of the clients. */
#include "authz.h"
#include "access.h"
#include "authn.h"
#include "../core/scope.h"
#include "../mod_oauth2.h"

#include "ap_provider.h"
#include "http_request.h"
#include "mod_auth.h"

#include <apr_strings.h>

APLOG_USE_MODULE(oauth2);

/* Parsed once when the configuration is read. */
static const char *parse_words(cmd_parms *cmd, const char *line,
                               const void **parsed)
{
    apr_array_header_t *words =
        apr_array_make(cmd->pool, 4, sizeof(const char *));
    const char *w;

    while (*(w = ap_getword_conf(cmd->pool, &line))) {
        APR_ARRAY_PUSH(words, const char *) = w;
    }
    if (words->nelts == 0) {
        return "Require oauth2-scope/oauth2-client needs at least one value";
    }
    *parsed = words;
    return NULL;
}

static const char *parse_scopes(cmd_parms *cmd, const char *line,
                                const void **parsed)
{
    const apr_array_header_t *words;
    const char *err = parse_words(cmd, line, parsed);
    int i;

    for (words = *parsed, i = 0; !err && i < words->nelts; i++) {
        const char *s = APR_ARRAY_IDX(words, i, const char *);
        if (!oauth2_scope_token_valid(s)) {
            return apr_psprintf(cmd->pool,
                                "Require oauth2-scope: '%s' is "
                                "not a valid scope",
                                s);
        }
    }
    return err;
}

static authz_status check_scope(request_rec *r, const char *line,
                                const void *parsed)
{
    const apr_array_header_t *wanted = parsed;
    const oauth2_access_t *access;
    apr_array_header_t *held;

    if (!r->user) {
        return AUTHZ_DENIED_NO_USER;
    }
    if (!(access = oauth2_access_of(r)) ||
        oauth2_scope_parse(r->pool, access->scope, &held)) {
        return AUTHZ_DENIED;
    }
    if (oauth2_scope_intersect(r->pool, wanted, held)->nelts > 0) {
        return AUTHZ_GRANTED;
    }
    /* RFC 6750 §3.1: name the scope that would have been enough. */
    oauth2_authn_challenge(r, "insufficient_scope",
                           "the access token lacks the required scope",
                           oauth2_scope_join(r->pool, wanted));
    return AUTHZ_DENIED;
}

static authz_status check_client(request_rec *r, const char *line,
                                 const void *parsed)
{
    const apr_array_header_t *clients = parsed;
    const oauth2_access_t *access;
    int i;

    if (!r->user) {
        return AUTHZ_DENIED_NO_USER;
    }
    if (!(access = oauth2_access_of(r))) {
        return AUTHZ_DENIED;
    }
    for (i = 0; i < clients->nelts; i++) {
        if (!strcmp(APR_ARRAY_IDX(clients, i, const char *),
                    access->client_id)) {
            return AUTHZ_GRANTED;
        }
    }
    return AUTHZ_DENIED;
}

static const authz_provider scope_provider = {check_scope, parse_scopes};
static const authz_provider client_provider = {check_client, parse_words};

void oauth2_authz_register(apr_pool_t *p)
{
    ap_register_auth_provider(p, AUTHZ_PROVIDER_GROUP, "oauth2-scope",
                              AUTHZ_PROVIDER_VERSION, &scope_provider,
                              AP_AUTH_INTERNAL_PER_CONF);
    ap_register_auth_provider(p, AUTHZ_PROVIDER_GROUP, "oauth2-client",
                              AUTHZ_PROVIDER_VERSION, &client_provider,
                              AP_AUTH_INTERNAL_PER_CONF);
}
