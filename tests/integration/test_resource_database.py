"""The resource path and the database: a lookup takes one of the child's
pooled connections only while it runs, never until the response ends, so
that slow downloads and slow backends cannot pin the pool; when slow
queries do hold every connection, a request waits a bounded time for one
and then gets 503 with Retry-After; and a query token leaves no trace in
the access log when the database is down.

The pool tests run one child (every request in one process) with
DBDMax 2 and OAuth2TokenCache none (every request asks the database)."""

import os
import socket
import subprocess
import threading
import time

import pytest

import harness
import resource_support as rs

POOL = 2
SLOW_SECONDS = 6
# http/dbd_gate.h: OAUTH2_DBD_WAIT_SECONDS
WAIT_SECONDS = 3
BIG_FILE_BYTES = 512 << 20

SLOW_CGI = """#!/bin/sh
# Started (after authentication): leaves a mark, then takes its time.
: > "%s/$$"
sleep %d
printf 'Content-Type: text/plain\\r\\n\\r\\nslow\\n'
"""

ONE_CHILD = """
DBDriver pgsql
DBDParams "${OAUTH2_DB_PARAMS}"
DBDMin 1
DBDKeep %(pool)d
DBDMax %(pool)d
OAuth2TokenCache none
StartServers 1
ServerLimit 1
ThreadsPerChild 16
MaxRequestWorkers 16
MinSpareThreads 1
MaxSpareThreads 32
Include "${OAUTH2_EXAMPLES}/authorization-server.conf"
Alias /big/ "%(big)s/"
<Directory "%(big)s">
    Require all granted
</Directory>
<Location /big/>
    AuthType oauth2
    Require valid-user
</Location>
"""


@pytest.fixture(scope="module")
def marks(session):
    return harness.make_dir(os.path.join(session.dir, "slow-marks"), 0o777)


@pytest.fixture(scope="module")
def server(session, pg, site, marks):
    """One child, a pool of POOL connections, no token cache; /cgi-bin/slow
    (scope write) sleeps SLOW_SECONDS, /big/big.bin is BIG_FILE_BYTES."""
    harness.write_file(os.path.join(site.cgi_bin, "slow"),
                       SLOW_CGI % (marks, SLOW_SECONDS), mode=0o755)
    big = harness.make_dir(os.path.join(session.dir, "big"))
    with open(os.path.join(big, "big.bin"), "wb") as f:
        f.truncate(BIG_FILE_BYTES)  # sparse: no disk space
    os.chmod(os.path.join(big, "big.bin"), 0o644)
    s = rs.start_server(session, ONE_CHILD % {"pool": POOL, "big": big},
                        examples=(), name="rs-pool")
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture(scope="module")
def client(admin):
    return rs.client_credentials_client(admin)


def fresh_tokens(server, client, n):
    """Tokens that no request has used yet."""
    return [rs.client_token(server, client, "read write") for _ in range(n)]


def timed_get(server, path, token, timeout):
    """(status or the exception's name, seconds, response or None)."""
    start = time.monotonic()
    try:
        response = rs.get(server, path, token=token, timeout=timeout)
        return response.status_code, time.monotonic() - start, response
    except Exception as e:  # a timeout is the answer we test for
        return type(e).__name__, time.monotonic() - start, None


def wait_for(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail("%s within %ds" % (what, seconds))
        time.sleep(0.05)


class SlowCgi:
    """2 x POOL requests to /cgi-bin/slow in threads."""

    def __init__(self, server, tokens, marks):
        self.marks = marks
        for name in os.listdir(marks):
            os.unlink(os.path.join(marks, name))
        self.results = []
        self.threads = [threading.Thread(target=self._get,
                                         args=(server, t)) for t in tokens]
        for t in self.threads:
            t.start()
        # The pool is pinned once POOL of them are in their CGI.
        wait_for(lambda: len(os.listdir(marks)) >= POOL, 15,
                 "no slow request reached its CGI")

    def _get(self, server, token):
        self.results.append(timed_get(server, "/cgi-bin/slow", token,
                                      SLOW_SECONDS * 4))

    def finish(self):
        for t in self.threads:
            t.join(SLOW_SECONDS * 5)
        return self.results


class SlowDownloads:
    """2 x POOL downloads of /big/big.bin that read nothing past the
    headers: each response stays in progress until closed."""

    def __init__(self, server, tokens):
        self.socks = []
        try:
            for i, token in enumerate(tokens):
                self._start(server, token, headers=i < POOL)
        except BaseException:
            self.finish()
            raise

    def _start(self, server, token, headers):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socks.append(s)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(15)
        s.connect(("127.0.0.1", server.port))
        s.sendall(("GET /big/big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Authorization: Bearer %s\r\n\r\n" % token).encode())
        # The first POOL are surely past their lookup (enough to pin the
        # pool, were connections held to the end).
        head = b""
        while headers and b"\r\n\r\n" not in head:
            chunk = s.recv(1024)
            assert chunk, "connection closed before the headers"
            head += chunk
        assert not headers or head.startswith(b"HTTP/1.1 200 "), head[:200]

    def finish(self):
        for s in self.socks:
            s.close()


@pytest.mark.parametrize("kind", ["slow-cgi", "slow-download"])
def test_slow_responses_do_not_hold_database_connections(server, client,
                                                         marks, kind):
    tokens = fresh_tokens(server, client, 2 * POOL + 1)
    probe = tokens.pop()
    slow = (SlowCgi(server, tokens, marks) if kind == "slow-cgi"
            else SlowDownloads(server, tokens))
    try:
        # A further request of the same child is answered from the
        # database at once, not after a slow one has finished.
        status, seconds, response = timed_get(server, "/api/hello.json",
                                              probe, WAIT_SECONDS + 1)
        assert status == 200 and seconds < 2, (
            "a request behind %d slow ones: %s after %.1fs"
            % (len(tokens), status, seconds))
        rs.assert_served(response)
    finally:
        results = slow.finish()
    if kind == "slow-cgi":
        assert sorted(r[0] for r in results) == [200] * len(tokens), results


@pytest.fixture
def locked_tokens(server, client, pg):
    """Tokens, then oauth2_token locked for SLOW_SECONDS: lookups stall
    in PostgreSQL, holding their connection."""
    tokens = fresh_tokens(server, client, 2 * POOL)
    lock = subprocess.Popen(
        ["psql", pg.conninfo, "-X", "-q", "-c",
         "BEGIN; LOCK TABLE oauth2_token IN ACCESS EXCLUSIVE MODE; "
         "SELECT pg_sleep(%d); COMMIT;" % SLOW_SECONDS],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: pg.psql(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON "
            "c.oid = l.relation WHERE c.relname = 'oauth2_token' AND "
            "l.mode = 'AccessExclusiveLock' AND l.granted").strip() == "1",
            15, "the table was not locked")
        yield tokens
    finally:
        harness.terminate(lock)


def test_a_request_waits_a_bounded_time_for_a_busy_pool_then_gets_503(
        server, locked_tokens):
    results = []
    threads = [threading.Thread(target=lambda t=t: results.append(
        timed_get(server, "/api/hello.json", t, SLOW_SECONDS * 4)))
        for t in locked_tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join(SLOW_SECONDS * 5)
    refused = [r for r in results if r[0] == 503]
    waiting = len(locked_tokens) - POOL
    # POOL lookups stall on the lock and succeed when it goes; the
    # others give up after the wait, well before.
    assert len(refused) == waiting, results
    for status, seconds, response in refused:
        assert seconds < WAIT_SECONDS + 1.5, results
        assert response.headers.get("Retry-After") == "5", response.headers
        assert "WWW-Authenticate" not in response.headers, response.headers
    assert sorted(r[0] for r in results if r[0] != 503) == [200] * POOL, \
        results


# --- a query token while the database is down --------------------------------

QUERY_LOCATION = """
CustomLog "%s" "%%r|%%q"
<Location /t/query/>
    AuthType oauth2
    OAuth2BearerTokenIn header query
    Require valid-user
</Location>
"""


@pytest.fixture
def outage(session, site):
    """(cluster, admin, httpd, access log) that only this test uses."""
    base = harness.make_dir(os.path.join(session.dir, "pg-query-outage"),
                            0o700)
    cluster = harness.Postgres(base).init()
    admin = harness.Admin(session.env, cluster.conninfo)
    admin("init")
    access_log = os.path.join(session.dir, "query-outage-access.log")
    server = harness.Httpd(session.env, cluster, site,
                           os.path.join(session.dir, "httpd-query-outage"),
                           extra_conf=rs.TEST_ALIAS
                           + QUERY_LOCATION % access_log)
    try:
        server.start()
        yield cluster, admin, server, access_log
    finally:
        try:
            server.stop()
        finally:
            cluster.stop(check=False)


def test_a_query_token_refused_with_503_leaves_the_log_without_it(outage):
    cluster, admin, server, access_log = outage
    client = rs.client_credentials_client(admin, ("read",))
    token = rs.client_token(server, client)
    marker = "outage-%s" % os.getpid()
    cluster.stop()
    try:
        response = rs.get(server, "/t/query/hello.json?m=%s&access_token=%s"
                          % (marker, token))
        assert response.status_code == 503, (response.status_code,
                                             response.text)
        assert response.headers.get("Retry-After"), response.headers
    finally:
        cluster.start()
    logged = harness.lines_with(access_log, marker)
    assert len(logged) == 1, logged
    assert token not in logged[0], logged
    assert logged[0] == "GET /t/query/hello.json?m=%s HTTP/1.1|?m=%s" % (
        marker, marker), logged
