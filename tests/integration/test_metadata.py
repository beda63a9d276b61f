"""GET /.well-known/oauth-authorization-server (RFC 8414): the issuer as
configured, the endpoint URLs under it unless the endpoint directives
override them, the grants, response types and PKCE methods the server's
settings allow, the scopes of OAuth2ScopesSupported, and a document that
clients may cache and revalidate by ETag.

The variations run as name-based virtual hosts of one httpd (each asked
for by its Host header), so each also shows per-server settings at work."""

import os
import re
import subprocess

import pytest
import requests

import harness

METADATA = "/.well-known/oauth-authorization-server"
ENDPOINT_PATHS = {
    "authorization_endpoint": "/oauth2/authorize",
    "token_endpoint": "/oauth2/token",
    "revocation_endpoint": "/oauth2/revoke",
    "introspection_endpoint": "/oauth2/introspect",
}
ALL_GRANTS = {"authorization_code", "implicit", "password",
              "client_credentials", "refresh_token"}
DEFAULT_GRANTS = {"authorization_code", "client_credentials",
                  "refresh_token"}
OVERRIDES = {
    "authorization_endpoint": "https://login.example/sign-in/authorize",
    "token_endpoint": "https://api.example/oauth/token",
    "revocation_endpoint": "https://api.example/oauth/revoke",
    "introspection_endpoint": "https://api.example/oauth/introspect",
    "jwks_uri": "https://keys.example/jwks.json",
}
DIRECTIVES = {
    "authorization_endpoint": "OAuth2AuthorizationEndpoint",
    "token_endpoint": "OAuth2TokenEndpoint",
    "revocation_endpoint": "OAuth2RevocationEndpoint",
    "introspection_endpoint": "OAuth2IntrospectionEndpoint",
    "jwks_uri": "OAuth2JWKSURI",
}


def vhost(name, *lines, issuer='"${OAUTH2_ISSUER}"'):
    body = "".join("    %s\n" % line for line in lines)
    return ("<VirtualHost 127.0.0.1:${OAUTH2_PORT}>\n"
            "    ServerName %s\n    OAuth2Issuer %s\n%s</VirtualHost>\n"
            % (name, issuer, body))


def vhosts(key):
    return (
        # The first is the default for any other Host.
        vhost("defaults.test")
        + vhost("code-only.test",
                "OAuth2GrantTypes authorization_code refresh_token",
                issuer="https://code-only.example")
        + vhost("implicit.test",
                "OAuth2GrantTypes implicit client_credentials")
        + vhost("machines.test",
                "OAuth2GrantTypes client_credentials password")
        + vhost("legacy.test", "OAuth2GrantTypes %s" % " ".join(
            sorted(ALL_GRANTS)))
        + vhost("no-refresh.test", "OAuth2RefreshTokenLifetime 0")
        + vhost("plain.test", "OAuth2PKCEMethods S256 plain",
                "OAuth2ScopesSupported read write profile")
        + vhost("keys.test", 'OAuth2SigningKey "%s"' % key)
        + vhost("overridden.test", 'OAuth2SigningKey "%s"' % key,
                *["%s %s" % (DIRECTIVES[k], v) for k, v in
                  sorted(OVERRIDES.items())],
                issuer="https://as.example"))


@pytest.fixture(scope="module")
def ec_key(session):
    path = os.path.join(harness.make_dir(os.path.join(session.dir,
                                                      "metadata-keys")),
                        "ec.pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-out", path], check=True,
                   capture_output=True)
    return path


@pytest.fixture(scope="module")
def hosts(session, pg, site, ec_key):
    server = session.new_httpd(vhosts(ec_key), name="metadata")
    try:
        yield server.start()
    finally:
        server.stop()


def fetch(server, host=None, headers=None, method="GET"):
    h = dict(headers or {})
    if host:
        h["Host"] = host
    return requests.request(method, server.url(METADATA), headers=h,
                            timeout=30)


def document(server, host=None):
    response = fetch(server, host)
    assert response.status_code == 200, (response.status_code,
                                         response.text)
    ctype = response.headers.get("Content-Type", "")
    assert ctype.split(";")[0].strip() == "application/json", \
        response.headers
    doc = response.json()
    assert isinstance(doc, dict), response.text
    return doc


# --- the document of conf-examples -------------------------------------------

def test_the_issuer_is_the_configured_issuer(httpd):
    assert document(httpd)["issuer"] == httpd.issuer


def test_the_endpoints_are_the_issuer_followed_by_the_oauth2_paths(httpd):
    doc = document(httpd)
    for name, path in ENDPOINT_PATHS.items():
        assert doc[name] == httpd.issuer + path, (name, doc)


def test_there_is_no_jwks_uri_without_signing_keys(httpd):
    assert "jwks_uri" not in document(httpd)


def test_the_advertised_endpoints_answer_as_those_endpoints(httpd):
    doc = document(httpd)
    # The token endpoint: a POST without grant_type.
    response = requests.post(doc["token_endpoint"], data="", timeout=30,
                             headers={"Content-Type":
                                      "application/x-www-form-urlencoded"})
    assert (response.status_code, response.json().get("error")) == \
        (400, "invalid_request"), response.text
    # Revocation and introspection: a client that did not authenticate.
    for name in ("revocation_endpoint", "introspection_endpoint"):
        response = requests.post(doc[name], data="token=abcdefgh",
                                 timeout=30, headers={
                                     "Content-Type":
                                     "application/x-www-form-urlencoded"})
        assert (response.status_code, response.json().get("error")) == \
            (401, "invalid_client"), (name, response.text)
    # The authorization endpoint: the owner must sign in first.
    response = requests.get(doc["authorization_endpoint"], timeout=30,
                            allow_redirects=False)
    assert response.status_code == 401, response.status_code
    assert response.headers["WWW-Authenticate"].startswith("Basic ")


def test_every_grant_of_the_example_is_advertised(httpd):
    doc = document(httpd)
    assert set(doc["grant_types_supported"]) == ALL_GRANTS, doc
    assert len(doc["grant_types_supported"]) == len(ALL_GRANTS), doc
    assert sorted(doc["response_types_supported"]) == ["code", "token"], doc


def test_the_token_endpoint_takes_basic_post_and_public_clients(httpd):
    doc = document(httpd)
    assert set(doc["token_endpoint_auth_methods_supported"]) == {
        "client_secret_basic", "client_secret_post", "none"}, doc


def test_introspection_is_advertised_for_confidential_clients_only(httpd):
    doc = document(httpd)
    assert set(doc["introspection_endpoint_auth_methods_supported"]) == {
        "client_secret_basic", "client_secret_post"}, doc
    assert {"client_secret_basic", "client_secret_post"} <= set(
        doc["revocation_endpoint_auth_methods_supported"]), doc


def test_only_s256_is_advertised_by_default(httpd):
    assert document(httpd)["code_challenge_methods_supported"] == ["S256"]


def test_there_are_no_scopes_supported_unless_configured(httpd):
    assert "scopes_supported" not in document(httpd)


def test_the_iss_authorization_response_parameter_is_advertised(httpd):
    assert document(httpd)[
        "authorization_response_iss_parameter_supported"] is True


# --- caching -----------------------------------------------------------------

def test_the_document_may_be_cached_for_a_while(httpd):
    response = fetch(httpd)
    control = response.headers.get("Cache-Control", "")
    m = re.search(r"(?:^|,)\s*max-age=(\d+)\s*(?:,|$)", control)
    assert m and int(m.group(1)) > 0, control
    assert "no-store" not in control and "private" not in control, control


def test_the_etag_is_stable_and_if_none_match_gets_304(httpd):
    first = fetch(httpd)
    etag = first.headers.get("ETag")
    assert etag and re.fullmatch(r'(W/)?"[^"]+"', etag), first.headers
    assert fetch(httpd).headers.get("ETag") == etag
    response = fetch(httpd, headers={"If-None-Match": etag})
    assert response.status_code == 304, response.status_code
    assert response.content == b""
    assert response.headers.get("ETag") == etag


def test_another_etag_gets_the_whole_document(httpd):
    response = fetch(httpd, headers={"If-None-Match": '"0123456789abcdef"'})
    assert response.status_code == 200
    assert response.json()["issuer"] == httpd.issuer


def test_documents_that_differ_have_different_etags(httpd, hosts):
    tags = {fetch(hosts, host).headers["ETag"]
            for host in ("code-only.test", "plain.test", "overridden.test")}
    tags.add(fetch(httpd).headers["ETag"])
    assert len(tags) == 4, tags


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_only_get_is_allowed(httpd, method):
    response = fetch(httpd, method=method)
    assert response.status_code == 405, response.status_code
    allow = {m.strip() for m in response.headers.get("Allow", "").split(",")}
    assert "GET" in allow and not allow & {"POST", "PUT"}, response.headers


# --- what the settings change ------------------------------------------------

@pytest.mark.parametrize("host,grants,responses", [
    # RFC 9700: implicit and password are off unless named
    ("defaults.test", DEFAULT_GRANTS, ["code"]),
    ("legacy.test", ALL_GRANTS, ["code", "token"]),
    # no refresh token is ever issued: the grant cannot work
    ("no-refresh.test", DEFAULT_GRANTS - {"refresh_token"}, ["code"]),
    ("code-only.test", {"authorization_code", "refresh_token"}, ["code"]),
    ("implicit.test", {"implicit", "client_credentials"}, ["token"]),
    ("machines.test", {"client_credentials", "password"}, []),
])
def test_grants_and_response_types_follow_oauth2granttypes(hosts, host,
                                                           grants,
                                                           responses):
    doc = document(hosts, host)
    assert set(doc["grant_types_supported"]) == grants, doc
    assert len(doc["grant_types_supported"]) == len(grants), doc
    assert sorted(doc["response_types_supported"]) == responses, doc


def test_password_is_not_advertised_without_a_password_provider(
        make_httpd):
    # Enabled, but every password request would be refused.
    server = make_httpd(
        'OAuth2Issuer "${OAUTH2_ISSUER}"\n'
        "OAuth2GrantTypes authorization_code password refresh_token\n"
        "<Location %s>\n    Require all granted\n"
        "    SetHandler oauth2-metadata\n</Location>\n" % METADATA,
        examples=("database",))
    doc = document(server)
    assert sorted(doc["grant_types_supported"]) == \
        ["authorization_code", "refresh_token"], doc
    assert doc["response_types_supported"] == ["code"], doc


def test_plain_is_advertised_when_oauth2pkcemethods_allows_it(hosts):
    doc = document(hosts, "plain.test")
    assert sorted(doc["code_challenge_methods_supported"]) == \
        ["S256", "plain"], doc
    assert document(hosts, "defaults.test")[
        "code_challenge_methods_supported"] == ["S256"]


def test_scopes_supported_lists_oauth2scopessupported_in_order(hosts):
    assert document(hosts, "plain.test")["scopes_supported"] == \
        ["read", "write", "profile"]


def test_the_endpoints_follow_another_issuer(hosts):
    doc = document(hosts, "code-only.test")
    assert doc["issuer"] == "https://code-only.example"
    for name, path in ENDPOINT_PATHS.items():
        assert doc[name] == "https://code-only.example" + path, (name, doc)


def test_with_a_signing_key_the_jwks_uri_is_under_the_issuer_and_serves_it(
        hosts):
    doc = document(hosts, "keys.test")
    assert doc["jwks_uri"] == hosts.issuer + "/oauth2/jwks", doc
    response = requests.get(doc["jwks_uri"], headers={"Host": "keys.test"},
                            timeout=30)
    assert response.status_code == 200, response.text
    keys = response.json()["keys"]
    assert [(k["kty"], k["alg"]) for k in keys] == [("EC", "ES256")], keys


def test_the_endpoint_directives_override_the_urls(hosts):
    doc = document(hosts, "overridden.test")
    assert doc["issuer"] == "https://as.example"
    for name, url in OVERRIDES.items():
        assert doc[name] == url, (name, doc)
