"""The module loads into a real httpd with conf-examples/ and every
handler answers at the path the examples give it."""

import json
import uuid

import pytest
import requests

import harness

# The JSON endpoints at the paths of conf-examples/authorization-server.conf.
# (path, handler, the method clients use there)
ENDPOINTS = [
    ("/oauth2/token", "oauth2-token", "POST"),
    ("/oauth2/revoke", "oauth2-revoke", "POST"),
    ("/oauth2/introspect", "oauth2-introspect", "POST"),
    ("/oauth2/jwks", "oauth2-jwks", "GET"),
    ("/.well-known/oauth-authorization-server", "oauth2-metadata", "GET"),
]
DEMO = (harness.DEMO_USER, harness.DEMO_PASSWORD)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def assert_answered_by(response, handler):
    """The handler, not httpd's default handler, answered: JSON, and a
    handler whose issue has not landed yet says so with 501."""
    assert response.status_code != 404, response.text
    assert response.headers["Content-Type"] == "application/json", \
        response.text
    if response.status_code == 501:
        assert response.headers["Cache-Control"] == "no-store"
        assert response.json() == {
            "error": "server_error",
            "error_description": "%s is not implemented yet" % handler,
        }
    else:
        assert isinstance(response.json(), dict)


def assert_json_error(response, status, error):
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.json()["error"] == error


def assert_handlers_answer(server):
    """Every handler answers at its path, the token endpoint reaches the
    database (an unknown client), the authorize endpoint is behind Basic
    auth."""
    for path, handler, method in ENDPOINTS:
        response = requests.request(method, server.url(path), timeout=10)
        assert_answered_by(response, handler)
    response = requests.post(server.url("/oauth2/token"),
                             data={"grant_type": "client_credentials"},
                             auth=("no-such-client", "no-such-secret"),
                             timeout=10)
    assert_json_error(response, 401, "invalid_client")
    response = requests.get(server.url("/oauth2/authorize"), timeout=10)
    assert response.status_code == 401
    response = requests.get(server.url("/oauth2/authorize"), auth=DEMO,
                            timeout=10)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/html")


def test_httpd_lists_oauth2_module_among_its_loaded_modules(httpd):
    rc, output = httpd.run_binary("-M")
    assert rc == 0, output
    assert "oauth2_module (shared)" in output
    assert "dbd_module (shared)" in output


def test_server_starts_with_the_example_configs_without_module_errors(
        httpd):
    assert httpd.running
    log = httpd.error_log()
    assert "resuming normal operations" in log
    # AH01617: a wrong Basic password (a test sends one on purpose).
    assert httpd.error_lines(allow=[r"AH01617"]) == []


@pytest.mark.parametrize("path,handler,method", ENDPOINTS,
                         ids=[e[1] for e in ENDPOINTS])
def test_each_endpoint_is_answered_by_its_handler(httpd, path, handler,
                                                  method):
    response = requests.request(method, httpd.url(path), timeout=10)
    assert_answered_by(response, handler)


# (case, method, form body, status, error) at /oauth2/token.
TOKEN_ANSWERS = [
    ("GET is refused", "GET", None, 405, "invalid_request"),
    ("a POST without a form is refused", "POST", None, 400,
     "invalid_request"),
    ("a form without grant_type is refused", "POST", "scope=read", 400,
     "invalid_request"),
    ("an unknown client is refused", "POST",
     "grant_type=client_credentials&client_id=nobody&client_secret=nothing",
     401, "invalid_client"),
]


@pytest.mark.parametrize("case,method,body,status,error", TOKEN_ANSWERS,
                         ids=[t[0] for t in TOKEN_ANSWERS])
def test_token_endpoint_answers_with_json_errors(httpd, case, method, body,
                                                 status, error):
    response = requests.request(method, httpd.url("/oauth2/token"),
                                data=body, headers=FORM if body else {},
                                timeout=10)
    assert_json_error(response, status, error)


def test_authorize_endpoint_without_credentials_asks_for_basic_auth(httpd):
    response = requests.get(httpd.url("/oauth2/authorize"), timeout=10)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic ")


def test_authorize_endpoint_rejects_a_wrong_password(httpd):
    response = requests.get(httpd.url("/oauth2/authorize"),
                            auth=(harness.DEMO_USER, "wrong-password"),
                            timeout=10)
    assert response.status_code == 401


def test_authorize_endpoint_with_demo_credentials_reaches_the_handler(
        httpd):
    # No client_id: an error page for the owner, never a redirect.
    response = requests.get(httpd.url("/oauth2/authorize"), auth=DEMO,
                            allow_redirects=False, timeout=10)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Location" not in response.headers


def client_token(httpd, admin, scope):
    """An access token of a fresh client_credentials client."""
    client = json.loads(admin(
        "client", "add", "Resource test", "--id",
        "rs-%s" % uuid.uuid4().hex[:12], "--grant", "client_credentials",
        "--scope", scope, "--json").stdout)
    harness.remember_secret(client["client_secret"])
    response = requests.post(
        httpd.url("/oauth2/token"),
        data={"grant_type": "client_credentials", "scope": scope},
        auth=(client["client_id"], client["client_secret"]), timeout=10)
    assert response.status_code == 200, response.text
    return harness.remember_secret(response.json()["access_token"])


def test_resource_example_without_a_token_asks_for_a_bearer_token(httpd):
    response = requests.get(httpd.url("/api/hello.json"), timeout=10)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == \
        'Bearer realm="example-api"'


def test_resource_example_refuses_an_unknown_token(httpd):
    response = requests.get(httpd.url("/api/hello.json"), timeout=10,
                            headers={"Authorization": "Bearer " + "x" * 43})
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_resource_example_serves_a_token_with_scope_read(httpd, admin):
    token = client_token(httpd, admin, "read")
    response = requests.get(httpd.url("/api/hello.json"), timeout=10,
                            headers={"Authorization": "Bearer " + token})
    assert response.status_code == 200, response.text
    assert response.json() == {"hello": "world"}


def test_resource_example_refuses_a_token_without_scope_read(httpd, admin):
    token = client_token(httpd, admin, "write")
    response = requests.get(httpd.url("/api/hello.json"), timeout=10,
                            headers={"Authorization": "Bearer " + token})
    assert response.status_code == 403
    assert 'error="insufficient_scope"' in \
        response.headers["WWW-Authenticate"]


def test_other_paths_are_not_handled_by_the_module(httpd):
    response = requests.get(httpd.url("/oauth2/nothing-here"), timeout=10)
    assert response.status_code == 404


VHOST = """
<VirtualHost 127.0.0.1:${OAUTH2_PORT}>
    ServerName vhost.example.test
    Include "${OAUTH2_EXAMPLES}/authorization-server.conf"
</VirtualHost>
"""


def test_handlers_answer_in_the_main_server(httpd):
    assert_handlers_answer(httpd)


def test_handlers_answer_inside_a_virtual_host(make_httpd):
    server = make_httpd(VHOST, examples=("database",))
    assert_handlers_answer(server)
    assert server.module_errors() == []
