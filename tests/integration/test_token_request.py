"""The token endpoint's HTTP framing (RFC 6749 §3.2): POST only, form
bodies only, bounded bodies, strict parameters, JSON answers."""

import re

import pytest
import requests

from token_support import (FORM, TOKEN_PATH, assert_error, assert_tokens,
                           encode, json_body, post_raw, register_client)

LIMIT = 16 * 1024


@pytest.fixture(scope="module")
def client(admin):
    return register_client(admin, "--grant", "client_credentials",
                           "--scope", "read", "--scope", "write")


def cc_body(client, **extra):
    params = {"grant_type": "client_credentials", "client_id": client.id,
              "client_secret": client.secret}
    params.update(extra)
    return encode(params)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH",
                                    "OPTIONS"])
def test_methods_other_than_post_are_refused_with_405_and_allow_post(
        httpd, client, method):
    response = requests.request(method, httpd.url(TOKEN_PATH),
                                data=cc_body(client),
                                headers={"Content-Type": FORM}, timeout=10)
    assert_error(response, 405, "invalid_request")
    assert response.headers.get("Allow") == "POST"


@pytest.mark.parametrize("content_type", [
    "application/json",
    "text/plain",
    "multipart/form-data; boundary=x",
    "application/x-www-form-urlencodedx",
    "application/x-www-form",
    None,
])
def test_a_body_that_is_not_a_form_is_invalid_request_with_400(
        httpd, client, content_type):
    # RFC 6749 §5.2: invalid_request is answered with 400 (it was 415).
    response = post_raw(httpd, cc_body(client), content_type=content_type)
    assert_error(response, 400, "invalid_request")


@pytest.mark.parametrize("path", ["/oauth2/token", "/oauth2/revoke",
                                  "/oauth2/introspect"])
def test_a_json_body_is_invalid_request_with_400_at_every_client_endpoint(
        httpd, client, path):
    # RFC 6749 §5.2, RFC 7009 §2.2.1, RFC 7662 §2.3: the same answer at
    # the three endpoints that authenticate clients.
    response = requests.post(
        httpd.url(path), json={"grant_type": "client_credentials",
                               "token": "x" * 43, "client_id": client.id,
                               "client_secret": client.secret},
        auth=(client.id, client.secret), timeout=30)
    assert_error(response, 400, "invalid_request")
    assert response.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("content_type", [
    FORM,
    FORM + "; charset=UTF-8",
    FORM + ";charset=utf-8",
    "Application/X-WWW-Form-URLEncoded",
])
def test_a_form_content_type_with_or_without_charset_is_accepted(
        httpd, client, content_type):
    response = post_raw(httpd, cc_body(client), content_type=content_type)
    assert_tokens(response, "read write", refresh=False)


def padded_body(client, size):
    """A valid request of exactly size bytes (an unknown parameter pads
    it)."""
    body = cc_body(client) + "&padding="
    assert len(body) < size
    return body + "x" * (size - len(body))


def test_a_body_of_exactly_16_kib_is_accepted(httpd, client):
    response = post_raw(httpd, padded_body(client, LIMIT))
    assert_tokens(response, "read write", refresh=False)


def test_a_body_over_16_kib_is_refused_with_413(httpd, client):
    response = post_raw(httpd, padded_body(client, LIMIT + 1))
    assert_error(response, 413, "invalid_request")


def test_a_chunked_body_over_16_kib_is_refused_with_413(httpd, client):
    body = padded_body(client, 4 * LIMIT).encode()
    chunks = (body[i:i + 1000] for i in range(0, len(body), 1000))
    response = requests.post(httpd.url(TOKEN_PATH), data=chunks,
                             headers={"Content-Type": FORM}, timeout=10)
    assert response.request.headers.get("Transfer-Encoding") == "chunked"
    assert_error(response, 413, "invalid_request")


def test_a_chunked_body_under_the_limit_is_accepted(httpd, client):
    body = cc_body(client).encode()
    chunks = (body[i:i + 7] for i in range(0, len(body), 7))
    response = requests.post(httpd.url(TOKEN_PATH), data=chunks,
                             headers={"Content-Type": FORM}, timeout=10)
    assert_tokens(response, "read write", refresh=False)


@pytest.mark.parametrize("duplicate", [
    "grant_type=client_credentials",
    "scope=read",
    "client_id={id}",
    "client_secret={secret}",
    "unknown_but_twice=1&unknown_but_twice=1",
])
def test_a_parameter_sent_twice_is_an_invalid_request(httpd, client,
                                                      duplicate):
    body = cc_body(client, scope="read") + "&" + duplicate.format(
        id=client.id, secret=client.secret)
    assert_error(post_raw(httpd, body), 400, "invalid_request")


@pytest.mark.parametrize("body", [
    "grant_type=",
    "grant_type",
    "grant_type=&grant_type_x=client_credentials",
])
def test_an_empty_grant_type_is_an_invalid_request(httpd, client, body):
    response = post_raw(httpd, body + "&" + encode(
        {"client_id": client.id, "client_secret": client.secret}))
    assert_error(response, 400, "invalid_request")


@pytest.mark.parametrize("grant,params", [
    ("authorization_code", {"code": ""}),
    ("refresh_token", {"refresh_token": ""}),
    ("password", {"username": "", "password": "x" * 10}),
    ("password", {"username": "demo", "password": ""}),
])
def test_an_empty_required_parameter_is_an_invalid_request(
        httpd, admin, grant, params):
    c = register_client(admin, "--grant", grant, "--grant", "refresh_token")
    body = encode(dict(params, grant_type=grant, client_id=c.id,
                       client_secret=c.secret))
    assert_error(post_raw(httpd, body), 400, "invalid_request")


def test_a_missing_grant_type_is_an_invalid_request(httpd, client):
    body = encode({"client_id": client.id, "client_secret": client.secret})
    assert_error(post_raw(httpd, body), 400, "invalid_request")


def test_an_empty_body_is_an_invalid_request(httpd):
    assert_error(post_raw(httpd, ""), 400, "invalid_request")


@pytest.mark.parametrize("grant_type", [
    "implicit",
    "CLIENT_CREDENTIALS",
    "urn:ietf:params:oauth:grant-type:jwt-bearer",
    "urn:ietf:params:oauth:grant-type:device_code",
    "client_credentials ",
])
def test_an_unknown_grant_type_is_unsupported_grant_type(httpd, client,
                                                         grant_type):
    response = post_raw(httpd, cc_body(client, grant_type=grant_type))
    assert_error(response, 400, "unsupported_grant_type")


@pytest.mark.parametrize("raw", [
    "scope=%FF",                # not UTF-8 at all
    "scope=read%C3%28",         # bad continuation byte
    "scope=%C0%AF",             # overlong '/'
    "scope=%ED%A0%80",          # a UTF-16 surrogate
    "scope=%F4%90%80%80",       # past U+10FFFF
    "x%FF=1",                   # a parameter name
])
def test_a_value_that_is_not_utf8_is_an_invalid_request(httpd, client, raw):
    response = post_raw(httpd, cc_body(client) + "&" + raw)
    assert_error(response, 400, "invalid_request")


@pytest.mark.parametrize("raw", ["scope=%ZZ", "scope=%4", "scope=a%00b"])
def test_broken_percent_encoding_is_an_invalid_request(httpd, client, raw):
    response = post_raw(httpd, cc_body(client) + "&" + raw)
    assert_error(response, 400, "invalid_request")


def test_unknown_parameters_are_ignored(httpd, client):
    body = cc_body(client) + "&foo=bar&empty=&resource_hint=%E2%9C%93&lone"
    assert_tokens(post_raw(httpd, body), "read write", refresh=False)


def test_utf8_in_an_unknown_parameter_is_accepted(httpd, client):
    body = cc_body(client, note="gr\u00fc\u00dfe \u2603")
    assert_tokens(post_raw(httpd, body), "read write", refresh=False)


@pytest.mark.parametrize("case", ["success", "error"])
def test_every_answer_is_uncacheable_json(httpd, client, case):
    body = cc_body(client) if case == "success" else "grant_type=nope"
    response = post_raw(httpd, body)
    json_body(response)  # Content-Type, Cache-Control, Pragma
    assert response.status_code == (200 if case == "success" else 400)


def test_error_description_carries_only_rfc6749_characters(httpd, client):
    # RFC 6749 §5.2: %x20-21 / %x23-5B / %x5D-7E; the parameter name
    # comes from the request.
    body = cc_body(client) + "&x%22%5C%C3%A9%0A=1&x%22%5C%C3%A9%0A=2"
    body = assert_error(post_raw(httpd, body), 400, "invalid_request")
    assert re.fullmatch(r"[\x20-\x21\x23-\x5b\x5d-\x7e]*",
                        body["error_description"]), body
    assert "'x????'" in body["error_description"], body
