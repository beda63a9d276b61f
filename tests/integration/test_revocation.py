"""POST /oauth2/revoke (RFC 7009): the client authenticates as at the
token endpoint, names the token (with an optional hint), and the answer
is 200 whether or not the token was known or the client's. A revoked
access token is refused at once by AuthType oauth2 on the same host, even
straight after it was cached; a revoked refresh token takes its whole
family with it, access tokens included."""

import pytest
import requests

import resource_support as rs
from token_support import (Client, assert_error, assert_tokens, encode,
                           family_rows, json_body, token_request, token_row)

REVOKE = "/oauth2/revoke"
API = "/api/hello.json"


@pytest.fixture(scope="module")
def client(admin):
    return rs.password_client(admin)


@pytest.fixture(scope="module")
def other(admin):
    return rs.password_client(admin)


@pytest.fixture(scope="module")
def machine(admin):
    return rs.client_credentials_client(admin)


@pytest.fixture(scope="module")
def public(admin):
    return rs.public_client(admin)


def revoke(server, client, token, hint=None, auth="basic", extra=None):
    """A revocation request authenticated as auth says (see
    token_support.token_request); token None leaves it out."""
    params = {"token": token, "token_type_hint": hint}
    params.update(extra or {})
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if auth == "basic":
        headers["Authorization"] = client.basic()
    elif auth == "post":
        params.update(client_id=client.id, client_secret=client.secret)
    elif auth == "public":
        params["client_id"] = client.id
    elif auth is not None:
        raise ValueError(auth)
    return requests.post(server.url(REVOKE), data=encode(params),
                         headers=headers, timeout=30)


def assert_revoke_ok(response):
    """RFC 7009 §2.2: 200, nothing to read."""
    assert response.status_code == 200, (response.status_code,
                                         response.text)
    assert response.content == b"", response.text
    assert response.headers.get("Cache-Control") == "no-store", \
        response.headers


def assert_refused(server, token):
    rs.assert_error_challenge(rs.get(server, API, token=token), 401,
                              "invalid_token", rs.EXAMPLE_REALM)


def family_of(pg, token):
    row = token_row(pg, token)
    assert row is not None, "no row for the token"
    return row["family_id"]


def revoked(pg, token):
    row = token_row(pg, token)
    assert row is not None, "no row for the token"
    return row["revoked_at"] is not None


# --- revoking access tokens --------------------------------------------------

@pytest.mark.parametrize("auth", ["basic", "post"])
def test_revoking_an_access_token_answers_200_and_marks_only_its_row(
        httpd, pg, client, auth):
    tokens = rs.user_tokens(httpd, client)
    assert_revoke_ok(revoke(httpd, client, tokens["access_token"],
                            auth=auth))
    assert revoked(pg, tokens["access_token"])
    assert not revoked(pg, tokens["refresh_token"])


def test_a_revoked_access_token_is_refused_at_once_though_it_was_cached(
        httpd, client):
    token = rs.user_token(httpd, client)
    # Served twice: the second answer comes from the token cache
    # (OAuth2TokenCacheTTL 30), which revocation must clear.
    rs.assert_served(rs.get(httpd, API, token=token))
    rs.assert_served(rs.get(httpd, API, token=token))
    assert_revoke_ok(revoke(httpd, client, token))
    assert_refused(httpd, token)


def test_a_revoked_client_credentials_token_is_refused_at_once(httpd, pg,
                                                               machine):
    token = rs.client_token(httpd, machine)
    rs.assert_served(rs.get(httpd, API, token=token))
    assert_revoke_ok(revoke(httpd, machine, token, hint="access_token"))
    assert revoked(pg, token)
    assert_refused(httpd, token)


# --- revoking refresh tokens -------------------------------------------------

def refreshed(server, client, refresh_token):
    response = token_request(server, client, {
        "grant_type": "refresh_token", "refresh_token": refresh_token})
    return assert_tokens(response, "read", refresh=True)


@pytest.mark.parametrize("which", ["current", "rotated"])
def test_revoking_a_refresh_token_revokes_its_whole_family(
        httpd, pg, client, which):
    first = rs.user_tokens(httpd, client)
    second = refreshed(httpd, client, first["refresh_token"])
    family = family_of(pg, first["access_token"])
    for access in (first["access_token"], second["access_token"]):
        rs.assert_served(rs.get(httpd, API, token=access))  # now cached
    rows = family_rows(pg, family)
    assert len(rows) == 4 and all(r["revoked_at"] is None for r in rows)

    target = second if which == "current" else first
    assert_revoke_ok(revoke(httpd, client, target["refresh_token"],
                            hint="refresh_token"))

    rows = family_rows(pg, family)
    assert len(rows) == 4
    assert all(r["revoked_at"] is not None for r in rows), \
        [(r["kind"], r["revoked_at"]) for r in rows]
    for access in (first["access_token"], second["access_token"]):
        assert_refused(httpd, access)
    assert_error(token_request(httpd, client, {
        "grant_type": "refresh_token",
        "refresh_token": second["refresh_token"]}), 400, "invalid_grant")


def test_revoking_a_refresh_token_leaves_other_families_alone(httpd, pg,
                                                              client):
    mine = rs.user_tokens(httpd, client)
    bystander = rs.user_tokens(httpd, client)
    assert_revoke_ok(revoke(httpd, client, mine["refresh_token"]))
    assert revoked(pg, mine["access_token"])
    assert all(r["revoked_at"] is None
               for r in family_rows(pg, family_of(pg,
                                                  bystander["access_token"])))
    rs.assert_served(rs.get(httpd, API, token=bystander["access_token"]))


def test_a_public_client_revokes_its_refresh_token_with_its_client_id(
        httpd, pg, public):
    tokens = rs.public_tokens(httpd, pg, public)
    rs.assert_served(rs.get(httpd, API, token=tokens["access_token"]))
    assert_revoke_ok(revoke(httpd, public, tokens["refresh_token"],
                            auth="public"))
    assert all(r["revoked_at"] is not None
               for r in family_rows(pg, family_of(pg,
                                                  tokens["access_token"])))
    assert_refused(httpd, tokens["access_token"])


# --- the hint ----------------------------------------------------------------

@pytest.mark.parametrize("hint", ["access_token", "refresh_token"])
@pytest.mark.parametrize("kind", ["access_token", "refresh_token"])
def test_either_hint_is_accepted_for_either_kind_of_token(httpd, pg, client,
                                                          hint, kind):
    # §2.1: a wrong hint only makes the server search further.
    tokens = rs.user_tokens(httpd, client)
    assert_revoke_ok(revoke(httpd, client, tokens[kind], hint=hint))
    assert revoked(pg, tokens[kind])


def test_an_empty_hint_counts_as_no_hint(httpd, pg, client):
    # RFC 6749 §3.1: a parameter without a value is treated as omitted.
    token = rs.user_token(httpd, client)
    assert_revoke_ok(revoke(httpd, client, token, hint=""))
    assert revoked(pg, token)


@pytest.mark.parametrize("hint", ["id_token", "Access_Token", "refresh",
                                  "access_token refresh_token"])
def test_an_unknown_hint_is_unsupported_token_type_and_revokes_nothing(
        httpd, pg, client, hint):
    tokens = rs.user_tokens(httpd, client)
    response = revoke(httpd, client, tokens["access_token"], hint=hint)
    assert_error(response, 400, "unsupported_token_type")
    assert not revoked(pg, tokens["access_token"])
    rs.assert_served(rs.get(httpd, API, token=tokens["access_token"]))


# --- what is not revoked -----------------------------------------------------

def test_a_request_without_a_token_is_invalid_request(httpd, client):
    assert_error(revoke(httpd, client, None), 400, "invalid_request")


@pytest.mark.parametrize("kind", ["access_token", "refresh_token"])
def test_another_clients_token_is_not_revoked_yet_the_answer_is_200(
        httpd, pg, client, other, kind):
    tokens = rs.user_tokens(httpd, client)
    assert_revoke_ok(revoke(httpd, other, tokens[kind], hint=kind))
    rows = family_rows(pg, family_of(pg, tokens["access_token"]))
    assert rows and all(r["revoked_at"] is None for r in rows), rows
    rs.assert_served(rs.get(httpd, API, token=tokens["access_token"]))


def test_an_unknown_token_is_answered_200(httpd, pg, client, secrets):
    unknown = secrets("unknown-" + "x" * 40)
    assert_revoke_ok(revoke(httpd, client, unknown))
    assert token_row(pg, unknown) is None


def test_revoking_a_token_twice_is_answered_200_both_times(httpd, pg,
                                                           client):
    token = rs.user_token(httpd, client)
    assert_revoke_ok(revoke(httpd, client, token))
    first = token_row(pg, token)["revoked_at"]
    assert_revoke_ok(revoke(httpd, client, token))
    assert token_row(pg, token)["revoked_at"] == first


# --- client authentication ---------------------------------------------------

@pytest.mark.parametrize("case", [
    "no credentials", "wrong secret (basic)", "wrong secret (post)",
    "unknown client", "client_id alone of a confidential client",
])
def test_a_client_failing_authentication_is_refused_and_revokes_nothing(
        httpd, pg, client, case):
    token = rs.user_token(httpd, client)
    if case == "no credentials":
        response = revoke(httpd, client, token, auth=None)
    elif case == "wrong secret (basic)":
        response = revoke(httpd, Client(client.id, "wrong-secret-x"),
                          token)
    elif case == "wrong secret (post)":
        response = revoke(httpd, Client(client.id, "wrong-secret-x"),
                          token, auth="post")
    elif case == "unknown client":
        response = revoke(httpd, Client("no-such-client", client.secret),
                          token)
    else:
        response = revoke(httpd, client, token, auth="public")
    assert_error(response, 401, "invalid_client")
    if "basic" in case or case == "unknown client":
        assert response.headers.get("WWW-Authenticate", "").startswith(
            "Basic "), response.headers
    assert not revoked(pg, token)
    rs.assert_served(rs.get(httpd, API, token=token))


def test_basic_credentials_and_a_client_secret_together_are_invalid_request(
        httpd, pg, client):
    token = rs.user_token(httpd, client)
    response = revoke(httpd, client, token,
                      extra={"client_secret": client.secret})
    assert_error(response, 400, "invalid_request")
    assert not revoked(pg, token)


def test_a_disabled_client_cannot_revoke(httpd, pg, admin):
    client = rs.password_client(admin)
    token = rs.user_token(httpd, client)
    admin("client", "set", client.id, "--disable")
    # Disabling the client revoked its tokens already; its own request to
    # revoke is refused all the same.
    assert revoked(pg, token)
    assert_error(revoke(httpd, client, token), 401, "invalid_client")


# --- the method --------------------------------------------------------------

@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_any_method_but_post_is_405_with_allow_post(httpd, method):
    response = requests.request(method, httpd.url(REVOKE), timeout=30)
    assert response.status_code == 405, (response.status_code,
                                         response.text)
    assert response.headers.get("Allow") == "POST", response.headers
    assert json_body(response)["error"] == "invalid_request"
