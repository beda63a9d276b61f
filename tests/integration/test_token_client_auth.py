"""Client authentication at the token endpoint (RFC 6749 §2.3, §3.2.1,
§5.2): client_secret_basic, client_secret_post, public clients, and
401 invalid_client with a Basic challenge only when Basic was used."""

import base64

import pytest

from token_support import (DEMO_PASSWORD, Client, assert_error, assert_stored,
                           assert_tokens, basic_header, disable_client,
                           encode, plant_code, pkce_pair, post_raw,
                           psql, register_client, sql, token_request,
                           unique)

CC = {"grant_type": "client_credentials"}


@pytest.fixture(scope="module")
def client(admin):
    return register_client(admin, "--scope", "read")


def assert_invalid_client(response, basic):
    assert_error(response, 401, "invalid_client")
    challenge = response.headers.get("WWW-Authenticate")
    if basic:
        assert challenge is not None and \
            challenge.startswith('Basic realm="'), response.headers
        assert challenge.endswith('"')
    else:
        assert challenge is None, response.headers


@pytest.mark.parametrize("auth", ["basic", "post"])
def test_a_confidential_client_authenticates_with_its_secret(
        httpd, pg, client, auth):
    response = token_request(httpd, client, CC, auth=auth)
    body = assert_tokens(response, "read", refresh=False)
    assert_stored(pg, body, client, None, "read", "client_credentials")


# Ids need form-urlencoding in Basic (RFC 6749 §2.3.1): '%' and '+' change
# meaning when not encoded; '&', '=', '/' and non-letters must survive.
@pytest.mark.parametrize("prefix", ["100%+sure", "a&b=c/d?e#f", "~!*'()$,;"])
def test_basic_credentials_are_form_urlencoded_before_base64(
        httpd, pg, admin, prefix):
    c = register_client(admin, "--scope", "read",
                        client_id=unique(prefix))
    response = token_request(httpd, c, CC, auth="basic")
    body = assert_tokens(response, "read", refresh=False)
    assert_stored(pg, body, c, None, "read", "client_credentials")


def test_basic_credentials_are_decoded_not_taken_literally(httpd, admin):
    # "a%41" sent without encoding must be read as "aA", not as "a%41".
    c = register_client(admin, client_id=unique("x") + "a%41")
    plain = "%s:%s" % (c.id, c.secret)
    header = "Basic " + base64.b64encode(plain.encode()).decode()
    response = post_raw(httpd, encode(CC), headers={"Authorization": header})
    assert_invalid_client(response, basic=True)


def test_a_plus_in_basic_credentials_is_a_space(httpd, admin):
    c = register_client(admin, client_id=unique("x") + "+y")
    plain = "%s:%s" % (c.id, c.secret)   # '+' not encoded: means ' '
    header = "Basic " + base64.b64encode(plain.encode()).decode()
    response = post_raw(httpd, encode(CC), headers={"Authorization": header})
    assert_invalid_client(response, basic=True)


def test_client_secret_post_with_an_id_that_needs_encoding(httpd, pg, admin):
    c = register_client(admin, "--scope", "read",
                        client_id=unique("p%+&="))
    body = assert_tokens(token_request(httpd, c, CC, auth="post"), "read",
                         refresh=False)
    assert_stored(pg, body, c, None, "read", "client_credentials")


def test_basic_together_with_a_client_secret_in_the_body_is_invalid_request(
        httpd, client):
    response = post_raw(httpd, encode(dict(CC, client_secret=client.secret)),
                        headers={"Authorization": client.basic()})
    assert_error(response, 400, "invalid_request")


def test_basic_with_the_same_client_id_in_the_body_is_accepted(httpd,
                                                              client):
    response = post_raw(httpd, encode(dict(CC, client_id=client.id)),
                        headers={"Authorization": client.basic()})
    assert_tokens(response, "read", refresh=False)


def test_basic_with_another_client_id_in_the_body_is_refused(httpd, client,
                                                            admin):
    other = register_client(admin)
    response = post_raw(httpd, encode(dict(CC, client_id=other.id)),
                        headers={"Authorization": client.basic()})
    assert response.status_code in (400, 401), response.text
    assert response.json()["error"] in ("invalid_request", "invalid_client")


@pytest.mark.parametrize("header", [
    "Basic",
    "Basic !!!!",
    "Basic " + base64.b64encode(b"no-colon-here").decode(),
    "Basic " + base64.b64encode(b":secret-without-id").decode(),
    "Basic " + base64.b64encode(b"id%:secret").decode(),
])
def test_malformed_basic_credentials_are_refused(httpd, header):
    response = post_raw(httpd, encode(CC), headers={"Authorization": header})
    assert response.status_code in (400, 401), response.text
    body = response.json()
    assert body["error"] in ("invalid_request", "invalid_client"), body


def wrong_secret(admin, client):
    return Client(client.id, client.secret[:-4] + "AAAA")


def unknown(admin, client):
    return Client(unique("nobody"), client.secret)


def disabled(admin, client):
    c = register_client(admin, "--scope", "read")
    disable_client(admin, c)
    return c


def secret_of_another_client(admin, client):
    return Client(register_client(admin).id, client.secret)


def missing_secret(admin, client):
    return Client(client.id, "")


@pytest.mark.parametrize("auth", ["basic", "post"])
@pytest.mark.parametrize("case", [wrong_secret, unknown, disabled,
                                  secret_of_another_client, missing_secret],
                         ids=lambda f: f.__name__)
def test_a_client_that_fails_authentication_gets_401_invalid_client(
        httpd, admin, client, auth, case):
    bad = case(admin, client)
    response = token_request(httpd, bad, CC, auth=auth)
    assert_invalid_client(response, basic=(auth == "basic"))


def test_a_disabled_client_is_refused_even_with_the_right_secret(
        httpd, admin):
    c = register_client(admin, "--scope", "read")
    assert_tokens(token_request(httpd, c, CC), "read", refresh=False)
    disable_client(admin, c)
    assert_invalid_client(token_request(httpd, c, CC), basic=True)
    admin("client", "set", c.id, "--enable")
    assert_tokens(token_request(httpd, c, CC), "read", refresh=False)


def test_a_request_without_client_credentials_is_invalid_client(httpd):
    response = post_raw(httpd, encode(CC))
    assert_invalid_client(response, basic=False)


def test_a_confidential_client_sending_only_its_id_is_invalid_client(
        httpd, client):
    response = post_raw(httpd, encode(dict(CC, client_id=client.id)))
    assert_invalid_client(response, basic=False)


@pytest.fixture(scope="module")
def public(admin):
    return register_client(admin, "--scope", "read", "--grant",
                           "authorization_code", "--grant", "refresh_token",
                           "--redirect-uri", "https://app.example/cb",
                           public=True)


def test_a_public_client_authenticates_with_its_client_id_alone(
        httpd, pg, public):
    verifier, challenge = pkce_pair()
    code = plant_code(pg, public, challenge=challenge, method="S256")
    response = post_raw(httpd, encode({
        "grant_type": "authorization_code", "code": code,
        "code_verifier": verifier, "client_id": public.id}))
    body = assert_tokens(response, "read", refresh=True)
    assert_stored(pg, body, public, "demo", "read", "authorization_code")


@pytest.mark.parametrize("secret", ["anything-at-all", "x" * 43],
                         ids=["short", "secret-sized"])
def test_a_public_client_sending_a_secret_is_invalid_client(httpd, public,
                                                           secret):
    response = post_raw(httpd, encode(dict(CC, client_id=public.id,
                                           client_secret=secret)))
    assert_invalid_client(response, basic=False)
    response = post_raw(httpd, encode(CC),
                        headers={"Authorization":
                                 basic_header(public.id, secret)})
    assert_invalid_client(response, basic=True)


@pytest.mark.parametrize("grant,params", [
    ("client_credentials", {}),
    ("password", {"username": "demo", "password": DEMO_PASSWORD}),
])
def test_a_public_client_may_not_use_grants_for_confidential_clients(
        httpd, pg, admin, grant, params):
    c = register_client(admin, "--grant", "authorization_code",
                        "--redirect-uri", "https://app.example/cb",
                        public=True)
    # oauth2-admin refuses these grants for a public client; the server
    # must refuse them even if the row says otherwise.
    psql(pg, "UPDATE oauth2_client SET grant_types = grant_types || %s "
            "WHERE client_id = %s" % (sql("{%s}" % grant), sql(c.id)))
    response = post_raw(httpd, encode(dict(params, grant_type=grant,
                                           client_id=c.id)))
    assert_error(response, 400, "unauthorized_client")
