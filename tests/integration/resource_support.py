"""What the resource-server tests (test_resource_*.py) share: an httpd
with conf-examples/resource-server.conf and test locations, tokens of
each kind, requests with a bearer token, RFC 6750 challenge parsing, a
CGI script and a proxied backend that echo what they received.

Every token is registered with the harness' secret registry (through
token_support.assert_tokens), so the run fails if one reaches a log."""

import http.server
import json
import os
import re
import threading

import requests

import harness
from token_support import (DEMO_PASSWORD, DEMO_USER, assert_tokens, encode,
                           json_body, pkce_pair, plant_code, register_client,
                           token_request)

# conf-examples/resource-server.conf
EXAMPLE_REALM = "example-api"
# Static files of every test location (the harness' htdocs/api).
HELLO = {"hello": "world"}

# Every test location serves htdocs/api below its own prefix, and shows
# what httpd made of the token in response headers.
TEST_ALIAS = 'AliasMatch "^/t/[^/]+/(.*)$" "${OAUTH2_HTDOCS}/api/$1"\n'
SHOW_IDENTITY = """\
    Header set X-Test-Remote-User "expr=%{REMOTE_USER}"
    Header set X-Test-Auth-Type "expr=%{AUTH_TYPE}"
    Header set X-Test-Client-Id "expr=%{reqenv:OAUTH2_CLIENT_ID}"
    Header set X-Test-User "expr=%{reqenv:OAUTH2_USER}"
    Header set X-Test-Scope "expr=%{reqenv:OAUTH2_SCOPE}"
    Header set X-Test-Expires "expr=%{reqenv:OAUTH2_EXPIRES}"
"""


def location(path, *lines, auth_type="oauth2"):
    """A <Location> block with AuthType, the identity headers and the
    given directives."""
    body = "".join("    %s\n" % line for line in lines)
    return ("<Location %s>\n    AuthType %s\n%s%s</Location>\n"
            % (path, auth_type, SHOW_IDENTITY, body))


def start_server(session, locations="", backend_url=None,
                 examples=("database", "authorization-server"),
                 name="rs", grants=harness.ALL_GRANTS):
    """An httpd with the given conf-examples, resource-server.conf (its
    /app/ proxied to backend_url when given), the grants (every one, so
    that tests get user tokens by the password grant) and the test
    locations. The caller stops it (server.stop() checks its logs)."""
    conf = grants
    if backend_url:
        conf += 'Define OAUTH2_BACKEND_URL "%s"\n' % backend_url
    conf += 'Include "${OAUTH2_EXAMPLES}/resource-server.conf"\n'
    conf += TEST_ALIAS + locations
    server = session.new_httpd(conf, examples=examples, name=name)
    try:
        return server.start()
    except Exception:
        server.stop(check=False)
        raise


# --- tokens ------------------------------------------------------------------

def client_credentials_client(admin, scopes=("read", "write"),
                              client_id=None, introspect=False):
    """introspect: registered to introspect other clients' tokens (a
    resource server, RFC 7662 §4)."""
    args = ["--grant", "client_credentials"]
    for s in scopes:
        args += ["--scope", s]
    if introspect:
        args.append("--introspect")
    return register_client(admin, *args, client_id=client_id)


def password_client(admin, scopes=("read", "write"), client_id=None):
    args = ["--grant", "password", "--grant", "refresh_token"]
    for s in scopes:
        args += ["--scope", s]
    return register_client(admin, *args, client_id=client_id)


PUBLIC_REDIRECT = "https://app.example/callback"


def public_client(admin):
    """A public client of the code flow (PKCE, client_id only)."""
    return register_client(admin, "--grant", "authorization_code",
                           "--grant", "refresh_token", "--redirect-uri",
                           PUBLIC_REDIRECT, "--scope", "read", public=True)


def public_tokens(server, pg, public):
    """Tokens of a public client: a PKCE code redeemed with client_id."""
    verifier, challenge = pkce_pair()
    code = plant_code(pg, public, redirect_uri=PUBLIC_REDIRECT,
                      challenge=challenge, method="S256")
    response = token_request(server, public, {
        "grant_type": "authorization_code", "code": code,
        "redirect_uri": PUBLIC_REDIRECT, "code_verifier": verifier,
        "client_id": public.id}, auth=None)
    return assert_tokens(response, "read", refresh=True)


def client_token(server, client, scope="read"):
    """An access token of the client itself (client_credentials)."""
    response = token_request(server, client, {
        "grant_type": "client_credentials", "scope": scope})
    return assert_tokens(response, scope, refresh=False)["access_token"]


def user_tokens(server, client, scope="read", user=DEMO_USER,
                password=DEMO_PASSWORD):
    """The token response of the password grant for user: access and
    refresh token."""
    response = token_request(server, client, {
        "grant_type": "password", "username": user, "password": password,
        "scope": scope})
    return assert_tokens(response, scope, refresh=True)


def user_token(server, client, scope="read", **kwargs):
    return user_tokens(server, client, scope, **kwargs)["access_token"]


def introspect(server, client, token):
    """The JSON answer of the introspection endpoint (RFC 7662) to client
    (client_secret_basic) about token."""
    response = requests.post(
        server.url("/oauth2/introspect"), data=encode({"token": token}),
        headers={"Authorization": client.basic(),
                 "Content-Type": "application/x-www-form-urlencoded"},
        timeout=30)
    body = json_body(response)
    assert response.status_code == 200, response.text
    return body


# --- requests ----------------------------------------------------------------

def bearer(token):
    return {"Authorization": "Bearer " + token}


def get(server, path, token=None, headers=None, **kwargs):
    """GET path, with Authorization: Bearer token when token is given."""
    h = bearer(token) if token is not None else {}
    h.update(headers or {})
    kwargs.setdefault("timeout", 30)
    return requests.get(server.url(path), headers=h, **kwargs)


# --- RFC 6750 challenges -----------------------------------------------------

# auth-param = token BWS "=" BWS ( token / quoted-string )   (RFC 7235)
_PARAM = re.compile(r'\s*([!#$%&\'*+.^_`|~0-9A-Za-z-]+)\s*=\s*'
                    r'(?:"((?:[^"\\]|\\.)*)"|([!#$%&\'*+.^_`|~0-9A-Za-z-]+))'
                    r'\s*(,|$)')


def parse_challenge(value):
    """'Bearer realm="x", error="y"' -> ("Bearer", {"realm": "x", ...}).
    Fails on anything that is not one well-formed challenge."""
    assert value, "no WWW-Authenticate header"
    scheme, _, rest = value.partition(" ")
    params = {}
    pos = 0
    while pos < len(rest):
        m = _PARAM.match(rest, pos)
        assert m, "malformed challenge at %r: %r" % (rest[pos:], value)
        name = m.group(1).lower()
        assert name not in params, "parameter %s twice: %r" % (name, value)
        quoted = m.group(2)
        params[name] = (re.sub(r"\\(.)", r"\1", quoted) if quoted is not None
                        else m.group(3))
        pos = m.end()
    return scheme, params


def challenge(response):
    """The Bearer challenge of a response, as a dict of its parameters."""
    values = response.raw.headers.getlist("WWW-Authenticate")
    assert len(values) == 1, (response.status_code, values)
    scheme, params = parse_challenge(values[0])
    assert scheme == "Bearer", values[0]
    return params


def assert_no_token_challenge(response, realm):
    """RFC 6750 §3.1: no authentication information, no error code."""
    assert response.status_code == 401, (response.status_code,
                                         response.text)
    assert challenge(response) == {"realm": realm}, \
        response.headers["WWW-Authenticate"]


def assert_error_challenge(response, status, error, realm, scope=None):
    """An error challenge with a description (and the needed scope)."""
    assert response.status_code == status, (response.status_code,
                                            response.text)
    params = challenge(response)
    assert params.get("realm") == realm, params
    assert params.get("error") == error, params
    assert params.get("error_description"), params
    # RFC 6750 §3: error_description is %x20-21 / %x23-5B / %x5D-7E.
    assert re.fullmatch(r'[\x20-\x21\x23-\x5b\x5d-\x7e]+',
                        params["error_description"]), params
    assert params.get("scope") == scope, params
    return params


def assert_served(response):
    """The protected static file was served."""
    assert response.status_code == 200, (response.status_code,
                                         response.headers, response.text)
    assert response.json() == HELLO
    assert "WWW-Authenticate" not in response.headers, response.headers


def identity(response):
    """What httpd made of the token, from the X-Test-* headers of a test
    location: remote_user, auth_type, client_id, user, scope, expires."""
    names = ("remote_user", "auth_type", "client_id", "user", "scope",
             "expires")
    return {n: response.headers.get("X-Test-" + n.replace("_", "-").title())
            for n in names}


# --- a CGI script and a proxied backend --------------------------------------

ENV_CGI = """#!/bin/sh
# Prints its environment (one NAME=value a line).
printf 'Content-Type: text/plain\\r\\n\\r\\n'
exec env
"""


def install_env_cgi(site, name="env"):
    """A CGI script printing its environment, in the directory /cgi-bin/
    serves (readable and executable by httpd's children, who run as
    www-data or nobody under root)."""
    path = os.path.join(site.cgi_bin, name)
    harness.write_file(path, ENV_CGI, mode=0o755)
    return "/cgi-bin/" + name


def cgi_environment(response):
    assert response.status_code == 200, (response.status_code,
                                         response.text)
    env = {}
    for line in response.text.splitlines():
        name, sep, value = line.partition("=")
        if sep:
            env[name] = value
    return env


class _EchoHandler(http.server.BaseHTTPRequestHandler):
    """Answers every GET and POST with the request it received, as JSON
    (the body as text)."""

    def do_GET(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = json.dumps({
            "method": self.command,
            "path": self.path,
            "headers": [[k, v] for k, v in self.headers.items()],
            "body": self.rfile.read(length).decode("latin-1"),
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, fmt, *args):
        pass  # quiet: requests may carry tokens


class EchoBackend:
    """The application behind mod_proxy, on a free 127.0.0.1 port."""

    def __init__(self):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                      _EchoHandler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


def backend_request(response, with_body=False):
    """(path, {lower-case header name: [values]}) the backend received,
    and its body when with_body."""
    assert response.status_code == 200, (response.status_code,
                                         response.text)
    got = response.json()
    headers = {}
    for name, value in got["headers"]:
        headers.setdefault(name.lower(), []).append(value)
    if with_body:
        return got["path"], headers, got["body"]
    return got["path"], headers
