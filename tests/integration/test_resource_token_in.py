"""Where a bearer token may travel besides the Authorization header
(OAuth2BearerTokenIn query and body, RFC 6750 §2.2 and §2.3), and what of
it goes on: unless OAuth2ForwardAuthorization On, a proxied application
never receives the token, however it came (header, query, form body or
Basic password), and the request line that httpd logs never keeps a
query token. A subrequest or internal redirect into another protected
location keeps the client's token; with AuthBasicProvider oauth2 a
database outage is a 503 with Retry-After, as it is for AuthType oauth2."""

import os
import socket

import pytest
import requests

import harness
import resource_support as rs

FORM = "application/x-www-form-urlencoded"
BODY_LIMIT = 64 * 1024
REALM = "token-in"
HOP_CGI = """#!/bin/sh
# A local redirect: httpd serves the target as an internal redirect.
printf 'Location: /t/landing/hello.json\\r\\n\\r\\n'
"""


def location(path, *lines, **kwargs):
    return rs.location(path, 'OAuth2Realm "%s"' % REALM, *lines, **kwargs)


def locations(backend):
    """Test locations, all in realm REALM."""
    proxy = 'ProxyPass "%s/"' % backend.url
    forward = "OAuth2ForwardAuthorization On"
    basic = ('AuthName "basic-realm"', "AuthBasicProvider oauth2")
    return (
        location("/t/body/", "OAuth2BearerTokenIn header body",
                    "Require valid-user", proxy)
        + location("/t/body-forward/", "OAuth2BearerTokenIn header body",
                      forward, "Require valid-user", proxy)
        + location("/t/header/", "Require valid-user", proxy)
        + location("/t/query/", "OAuth2BearerTokenIn header query",
                      "Require valid-user", proxy)
        + location("/t/query-forward/", "OAuth2BearerTokenIn query",
                      forward, "Require valid-user", proxy)
        # Backend URLs built with the raw query before authentication.
        + location("/t/query-nocanon/", "OAuth2BearerTokenIn query",
                      "Require valid-user", proxy + " nocanon")
        + "RewriteEngine On\n"
          'RewriteRule "^/t/query-rewrite/(.*)$" "%s/$1" [P]\n' % backend.url
        + location("/t/query-rewrite/", "OAuth2BearerTokenIn query",
                      "Require valid-user")
        + location("/t/basic/", *basic, "Require valid-user", proxy,
                      auth_type="Basic")
        + location("/t/basic-forward/", *basic, forward,
                      "Require valid-user", proxy, auth_type="Basic")
        # Subrequests and internal redirects into another location.
        + location("/t/landing/", "Require oauth2-scope read")
        + location("/t/index/", "OAuth2BearerTokenIn header query",
                      "Require valid-user",
                      "DirectoryIndex /t/landing/hello.json")
        + location("/t/basic-landing/", *basic, "Require valid-user",
                      auth_type="Basic")
        + location("/t/basic-index/", *basic, "Require valid-user",
                      "DirectoryIndex /t/basic-landing/hello.json",
                      auth_type="Basic"))


@pytest.fixture(scope="module")
def server(session, pg, site, backend):
    harness.write_file(os.path.join(site.cgi_bin, "hop"), HOP_CGI,
                       mode=0o755)
    access_log = os.path.join(session.dir, "token-in-access.log")
    conf = 'CustomLog "%s" "%%r|%%q|%%U"\n' % access_log
    s = rs.start_server(session, conf + locations(backend),
                        backend_url=backend.url, name="rs-token-in")
    s.access_log = access_log
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture(scope="module")
def client(admin):
    return rs.password_client(admin)


@pytest.fixture
def token(server, client):
    return rs.user_token(server, client, "read")


def post(server, path, body, content_type=FORM, **kwargs):
    headers = kwargs.pop("headers", {})
    if content_type:
        headers["Content-Type"] = content_type
    return requests.post(server.url(path), data=body, headers=headers,
                         timeout=30, **kwargs)


def assert_invalid_request(response):
    rs.assert_error_challenge(response, 400, "invalid_request", REALM)


# --- the form body (RFC 6750 §2.2) -------------------------------------------

def test_a_token_in_the_form_body_is_accepted_and_taken_out(server, token):
    response = post(server, "/t/body/echo", "a=1&access_token=%s&b=%%C3%%A9"
                    % token)
    path, headers, body = rs.backend_request(response, with_body=True)
    assert body == "a=1&b=%C3%A9", body
    assert headers["content-length"] == [str(len(body))], headers
    assert response.headers["X-Test-Remote-User"] == rs.DEMO_USER
    assert "authorization" not in headers


def test_a_body_token_is_forwarded_with_forward_authorization_on(server,
                                                                 token):
    sent = "access_token=%s&x=y" % token
    _, _, body = rs.backend_request(post(server, "/t/body-forward/", sent),
                                    with_body=True)
    assert body == sent


def test_with_body_allowed_a_header_token_leaves_the_body_alone(server,
                                                                token):
    sent = "x=%FF&y=" + "z" * 5000  # not UTF-8: not ours to judge
    _, headers, body = rs.backend_request(post(
        server, "/t/body/", sent, headers=rs.bearer(token)), with_body=True)
    assert body == sent
    assert "authorization" not in headers


def test_a_chunked_form_body_is_searched_and_handed_on(server, token):
    chunks = iter([b"access_token=", token.encode(), b"&k=v"])
    _, headers, body = rs.backend_request(post(server, "/t/body/", chunks),
                                          with_body=True)
    assert body == "k=v"
    assert headers["content-length"] == ["3"]


def test_a_form_body_with_only_the_token_reaches_the_backend_empty(server,
                                                                    token):
    _, headers, body = rs.backend_request(
        post(server, "/t/body/", "access_token=" + token), with_body=True)
    assert body == ""
    assert headers.get("content-length", ["0"]) == ["0"]


@pytest.mark.parametrize("content_type", ["application/json", "text/plain",
                                          None])
def test_a_body_that_is_not_a_form_is_not_searched(server, token,
                                                   content_type):
    response = post(server, "/t/body/", "access_token=" + token,
                    content_type=content_type)
    rs.assert_no_token_challenge(response, REALM)


def test_a_get_request_body_is_not_searched(server, token):
    response = requests.get(server.url("/t/body/"),
                            data="access_token=" + token,
                            headers={"Content-Type": FORM}, timeout=30)
    rs.assert_no_token_challenge(response, REALM)


def test_the_body_is_not_searched_where_only_the_header_is_allowed(server,
                                                                   token):
    rs.assert_no_token_challenge(
        post(server, "/t/header/", "access_token=" + token), REALM)


def test_a_token_in_header_and_body_is_invalid_request(server, token):
    assert_invalid_request(post(server, "/t/body/", "access_token=" + token,
                                headers=rs.bearer(token)))


def test_a_token_twice_in_the_body_is_invalid_request(server, token):
    assert_invalid_request(post(server, "/t/body/", "access_token=%s&"
                                "access_token=%s" % (token, token)))


def test_an_unknown_body_token_is_invalid_token(server):
    rs.assert_error_challenge(post(server, "/t/body/",
                                   "access_token=" + "u" * 43),
                              401, "invalid_token", REALM)


def test_a_form_body_past_the_limit_is_refused_with_413(server, token):
    response = post(server, "/t/body/", "access_token=%s&pad=%s"
                    % (token, "p" * BODY_LIMIT))
    assert response.status_code == 413, (response.status_code,
                                         response.text)


# --- the query (RFC 6750 §2.3) -----------------------------------------------

def test_a_query_token_reaches_neither_the_backend_nor_the_log(server,
                                                               token):
    marker = "marker-%s" % os.getpid()
    path, headers = rs.backend_request(rs.get(
        server, "/t/query/x?a=%s&access_token=%s&b=2" % (marker, token)))
    assert path == "/x?a=%s&b=2" % marker, path
    assert "authorization" not in headers
    logged = harness.lines_with(server.access_log, marker)
    assert logged, "no access log line for the request"
    assert all(token not in line for line in logged), logged
    assert logged[-1].split("|")[1] == "?a=%s&b=2" % marker, logged


def refused_line(server, path, marker, status, **kwargs):
    """The access log line of a refused request (whose path holds
    marker), after checking its status."""
    response = rs.get(server, path, **kwargs)
    assert response.status_code == status, (response.status_code,
                                            response.text)
    logged = harness.lines_with(server.access_log, marker)
    assert len(logged) == 1, logged
    return logged[0]


def test_a_query_token_sent_twice_leaves_the_log_without_it(server, token):
    marker = "twice-%s" % os.getpid()
    line = refused_line(server, "/t/query/%s?access_token=%s&a=1&"
                        "access_token=%s" % (marker, token, token), marker,
                        400)
    assert token not in line, line
    # All or nothing: a malformed query is dropped whole.
    assert line.split("|")[:2] == ["GET /t/query/%s HTTP/1.1" % marker, ""], \
        line


def test_a_query_token_beside_a_header_token_leaves_the_log_without_it(
        server, token):
    marker = "both-%s" % os.getpid()
    line = refused_line(server, "/t/query/x?a=%s&access_token=%s"
                        % (marker, token), marker, 400, token=token)
    assert token not in line, line
    assert line.split("|")[1] == "?a=%s" % marker, line


def test_an_unknown_query_token_leaves_the_log_without_it(server):
    marker = "unknown-%s" % os.getpid()
    unknown = "unknown-query-token-" + "k" * 30
    line = refused_line(server, "/t/query/x?access_token=%s&m=%s"
                        % (unknown, marker), marker, 401)
    assert unknown not in line, line
    assert line.split("|")[0] == "GET /t/query/x?m=%s HTTP/1.1" % marker, \
        line


@pytest.mark.parametrize("prefix", ["/t/query-nocanon/",
                                    "/t/query-rewrite/"])
def test_a_query_token_is_taken_from_a_backend_url_built_before_authn(
        server, token, prefix):
    path, _ = rs.backend_request(rs.get(
        server, "%sw?a=1&access_token=%s&b=%%2F" % (prefix, token)))
    assert path == "/w?a=1&b=%2F", path
    path, _ = rs.backend_request(rs.get(
        server, "%sv?access_token=%s" % (prefix, token)))
    assert path == "/v", path


def test_a_query_holding_only_the_token_reaches_the_backend_without_one(
        server, token):
    path, _ = rs.backend_request(rs.get(server, "/t/query/y?access_token="
                                        + token))
    assert path == "/y", path


def test_a_query_token_is_forwarded_with_forward_authorization_on(server,
                                                                  token):
    path, _ = rs.backend_request(rs.get(
        server, "/t/query-forward/z?access_token=%s&c=3" % token))
    assert path == "/z?access_token=%s&c=3" % token, path


# --- AuthBasicProvider oauth2 ------------------------------------------------

def test_a_basic_password_token_is_not_forwarded_by_default(server, token):
    _, headers = rs.backend_request(rs.get(server, "/t/basic/",
                                           auth=(rs.DEMO_USER, token)))
    assert "authorization" not in headers, headers


def test_a_basic_password_token_is_forwarded_with_forward_authorization_on(
        server, token):
    _, headers = rs.backend_request(rs.get(server, "/t/basic-forward/",
                                           auth=(rs.DEMO_USER, token)))
    assert headers["authorization"][0].startswith("Basic "), headers


# --- subrequests and internal redirects --------------------------------------

@pytest.mark.parametrize("how", ["header", "query"])
def test_a_subrequest_into_another_location_keeps_the_token(server, token,
                                                            how):
    if how == "header":
        response = rs.get(server, "/t/index/", token=token)
    else:
        response = rs.get(server, "/t/index/?access_token=" + token)
    rs.assert_served(response)


def test_an_internal_redirect_into_another_location_keeps_the_token(
        server, admin):
    # /cgi-bin/ (conf-examples) wants scope write, /t/landing/ read.
    client = rs.password_client(admin)
    token = rs.user_token(server, client, "read write")
    rs.assert_served(rs.get(server, "/cgi-bin/hop", token=token))


def test_a_basic_subrequest_into_another_location_keeps_the_credentials(
        server, token):
    rs.assert_served(rs.get(server, "/t/basic-index/",
                            auth=(rs.DEMO_USER, token)))


def test_without_a_token_the_subrequest_is_refused_too(server):
    response = rs.get(server, "/t/index/")
    rs.assert_no_token_challenge(response, REALM)
