"""What an accepted bearer token tells the protected resource: r->user
(REMOTE_USER) is the token's owner, or its client for a
client_credentials token, and OAUTH2_CLIENT_ID, OAUTH2_SCOPE,
OAUTH2_USER (empty for a client's own token) and OAUTH2_EXPIRES (epoch
seconds) reach CGI scripts and, through mod_headers, a proxied
application; the token itself reaches neither unless
OAuth2ForwardAuthorization On. Checked on conf-examples/resource-server.conf
(/cgi-bin/ needs scope write, /app/ scope read)."""

import time

import pytest

import resource_support as rs
from token_support import DEMO_USER, psql, sha256_hex, sql

SCOPE = "read write"


@pytest.fixture(scope="module")
def server(session, pg, site, backend):
    locations = (
        rs.location("/t/user/", "Require valid-user")
        + rs.location("/t/forward/", "OAuth2ForwardAuthorization On",
                      "Require valid-user",
                      'ProxyPass "%s/"' % backend.url)
        + rs.location("/t/no-forward/", "OAuth2ForwardAuthorization Off",
                      "Require valid-user",
                      'ProxyPass "%s/"' % backend.url))
    s = rs.start_server(session, locations, backend_url=backend.url)
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture(scope="module")
def cgi(site):
    return rs.install_env_cgi(site)


@pytest.fixture(scope="module")
def password_client(admin):
    return rs.password_client(admin)


@pytest.fixture(scope="module")
def cc_client(admin):
    return rs.client_credentials_client(admin)


class Issued:
    """A token and what the resource should make of it."""

    def __init__(self, token, client, user):
        self.token = token
        self.client_id = client.id
        self.user = user

    @property
    def remote_user(self):
        return self.user or "client:" + self.client_id


@pytest.fixture(params=["user", "client"])
def issued(request, server, password_client, cc_client):
    """A fresh token with scope "read write": of the demo user (password
    grant), or of a client itself (client_credentials)."""
    if request.param == "user":
        return Issued(rs.user_token(server, password_client, SCOPE),
                      password_client, DEMO_USER)
    return Issued(rs.client_token(server, cc_client, SCOPE), cc_client,
                  None)


def stored_expiry(pg, token):
    out = psql(pg, "SELECT extract(epoch FROM expires_at)::bigint FROM "
                   "oauth2_token WHERE token_hash = %s"
               % sql(sha256_hex(token))).strip()
    assert out, "the token has no row"
    return int(out)


def assert_expires(pg, issued, value):
    assert value is not None and value.isdigit(), value
    # Issued just now with conf-examples' OAuth2AccessTokenLifetime 3600.
    assert abs(int(value) - (time.time() + 3600)) < 30, value
    assert abs(int(value) - stored_expiry(pg, issued.token)) <= 1, value


# --- r->user and the environment ---------------------------------------------

def test_a_cgi_script_sees_the_remote_user_and_the_oauth2_variables(
        server, pg, cgi, issued):
    response = rs.get(server, cgi, token=issued.token)
    env = rs.cgi_environment(response)
    assert env.get("REMOTE_USER") == issued.remote_user, env
    assert env.get("AUTH_TYPE") == "oauth2", env
    assert env.get("OAUTH2_CLIENT_ID") == issued.client_id, env
    assert env.get("OAUTH2_SCOPE") == SCOPE, env
    # Set, and empty for a client's own token.
    assert env.get("OAUTH2_USER") == (issued.user or ""), env
    assert_expires(pg, issued, env.get("OAUTH2_EXPIRES"))


def test_a_cgi_script_never_sees_the_token(server, cgi, issued):
    response = rs.get(server, cgi, token=issued.token)
    env = rs.cgi_environment(response)
    assert "HTTP_AUTHORIZATION" not in env, sorted(env)
    assert issued.token not in response.text


def test_the_same_identity_is_seen_by_expressions_in_httpd(server, pg,
                                                           issued):
    response = rs.get(server, "/t/user/hello.json", token=issued.token)
    rs.assert_served(response)
    seen = rs.identity(response)
    assert_expires(pg, issued, seen.pop("expires"))
    assert seen == {"remote_user": issued.remote_user, "auth_type": "oauth2",
                    "client_id": issued.client_id, "user": issued.user or "",
                    "scope": SCOPE}


def test_a_proxied_application_receives_user_client_and_scope_headers(
        server, issued):
    path, headers = rs.backend_request(
        rs.get(server, "/app/orders?id=7", token=issued.token))
    assert path == "/orders?id=7"
    assert headers.get("x-oauth2-client-id") == [issued.client_id], headers
    assert headers.get("x-oauth2-scope") == [SCOPE], headers
    assert headers.get("x-oauth2-user", [""]) == [issued.user or ""], \
        headers


def test_a_client_cannot_send_its_own_identity_headers_to_the_application(
        server, issued):
    forged = {"X-OAuth2-User": "admin", "X-OAuth2-Client-Id": "admin-app",
              "X-OAuth2-Scope": "admin"}
    path, headers = rs.backend_request(
        rs.get(server, "/app/", token=issued.token, headers=forged))
    assert headers.get("x-oauth2-client-id") == [issued.client_id], headers
    assert headers.get("x-oauth2-scope") == [SCOPE], headers
    assert headers.get("x-oauth2-user", [""]) == [issued.user or ""], \
        headers


@pytest.mark.parametrize("path", ["/app/", "/t/no-forward/"])
def test_the_token_is_not_forwarded_to_the_application_by_default(
        server, issued, path):
    _, headers = rs.backend_request(rs.get(server, path,
                                           token=issued.token))
    assert "authorization" not in headers, headers
    assert not any(issued.token in v for values in headers.values()
                   for v in values)


def test_the_token_is_forwarded_with_oauth2_forward_authorization_on(
        server, issued):
    _, headers = rs.backend_request(rs.get(server, "/t/forward/",
                                           token=issued.token))
    assert headers.get("authorization") == ["Bearer " + issued.token], \
        headers


# --- the example's scopes ----------------------------------------------------

@pytest.mark.parametrize("path", ["/cgi-bin/env", "/app/"])
def test_the_example_locations_ask_for_a_token(server, cgi, path):
    rs.assert_no_token_challenge(rs.get(server, path), rs.EXAMPLE_REALM)


@pytest.mark.parametrize("path,held,needed", [
    ("/cgi-bin/env", "read", "write"),
    ("/app/", "write", "read"),
    ("/api/hello.json", "write", "read"),
])
def test_the_example_locations_refuse_a_token_without_their_scope(
        server, cgi, password_client, path, held, needed):
    token = rs.user_token(server, password_client, held)
    response = rs.get(server, path, token=token)
    rs.assert_error_challenge(response, 403, "insufficient_scope",
                              rs.EXAMPLE_REALM, scope=needed)
