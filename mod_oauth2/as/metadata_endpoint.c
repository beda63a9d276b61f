/* SetHandler oauth2-metadata: authorization server metadata (RFC 8414),
 * served at /.well-known/oauth-authorization-server (for an issuer with a
 * path, at /.well-known/oauth-authorization-server/<path>, §3.1). */
#include "endpoints.h"
#include "../core/digest.h"
#include "../core/grant.h"
#include "../http/json_response.h"
#include "../mod_oauth2.h"

#include "http_protocol.h"
#include "http_request.h"

#include <apr_strings.h>

static json_t *string_array(const apr_array_header_t *words)
{
    json_t *a = json_array();
    int i;

    for (i = 0; words && i < words->nelts; i++) {
        json_array_append_new(
            a, json_string(APR_ARRAY_IDX(words, i, const char *)));
    }
    return a;
}

/* Whether a grant enabled by OAuth2GrantTypes can work: password needs
 * an OAuth2PasswordProvider, refresh_token a refresh token lifetime. */
static int grant_works(const oauth2_server_conf_t *c, unsigned int bit)
{
    switch (bit) {
    case OAUTH2_GRANT_PASSWORD:
        return c->password_providers && c->password_providers->nelts > 0;
    case OAUTH2_GRANT_REFRESH_TOKEN:
        return c->refresh_token_lifetime > 0;
    default:
        return 1;
    }
}

/* RFC 8414 §2: only what a client can use here; the response types are
 * those of the enabled redirecting grants. */
static json_t *grants_and_responses(const oauth2_server_conf_t *c, json_t *doc)
{
    json_t *grants = json_array(), *responses = json_array();
    unsigned int bit;

    for (bit = 1; bit <= OAUTH2_GRANTS_ALL; bit <<= 1) {
        if ((c->grant_types & bit) && bit != OAUTH2_GRANT_IMPLICIT &&
            grant_works(c, bit)) {
            json_array_append_new(grants, json_string(oauth2_grant_name(bit)));
        }
    }
    if (c->grant_types & OAUTH2_GRANT_IMPLICIT) {
        json_array_append_new(grants, json_string("implicit"));
        json_array_append_new(responses, json_string("token"));
    }
    if (c->grant_types & OAUTH2_GRANT_AUTHORIZATION_CODE) {
        json_array_insert_new(responses, 0, json_string("code"));
    }
    json_object_set_new(doc, "grant_types_supported", grants);
    json_object_set_new(doc, "response_types_supported", responses);
    return doc;
}

static json_t *document(const oauth2_server_conf_t *c)
{
    json_t *doc = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:[sss], s:[ss], s:[ss], s:b}", "issuer",
        c->issuer, "authorization_endpoint", c->authorization_endpoint,
        "token_endpoint", c->token_endpoint, "revocation_endpoint",
        c->revocation_endpoint, "introspection_endpoint",
        c->introspection_endpoint, "token_endpoint_auth_methods_supported",
        "client_secret_basic", "client_secret_post", "none",
        "revocation_endpoint_auth_methods_supported", "client_secret_basic",
        "client_secret_post", "introspection_endpoint_auth_methods_supported",
        "client_secret_basic", "client_secret_post",
        "authorization_response_iss_parameter_supported", 1);
    json_t *pkce = json_array();

    if (!doc) {
        return NULL;
    }
    json_array_append_new(pkce, json_string("S256"));
    if (c->pkce_methods & OAUTH2_PKCE_PLAIN) {
        json_array_append_new(pkce, json_string("plain"));
    }
    json_object_set_new(doc, "code_challenge_methods_supported", pkce);
    if (c->signing_keys->nelts > 0) {
        json_object_set_new(doc, "jwks_uri", json_string(c->jwks_uri));
    }
    if (c->scopes_supported) {
        json_object_set_new(doc, "scopes_supported",
                            string_array(c->scopes_supported));
    }
    return grants_and_responses(c, doc);
}

int oauth2_metadata_endpoint(request_rec *r)
{
    json_t *doc;
    char *text;
    int status;

    if (r->method_number != M_GET) {
        /* The Allow header of the 405 comes from allowed_methods. */
        ap_allow_standard_methods(r, REPLACE_ALLOW, M_GET, -1);
        return HTTP_METHOD_NOT_ALLOWED;
    }
    if (!(doc = document(oauth2_server_conf(r->server))) ||
        !(text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS))) {
        json_decref(doc);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    json_decref(doc);
    /* Cacheable: clients may keep it (an hour) and revalidate by ETag. */
    apr_table_setn(
        r->headers_out, "ETag",
        apr_psprintf(r->pool, "\"%.16s\"", oauth2_sha256_hex(r->pool, text)));
    apr_table_setn(r->headers_out, "Cache-Control", "public, max-age=3600");
    if ((status = ap_meets_conditions(r)) != OK) {
        free(text);
        return status;
    }
    status = oauth2_json_send_text(r, HTTP_OK, text);
    free(text);
    return status;
}
