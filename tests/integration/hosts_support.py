"""What the several-hosts tests share (test_several_hosts.py,
test_cache_outage.py, test_failover.py): httpd "hosts" that serve one
site from one database, with the configuration README's "Running on
several hosts" shows, and a bounded load that records every answer.

Every token a helper sees is registered with the harness' secret
registry (token_support.assert_tokens), so the run fails if one reaches
a log."""

import os
import secrets as pysecrets
import subprocess
import threading
import time

import pytest
import requests

import harness
from token_support import assert_tokens, token_request

API = "/api/hello.json"

# The README's example, with the test's paths. What every host must share:
# the database, the issuer, the consent key, the signing keys and a network
# cache (OAuth2TokenCache memcache or redis) for revocations seen at once.
HOST_CONF = """\
{load_cache_module}
DBDriver pgsql
DBDParams "${{OAUTH2_DB_PARAMS}}"
DBDMin 1
DBDKeep 2
DBDMax 10

OAuth2TokenCache {cache}
OAuth2TokenCacheTTL 30

OAuth2Issuer "${{OAUTH2_ISSUER}}"
OAuth2ConsentKeyFile "{consent_key}"
OAuth2SigningKey "{signing_key}"
OAuth2AccessTokenFormat {token_format}
OAuth2GrantTypes authorization_code client_credentials refresh_token

<Location /oauth2/authorize>
    AuthType Basic
    AuthName "Sign in"
    AuthBasicProvider file
    AuthUserFile "${{OAUTH2_USERS_FILE}}"
    Require valid-user
    SetHandler oauth2-authorize
</Location>
<Location /oauth2/token>
    Require all granted
    SetHandler oauth2-token
</Location>
<Location /oauth2/revoke>
    Require all granted
    SetHandler oauth2-revoke
</Location>
<Location /oauth2/jwks>
    Require all granted
    SetHandler oauth2-jwks
</Location>

Alias /api "${{OAUTH2_HTDOCS}}/api"
Alias /signature-only "${{OAUTH2_HTDOCS}}/api"
<Location /api>
    AuthType oauth2
    AuthName "api"
    Require oauth2-scope read
</Location>
<Location /signature-only>
    AuthType oauth2
    AuthName "api"
    OAuth2JWTRevocationCheck Off
    Require oauth2-scope read
</Location>
"""


class Host(harness.Httpd):
    """An httpd serving the site under a shared issuer (the name a load
    balancer in front of the hosts would carry), not under its own
    address."""

    def __init__(self, *args, issuer, **kwargs):
        self._issuer = issuer
        super().__init__(*args, **kwargs)

    @property
    def issuer(self):
        return self._issuer


class Keys:
    """The secrets every host reads: the consent key file and a signing
    key, made once in directory."""

    def __init__(self, directory):
        d = harness.make_dir(directory, 0o755)
        self.consent = harness.write_file(
            os.path.join(d, "consent.key"), pysecrets.token_urlsafe(48),
            mode=0o600)
        self.signing = os.path.join(d, "signing-key.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "EC",
                        "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                        self.signing], check=True, capture_output=True)
        os.chmod(self.signing, 0o600)


class Database:
    """What a Host needs of its database: the DBDParams conninfo."""

    def __init__(self, conninfo):
        self.conninfo = conninfo


def host_conf(keys, cache="none", load_cache_module="",
              token_format="opaque"):
    return HOST_CONF.format(cache=cache, load_cache_module=load_cache_module,
                            consent_key=keys.consent,
                            signing_key=keys.signing,
                            token_format=token_format)


def start_hosts(session, database, site, conf, name, count=2):
    """count hosts with the same configuration and issuer; the caller
    stops them (stop_hosts)."""
    issuer = "http://127.0.0.1:%d" % harness.free_port()
    hosts = []
    try:
        for i in range(count):
            host = Host(session.env, database, site,
                        os.path.join(session.dir, "%s-%s" % (
                            name, "abcdefgh"[i])),
                        extra_conf=conf, examples=(), issuer=issuer)
            hosts.append(host)
            host.start()
        return hosts
    except Exception:
        stop_hosts(hosts, check=False)
        raise


def stop_hosts(hosts, check=True):
    errors = []
    for host in hosts:
        try:
            host.stop(check=check)
        except harness.HarnessError as e:
            errors.append(str(e))
    if errors:
        raise harness.HarnessError("\n".join(errors))


def skip_under_sanitizers(why):
    """These tests prove the deployment, not memory safety: the default
    build runs them, the sanitizer build (OAUTH2_PRELOAD set) skips."""
    return pytest.mark.skipif(bool(os.environ.get("OAUTH2_PRELOAD")),
                              reason="sanitizer build: " + why)


# --- tokens and requests -----------------------------------------------------

def client_token(host, client, scope="read"):
    response = token_request(host, client, {
        "grant_type": "client_credentials", "scope": scope})
    return assert_tokens(response, scope, refresh=False)["access_token"]


def get(host, path, token, session=requests):
    return session.get(host.url(path), timeout=30,
                       headers={"Authorization": "Bearer " + token})


# --- bounded load ------------------------------------------------------------

class Answer:
    __slots__ = ("at", "kind", "status", "seconds", "token")

    def __init__(self, at, kind, status, seconds, token=None):
        self.at = at            # time.monotonic() when it was sent
        self.kind = kind        # the name of the request
        self.status = status    # the HTTP status, or the exception's name
        self.seconds = seconds  # how long it took
        self.token = token      # what a 200 handed out, if anything


class Load:
    """Threads sending requests until stop() or a bound in time or count.

    requests: {kind: fn(session) -> (status, token or None)}; each
    thread cycles through the kinds with its own requests.Session (kept
    connections, as a real client's)."""

    def __init__(self, requests_of, threads=4, seconds=60, limit=20000):
        self.requests_of = requests_of
        self.answers = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._deadline = time.monotonic() + seconds
        self._limit = limit
        self._threads = [threading.Thread(target=self._run, args=(i,),
                                          daemon=True)
                         for i in range(threads)]

    def __enter__(self):
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def _more(self):
        return (not self._stop.is_set() and
                time.monotonic() < self._deadline and
                len(self.answers) < self._limit)

    def _run(self, index):
        kinds = sorted(self.requests_of)
        i = index
        with requests.Session() as s:
            while self._more():
                kind = kinds[i % len(kinds)]
                i += 1
                start = time.monotonic()
                try:
                    status, token = self.requests_of[kind](s)
                except requests.RequestException as e:
                    status, token = type(e).__name__, None
                answer = Answer(start, kind, status,
                                time.monotonic() - start, token)
                with self._lock:
                    self.answers.append(answer)

    def stop(self):
        self._stop.set()
        for t in self._threads:
            t.join(60)

    def since(self, t):
        with self._lock:
            return [a for a in self.answers if a.at >= t]

    def wait_for(self, predicate, seconds):
        """Waits until predicate(answers) holds; returns whether it did."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self._lock:
                answers = list(self.answers)
            if predicate(answers):
                return True
            time.sleep(0.05)
        return False


def statuses(answers):
    """{status: count} of answers."""
    out = {}
    for a in answers:
        out[a.status] = out.get(a.status, 0) + 1
    return out
