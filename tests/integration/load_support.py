"""What the fault tests (test_faults.py) share: a bounded load of
requests running in threads while something happens to the server, the
record of every answer with its timing, tokens planted in bulk, and a
PostgreSQL cluster and httpd of the test's own.

Every request of the load goes out on a connection of its own (requests'
module functions open and close one per call), unless its action says
otherwise, so that no request is sent on an idle keep-alive connection
that the server may close at the same moment (RFC 9112 §9.3.1: a client
may retry such a request only when it is idempotent)."""

import contextlib
import os
import secrets as pysecrets
import socket
import threading
import time

import requests

import harness
from token_support import psql, sql


class Answer:
    """One request of the load: the action's name, when it started
    (time.monotonic()), how long it took, and its response or the
    exception it raised."""

    def __init__(self, name, started, elapsed, response=None, error=None,
                 retried=False):
        self.name = name
        self.started = started
        self.elapsed = elapsed
        self.response = response
        self.error = error
        self.retried = retried

    @property
    def status(self):
        return None if self.response is None else self.response.status_code

    def __repr__(self):
        return "<%s %s %.3fs%s%s>" % (self.name, self.status, self.elapsed,
                                      " error=%r" % self.error
                                      if self.error else "",
                                      " retried" if self.retried else "")


class Load:
    """Worker threads that send requests until stopped, each worker
    taking the actions in turn (starting at a different one). An action
    is (name, fn): fn() returns a requests.Response, or an (Response,
    retried) pair. Bounded: at most max_requests in all, and stop() ends
    it in any case. A worker pauses backoff seconds after a 503, as a
    client told Retry-After would (never as long): without it, fast 503s
    would spend the budget before an outage ends."""

    def __init__(self, actions, workers=6, max_requests=3000, backoff=0.02):
        self.actions = list(actions)
        self.workers = workers
        self.max_requests = max_requests
        self.backoff = backoff
        self.answers = []
        self._taken = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = []

    def start(self):
        for i in range(self.workers):
            t = threading.Thread(target=self._run, args=(i,), daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def _take_turn(self):
        with self._lock:
            if self._taken >= self.max_requests:
                return False
            self._taken += 1
            return True

    def _run(self, first):
        i = first
        while not self._stop.is_set() and self._take_turn():
            name, fn = self.actions[i % len(self.actions)]
            i += 1
            started = time.monotonic()
            try:
                out = fn()
                response, retried = out if isinstance(out, tuple) \
                    else (out, False)
                answer = Answer(name, started, time.monotonic() - started,
                                response=response, retried=retried)
            except Exception as e:  # recorded, judged by the test
                answer = Answer(name, started, time.monotonic() - started,
                                error=e)
            with self._lock:
                self.answers.append(answer)
            if answer.status == 503:
                self._stop.wait(self.backoff)

    def since(self, t, name=None):
        """The answers so far to requests started at t or later."""
        with self._lock:
            done = list(self.answers)
        return [a for a in done if a.started >= t and
                (name is None or a.name == name)]

    def wait_for(self, t, names, seconds):
        """Waits until every action in names has a 200 among the requests
        started at t or later; returns when the last of those first 200s
        was answered (the moment service was back), or None."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            firsts = []
            for name in names:
                ok = [a.started + a.elapsed for a in self.since(t, name)
                      if a.status == 200]
                if not ok:
                    break
                firsts.append(min(ok))
            else:
                return max(firsts)
            time.sleep(0.05)
        return None

    def stop(self):
        """Stops the workers; returns every answer, in start order."""
        self._stop.set()
        for t in self._threads:
            t.join(60)
        assert not any(t.is_alive() for t in self._threads), \
            "a load worker is still running 60 s after stop"
        return sorted(self.answers, key=lambda a: a.started)


def get_keepalive(session, url, **kwargs):
    """GET on a keep-alive session: a GET that got no response at all
    because the server closed the idle connection is sent once more, as
    HTTP lets a client do for an idempotent request (RFC 9110 §9.2.2).
    Returns (response, retried)."""
    kwargs.setdefault("timeout", 30)
    try:
        return session.get(url, **kwargs), False
    except requests.ConnectionError:
        return session.get(url, **kwargs), True


class Blackhole:
    """A PostgreSQL that hangs: a listener on its port that never accepts.
    The kernel completes each TCP handshake, then nothing answers the
    client's startup packet, as with a server host that stopped
    responding."""

    def __init__(self, port):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(1024)

    def close(self):
        """Resets every connection waiting in the backlog."""
        self.sock.close()


def plant_access_tokens(pg, client, n, scope="read", lifetime=3600):
    """n live access tokens of client's own (client_credentials), stored
    as the token endpoint stores them (only their SHA-256 hex) by one
    statement; returns the raw values. They share a random prefix, which
    is registered as a secret: a log that shows any of them fails the
    run, without n secrets to search every log for."""
    prefix = harness.remember_secret(pysecrets.token_urlsafe(30))
    psql(pg, "INSERT INTO oauth2_token (token_hash, kind, client_id, "
             "scope, grant_type, family_id, expires_at) "
             "SELECT encode(sha256(convert_to(%s || lpad(i::text, 6, '0'), "
             "'UTF8')), 'hex'), 'access', %s, %s, 'client_credentials', "
             "gen_random_uuid(), now() + make_interval(secs => %d) "
             "FROM generate_series(1, %d) AS i"
             % (sql(prefix), sql(client.id), sql(scope), lifetime, n))
    return ["%s%06d" % (prefix, i) for i in range(1, n + 1)]


@contextlib.contextmanager
def own_stack(session, site, name, extra_conf="",
              examples=harness.EXAMPLES):
    """(cluster, admin, httpd) that only the caller uses, so that stopping
    PostgreSQL or restarting httpd leaves the session's servers and their
    pooled connections alone. httpd is stopped (and its logs checked for
    crashes and secrets), then the cluster."""
    base = harness.make_dir(os.path.join(session.dir, "pg-" + name), 0o700)
    cluster = harness.Postgres(base).init()
    try:
        admin = harness.Admin(session.env, cluster.conninfo)
        admin("init")
        server = harness.Httpd(session.env, cluster, site,
                               os.path.join(session.dir, "httpd-" + name),
                               extra_conf=extra_conf, examples=examples)
        try:
            server.start()
            yield cluster, admin, server
        finally:
            server.stop()
    finally:
        cluster.stop(check=False)
