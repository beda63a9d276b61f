"""grant_type=password (RFC 6749 §4.3): the owner's password is checked by
Apache's authn provider (OAuth2PasswordProvider file, AuthUserFile in the
token endpoint's <Location>); access + refresh token bound to the user."""

import pytest

import harness
from token_support import (DEMO_PASSWORD, DEMO_USER, Client, assert_error,
                           assert_stored, assert_tokens, family_rows, psql,
                           register_client, token_request, unique)


@pytest.fixture(scope="module")
def client(admin):
    return register_client(admin, "--grant", "password", "--grant",
                           "refresh_token", "--scope", "read", "--scope",
                           "write")


def password(user=DEMO_USER, pw=DEMO_PASSWORD, scope=None):
    return {"grant_type": "password", "username": user, "password": pw,
            "scope": scope}


@pytest.mark.parametrize("auth", ["basic", "post"])
def test_the_password_grant_issues_access_and_refresh_tokens_for_the_user(
        httpd, pg, client, auth):
    body = assert_tokens(token_request(httpd, client, password(), auth=auth),
                         "read write", refresh=True)
    rows = assert_stored(pg, body, client, DEMO_USER, "read write",
                         "password")
    assert rows["access"]["family_id"] == rows["refresh"]["family_id"]
    assert len(family_rows(pg, rows["access"]["family_id"])) == 2


def test_the_password_grant_narrows_to_the_requested_scope(httpd, pg,
                                                           client):
    body = assert_tokens(token_request(httpd, client, password(scope="read")),
                         "read", refresh=True)
    assert_stored(pg, body, client, DEMO_USER, "read", "password")


def test_the_password_grant_refuses_a_scope_beyond_the_clients(httpd,
                                                               client):
    response = token_request(httpd, client, password(scope="read admin"))
    assert_error(response, 400, "invalid_scope")


def test_a_user_added_to_the_users_file_can_sign_in(httpd, pg, site, client):
    user = unique("owner")
    pw = "pw-" + unique("s3cret")
    site.add_user(user, pw)  # registers pw as a secret
    body = assert_tokens(token_request(httpd, client, password(user, pw)),
                         "read write", refresh=True)
    assert_stored(pg, body, client, user, "read write", "password")


@pytest.mark.parametrize("user,pw", [
    (DEMO_USER, "wrong-password-1234"),
    (DEMO_USER, DEMO_PASSWORD + "x"),
    (DEMO_USER, DEMO_PASSWORD.upper()),
    ("nobody-here", DEMO_PASSWORD),
    ("Demo", DEMO_PASSWORD),
])
def test_wrong_credentials_are_invalid_grant(httpd, pg, client, user, pw):
    harness.remember_secret(pw)
    before = psql(pg, "SELECT count(*) FROM oauth2_token").strip()
    response = token_request(httpd, client, password(user, pw))
    assert_error(response, 400, "invalid_grant")
    assert psql(pg, "SELECT count(*) FROM oauth2_token").strip() == before


@pytest.mark.parametrize("params", [
    {"grant_type": "password", "username": DEMO_USER},
    {"grant_type": "password", "password": DEMO_PASSWORD},
    {"grant_type": "password"},
])
def test_a_missing_username_or_password_is_invalid_request(httpd, client,
                                                           params):
    assert_error(token_request(httpd, client, params), 400,
                 "invalid_request")


def test_a_client_without_the_password_grant_is_unauthorized_client(
        httpd, admin):
    c = register_client(admin, "--grant", "client_credentials")
    response = token_request(httpd, c, password())
    assert_error(response, 400, "unauthorized_client")


def test_a_client_without_the_refresh_grant_gets_no_refresh_token(
        httpd, pg, admin):
    c = register_client(admin, "--grant", "password", "--scope", "read")
    body = assert_tokens(token_request(httpd, c, password()), "read",
                         refresh=False)
    assert_stored(pg, body, c, DEMO_USER, "read", "password")


def test_a_wrong_client_secret_is_checked_before_the_password(httpd,
                                                               client):
    bad = Client(client.id, client.secret[:-4] + "AAAA")
    response = token_request(httpd, bad, password())
    assert_error(response, 401, "invalid_client")
