"""The module loads into a real httpd with conf-examples/ and every
handler answers at the path the examples give it."""

import pytest
import requests

import harness

# (path, handler) as conf-examples/authorization-server.conf maps them.
ENDPOINTS = [
    ("/oauth2/token", "oauth2-token"),
    ("/oauth2/revoke", "oauth2-revoke"),
    ("/oauth2/introspect", "oauth2-introspect"),
    ("/oauth2/jwks", "oauth2-jwks"),
    ("/.well-known/oauth-authorization-server", "oauth2-metadata"),
]
DEMO = (harness.DEMO_USER, harness.DEMO_PASSWORD)


def assert_not_implemented_answer(response, handler):
    assert response.status_code == 501, response.text
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.json() == {
        "error": "server_error",
        "error_description": "%s is not implemented yet" % handler,
    }


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


@pytest.mark.parametrize("path,handler", ENDPOINTS)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_each_endpoint_answers_with_its_handler(httpd, path, handler,
                                                method):
    response = requests.request(method, httpd.url(path), timeout=10)
    assert_not_implemented_answer(response, handler)


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
    response = requests.get(httpd.url("/oauth2/authorize"), auth=DEMO,
                            timeout=10)
    assert_not_implemented_answer(response, "oauth2-authorize")


def test_resource_example_serves_api_until_protection_lands(httpd):
    response = requests.get(httpd.url("/api/hello.json"), timeout=10)
    assert response.status_code == 200
    assert response.json() == {"hello": "world"}


def test_other_paths_are_not_handled_by_the_module(httpd):
    response = requests.get(httpd.url("/oauth2/nothing-here"), timeout=10)
    assert response.status_code == 404


VHOST = """
<VirtualHost 127.0.0.1:${OAUTH2_PORT}>
    ServerName vhost.example.test
    Include "${OAUTH2_EXAMPLES}/authorization-server.conf"
</VirtualHost>
"""


def test_handlers_answer_inside_a_virtual_host(make_httpd):
    server = make_httpd(VHOST, examples=("database",))
    for path, handler in ENDPOINTS:
        response = requests.post(server.url(path), timeout=10)
        assert_not_implemented_answer(response, handler)
    response = requests.get(server.url("/oauth2/authorize"), auth=DEMO,
                            timeout=10)
    assert_not_implemented_answer(response, "oauth2-authorize")
    assert server.module_errors() == []
