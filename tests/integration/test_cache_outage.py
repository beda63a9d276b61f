"""The shared token cache (redis, memcached) killed under load: every
request is still answered by the database (200: PostgreSQL is up, so
there is nothing to refuse and nothing to wait for), no child crashes,
and once the cache is back the hosts use it again, without a restart."""

import os
import random
import time

import pytest

import cache_servers
import hosts_support as hs
from resource_support import client_credentials_client
from token_support import sha256_hex, token_request

pytestmark = hs.skip_under_sanitizers(
    "a load test of the deployment (cache daemons killed and restarted)")

# Bounds this test asserts (measured on a 2-core machine under the load
# below: every answer in well under a second; the cache used again within
# about 5 s, apr_memcache's and apr_redis's retry interval for a server
# they marked dead).
SLOWEST_ANSWER = 5.0
CACHE_BACK_WITHIN = 30.0
# The socache providers log each failed call at crit: each process of a
# host leaves a dead cache alone for 1-2 s after a failure, so a host logs
# a few lines a second (about 100 a second without that rest).
PROVIDER_LINES_PER_SECOND = 20


@pytest.fixture(params=sorted(cache_servers.KINDS))
def cache(request, session):
    server = cache_servers.start_cache(
        session.env, request.param,
        os.path.join(session.dir, "outage-" + request.param))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def hosts(session, pg, site, cache):
    keys = hs.Keys(os.path.join(session.dir, "outage-keys-" + cache.KIND))
    conf = hs.host_conf(keys, cache.spec, cache.load_module)
    pair = hs.start_hosts(session, hs.Database(pg.conninfo), site, conf,
                          "outage-" + cache.KIND)
    try:
        yield pair
    finally:
        hs.stop_hosts(pair)  # checks their logs for crashes


def load_of(hosts, client, tokens):
    """Token requests at either host; protected requests with a token
    just issued (a cache miss) or an older one (a hit while the cache
    lives)."""

    def issue(host):
        def send(s):
            r = token_request(host, client, {
                "grant_type": "client_credentials", "scope": "read"},
                session=s)
            token = r.json().get("access_token") if r.ok else None
            if token:
                tokens.append(token)
            return r.status_code, token
        return send

    def check(host):
        def send(s):
            token = random.choice(tokens[-50:])
            return hs.get(host, hs.API, token, s).status_code, None
        return send

    a, b = hosts
    return {"issue-a": issue(a), "issue-b": issue(b), "check-a": check(a),
            "check-b": check(b)}


def used_again(hosts, client, cache, seconds):
    """Seconds until each host stores a verdict in the cache again (None
    for a host that did not within seconds): a new token is judged by
    the host that issued it, over a new connection, until the cache has
    it."""
    start = time.monotonic()
    used = [None] * len(hosts)
    while None in used and time.monotonic() < start + seconds:
        for i, host in enumerate(hosts):
            if used[i] is None:
                token = hs.client_token(host, client)
                assert hs.get(host, hs.API, token).status_code == 200
                if cache.has(sha256_hex(token)):
                    used[i] = round(time.monotonic() - start, 1)
        time.sleep(0.2)
    return used


def test_a_killed_cache_leaves_the_database_answering_and_is_used_again(
        hosts, cache, admin):
    client = client_credentials_client(admin, ("read",))
    tokens = [hs.client_token(hosts[0], client)]
    with hs.Load(load_of(hosts, client, tokens), threads=6,
                 seconds=40) as load:
        assert load.wait_for(lambda answers: len(answers) >= 200, 10)
        assert any(cache.has(sha256_hex(t)) for t in tokens[-20:])
        cache.kill()
        killed = time.monotonic()
        assert load.wait_for(lambda answers: len(answers) >= 200 + 300 and
                             time.monotonic() > killed + 2, 15)
        cache.start()  # empty, on the same port
        back = time.monotonic()
        used = used_again(hosts, client, cache, CACHE_BACK_WITHIN)
        load.stop()
    answers = load.answers
    during = [a for a in answers if killed <= a.at < back]
    print("\n%s: %d answers (%d while the cache was down), used again "
          "by each host after %s s; slowest %.2f s"
          % (cache.KIND, len(answers), len(during), used,
             max(a.seconds for a in answers)))
    assert hs.statuses(answers) == {200: len(answers)}, \
        hs.statuses(answers)
    assert len(during) >= 300
    assert max(a.seconds for a in answers) < SLOWEST_ANSWER
    assert None not in used, (
        "the %s cache was not used again by every host within %d s of its "
        "return: %s" % (cache.KIND, CACHE_BACK_WITHIN, used))
    for host in hosts:
        assert host.running
        assert not host.error_lines(modules="oauth2|core|mpm_event",
                                    allow=("AH00170",))
        provider = host.error_lines(modules="socache_[a-z]*")
        print("port %d: %d provider error lines" % (host.port, len(provider)))
        assert len(provider) <= PROVIDER_LINES_PER_SECOND * (back - killed)
