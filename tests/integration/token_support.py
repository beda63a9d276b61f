"""What the token endpoint tests (test_token_*.py) share: registering
clients, sending token requests, checking RFC 6749 §5 responses, planting
authorization codes in PostgreSQL and reading the stored token rows.

Every token, secret and code a helper sees is registered with the
harness' secret registry, so the run fails if one reaches a log."""

import base64
import hashlib
import json
import os
import secrets as pysecrets
import subprocess
import threading
import urllib.parse
import uuid

import requests

import harness

TOKEN_PATH = "/oauth2/token"
FORM = "application/x-www-form-urlencoded"
DEMO_USER = harness.DEMO_USER
DEMO_PASSWORD = harness.DEMO_PASSWORD
# conf-examples/authorization-server.conf
ACCESS_TOKEN_LIFETIME = 3600
REFRESH_TOKEN_LIFETIME = 1209600


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:12])


def sha256_hex(text):
    return hashlib.sha256(text.encode()).hexdigest()


def sql(value):
    """A SQL literal (standard_conforming_strings is on)."""
    if value is None:
        return "NULL"
    return "'%s'" % str(value).replace("'", "''")


# --- clients -----------------------------------------------------------------

class Client:
    def __init__(self, client_id, secret=None):
        self.id = client_id
        self.secret = secret

    @property
    def public(self):
        return self.secret is None

    def basic(self):
        """Authorization header of client_secret_basic (RFC 6749
        §2.3.1: id and secret form-urlencoded before base64)."""
        return basic_header(self.id, self.secret)

    def __repr__(self):
        return "Client(%r)" % self.id


def register_client(admin, *args, client_id=None, public=False):
    """oauth2-admin client add; returns a Client with its secret."""
    client_id = client_id or unique("tok")
    argv = ["client", "add", "token test client", "--id", client_id,
            "--json"]
    if public:
        argv.append("--public")
    out = json.loads(admin(*(argv + list(args))).stdout)
    assert out["client_id"] == client_id, out
    secret = out.get("client_secret")
    if secret is not None:
        harness.remember_secret(secret)
    return Client(client_id, secret)


def disable_client(admin, client):
    admin("client", "set", client.id, "--disable")


def basic_header(client_id, secret):
    plain = "%s:%s" % (urllib.parse.quote_plus(client_id),
                       urllib.parse.quote_plus(secret))
    return "Basic " + base64.b64encode(plain.encode()).decode()


# --- requests ----------------------------------------------------------------

def post_raw(server, body, content_type=FORM, headers=None, method="POST",
             session=requests):
    """Sends body (str or bytes) as is; through session when given (a
    requests.Session keeps one connection, so one httpd process)."""
    h = {} if content_type is None else {"Content-Type": content_type}
    h.update(headers or {})
    if isinstance(body, str):
        body = body.encode()
    return session.request(method, server.url(TOKEN_PATH), data=body,
                           headers=h, timeout=30)


def encode(params):
    """params: dict or list of pairs; None values are left out."""
    items = params.items() if isinstance(params, dict) else params
    return urllib.parse.urlencode([(k, v) for k, v in items
                                   if v is not None])


def token_request(server, client, params, auth="basic", headers=None,
                  session=requests):
    """A token request authenticated the way auth says: "basic"
    (client_secret_basic), "post" (client_secret_post: client_id and
    client_secret in the body; public clients send only client_id) or
    None (no client authentication)."""
    params = dict(params)
    h = dict(headers or {})
    if auth == "basic":
        h["Authorization"] = client.basic()
    elif auth == "post":
        params["client_id"] = client.id
        params["client_secret"] = client.secret
    elif auth is not None:
        raise ValueError(auth)
    return post_raw(server, encode(params), headers=h, session=session)


def parallel(n, fn):
    """Calls fn() in n threads released together; returns the results
    (responses), failing if any call raised."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = fn()
        except Exception as e:  # reported below
            results[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    errors = [r for r in results if not isinstance(r, requests.Response)]
    assert not errors, errors
    return results


# --- responses ---------------------------------------------------------------

def json_body(response):
    """The headers every token endpoint answer carries (RFC 6749 §5.1),
    and its JSON body."""
    ctype = response.headers.get("Content-Type", "")
    assert ctype.split(";")[0].strip() == "application/json", (
        response.status_code, response.headers, response.text)
    assert response.headers.get("Cache-Control") == "no-store", \
        response.headers
    assert response.headers.get("Pragma") == "no-cache", response.headers
    body = response.json()
    assert isinstance(body, dict), response.text
    return body


def assert_error(response, status, error):
    """An RFC 6749 §5.2 error; returns the body."""
    body = json_body(response)
    assert (response.status_code, body.get("error")) == (status, error), \
        (response.status_code, response.text)
    assert isinstance(body.get("error_description"), str) and \
        body["error_description"], body
    return body


def assert_tokens(response, scope, refresh):
    """A successful RFC 6749 §5.1 response; registers its tokens as
    secrets and returns the body."""
    body = json_body(response)
    assert response.status_code == 200, response.text
    for name in ("access_token", "refresh_token"):
        if name in body:
            harness.remember_secret(body[name])
    assert body["token_type"] == "Bearer", body
    assert isinstance(body["access_token"], str), body
    assert len(body["access_token"]) >= 43, body  # >= 256 bits, base64url
    assert isinstance(body["expires_in"], int) and body["expires_in"] > 0, \
        body
    assert "scope" in body, body
    assert body["scope"] == scope, body
    if refresh:
        assert isinstance(body.get("refresh_token"), str), body
        assert len(body["refresh_token"]) >= 43, body
        assert body["refresh_token"] != body["access_token"]
    else:
        assert "refresh_token" not in body, body
    return body


# --- stored rows -------------------------------------------------------------

def psql(pg, query):
    """pg.psql, but with the cluster's own psql binary: Debian's psql on
    PATH is a Perl wrapper that costs ~200 ms per call."""
    res = subprocess.run(
        [os.path.join(pg.bindir, "psql"), pg.conninfo, "-X", "-At", "-v",
         "ON_ERROR_STOP=1", "-c", query],
        capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if res.returncode != 0:
        raise harness.HarnessError("psql %r failed: %s" % (query, res.stderr))
    return res.stdout


def query_json(pg, query):
    out = psql(pg, query).strip()
    return json.loads(out) if out else None


def token_row(pg, token):
    """The oauth2_token row of a raw token (found by its SHA-256 hex), as a
    dict, or None."""
    return query_json(pg, "SELECT row_to_json(t) FROM oauth2_token t "
                          "WHERE token_hash = %s" % sql(sha256_hex(token)))


FAMILY_ROWS = """
SELECT coalesce(json_agg(x ORDER BY x.created_at, x.kind), '[]') FROM (
  SELECT t.*, round(extract(epoch FROM t.expires_at - t.created_at))
         AS lifetime
  FROM oauth2_token t WHERE family_id = %s) x"""


def family_rows(pg, family_id):
    return query_json(pg, FAMILY_ROWS % sql(family_id))


DUMP = ("SELECT coalesce((SELECT string_agg(t::text, E'\\n') "
        "FROM oauth2_token t), '') || "
        "coalesce((SELECT string_agg(c::text, E'\\n') "
        "FROM oauth2_code c), '')")


def assert_raw_tokens_not_stored(pg, *tokens, dump=None):
    """The raw values appear nowhere in oauth2_token (or oauth2_code)."""
    if dump is None:
        dump = psql(pg, DUMP)
    assert dump, "the dump of oauth2_token is empty"
    for token in tokens:
        assert token not in dump, "a raw token is stored in the database"


STORED = """
SELECT json_build_object(
  'family', (%s),
  'dump', (%s))""" % (FAMILY_ROWS % """(SELECT family_id FROM oauth2_token
                                        WHERE token_hash = %s)""",
                     DUMP)


def assert_stored(pg, body, client, user, scope, grant_type,
                  lifetimes=(ACCESS_TOKEN_LIFETIME, REFRESH_TOKEN_LIFETIME)):
    """The rows of a successful response: hashes of the returned tokens,
    the right client, user, scope, grant and lifetimes (access, refresh),
    one family, and no raw token in the table. Returns {"access": row,
    "refresh": row}."""
    kinds = [k for k in ("access", "refresh") if "%s_token" % k in body]
    hashes = {k: sha256_hex(body["%s_token" % k]) for k in kinds}
    found = query_json(pg, STORED % sql(hashes["access"]))
    by_hash = {r["token_hash"]: r for r in found["family"]}
    rows = {}
    for kind in kinds:
        row = rows[kind] = by_hash.get(hashes[kind])
        assert row is not None, \
            "no %s token row with the token's hash in its family" % kind
        assert row["kind"] == kind
        assert row["client_id"] == client.id
        assert row["user_id"] == user
        assert row["scope"] == scope
        assert row["grant_type"] == grant_type
        assert row["used_at"] is None and row["revoked_at"] is None, row
        expected = lifetimes[0 if kind == "access" else 1]
        assert abs(row["lifetime"] - expected) <= 2, row
    assert_raw_tokens_not_stored(
        pg, *[body["%s_token" % k] for k in kinds], dump=found["dump"])
    return rows


# --- authorization codes -----------------------------------------------------

def pkce_pair(method="S256"):
    """(code_verifier, code_challenge); the verifier is a secret too."""
    verifier = harness.remember_secret(pysecrets.token_urlsafe(48)[:64])
    if method == "plain":
        return verifier, verifier
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return verifier, challenge


def plant_code(pg, client, user=DEMO_USER, scope="read",
               redirect_uri=None, challenge=None, method=None,
               lifetime=60):
    """An authorization code as the authorization endpoint would store it
    (only its SHA-256 hex); returns the raw code."""
    code = harness.remember_secret(pysecrets.token_urlsafe(32))
    psql(pg, "INSERT INTO oauth2_code (code_hash, client_id, user_id, "
            "redirect_uri, scope, code_challenge, code_challenge_method, "
            "expires_at) VALUES (%s, %s, %s, %s, %s, %s, %s, "
            "now() + make_interval(secs => %d))"
            % (sql(sha256_hex(code)), sql(client.id), sql(user),
               sql(redirect_uri), sql(scope), sql(challenge), sql(method),
               lifetime))
    return code


def code_family(pg, code):
    return psql(pg, "SELECT family_id FROM oauth2_code WHERE code_hash = %s"
                   % sql(sha256_hex(code))).strip()
