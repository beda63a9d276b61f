"""POST /oauth2/introspect (RFC 7662): only confidential clients may ask,
and only those registered with --introspect (resource servers, §4) about
other clients' tokens. A live access token is described (active, scope,
client_id, username, token_type, exp, iat, sub, iss); anything else,
unknown, expired, revoked, a rotated refresh token or a token the caller
may not see, is just {"active": false}. A refresh token is described
only to the client that holds it."""

import time

import pytest
import requests

import harness
import resource_support as rs
from token_support import (DEMO_USER, Client, assert_error, assert_tokens,
                           encode, json_body, psql, sha256_hex, sql,
                           token_request)

INTROSPECT = "/oauth2/introspect"
REVOKE = "/oauth2/revoke"
# conf-examples/authorization-server.conf
ACCESS_LIFETIME = 3600
REFRESH_LIFETIME = 1209600


@pytest.fixture(scope="module")
def client(admin):
    """The client the tokens belong to."""
    return rs.password_client(admin)


@pytest.fixture(scope="module")
def resource_server(admin):
    """A confidential client that introspects others' tokens."""
    return rs.client_credentials_client(admin, introspect=True)


@pytest.fixture(scope="module")
def bystander(admin):
    """A confidential client not registered to introspect."""
    return rs.client_credentials_client(admin)


@pytest.fixture(scope="module")
def public(admin):
    return rs.public_client(admin)


def introspect(server, client, token, auth="basic", hint=None):
    params = {"token": token, "token_type_hint": hint}
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if auth == "basic":
        headers["Authorization"] = client.basic()
    elif auth == "post":
        params.update(client_id=client.id, client_secret=client.secret)
    elif auth == "public":
        params["client_id"] = client.id
    elif auth is not None:
        raise ValueError(auth)
    return requests.post(server.url(INTROSPECT), data=encode(params),
                         headers=headers, timeout=30)


def description(response):
    """The JSON answer of a successful introspection (§2.2)."""
    body = json_body(response)
    assert response.status_code == 200, (response.status_code,
                                         response.text)
    assert isinstance(body.get("active"), bool), body
    return body


def assert_inactive(response):
    # §2.2: nothing more is said about a token that is not active.
    assert description(response) == {"active": False}


def assert_times(body, lifetime):
    now = time.time()
    assert isinstance(body["iat"], int) and isinstance(body["exp"], int), \
        body
    assert now - 60 <= body["iat"] <= now + 5, (body["iat"], now)
    assert abs(body["exp"] - body["iat"] - lifetime) <= 2, body


def set_row(pg, token, assignment):
    psql(pg, "UPDATE oauth2_token SET %s WHERE token_hash = %s"
             % (assignment, sql(sha256_hex(token))))


def refresh(server, client, refresh_token):
    return assert_tokens(token_request(server, client, {
        "grant_type": "refresh_token", "refresh_token": refresh_token}),
        "read", refresh=True)


def revoke(server, client, token):
    response = requests.post(server.url(REVOKE),
                             data=encode({"token": token}),
                             headers={"Authorization": client.basic(),
                                      "Content-Type":
                                      "application/x-www-form-urlencoded"},
                             timeout=30)
    assert response.status_code == 200, response.text


# --- active tokens -----------------------------------------------------------

@pytest.mark.parametrize("auth", ["basic", "post"])
def test_a_live_user_access_token_is_described_in_full(
        httpd, client, resource_server, auth):
    token = rs.user_tokens(httpd, client, "read write")["access_token"]
    body = description(introspect(httpd, resource_server, token, auth=auth))
    assert body["active"] is True
    assert body["scope"] == "read write"
    assert body["client_id"] == client.id
    assert body["username"] == DEMO_USER
    assert body["sub"] == DEMO_USER
    assert body["token_type"] == "Bearer"
    assert body["iss"] == httpd.issuer
    assert_times(body, ACCESS_LIFETIME)


def test_a_client_credentials_token_has_the_client_as_subject_and_no_username(
        httpd, resource_server):
    token = rs.client_token(httpd, resource_server, "write")
    body = description(introspect(httpd, resource_server, token))
    assert body["active"] is True
    # As the JWT's sub: never to be taken for an owner's name.
    assert body["sub"] == "client:" + resource_server.id
    assert body["client_id"] == resource_server.id
    assert body["scope"] == "write"
    assert body["token_type"] == "Bearer"
    assert "username" not in body, body
    assert_times(body, ACCESS_LIFETIME)


def test_the_client_that_holds_the_token_may_introspect_it_too(httpd,
                                                                client):
    token = rs.user_token(httpd, client)
    body = description(introspect(httpd, client, token))
    assert body["active"] is True and body["client_id"] == client.id


@pytest.mark.parametrize("hint", ["refresh_token", "access_token",
                                  "something_else"])
def test_the_hint_does_not_stop_the_search(httpd, client, resource_server,
                                           hint):
    # §2.1: a wrong (or unknown) hint only widens the search.
    token = rs.user_token(httpd, client)
    body = description(introspect(httpd, resource_server, token, hint=hint))
    assert body["active"] is True


# --- inactive tokens ---------------------------------------------------------

def unknown_token(server, pg, client):
    return "unknown-token-" + "q" * 40


def expired_access_token(server, pg, client):
    token = rs.user_token(server, client)
    set_row(pg, token, "expires_at = now() - interval '1 second'")
    return token


def revoked_access_token(server, pg, client):
    token = rs.user_token(server, client)
    revoke(server, client, token)
    return token


def access_token_of_a_revoked_family(server, pg, client):
    tokens = rs.user_tokens(server, client)
    revoke(server, client, tokens["refresh_token"])
    return tokens["access_token"]


@pytest.mark.parametrize("make_token", [
    unknown_token, expired_access_token, revoked_access_token,
    access_token_of_a_revoked_family,
], ids=lambda f: f.__name__)
def test_a_token_that_is_not_live_is_just_inactive(httpd, pg, client,
                                                   resource_server,
                                                   make_token, secrets):
    token = secrets(make_token(httpd, pg, client))
    assert_inactive(introspect(httpd, resource_server, token))


def rotated_refresh_token(server, pg, client):
    tokens = rs.user_tokens(server, client)
    refresh(server, client, tokens["refresh_token"])
    return tokens["refresh_token"]


def revoked_refresh_token(server, pg, client):
    tokens = rs.user_tokens(server, client)
    revoke(server, client, tokens["refresh_token"])
    return tokens["refresh_token"]


def expired_refresh_token(server, pg, client):
    tokens = rs.user_tokens(server, client)
    set_row(pg, tokens["refresh_token"],
            "expires_at = now() - interval '1 second'")
    return tokens["refresh_token"]


@pytest.mark.parametrize("make_token", [
    rotated_refresh_token, revoked_refresh_token, expired_refresh_token,
], ids=lambda f: f.__name__)
def test_a_refresh_token_that_is_not_live_is_inactive_even_to_its_client(
        httpd, pg, client, make_token):
    token = make_token(httpd, pg, client)
    assert_inactive(introspect(httpd, client, token))


# --- refresh tokens ----------------------------------------------------------

def test_a_refresh_token_is_described_to_the_client_that_holds_it(httpd,
                                                                   client):
    token = rs.user_tokens(httpd, client)["refresh_token"]
    body = description(introspect(httpd, client, token,
                                  hint="refresh_token"))
    assert body["active"] is True
    assert body["client_id"] == client.id
    assert body["username"] == DEMO_USER
    assert body["sub"] == DEMO_USER
    assert body["scope"] == "read"
    assert body["iss"] == httpd.issuer
    assert_times(body, REFRESH_LIFETIME)


def test_another_client_learns_nothing_of_a_refresh_token(httpd, client,
                                                          resource_server):
    token = rs.user_tokens(httpd, client)["refresh_token"]
    assert_inactive(introspect(httpd, resource_server, token,
                               hint="refresh_token"))
    # Asking did not spoil the token for its holder.
    assert description(introspect(httpd, client, token))["active"] is True


# --- who may ask -------------------------------------------------------------

def test_a_client_not_registered_to_introspect_learns_nothing_of_others(
        httpd, client, bystander, resource_server):
    # RFC 7662 §2.2: a token the caller may not introspect is inactive,
    # like an unknown one, so it cannot even tell that the token exists.
    token = rs.user_token(httpd, client)
    assert_inactive(introspect(httpd, bystander, token))
    # The administrator learns why (the client is told nothing more).
    assert harness.lines_with(
        httpd.error_log_path,
        "client '%s' may not introspect other clients' tokens"
        % bystander.id)
    # The same token is live to a resource server, and to its own client.
    assert description(introspect(httpd, resource_server,
                                  token))["active"] is True
    assert description(introspect(httpd, client, token))["active"] is True


def test_a_client_not_registered_to_introspect_may_ask_about_its_own(
        httpd, bystander):
    token = rs.client_token(httpd, bystander, "read")
    body = description(introspect(httpd, bystander, token))
    assert body["active"] is True and body["client_id"] == bystander.id


def test_the_introspect_flag_takes_effect_with_the_next_request(
        httpd, admin, client):
    rs_client = rs.client_credentials_client(admin)
    token = rs.user_token(httpd, client)
    assert_inactive(introspect(httpd, rs_client, token))
    admin("client", "set", rs_client.id, "--introspect")
    assert description(introspect(httpd, rs_client, token))["active"] is True
    admin("client", "set", rs_client.id, "--no-introspect")
    assert_inactive(introspect(httpd, rs_client, token))


@pytest.mark.parametrize("kind", ["access_token", "refresh_token"])
def test_a_public_client_is_invalid_client_even_for_its_own_token(
        httpd, pg, public, kind):
    token = rs.public_tokens(httpd, pg, public)[kind]
    assert_error(introspect(httpd, public, token, auth="public"), 401,
                 "invalid_client")


@pytest.mark.parametrize("case", ["no credentials", "wrong secret",
                                  "unknown client"])
def test_a_client_that_fails_authentication_is_invalid_client(
        httpd, client, resource_server, case):
    token = rs.user_token(httpd, client)
    if case == "no credentials":
        response = introspect(httpd, resource_server, token, auth=None)
    elif case == "wrong secret":
        response = introspect(httpd, Client(resource_server.id,
                                            "wrong-secret-x"), token)
    else:
        response = introspect(httpd, Client("no-such-client",
                                            resource_server.secret), token)
    body = assert_error(response, 401, "invalid_client")
    assert "active" not in body, body
    if case != "no credentials":
        assert response.headers.get("WWW-Authenticate", "").startswith(
            "Basic "), response.headers


def test_a_request_without_a_token_is_invalid_request(httpd,
                                                      resource_server):
    assert_error(introspect(httpd, resource_server, None), 400,
                 "invalid_request")


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_any_method_but_post_is_405_with_allow_post(httpd, method):
    response = requests.request(method, httpd.url(INTROSPECT), timeout=30)
    assert response.status_code == 405, (response.status_code,
                                         response.text)
    assert response.headers.get("Allow") == "POST", response.headers
