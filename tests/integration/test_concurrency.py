"""One-time things stay one-time under real parallelism, and parallel
issuing loses nothing (issue 12, "Concurrency and faults").

The requests run in threads released together by a barrier, each on a
connection of its own, against an httpd with a worker thread and a
pooled database connection for every one of them (two children of 25
threads, DBDMax 25), so the races happen in PostgreSQL, where DESIGN.md
says they are decided: one `UPDATE ... WHERE used_at IS NULL RETURNING`
consumes a code or a refresh token, and every loser finds it consumed.

What the losers do follows DESIGN.md and RFC 9700 §4.14.2: a code
presented again, or a rotated refresh token presented again, revokes the
whole token family. The winner's statement stores its tokens and
consumes the code in one transaction, so a loser's revocation always
finds them: in a race, the winner's tokens end up revoked too."""

import pytest

import resource_support as rs
from token_support import (assert_error, assert_tokens,
                           code_family, family_rows, parallel, plant_code,
                           query_json, register_client, sha256_hex, sql,
                           token_request, token_row)

API = "/api/hello.json"
REDIRECT = "https://app.example/callback"
RACERS = 50
ISSUERS = 200

# A worker thread and a database connection for each racer (preamble:
# one child of 16 threads, DBDMax 10). 50 connections stay well below
# PostgreSQL's max_connections (100) with the session's httpd beside.
WORKERS = """
StartServers 2
ServerLimit 2
ThreadsPerChild 25
MaxRequestWorkers 50
MinSpareThreads 25
MaxSpareThreads 75
DBDMax 25
"""


@pytest.fixture(scope="module")
def server(session, pg, site):
    s = session.new_httpd(WORKERS, name="concurrency")
    try:
        s.start()
        yield s
    finally:
        s.stop()


@pytest.fixture(scope="module")
def code_client(admin):
    return register_client(admin, "--grant", "authorization_code",
                           "--grant", "refresh_token", "--redirect-uri",
                           REDIRECT, "--scope", "read", "--scope", "write")


def redeem(server, client, code):
    return token_request(server, client, {
        "grant_type": "authorization_code", "code": code,
        "redirect_uri": REDIRECT})


def refresh(server, client, token):
    return token_request(server, client, {
        "grant_type": "refresh_token", "refresh_token": token})


def one_winner(results, scope):
    """Exactly one 200 with tokens, every other answer invalid_grant;
    returns the winner's body."""
    statuses = sorted(r.status_code for r in results)
    winners = [r for r in results if r.status_code == 200]
    assert len(winners) == 1, statuses
    for r in results:
        if r.status_code != 200:
            assert_error(r, 400, "invalid_grant")
    return assert_tokens(winners[0], scope, refresh=True)


def client_rows(pg, client):
    return query_json(pg, "SELECT coalesce(json_agg(t), '[]') FROM "
                          "oauth2_token t WHERE client_id = %s"
                      % sql(client.id))


def assert_refused_everywhere(server, client, body):
    """The winner's tokens are dead: its access token gets invalid_token
    at the resource server, its refresh token invalid_grant."""
    rs.assert_error_challenge(rs.get(server, API, token=body["access_token"]),
                              401, "invalid_token", rs.EXAMPLE_REALM)
    assert_error(refresh(server, client, body["refresh_token"]), 400,
                 "invalid_grant")


def test_fifty_parallel_redemptions_of_a_code_give_one_token_set_then_revoke_it(
        server, pg, code_client):
    code = plant_code(pg, code_client, scope="read write",
                      redirect_uri=REDIRECT)
    family = code_family(pg, code)
    body = one_winner(parallel(RACERS, lambda: redeem(server, code_client,
                                                      code)), "read write")

    # One token set, in the code's family, and nothing else stored for
    # the client; the replays revoked it (DESIGN.md: "a second use is
    # rejected and revokes the tokens issued from it").
    rows = client_rows(pg, code_client)
    assert sorted((r["kind"], r["family_id"]) for r in rows) == \
        [("access", family), ("refresh", family)], rows
    assert {r["token_hash"] for r in rows} == \
        {sha256_hex(body["access_token"]), sha256_hex(body["refresh_token"])}
    assert all(r["revoked_at"] is not None for r in rows), rows
    assert_refused_everywhere(server, code_client, body)


def test_fifty_parallel_refreshes_rotate_once_then_revoke_the_family(
        server, pg, code_client):
    code = plant_code(pg, code_client, scope="read write",
                      redirect_uri=REDIRECT)
    first = assert_tokens(redeem(server, code_client, code), "read write",
                          refresh=True)
    family = token_row(pg, first["refresh_token"])["family_id"]
    body = one_winner(parallel(RACERS, lambda: refresh(
        server, code_client, first["refresh_token"])), "read write")

    # Exactly one rotation: the first pair, and one pair whose refresh
    # token descends from the presented one. RFC 9700 §4.14.2: the reuse
    # (any loser) revokes the active refresh token, here the whole family.
    rows = family_rows(pg, family)
    by_hash = {r["token_hash"]: r for r in rows}
    assert len(rows) == 4, rows
    old = by_hash[sha256_hex(first["refresh_token"])]
    new = by_hash[sha256_hex(body["refresh_token"])]
    assert sha256_hex(body["access_token"]) in by_hash
    assert old["used_at"] is not None, old
    assert new["parent_hash"] == old["token_hash"], new
    assert [r["parent_hash"] for r in rows].count(old["token_hash"]) == 2
    assert all(r["revoked_at"] is not None for r in rows), rows
    assert_refused_everywhere(server, code_client, body)


def test_two_hundred_parallel_client_credentials_tokens_are_all_stored(
        server, pg, admin):
    client = rs.client_credentials_client(admin, ("read",))
    results = parallel(ISSUERS, lambda: token_request(server, client, {
        "grant_type": "client_credentials"}))
    statuses = sorted({r.status_code for r in results})
    assert statuses == [200], statuses
    tokens = [assert_tokens(r, "read", refresh=False)["access_token"]
              for r in results]
    assert len(set(tokens)) == ISSUERS

    rows = client_rows(pg, client)
    assert len(rows) == ISSUERS, len(rows)
    assert {r["token_hash"] for r in rows} == \
        {sha256_hex(t) for t in tokens}
    assert len({r["family_id"] for r in rows}) == ISSUERS
    assert all(r["kind"] == "access" and r["user_id"] is None and
               r["revoked_at"] is None for r in rows), rows

    # Every one of them validates (cache misses, in parallel too).
    left = list(tokens)
    served = parallel(ISSUERS, lambda: rs.get(server, API, token=left.pop()))
    for r in served:
        rs.assert_served(r)
