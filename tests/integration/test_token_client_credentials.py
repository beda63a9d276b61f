"""grant_type=client_credentials (RFC 6749 §4.4) and the scope rules every
grant shares (§3.3): a token on the client's own behalf, within the
client's registered scopes, stored only as its hash."""

import pytest

from token_support import (assert_error, assert_stored, assert_tokens,
                           family_rows, register_client, token_request)


@pytest.fixture(scope="module")
def client(admin):
    return register_client(admin, "--grant", "client_credentials",
                           "--scope", "read", "--scope", "write",
                           "--scope", "admin:all")


def cc(scope=None):
    return {"grant_type": "client_credentials", "scope": scope}


def test_client_credentials_issue_an_access_token_without_user_or_refresh(
        httpd, pg, client):
    body = assert_tokens(token_request(httpd, client, cc()),
                         "read write admin:all", refresh=False)
    assert body["expires_in"] == 3600
    rows = assert_stored(pg, body, client, None, "read write admin:all",
                         "client_credentials")
    family = family_rows(pg, rows["access"]["family_id"])
    assert [r["kind"] for r in family] == ["access"], family
    assert rows["access"]["parent_hash"] is None


def test_each_request_gets_a_new_token_in_a_new_family(httpd, pg, client):
    a = assert_tokens(token_request(httpd, client, cc()),
                      "read write admin:all", refresh=False)
    b = assert_tokens(token_request(httpd, client, cc()),
                      "read write admin:all", refresh=False)
    assert a["access_token"] != b["access_token"]
    ra = assert_stored(pg, a, client, None, "read write admin:all",
                       "client_credentials")
    rb = assert_stored(pg, b, client, None, "read write admin:all",
                       "client_credentials")
    assert ra["access"]["family_id"] != rb["access"]["family_id"]


@pytest.mark.parametrize("requested,granted", [
    ("read", "read"),
    ("write read", "write read"),
    ("admin:all", "admin:all"),
    ("read write admin:all", "read write admin:all"),
    ("read read", "read"),
    ("write read write read", "write read"),
])
def test_a_requested_scope_within_the_registered_ones_is_granted(
        httpd, pg, client, requested, granted):
    body = assert_tokens(token_request(httpd, client, cc(requested),
                                       auth="post"), granted, refresh=False)
    assert_stored(pg, body, client, None, granted, "client_credentials")


@pytest.mark.parametrize("requested", [
    "delete", "read delete", "READ", "admin", "admin:al", "read write x",
])
def test_a_scope_outside_the_registered_ones_is_invalid_scope(
        httpd, client, requested):
    response = token_request(httpd, client, cc(requested))
    assert_error(response, 400, "invalid_scope")


@pytest.mark.parametrize("requested", [
    'read"', "re\\ad", "read  write", " read", "read ", "read\twrite",
    "read\nwrite", "r\u00e9ad",
])
def test_a_malformed_scope_is_refused(httpd, client, requested):
    response = token_request(httpd, client, cc(requested))
    body = response.json()
    assert response.status_code == 400, response.text
    assert body["error"] in ("invalid_scope", "invalid_request"), body


def test_an_empty_scope_parameter_means_the_registered_scopes(httpd, client):
    response = token_request(httpd, client, {"grant_type":
                                             "client_credentials",
                                             "scope": ""})
    assert_tokens(response, "read write admin:all", refresh=False)


def test_a_client_without_registered_scopes_gets_an_empty_scope(
        httpd, pg, admin):
    c = register_client(admin, "--grant", "client_credentials")
    body = assert_tokens(token_request(httpd, c, cc()), "", refresh=False)
    assert_stored(pg, body, c, None, "", "client_credentials")
    assert_error(token_request(httpd, c, cc("read")), 400, "invalid_scope")


def test_client_credentials_give_no_refresh_token_even_if_registered(
        httpd, pg, admin):
    c = register_client(admin, "--grant", "client_credentials", "--grant",
                        "refresh_token", "--scope", "read")
    body = assert_tokens(token_request(httpd, c, cc()), "read",
                         refresh=False)
    rows = assert_stored(pg, body, c, None, "read", "client_credentials")
    assert len(family_rows(pg, rows["access"]["family_id"])) == 1


@pytest.mark.parametrize("grants,grant,params", [
    (["authorization_code", "refresh_token"], "client_credentials", {}),
    (["client_credentials"], "password",
     {"username": "demo", "password": "wrong-but-irrelevant"}),
    (["client_credentials"], "authorization_code",
     {"code": "some-code-value-1234"}),
    (["client_credentials"], "refresh_token",
     {"refresh_token": "some-refresh-value-1234"}),
])
def test_a_client_not_registered_for_the_grant_is_unauthorized_client(
        httpd, admin, grants, grant, params):
    args = []
    for g in grants:
        args += ["--grant", g]
    if "authorization_code" in grants:
        args += ["--redirect-uri", "https://app.example/cb"]
    c = register_client(admin, *args)
    response = token_request(httpd, c, dict(params, grant_type=grant))
    assert_error(response, 400, "unauthorized_client")
