"""grant_type=refresh_token (RFC 6749 §6, RFC 9700 §4.14): every use
rotates the refresh token within its family, scope may narrow but never
widen, and a rotated token presented again revokes the whole family."""

import pytest

from token_support import (DEMO_PASSWORD, DEMO_USER, assert_error,
                           assert_tokens, encode, family_rows, parallel,
                           pkce_pair, plant_code, post_raw, psql,
                           register_client, sha256_hex, sql, token_request,
                           token_row)


@pytest.fixture(scope="module")
def client(admin):
    return register_client(admin, "--grant", "password", "--grant",
                           "refresh_token", "--scope", "read", "--scope",
                           "write")


@pytest.fixture(scope="module")
def other(admin):
    return register_client(admin, "--grant", "password", "--grant",
                           "refresh_token", "--scope", "read", "--scope",
                           "write")


def first_tokens(server, client, scope="read write"):
    response = token_request(server, client, {
        "grant_type": "password", "username": DEMO_USER,
        "password": DEMO_PASSWORD, "scope": scope})
    return assert_tokens(response, scope, refresh=True)


def refresh(server, client, token, scope=None, auth="basic"):
    return token_request(server, client, {
        "grant_type": "refresh_token", "refresh_token": token,
        "scope": scope}, auth=auth)


def assert_family_revoked(pg, family):
    rows = family_rows(pg, family)
    assert rows, "the family has no tokens"
    assert all(r["revoked_at"] is not None for r in rows), \
        [(r["kind"], r["revoked_at"]) for r in rows]


@pytest.mark.parametrize("auth", ["basic", "post"])
def test_a_refresh_rotates_the_refresh_token_within_its_family(
        httpd, pg, client, auth):
    first = first_tokens(httpd, client)
    old = token_row(pg, first["refresh_token"])
    second = assert_tokens(refresh(httpd, client, first["refresh_token"],
                                   auth=auth), "read write", refresh=True)
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]

    used = token_row(pg, first["refresh_token"])
    assert used["used_at"] is not None and used["revoked_at"] is None
    rows = {k: token_row(pg, second["%s_token" % k])
            for k in ("access", "refresh")}
    for kind, row in rows.items():
        assert row is not None, kind
        assert row["token_hash"] == sha256_hex(second["%s_token" % kind])
        assert row["kind"] == kind
        assert row["family_id"] == old["family_id"]
        assert row["parent_hash"] == old["token_hash"]
        assert row["client_id"] == client.id
        assert row["user_id"] == DEMO_USER
        assert row["scope"] == "read write"
        assert row["grant_type"] == "refresh_token"
        assert row["used_at"] is None and row["revoked_at"] is None
    dump = psql(pg, "SELECT t::text FROM oauth2_token t")
    for token in list(first.values()) + list(second.values()):
        if isinstance(token, str) and len(token) >= 43:
            assert token not in dump


def test_a_chain_of_refreshes_stays_in_one_family(httpd, pg, client):
    body = first_tokens(httpd, client)
    family = token_row(pg, body["refresh_token"])["family_id"]
    parent = sha256_hex(body["refresh_token"])
    for _ in range(3):
        body = assert_tokens(refresh(httpd, client, body["refresh_token"]),
                             "read write", refresh=True)
        row = token_row(pg, body["refresh_token"])
        assert (row["family_id"], row["parent_hash"]) == (family, parent)
        parent = row["token_hash"]
    rows = family_rows(pg, family)
    assert len(rows) == 8, rows
    assert sum(r["used_at"] is not None for r in rows) == 3


@pytest.mark.parametrize("requested,granted", [
    ("read", "read"),
    ("write", "write"),
    ("write read", "write read"),
    ("read read", "read"),
])
def test_a_refresh_may_narrow_the_scope(httpd, pg, client, requested,
                                        granted):
    first = first_tokens(httpd, client)
    body = assert_tokens(refresh(httpd, client, first["refresh_token"],
                                 requested), granted, refresh=True)
    assert token_row(pg, body["access_token"])["scope"] == granted


def test_a_narrowed_refresh_keeps_the_refresh_tokens_original_scope(
        httpd, pg, client):
    # RFC 6749 §6: the new refresh token has the scope of the old one, so
    # a later refresh may ask for the wider scope again.
    first = first_tokens(httpd, client)
    narrowed = assert_tokens(refresh(httpd, client, first["refresh_token"],
                                     "read"), "read", refresh=True)
    assert token_row(pg, narrowed["refresh_token"])["scope"] == "read write"
    wide = assert_tokens(refresh(httpd, client, narrowed["refresh_token"],
                                 "read write"), "read write", refresh=True)
    assert token_row(pg, wide["access_token"])["scope"] == "read write"


@pytest.mark.parametrize("start,requested", [
    ("read", "read write"),
    ("read", "write"),
    ("read write", "read write admin"),
])
def test_a_refresh_may_not_widen_the_scope(httpd, pg, client, start,
                                           requested):
    first = first_tokens(httpd, client, scope=start)
    response = refresh(httpd, client, first["refresh_token"], requested)
    assert_error(response, 400, "invalid_scope")
    # Refused before rotation: the token still works.
    assert token_row(pg, first["refresh_token"])["used_at"] is None
    assert_tokens(refresh(httpd, client, first["refresh_token"]), start,
                  refresh=True)


def test_the_refresh_token_of_another_client_is_invalid_grant(httpd, pg,
                                                              client, other):
    first = first_tokens(httpd, other)
    response = refresh(httpd, client, first["refresh_token"])
    assert_error(response, 400, "invalid_grant")
    row = token_row(pg, first["refresh_token"])
    assert row["used_at"] is None and row["revoked_at"] is None
    assert_tokens(refresh(httpd, other, first["refresh_token"]),
                  "read write", refresh=True)


def test_an_access_token_is_not_a_refresh_token(httpd, client):
    first = first_tokens(httpd, client)
    response = refresh(httpd, client, first["access_token"])
    assert_error(response, 400, "invalid_grant")


def test_an_unknown_refresh_token_is_invalid_grant(httpd, client):
    response = refresh(httpd, client, "not-a-refresh-token-" + "y" * 30)
    assert_error(response, 400, "invalid_grant")


def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(
        httpd, pg, client):
    first = first_tokens(httpd, client)
    second = assert_tokens(refresh(httpd, client, first["refresh_token"]),
                           "read write", refresh=True)
    family = token_row(pg, second["refresh_token"])["family_id"]
    assert all(r["revoked_at"] is None for r in family_rows(pg, family)
               if r["used_at"] is None)

    response = refresh(httpd, client, first["refresh_token"])
    assert_error(response, 400, "invalid_grant")
    assert_family_revoked(pg, family)
    # The attacker's or the victim's current token is dead too.
    assert_error(refresh(httpd, client, second["refresh_token"]), 400,
                 "invalid_grant")


def test_a_reuse_revokes_only_its_own_family(httpd, pg, client):
    a = first_tokens(httpd, client)
    b = first_tokens(httpd, client)
    assert_tokens(refresh(httpd, client, a["refresh_token"]), "read write",
                  refresh=True)
    assert_error(refresh(httpd, client, a["refresh_token"]), 400,
                 "invalid_grant")
    family_b = token_row(pg, b["refresh_token"])["family_id"]
    assert all(r["revoked_at"] is None for r in family_rows(pg, family_b))
    assert_tokens(refresh(httpd, client, b["refresh_token"]), "read write",
                  refresh=True)


@pytest.mark.parametrize("column", ["expires_at", "revoked_at"])
def test_an_expired_or_revoked_refresh_token_is_invalid_grant(
        httpd, pg, client, column):
    first = first_tokens(httpd, client)
    psql(pg, "UPDATE oauth2_token SET %s = now() - interval '1 second' "
             "WHERE token_hash = %s"
         % (column, sql(sha256_hex(first["refresh_token"]))))
    response = refresh(httpd, client, first["refresh_token"])
    assert_error(response, 400, "invalid_grant")
    assert token_row(pg, first["refresh_token"])["used_at"] is None


def test_a_refresh_for_a_client_no_longer_registered_for_it_is_refused(
        httpd, admin, pg):
    c = register_client(admin, "--grant", "password", "--grant",
                        "refresh_token", "--scope", "read")
    first = first_tokens(httpd, c, scope="read")
    admin("client", "set", c.id, "--grant", "password")
    response = refresh(httpd, c, first["refresh_token"])
    assert_error(response, 400, "unauthorized_client")


def test_a_disabled_client_cannot_refresh(httpd, admin, pg):
    c = register_client(admin, "--grant", "password", "--grant",
                        "refresh_token", "--scope", "read")
    first = first_tokens(httpd, c, scope="read")
    admin("client", "set", c.id, "--disable")
    response = refresh(httpd, c, first["refresh_token"])
    assert_error(response, 401, "invalid_client")


def test_parallel_refreshes_of_one_token_rotate_it_once_and_revoke_all(
        httpd, pg, client):
    first = first_tokens(httpd, client)
    family = token_row(pg, first["refresh_token"])["family_id"]
    results = parallel(20, lambda: refresh(httpd, client,
                                           first["refresh_token"]))
    winners = [r for r in results if r.status_code == 200]
    assert len(winners) == 1, [(r.status_code, r.text) for r in results]
    assert_tokens(winners[0], "read write", refresh=True)
    for r in results:
        if r.status_code != 200:
            assert_error(r, 400, "invalid_grant")
    # The one rotation committed (one statement) before any loser saw the
    # token used, so the losers' reuse detection revoked the new tokens too.
    rows = family_rows(pg, family)
    assert len(rows) == 4, rows
    assert_family_revoked(pg, family)


def test_a_public_client_refreshes_with_its_client_id_alone(httpd, pg,
                                                            admin):
    public = register_client(admin, "--grant", "authorization_code",
                             "--grant", "refresh_token", "--redirect-uri",
                             "https://app.example/cb", "--scope", "read",
                             public=True)
    verifier, challenge = pkce_pair()
    code = plant_code(pg, public, challenge=challenge, method="S256")
    first = assert_tokens(post_raw(httpd, encode({
        "grant_type": "authorization_code", "code": code,
        "code_verifier": verifier, "client_id": public.id})), "read",
        refresh=True)
    response = post_raw(httpd, encode({
        "grant_type": "refresh_token", "client_id": public.id,
        "refresh_token": first["refresh_token"]}))
    second = assert_tokens(response, "read", refresh=True)
    row = token_row(pg, second["refresh_token"])
    assert row["parent_hash"] == sha256_hex(first["refresh_token"])
    assert row["client_id"] == public.id and row["user_id"] == DEMO_USER
