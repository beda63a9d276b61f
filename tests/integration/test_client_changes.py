"""What an administrator's change to a client does to the tokens it
already holds (issue 12, defects 1 and 2).

Disabling a client revokes its live tokens and unused codes at once;
enabling it again brings none back; and a token of a disabled client is
refused wherever the store is asked (the resource path, introspection,
refresh, code redemption), so that one stored in a race with the
disabling is refused too. The admin tool cannot reach httpd's token
cache: a cached verdict lapses within OAuth2TokenCacheTTL, here 1 s.

A refresh continues the grant that started its family, judged as things
are now: the scope is cut to the client's current scopes and
OAuth2ScopesSupported (and the rotated refresh token keeps only that), a
family whose grant type the server or the client no longer allows is
refused, and no family outlives OAuth2RefreshTokenMaxLifetime."""

import time

import pytest

import harness
import resource_support as rs
from token_support import (DEMO_PASSWORD, DEMO_USER, assert_error,
                           assert_tokens, code_family, family_rows, json_body,
                           plant_code, psql, register_client, sha256_hex,
                           sql, token_request, token_row)

API = "/api/hello.json"  # conf-examples/resource-server.conf: scope read
REDIRECT = "https://app.example/callback"
CACHE_TTL = 1

SHORT_TTL = """
DBDriver pgsql
DBDParams "${OAUTH2_DB_PARAMS}"
OAuth2TokenCache shmcb
OAuth2TokenCacheTTL %d
Include "${OAUTH2_EXAMPLES}/authorization-server.conf"
Include "${OAUTH2_EXAMPLES}/resource-server.conf"
""" % CACHE_TTL + harness.ALL_GRANTS

# A server that allows fewer grants and scopes than the clients were
# registered for, and keeps a grant's refresh tokens for an hour at most.
MAX_LIFETIME = 3600
POLICY = """
OAuth2Issuer "${OAUTH2_ISSUER}"
OAuth2GrantTypes authorization_code client_credentials refresh_token
OAuth2ScopesSupported read
OAuth2RefreshTokenMaxLifetime %d
<Location /oauth2/token>
    Require all granted
    SetHandler oauth2-token
</Location>
""" % MAX_LIFETIME


@pytest.fixture(scope="module")
def server(session, pg, site):
    """conf-examples with a token cache TTL of 1 s (and the password
    grant, which the tests use to get owner tokens quickly)."""
    s = session.new_httpd(SHORT_TTL, examples=(), name="client-changes")
    try:
        yield s.start()
    finally:
        s.stop()


@pytest.fixture(scope="module")
def policy(session, pg, site):
    s = session.new_httpd(POLICY, examples=("database",), name="policy")
    try:
        yield s.start()
    finally:
        s.stop()


@pytest.fixture(scope="module")
def resource_server(admin):
    return rs.client_credentials_client(admin, introspect=True)


def user_client(admin, *grants, scopes=("read", "write")):
    args = ["--redirect-uri", REDIRECT]
    for g in grants or ("password", "authorization_code", "refresh_token"):
        args += ["--grant", g]
    for s in scopes:
        args += ["--scope", s]
    return register_client(admin, *args)


def password_tokens(server, client, scope="read write"):
    return assert_tokens(token_request(server, client, {
        "grant_type": "password", "username": DEMO_USER,
        "password": DEMO_PASSWORD, "scope": scope}), scope, refresh=True)


def code_tokens(server, pg, client, scope="read write"):
    code = plant_code(pg, client, scope=scope, redirect_uri=REDIRECT)
    return assert_tokens(token_request(server, client, {
        "grant_type": "authorization_code", "code": code,
        "redirect_uri": REDIRECT}), scope, refresh=True)


def refresh(server, client, token, scope=None):
    return token_request(server, client, {
        "grant_type": "refresh_token", "refresh_token": token,
        "scope": scope})


def assert_refused(server, token):
    """AuthType oauth2 refuses the token (RFC 6750 §3.1)."""
    response = rs.get(server, API, token)
    assert response.status_code == 401, (response.status_code,
                                         response.text)
    assert rs.challenge(response).get("error") == "invalid_token"


def past_cache_ttl():
    time.sleep(CACHE_TTL + 0.5)


def set_family(pg, token, assignment):
    psql(pg, "UPDATE oauth2_token SET %s WHERE family_id = "
             "(SELECT family_id FROM oauth2_token WHERE token_hash = %s)"
         % (assignment, sql(sha256_hex(token))))


# --- disabling a client (defect 1) ------------------------------------------

def test_disabling_a_client_revokes_its_tokens_for_good(
        server, pg, admin, resource_server):
    client = user_client(admin)
    tokens = password_tokens(server, client)
    own = rs.client_token(server, rs.client_credentials_client(admin),
                          "read")
    rs.assert_served(rs.get(server, API, tokens["access_token"]))
    assert rs.introspect(server, resource_server,
                      tokens["access_token"])["active"] is True

    admin("client", "set", client.id, "--disable")
    for kind in ("access", "refresh"):
        assert token_row(pg, tokens[kind + "_token"])["revoked_at"], kind
    past_cache_ttl()
    assert_refused(server, tokens["access_token"])
    assert rs.introspect(server, resource_server,
                      tokens["access_token"]) == {"active": False}
    assert_error(refresh(server, client, tokens["refresh_token"]), 401,
                 "invalid_client")
    # Other clients' tokens are left alone.
    rs.assert_served(rs.get(server, API, own))

    # Enabling the client again brings none of them back.
    admin("client", "set", client.id, "--enable")
    assert_refused(server, tokens["access_token"])
    assert_error(refresh(server, client, tokens["refresh_token"]), 400,
                 "invalid_grant")
    # The client itself works again, with new tokens.
    fresh = password_tokens(server, client, "read")
    rs.assert_served(rs.get(server, API, fresh["access_token"]))


def test_a_token_stored_in_a_race_with_the_disabling_is_refused(
        server, pg, admin, resource_server):
    # A token request that read the client before the disabling committed
    # may store its tokens after the revocation ran: played here by
    # clearing revoked_at after the disabling.
    client = user_client(admin)
    tokens = password_tokens(server, client)
    admin("client", "set", client.id, "--disable")
    set_family(pg, tokens["access_token"], "revoked_at = NULL")
    past_cache_ttl()
    assert_refused(server, tokens["access_token"])
    assert rs.introspect(server, resource_server,
                      tokens["access_token"]) == {"active": False}
    # Enabling the client revokes them for good.
    admin("client", "set", client.id, "--enable")
    for kind in ("access", "refresh"):
        assert token_row(pg, tokens[kind + "_token"])["revoked_at"], kind
    assert_refused(server, tokens["access_token"])
    assert_error(refresh(server, client, tokens["refresh_token"]), 400,
                 "invalid_grant")


def test_disabling_a_client_voids_its_unused_codes(server, pg, admin):
    client = user_client(admin)
    code = plant_code(pg, client, scope="read", redirect_uri=REDIRECT)
    admin("client", "set", client.id, "--disable")
    admin("client", "set", client.id, "--enable")
    response = token_request(server, client, {
        "grant_type": "authorization_code", "code": code,
        "redirect_uri": REDIRECT})
    assert_error(response, 400, "invalid_grant")
    # Voided, not used: nothing to revoke, nothing logged as a replay.
    assert family_rows(pg, code_family(pg, code)) == []


def test_removing_a_client_removes_its_tokens(server, pg, admin,
                                              resource_server):
    client = user_client(admin)
    tokens = password_tokens(server, client)
    rs.assert_served(rs.get(server, API, tokens["access_token"]))
    admin("client", "rm", client.id)
    assert token_row(pg, tokens["access_token"]) is None
    past_cache_ttl()
    assert_refused(server, tokens["access_token"])
    assert rs.introspect(server, resource_server,
                      tokens["access_token"]) == {"active": False}


# --- a refresh judged on the client as it is now (defect 2) -----------------

def test_a_refresh_is_cut_to_the_clients_current_scopes(server, pg, admin):
    client = user_client(admin)
    first = password_tokens(server, client)
    admin("client", "set", client.id, "--scope", "read")
    second = assert_tokens(refresh(server, client, first["refresh_token"]),
                           "read", refresh=True)
    # The rotated refresh token keeps only what is left of the grant...
    assert token_row(pg, second["refresh_token"])["scope"] == "read"
    assert_error(refresh(server, client, second["refresh_token"], "write"),
                 400, "invalid_scope")
    # ...so widening the client again does not widen the old grant.
    admin("client", "set", client.id, "--scope", "read", "--scope", "write")
    assert_tokens(refresh(server, client, second["refresh_token"]), "read",
                  refresh=True)


def test_a_refresh_of_a_grant_type_the_client_lost_is_invalid_grant(
        server, pg, admin):
    client = user_client(admin)
    first = password_tokens(server, client)
    admin("client", "set", client.id, "--grant", "authorization_code",
          "--grant", "refresh_token")
    response = refresh(server, client, first["refresh_token"])
    assert_error(response, 400, "invalid_grant")
    assert "password" in json_body(response)["error_description"]
    # Refused, not consumed: given the grant back, the client goes on.
    assert token_row(pg, first["refresh_token"])["used_at"] is None
    admin("client", "set", client.id, "--grant", "password", "--grant",
          "refresh_token")
    second = assert_tokens(refresh(server, client, first["refresh_token"]),
                           "read write", refresh=True)
    # The grant type travels with the family through every rotation.
    admin("client", "set", client.id, "--grant", "refresh_token")
    assert_error(refresh(server, client, second["refresh_token"]), 400,
                 "invalid_grant")


def test_a_refresh_of_a_grant_type_the_server_disallows_is_invalid_grant(
        server, policy, pg, admin):
    client = user_client(admin)
    first = password_tokens(server, client)
    response = refresh(policy, client, first["refresh_token"])
    assert_error(response, 400, "invalid_grant")
    assert token_row(pg, first["refresh_token"])["used_at"] is None


def test_a_refresh_is_cut_to_the_scopes_the_server_supports(
        server, policy, pg, admin):
    client = user_client(admin)
    first = code_tokens(server, pg, client)
    second = assert_tokens(refresh(policy, client, first["refresh_token"]),
                           "read", refresh=True)
    assert token_row(pg, second["refresh_token"])["scope"] == "read"


def test_no_refresh_token_outlives_the_grants_maximum_lifetime(
        server, policy, pg, admin):
    client = user_client(admin)
    first = code_tokens(server, pg, client, "read")
    # Rotation restarts the refresh token's own lifetime, but not past
    # the family's maximum.
    second = assert_tokens(refresh(policy, client, first["refresh_token"]),
                           "read", refresh=True)
    rows = {r["token_hash"]: r for r in family_rows(
        pg, token_row(pg, second["refresh_token"])["family_id"])}
    lifetime = rows[sha256_hex(second["refresh_token"])]["lifetime"]
    assert MAX_LIFETIME - 60 <= lifetime <= MAX_LIFETIME, lifetime
    # A family older than the maximum is refused, not rotated.
    set_family(pg, second["refresh_token"],
               "family_created_at = now() - interval '%d seconds'"
               % (MAX_LIFETIME + 1))
    response = refresh(policy, client, second["refresh_token"])
    assert_error(response, 400, "invalid_grant")
    assert "maximum lifetime" in json_body(response)["error_description"]
    assert token_row(pg, second["refresh_token"])["used_at"] is None


def test_a_refresh_token_stored_before_schema_version_2_still_works(
        server, pg, admin):
    # Rows of version 1 have no family_grant_type or family_created_at:
    # the refresh token's own grant_type and created_at stand in.
    client = user_client(admin)
    first = password_tokens(server, client)
    set_family(pg, first["refresh_token"],
               "family_grant_type = NULL, family_created_at = NULL")
    second = assert_tokens(refresh(server, client, first["refresh_token"]),
                           "read write", refresh=True)
    row = token_row(pg, second["refresh_token"])
    assert row["family_grant_type"] == "password"
    assert row["family_created_at"] == token_row(
        pg, first["refresh_token"])["created_at"]
