"""The server's own settings at the token endpoint: OAuth2GrantTypes
switches grants off for every client, OAuth2PKCE required applies to
confidential clients too, lifetimes come from the configuration, and
OAuth2RefreshTokenLifetime 0 means no refresh tokens. The restricted
server runs inside a <VirtualHost>, so its statements must be prepared
there as well."""

import pytest

from token_support import (DEMO_PASSWORD, DEMO_USER, assert_error,
                           assert_stored, assert_tokens, pkce_pair,
                           plant_code, register_client, token_request)

REDIRECT = "https://app.example/callback"

TOKEN_LOCATION = """
    <Location /oauth2/token>
        AuthUserFile "${OAUTH2_USERS_FILE}"
        Require all granted
        SetHandler oauth2-token
    </Location>
"""

RESTRICTED = """
<VirtualHost 127.0.0.1:${OAUTH2_PORT}>
    ServerName restricted.example.test
    OAuth2Issuer "${OAUTH2_ISSUER}"
    OAuth2GrantTypes authorization_code client_credentials
    OAuth2PKCE required
    OAuth2AccessTokenLifetime 120
    OAuth2PasswordProvider file
%s
</VirtualHost>
""" % TOKEN_LOCATION

NO_REFRESH = """
OAuth2Issuer "${OAUTH2_ISSUER}"
OAuth2GrantTypes authorization_code password client_credentials refresh_token
OAuth2RefreshTokenLifetime 0
OAuth2PasswordProvider file
%s
""" % TOKEN_LOCATION

ALL_GRANTS = ["authorization_code", "client_credentials", "password",
              "refresh_token"]


def start(session, conf):
    server = session.new_httpd(conf, examples=("database",),
                               name="token-conf")
    server.start()
    return server


@pytest.fixture(scope="module")
def restricted(session, pg, site):
    server = start(session, RESTRICTED)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def no_refresh(session, pg, site):
    server = start(session, NO_REFRESH)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def client(admin):
    args = ["--redirect-uri", REDIRECT, "--scope", "read"]
    for g in ALL_GRANTS:
        args += ["--grant", g]
    return register_client(admin, *args)


@pytest.mark.parametrize("grant,params", [
    ("password", {"username": DEMO_USER, "password": DEMO_PASSWORD}),
    ("refresh_token", {"refresh_token": "whatever-refresh-token-123"}),
])
def test_a_grant_the_server_switched_off_is_unauthorized_client(
        restricted, client, grant, params):
    response = token_request(restricted, client,
                             dict(params, grant_type=grant))
    assert_error(response, 400, "unauthorized_client")


DEFAULTS = """
OAuth2Issuer "${OAUTH2_ISSUER}"
OAuth2PasswordProvider file
%s
""" % TOKEN_LOCATION


def test_by_default_the_password_grant_is_off_and_the_others_on(
        session, pg, site, client):
    # RFC 9700 §2.4: password only where OAuth2GrantTypes names it, even
    # with a provider and a client registered for it.
    server = start(session, DEFAULTS)
    try:
        response = token_request(server, client, {
            "grant_type": "password", "username": DEMO_USER,
            "password": DEMO_PASSWORD})
        body = assert_error(response, 400, "unauthorized_client")
        assert "password" in body["error_description"]
        assert_tokens(token_request(server, client,
                                    {"grant_type": "client_credentials"}),
                      "read", refresh=False)
    finally:
        server.stop()


def test_the_same_grant_works_on_a_server_that_allows_it(httpd, client):
    response = token_request(httpd, client, {
        "grant_type": "password", "username": DEMO_USER,
        "password": DEMO_PASSWORD})
    assert_tokens(response, "read", refresh=True)


def test_an_allowed_grant_gets_the_configured_access_token_lifetime(
        restricted, pg, client):
    body = assert_tokens(token_request(restricted, client,
                                       {"grant_type": "client_credentials"}),
                         "read", refresh=False)
    assert body["expires_in"] == 120
    assert_stored(pg, body, client, None, "read", "client_credentials",
                  lifetimes=(120, None))


def test_no_refresh_token_when_the_server_switched_the_refresh_grant_off(
        restricted, pg, client):
    verifier, challenge = pkce_pair()
    code = plant_code(pg, client, redirect_uri=REDIRECT,
                      challenge=challenge, method="S256")
    response = token_request(restricted, client, {
        "grant_type": "authorization_code", "code": code,
        "redirect_uri": REDIRECT, "code_verifier": verifier})
    body = assert_tokens(response, "read", refresh=False)
    assert_stored(pg, body, client, DEMO_USER, "read", "authorization_code",
                  lifetimes=(120, None))


def test_pkce_required_applies_to_confidential_clients(restricted, pg,
                                                       client):
    code = plant_code(pg, client, redirect_uri=REDIRECT)
    response = token_request(restricted, client, {
        "grant_type": "authorization_code", "code": code,
        "redirect_uri": REDIRECT})
    assert_error(response, 400, "invalid_grant")


def test_refresh_token_lifetime_zero_means_no_refresh_token(no_refresh, pg,
                                                            client):
    response = token_request(no_refresh, client, {
        "grant_type": "password", "username": DEMO_USER,
        "password": DEMO_PASSWORD})
    body = assert_tokens(response, "read", refresh=False)
    assert_stored(pg, body, client, DEMO_USER, "read", "password")


def test_restricted_servers_log_no_module_errors(restricted, no_refresh):
    assert restricted.module_errors() == []
    assert no_refresh.module_errors() == []
