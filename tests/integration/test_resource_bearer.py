"""AuthType oauth2 finds the bearer token (RFC 6750 §2) and validates it:
the Authorization header (scheme case-insensitive, b64token syntax), the
access_token query parameter only where OAuth2BearerTokenIn allows it,
and the challenges of §3 when something is missing or wrong."""

import secrets as pysecrets

import pytest

import resource_support as rs
from token_support import psql, sha256_hex, sql

QUOTED_REALM = 'say "hi" there'

LOCATIONS = (
    rs.location("/t/authname/", 'AuthName "authname-realm"',
                "Require valid-user")
    + rs.location("/t/both-names/", 'AuthName "authname-realm"',
                  'OAuth2Realm "oauth2-realm"', "Require valid-user")
    + rs.location("/t/quoted/", "AuthName '%s'" % QUOTED_REALM,
                  "Require valid-user")
    + rs.location("/t/query/", 'OAuth2Realm "query-realm"',
                  "OAuth2BearerTokenIn header query", "Require valid-user")
    + rs.location("/t/query-only/", 'OAuth2Realm "query-realm"',
                  "OAuth2BearerTokenIn query", "Require valid-user")
)
EXAMPLE = "/api/hello.json"
QUERY = "/t/query/hello.json"
QUERY_ONLY = "/t/query-only/hello.json"


@pytest.fixture(scope="module")
def server(session, pg, site):
    s = rs.start_server(session, LOCATIONS)
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture(scope="module")
def client(admin):
    return rs.password_client(admin)


@pytest.fixture
def token(server, client):
    """A fresh access token of the demo user with scope read."""
    return rs.user_token(server, client, "read")


# --- where the token is looked for -------------------------------------------

@pytest.mark.parametrize("path,realm", [
    (EXAMPLE, rs.EXAMPLE_REALM),
    ("/t/authname/hello.json", "authname-realm"),
    ("/t/both-names/hello.json", "oauth2-realm"),
    ("/t/quoted/hello.json", QUOTED_REALM),
])
def test_a_request_without_a_token_gets_a_bearer_challenge_naming_the_realm(
        server, path, realm):
    rs.assert_no_token_challenge(rs.get(server, path), realm)


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "bEaReR"])
def test_the_bearer_scheme_is_matched_case_insensitively(server, token,
                                                         scheme):
    response = rs.get(server, EXAMPLE,
                      headers={"Authorization": scheme + " " + token})
    rs.assert_served(response)


@pytest.mark.parametrize("authorization", [
    "Basic ZGVtbzpkZW1v", "Token abcdefgh", "Bearerabcdefgh", "Bearer,abc",
])
def test_another_authorization_scheme_counts_as_no_token(server,
                                                         authorization):
    response = rs.get(server, EXAMPLE,
                      headers={"Authorization": authorization})
    rs.assert_no_token_challenge(response, rs.EXAMPLE_REALM)


@pytest.mark.parametrize("credentials", [
    "", "a b", "=abc", "ab=c", "a,b", '"abcdefgh"', "abc;d", "ab\\cd",
    "abc%41", "ab:cd", "abc\u00e9",
])
def test_a_token_without_b64token_syntax_is_invalid_request(server,
                                                             credentials):
    response = rs.get(server, EXAMPLE, headers={
        "Authorization": ("Bearer " + credentials).encode("utf-8")})
    rs.assert_error_challenge(response, 400, "invalid_request",
                              rs.EXAMPLE_REALM)


@pytest.mark.parametrize("credentials", [
    "abcdefgh", "A-Z.a_z~0+9/", "abc=", "abc==", "x" * 2000,
])
def test_b64token_syntax_is_checked_before_the_token_is_looked_up(
        server, credentials):
    # Well-formed but unknown: invalid_token, not invalid_request.
    response = rs.get(server, EXAMPLE, token=credentials)
    rs.assert_error_challenge(response, 401, "invalid_token",
                              rs.EXAMPLE_REALM)


def test_the_query_parameter_is_ignored_where_only_the_header_is_allowed(
        server, token):
    response = rs.get(server, EXAMPLE, params={"access_token": token})
    rs.assert_no_token_challenge(response, rs.EXAMPLE_REALM)


@pytest.mark.parametrize("path", [QUERY, QUERY_ONLY])
def test_the_query_parameter_is_accepted_where_query_is_allowed(
        server, token, path):
    rs.assert_served(rs.get(server, path, params={"access_token": token}))


def test_the_header_still_works_where_header_and_query_are_allowed(
        server, token):
    rs.assert_served(rs.get(server, QUERY, token=token))


def test_the_header_is_ignored_where_only_the_query_is_allowed(server,
                                                               token):
    response = rs.get(server, QUERY_ONLY, token=token)
    rs.assert_no_token_challenge(response, "query-realm")


@pytest.mark.parametrize("query_token", ["same", "other"])
def test_a_token_in_both_header_and_query_is_invalid_request(
        server, token, query_token):
    other = token if query_token == "same" else "x" * 43
    response = rs.get(server, QUERY, token=token,
                      params={"access_token": other})
    rs.assert_error_challenge(response, 400, "invalid_request",
                              "query-realm")


def test_a_token_in_the_query_twice_is_invalid_request(server, token):
    response = rs.get(server, QUERY, params=[("access_token", token),
                                             ("access_token", token)])
    rs.assert_error_challenge(response, 400, "invalid_request",
                              "query-realm")


@pytest.mark.parametrize("value", ["a b", "abc%", "=abc"])
def test_a_malformed_query_token_is_invalid_request(server, value):
    response = rs.get(server, QUERY, params={"access_token": value})
    rs.assert_error_challenge(response, 400, "invalid_request",
                              "query-realm")


def test_the_resources_own_query_parameters_do_not_disturb_the_token(
        server, token):
    params = [("page", "1"), ("page", "2"), ("my_access_token", "x"),
              ("access_token", token), ("q", "caf\u00e9")]
    rs.assert_served(rs.get(server, QUERY, params=params))


# --- which tokens are valid --------------------------------------------------

def set_row(pg, token, assignment):
    psql(pg, "UPDATE oauth2_token SET %s WHERE token_hash = %s"
         % (assignment, sql(sha256_hex(token))))


def unknown_token(server, client, pg):
    return pysecrets.token_urlsafe(32)


def expired_token(server, client, pg):
    token = rs.user_token(server, client)
    set_row(pg, token, "expires_at = now() - interval '1 second'")
    return token


def revoked_token(server, client, pg):
    token = rs.user_token(server, client)
    set_row(pg, token, "revoked_at = now()")
    return token


def refresh_token(server, client, pg):
    return rs.user_tokens(server, client)["refresh_token"]


@pytest.mark.parametrize("make_token", [
    unknown_token, expired_token, revoked_token, refresh_token,
], ids=lambda f: f.__name__)
def test_a_token_that_is_not_a_live_access_token_is_invalid_token(
        server, client, pg, make_token):
    token = make_token(server, client, pg)
    response = rs.get(server, EXAMPLE, token=token)
    params = rs.assert_error_challenge(response, 401, "invalid_token",
                                       rs.EXAMPLE_REALM)
    assert token not in response.headers["WWW-Authenticate"]
    assert "scope" not in params


def test_a_live_access_token_is_served_again_and_again(server, token):
    for _ in range(3):
        rs.assert_served(rs.get(server, EXAMPLE, token=token))
