"""What the authorization endpoint tests (test_authorize_*.py) share:
registering clients, sending authorization requests, reading redirects,
error pages and the consent page, and the stored code and token rows.

No request here follows redirects: a redirect is the answer under test.
Every code, token, secret and form token a helper sees is registered with
the harness' secret registry, so the run fails if one reaches a log."""

import base64
import hashlib
import html
import html.parser
import json
import re
import secrets as pysecrets
import urllib.parse
import uuid

import requests

import harness

AUTHORIZE = "/oauth2/authorize"
TOKEN = "/oauth2/token"
FORM = "application/x-www-form-urlencoded"
OWNER = harness.DEMO_USER
AUTH = (harness.DEMO_USER, harness.DEMO_PASSWORD)
CALLBACK = "https://client.example/cb"
# conf-examples/authorization-server.conf
CODE_LIFETIME = 60
ACCESS_TOKEN_LIFETIME = 3600
BASE64URL = re.compile(r"[A-Za-z0-9_-]+")


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:12])


def sha256_hex(text):
    return hashlib.sha256(text.encode()).hexdigest()


def sql(value):
    return "'%s'" % str(value).replace("'", "''")


# --- clients ---------------------------------------------------------------

class Client:
    def __init__(self, client_id, secret, name, redirect_uris):
        self.id = client_id
        self.secret = secret
        self.name = name
        self.redirect_uris = list(redirect_uris)

    @property
    def redirect_uri(self):
        return self.redirect_uris[0]

    def __repr__(self):
        return "Client(%r)" % self.id


def register(admin, name="Authorize test app", redirect_uris=(CALLBACK,),
             grants=(), scopes=("read", "write"), public=False):
    """oauth2-admin client add; grants () means the admin tool's default
    (authorization_code refresh_token)."""
    client_id = unique("az")
    argv = ["client", "add", name, "--id", client_id, "--json"]
    if public:
        argv.append("--public")
    for uri in redirect_uris:
        argv += ["--redirect-uri", uri]
    for grant in grants:
        argv += ["--grant", grant]
    for scope in scopes:
        argv += ["--scope", scope]
    out = json.loads(admin(*argv).stdout)
    assert out["client_id"] == client_id, out
    secret = out.get("client_secret")
    assert (secret is None) == public, out
    if secret:
        harness.remember_secret(secret)
    return Client(client_id, secret, name, redirect_uris)


def pkce_pair():
    """(code_verifier, S256 code_challenge), RFC 7636 §4.1, §4.2."""
    verifier = pysecrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    challenge = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    return verifier, challenge


def code_params(client, challenge=None, **extra):
    """An authorization code request of client to its first redirect URI
    (with an S256 challenge when one is given); extra adds or, with None,
    removes parameters."""
    params = {"response_type": "code", "client_id": client.id,
              "redirect_uri": client.redirect_uri, "scope": "read",
              "state": unique("state")}
    if challenge:
        params.update(code_challenge=challenge,
                      code_challenge_method="S256")
    params.update(extra)
    return {k: v for k, v in params.items() if v is not None}


# --- requests and answers --------------------------------------------------

def encode(params):
    """params: a dict, or a list of pairs to repeat a name."""
    items = params.items() if isinstance(params, dict) else params
    return urllib.parse.urlencode(list(items))


def authorize(server, params, method="GET", auth=AUTH):
    """An authorization request, as GET (query) or POST (form)."""
    body = encode(params)
    if method == "GET":
        return requests.get(server.url(AUTHORIZE) + "?" + body, auth=auth,
                            allow_redirects=False, timeout=30)
    return requests.post(server.url(AUTHORIZE), data=body, auth=auth,
                         headers={"Content-Type": FORM},
                         allow_redirects=False, timeout=30)


def assert_no_framing_no_caching(response):
    headers = response.headers
    assert headers.get("X-Frame-Options") == "DENY", headers
    assert headers.get("Content-Security-Policy") == \
        "frame-ancestors 'none'", headers
    assert headers.get("Cache-Control") == "no-store", headers


def assert_error_page(response, status=400):
    """The owner is told; nothing goes to the client (RFC 6749
    §4.1.2.1)."""
    assert "Location" not in response.headers, response.headers
    assert response.status_code == status, (response.status_code,
                                            response.text)
    assert response.headers["Content-Type"].startswith("text/html"), \
        response.headers
    assert response.text.startswith("<!DOCTYPE html>"), response.text
    assert_no_framing_no_caching(response)
    return response.text


def redirect_params(response, base, fragment=False):
    """The parameters added to redirect URI base (in the query or, for
    the implicit grant, the fragment), each given once."""
    assert response.status_code == 302, (response.status_code,
                                         response.text)
    location = response.headers["Location"]
    if fragment:
        assert location.startswith(base + "#"), location
    else:
        assert location.startswith(base + ("&" if "?" in base else "?")), \
            location
        assert "#" not in location, location
    pairs = urllib.parse.parse_qsl(location[len(base) + 1:],
                                   keep_blank_values=True,
                                   strict_parsing=True)
    names = [name for name, _ in pairs]
    assert len(names) == len(set(names)), location
    assert response.headers.get("Cache-Control") == "no-store", \
        response.headers
    return dict(pairs)


def assert_redirect_error(response, server, client, error, state,
                          fragment=False, base=None):
    """An error sent to the client's verified redirect URI with state and
    iss (RFC 6749 §4.1.2.1, §4.2.2.1; RFC 9207)."""
    params = redirect_params(response, base or client.redirect_uri,
                             fragment)
    assert params.get("error") == error, params
    assert params.get("error_description"), params
    assert params.get("iss") == server.issuer, params
    if state is None:
        assert "state" not in params, params
    else:
        assert params.get("state") == state, params
    assert set(params) <= {"error", "error_description", "state", "iss"}, \
        params
    return params


def code_rows(pg, client):
    return int(pg.psql("SELECT count(*) FROM oauth2_code WHERE client_id = "
                       "%s" % sql(client.id)))


def query_json(pg, query):
    out = pg.psql("SELECT row_to_json(q) FROM (%s) q" % query).strip()
    return [json.loads(line) for line in out.splitlines()]


def code_row(pg, code):
    rows = query_json(pg, "SELECT code_hash, client_id, user_id, "
                      "redirect_uri, scope, code_challenge, "
                      "code_challenge_method, used_at, "
                      "extract(epoch FROM expires_at - now()) AS ttl "
                      "FROM oauth2_code WHERE code_hash = %s"
                      % sql(sha256_hex(code)))
    assert len(rows) == 1, rows
    return rows[0]


def token_row(pg, token):
    rows = query_json(pg, "SELECT kind, client_id, user_id, scope, "
                      "grant_type, family_id, revoked_at, "
                      "extract(epoch FROM expires_at - now()) AS ttl "
                      "FROM oauth2_token WHERE token_hash = %s"
                      % sql(sha256_hex(token)))
    assert len(rows) == 1, rows
    return rows[0]


# --- the consent page ------------------------------------------------------

class FormParser(html.parser.HTMLParser):
    """The forms of a page: action, method, inputs and buttons."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action"),
                               "method": (a.get("method") or "get").lower(),
                               "inputs": [], "buttons": []})
        elif tag == "input" and self.forms:
            self.forms[-1]["inputs"].append(a)
        elif tag == "button" and self.forms:
            self.forms[-1]["buttons"].append(a)


def page_forms(text):
    parser = FormParser()
    parser.feed(text)
    parser.close()
    return parser.forms


class ConsentPage:
    """The consent page of an authorization request, and its one form."""

    def __init__(self, response):
        assert response.status_code == 200, (response.status_code,
                                             response.headers, response.text)
        assert "Location" not in response.headers
        assert response.headers["Content-Type"].startswith("text/html")
        assert_no_framing_no_caching(response)
        self.response = response
        self.text = response.text
        forms = page_forms(self.text)
        assert len(forms) == 1, self.text
        self.form = forms[0]
        assert self.form["method"] == "post", self.form
        hidden = [i for i in self.form["inputs"] if i.get("type") == "hidden"]
        names = [i["name"] for i in hidden]
        assert len(names) == len(set(names)), names
        self.fields = {i["name"]: i.get("value", "") for i in hidden}
        assert self.fields.get("csrf"), self.fields
        harness.remember_secret(self.fields["csrf"])

    def answer(self, server, decision="approve", method="POST", auth=AUTH,
               **changes):
        """Submits the form as the button decision would; changes alter
        the hidden fields (None removes one)."""
        fields = dict(self.fields, decision=decision)
        fields.update(changes)
        fields = {k: v for k, v in fields.items() if v is not None}
        url = urllib.parse.urljoin(server.url(AUTHORIZE), self.form["action"])
        if method == "GET":
            return requests.get(url + "?" + encode(fields), auth=auth,
                                allow_redirects=False, timeout=30)
        return requests.post(url, data=encode(fields), auth=auth,
                             headers={"Content-Type": FORM},
                             allow_redirects=False, timeout=30)


def consent_page(server, params, method="GET", auth=AUTH):
    return ConsentPage(authorize(server, params, method, auth))


def obtain_code(server, client, params):
    """Runs the request through the consent page if one is shown;
    returns the code and the redirect's parameters."""
    response = authorize(server, params)
    if response.status_code == 200:
        response = ConsentPage(response).answer(server)
    answer = redirect_params(response, params.get("redirect_uri") or
                             client.redirect_uri)
    return harness.remember_secret(answer["code"]), answer
