"""The validated-token cache (OAuth2TokenCache shmcb, OAuth2TokenCacheTTL)
seen from outside: a cached token still expires on time; a token family
revoked by this server (a replayed code, a reused refresh token) is
refused at once although its access token was cached; a revocation made
elsewhere is seen within the TTL; and while PostgreSQL is down a cached
token is still served (until the TTL), an uncached one gets 503 with
Retry-After, never 401, and service resumes when PostgreSQL is back."""

import os
import secrets
import time

import pytest
import requests

import harness
import resource_support as rs
from token_support import (assert_error, plant_code, psql, register_client,
                           sha256_hex, sql, token_request)

API = "/api/hello.json"
REDIRECT = "https://app.example/callback"
RECOVERY_SECONDS = 20

TOKEN_ENDPOINT = """
<Location /oauth2/token>
    Require all granted
    SetHandler oauth2-token
</Location>
"""


def database_conf(cache="shmcb", ttl=30):
    """What database.conf sets, with another cache or TTL."""
    return ('DBDriver pgsql\nDBDParams "${OAUTH2_DB_PARAMS}"\n'
            "OAuth2TokenCache %s\nOAuth2TokenCacheTTL %d\n" % (cache, ttl))


@pytest.fixture(scope="module")
def server(session, pg, site):
    """conf-examples as they are: shmcb, TTL 30, tokens valid 3600 s."""
    s = rs.start_server(session)
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture
def server_with(session, pg, site):
    """Starts a server of its own: server_with(conf) with conf-examples'
    resource-server.conf, conf in place of database.conf and
    authorization-server.conf; stopped after the test."""
    started = []

    def start(conf):
        s = rs.start_server(session, conf, examples=(), name="rs-cache")
        started.append(s)
        return s

    try:
        yield start
    finally:
        for s in started:
            s.stop()


@pytest.fixture(scope="module")
def cc_client(admin):
    return rs.client_credentials_client(admin, ("read",))


@pytest.fixture(scope="module")
def password_client(admin):
    return rs.password_client(admin, ("read",))


@pytest.fixture(scope="module")
def code_client(admin):
    return register_client(admin, "--grant", "authorization_code",
                           "--grant", "refresh_token", "--redirect-uri",
                           REDIRECT, "--scope", "read")


def revoke_in_database(pg, token):
    """A revocation this server does not hear of (another host, the admin
    tool, a DBA)."""
    psql(pg, "UPDATE oauth2_token SET revoked_at = now() WHERE "
             "token_hash = %s" % sql(sha256_hex(token)))


def served(server, token, path=API):
    return rs.get(server, path, token=token).status_code == 200


def assert_refused(server, token):
    rs.assert_error_challenge(rs.get(server, API, token=token), 401,
                              "invalid_token", rs.EXAMPLE_REALM)


def cache_it(server, token):
    """Validates the token once, so that the cache holds it."""
    rs.assert_served(rs.get(server, API, token=token))


# --- expiry and revocation ---------------------------------------------------

def test_a_cached_token_is_refused_once_it_expires(server_with, pg,
                                                   admin):
    lifetime = 2
    s = server_with(database_conf(ttl=30) + TOKEN_ENDPOINT
                    + "OAuth2AccessTokenLifetime %d\n" % lifetime)
    client = rs.client_credentials_client(admin, ("read",))
    token = rs.client_token(s, client)
    issued = time.time()
    cache_it(s, token)
    # Revoked behind the server's back: only the cache can still say yes.
    revoke_in_database(pg, token)
    rs.assert_served(rs.get(s, API, token=token))
    assert time.time() - issued < lifetime, "too slow to test the cache"
    time.sleep(max(0, issued + lifetime + 1.5 - time.time()))
    assert_refused(s, token)


def test_a_revocation_elsewhere_is_seen_within_the_cache_ttl(server_with,
                                                             pg, admin):
    ttl = 2
    s = server_with(database_conf(ttl=ttl) + TOKEN_ENDPOINT)
    client = rs.client_credentials_client(admin, ("read",))
    token = rs.client_token(s, client)
    cache_it(s, token)
    revoked = time.time()
    revoke_in_database(pg, token)
    rs.assert_served(rs.get(s, API, token=token))
    time.sleep(max(0, revoked + ttl + 1 - time.time()))
    assert_refused(s, token)


def test_a_token_too_large_for_the_memo_is_cached_all_the_same(server_with,
                                                              pg, admin):
    """A process's memo keeps entries up to 440 bytes; a token with a
    longer scope lives in the shared cache only."""
    scopes = ["read"] + ["scope-%03d" % i for i in range(60)]
    s = server_with(database_conf(ttl=30) + TOKEN_ENDPOINT)
    client = rs.client_credentials_client(admin, scopes)
    token = rs.client_token(s, client, " ".join(scopes))
    cache_it(s, token)
    revoke_in_database(pg, token)
    rs.assert_served(rs.get(s, API, token=token))
    rs.assert_served(rs.get(s, API, token=token))


def test_without_a_cache_a_revocation_elsewhere_is_seen_at_once(
        server_with, pg, admin):
    s = server_with('DBDriver pgsql\nDBDParams "${OAUTH2_DB_PARAMS}"\n'
                    "OAuth2TokenCache none\n" + TOKEN_ENDPOINT)
    client = rs.client_credentials_client(admin, ("read",))
    token = rs.client_token(s, client)
    cache_it(s, token)
    revoke_in_database(pg, token)
    assert_refused(s, token)


TWO_CHILDREN = """
StartServers 2
MinSpareThreads 32
MaxSpareThreads 48
<Location /oauth2/revoke>
    Require all granted
    SetHandler oauth2-revoke
</Location>
CustomLog "%s" "%%P %%>s %%U%%q"
"""


def connection_in_child(s, token, pids):
    """A keep-alive connection served by a child not in pids (the token
    validated over it once, so that the child holds it), and that pid."""
    for attempt in range(60):
        c = requests.Session()
        mark = "conn=%d" % attempt
        rs.assert_served(c.get(s.url(API + "?" + mark),
                               headers=rs.bearer(token), timeout=30))
        line = harness.lines_with(s.access_log, mark)
        assert line, "no access log line for " + mark
        pid = line[0].split()[0]
        if pid not in pids:
            return c, pid
        c.close()
    pytest.fail("60 connections all went to children %s" % sorted(pids))


def test_a_revocation_in_one_child_voids_what_another_child_holds(
        server_with, session, admin):
    """Each child answers hits from a memo of its own in front of the
    shared cache; revoking through one child must void the other's at
    once (both held the token when it was revoked)."""
    access_log = os.path.join(session.dir, "two-children-access.log")
    s = server_with(database_conf() + TOKEN_ENDPOINT
                    + TWO_CHILDREN % access_log)
    s.access_log = access_log
    client = rs.client_credentials_client(admin, ("read",))
    token = rs.client_token(s, client)
    first, first_pid = connection_in_child(s, token, set())
    second, second_pid = connection_in_child(s, token, {first_pid})
    with first, second:  # closed at the end
        for c in (first, second):
            rs.assert_served(c.get(s.url(API), headers=rs.bearer(token),
                                   timeout=30))

        revoked = first.post(s.url("/oauth2/revoke"), data={"token": token},
                             headers={"Authorization": client.basic()},
                             timeout=30)
        assert revoked.status_code == 200, revoked.text
        response = second.get(s.url(API + "?after=revocation"),
                              headers=rs.bearer(token), timeout=30)
        rs.assert_error_challenge(response, 401, "invalid_token",
                                  rs.EXAMPLE_REALM)
        line = harness.lines_with(s.access_log, "after=revocation")
        assert line and line[0].split()[0] == second_pid, \
            "the keep-alive connection changed children: %s" % line


def test_a_replayed_code_revokes_its_cached_access_token_at_once(
        server, pg, code_client):
    code = plant_code(pg, code_client, scope="read", redirect_uri=REDIRECT)
    redeem = {"grant_type": "authorization_code", "code": code,
              "redirect_uri": REDIRECT}
    response = token_request(server, code_client, redeem)
    assert response.status_code == 200, response.text
    token = harness.remember_secret(response.json()["access_token"])
    harness.remember_secret(response.json()["refresh_token"])
    cache_it(server, token)
    cache_it(server, token)

    assert_error(token_request(server, code_client, redeem), 400,
                 "invalid_grant")
    assert_refused(server, token)


def test_a_reused_refresh_token_revokes_every_cached_access_token_at_once(
        server, password_client):
    first = rs.user_tokens(server, password_client)
    cache_it(server, first["access_token"])
    refresh = {"grant_type": "refresh_token",
               "refresh_token": first["refresh_token"]}
    response = token_request(server, password_client, refresh)
    assert response.status_code == 200, response.text
    second = response.json()
    harness.remember_secret(second["access_token"])
    harness.remember_secret(second["refresh_token"])
    cache_it(server, second["access_token"])
    # The rotated refresh token again: the whole family goes.
    assert_error(token_request(server, password_client, refresh), 400,
                 "invalid_grant")
    assert_refused(server, first["access_token"])
    assert_refused(server, second["access_token"])


def test_a_family_revocation_spares_other_cached_tokens(server,
                                                        password_client):
    bystander = rs.user_token(server, password_client)
    cache_it(server, bystander)
    first = rs.user_tokens(server, password_client)
    refresh = {"grant_type": "refresh_token",
               "refresh_token": first["refresh_token"]}
    response = token_request(server, password_client, refresh)
    assert response.status_code == 200, response.text
    harness.remember_secret(response.json()["access_token"])
    harness.remember_secret(response.json()["refresh_token"])
    assert_error(token_request(server, password_client, refresh), 400,
                 "invalid_grant")
    rs.assert_served(rs.get(server, API, token=bystander))


# --- what an entry holds -----------------------------------------------------

# Prints REMOTE_USER and OAUTH2_USER exactly, NUL-separated (`env` would
# print a newline inside a value as the end of a line).
IDENTITY_CGI = """#!/bin/sh
printf 'Content-Type: application/octet-stream\\r\\n\\r\\n'
printf '%s\\0%s' "$REMOTE_USER" "$OAUTH2_USER"
"""


def plant_token(pg, client, user, scope, lifetime=3600):
    """An access token stored as the token endpoint would store it; the
    raw token is returned."""
    token = harness.remember_secret(secrets.token_urlsafe(32))
    psql(pg, "INSERT INTO oauth2_token (token_hash, kind, client_id, "
             "user_id, scope, grant_type, family_id, expires_at) VALUES "
             "(%s, 'access', %s, %s, %s, 'password', gen_random_uuid(), "
             "now() + make_interval(secs => %d))"
             % (sql(sha256_hex(token)), sql(client.id), sql(user), sql(scope),
                lifetime))
    return token


def test_an_owner_with_a_newline_reads_back_whole_from_the_cache(
        server, pg, site, admin):
    """The cache entry was newline-separated: "bob\\nX" came back from it
    as "bob". The authorization endpoint refuses such names now; a row
    written otherwise (an older release, a DBA) still reads back exactly."""
    path = "/cgi-bin/identity-bytes"
    harness.write_file(os.path.join(site.cgi_bin, "identity-bytes"),
                       IDENTITY_CGI, mode=0o755)
    client = rs.client_credentials_client(admin, ("read", "write"))
    owner = "bob\nX"
    token = plant_token(pg, client, owner, "read write")
    seen = []
    for _ in range(2):
        response = rs.get(server, path, token=token)
        assert response.status_code == 200, (response.status_code,
                                             response.text)
        seen.append(response.content.split(b"\0"))
        # Only the cache can answer the second request.
        revoke_in_database(pg, token)
    assert seen == [[b"bob\nX", b"bob\nX"]] * 2, seen


# --- PostgreSQL down ---------------------------------------------------------

OUTAGE_TTL = 6
BASIC = """
<Location /t/basic/>
    AuthType Basic
    AuthName "basic-realm"
    AuthBasicProvider oauth2
    Require valid-user
</Location>
"""


@pytest.fixture
def outage(session, site):
    """(cluster, admin, httpd) that only this test uses, the cache TTL
    short enough to outlive."""
    base = harness.make_dir(os.path.join(session.dir, "pg-rs-outage"),
                            0o700)
    cluster = harness.Postgres(base).init()
    admin = harness.Admin(session.env, cluster.conninfo)
    admin("init")
    conf = (database_conf(ttl=OUTAGE_TTL)
            + 'Include "${OAUTH2_EXAMPLES}/authorization-server.conf"\n'
            + 'Include "${OAUTH2_EXAMPLES}/resource-server.conf"\n'
            + rs.TEST_ALIAS + BASIC)
    server = harness.Httpd(session.env, cluster, site,
                           os.path.join(session.dir, "httpd-rs-outage"),
                           extra_conf=conf, examples=())
    try:
        server.start()
        yield cluster, admin, server
    finally:
        try:
            server.stop()
        finally:
            cluster.stop(check=False)


def assert_unavailable(response):
    assert response.status_code == 503, (response.status_code,
                                         response.headers, response.text)
    retry = response.headers.get("Retry-After", "")
    assert retry.isdigit() and int(retry) > 0, response.headers
    assert "WWW-Authenticate" not in response.headers, response.headers


def wait_until_served(server, token, seconds):
    """GETs until the token is served; returns the statuses seen."""
    seen = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        seen.append(rs.get(server, API, token=token).status_code)
        if seen[-1] == 200:
            break
        time.sleep(0.5)
    return seen


def test_postgresql_down_serves_cached_tokens_until_the_ttl_others_get_503(
        outage):
    cluster, admin, server = outage
    client = rs.client_credentials_client(admin, ("read",))
    cached = rs.client_token(server, client)
    uncached = rs.client_token(server, client)
    later = rs.client_token(server, client)
    unknown = "u" * 43
    cache_it(server, cached)
    cached_at = time.time()
    assert_refused(server, unknown)

    cluster.stop()
    try:
        assert time.time() - cached_at < OUTAGE_TTL - 1, "too slow"
        rs.assert_served(rs.get(server, API, token=cached))
        rs.assert_served(rs.get(server, "/t/basic/hello.json",
                                auth=("%s" % client.id, cached)))
        for _ in range(3):
            assert_unavailable(rs.get(server, API, token=uncached))
        # No database needed to know these.
        rs.assert_no_token_challenge(rs.get(server, API), rs.EXAMPLE_REALM)
        assert_refused(server, unknown)
        # The Basic provider too (mod_auth_basic alone would say 500).
        assert_unavailable(rs.get(server, "/t/basic/hello.json",
                                  auth=(client.id, uncached)))

        time.sleep(max(0, cached_at + OUTAGE_TTL + 1 - time.time()))
        assert_unavailable(rs.get(server, API, token=cached))
    finally:
        cluster.start()

    seen = wait_until_served(server, uncached, RECOVERY_SECONDS)
    assert seen[-1] == 200, (
        "the token was not served within %ds after PostgreSQL came back: "
        "%s; module errors:\n%s" % (RECOVERY_SECONDS, seen,
                                    "\n".join(server.module_errors()[-6:])))
    assert set(seen[:-1]) <= {503}, seen
    for token in (cached, uncached, later):
        rs.assert_served(rs.get(server, API, token=token))
