"""Several Apache hosts serving one site (README, "Running on several
hosts"): two httpd instances on their own ports share one PostgreSQL
database, one network cache (redis, then memcached), the issuer, the
consent key file and the signing key. Whatever host a client reaches:

- a token revoked through one host is refused by the other at once (the
  revocation removes the shared cache entry, and no per-process memo
  keeps a database verdict when the cache is a network one);
- a code issued by one host is redeemed at the other, once;
- a consent form shown by one host is accepted by the other, and a
  consent remembered at one is honoured by the other;
- a JWT access token signed by one host is validated by the other."""

import base64
import json
import os

import pytest
import requests

import cache_servers
import harness
import hosts_support as hs
from authorize_support import (CALLBACK, authorize, code_params,
                               consent_page, obtain_code, pkce_pair,
                               redirect_params, register)
from resource_support import assert_error_challenge, client_credentials_client
from token_support import (assert_error, assert_tokens, basic_header,
                           sha256_hex, token_request)

pytestmark = hs.skip_under_sanitizers(
    "the several-hosts tests start redis/memcached and host pairs; they "
    "prove the deployment, which the default build does")


@pytest.fixture(scope="module", params=sorted(cache_servers.KINDS))
def cache(request, session):
    server = cache_servers.start_cache(
        session.env, request.param,
        os.path.join(session.dir, "hosts-" + request.param))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def keys(session):
    return hs.Keys(os.path.join(session.dir, "hosts-keys"))


def pair_of(session, pg, site, cache, keys, token_format):
    conf = hs.host_conf(keys, cache.spec, cache.load_module, token_format)
    return hs.start_hosts(session, hs.Database(pg.conninfo), site, conf,
                          "hosts-%s-%s" % (cache.KIND, token_format))


@pytest.fixture(scope="module")
def hosts(session, pg, site, cache, keys):
    """Hosts A and B issuing opaque tokens."""
    pair = pair_of(session, pg, site, cache, keys, "opaque")
    try:
        yield pair
    finally:
        hs.stop_hosts(pair)


@pytest.fixture(scope="module")
def jwt_hosts(session, pg, site, cache, keys):
    """Hosts A and B issuing JWT access tokens."""
    pair = pair_of(session, pg, site, cache, keys, "jwt")
    try:
        yield pair
    finally:
        hs.stop_hosts(pair)


@pytest.fixture(scope="module")
def client(admin):
    return client_credentials_client(admin, ("read",))


def revoke(host, client, token):
    response = requests.post(
        host.url("/oauth2/revoke"), data={"token": token}, timeout=30,
        headers={"Authorization": basic_header(client.id, client.secret)})
    assert response.status_code == 200, (response.status_code,
                                         response.text)


def assert_refused(response):
    assert_error_challenge(response, 401, "invalid_token", "api")


# --- revocation --------------------------------------------------------------

@pytest.mark.parametrize("token_format", ["opaque", "jwt"])
def test_a_token_revoked_through_one_host_is_refused_by_the_other_at_once(
        request, cache, client, token_format):
    pair = request.getfixturevalue(
        "hosts" if token_format == "opaque" else "jwt_hosts")
    for issuer, revoker, checker in ((0, 0, 1), (1, 1, 0), (0, 1, 0)):
        token = hs.client_token(pair[issuer], client)
        # Judged by both hosts, several times over one connection (one
        # child of the checker): the verdict is in the shared cache, and
        # would be in that child's memo if it kept database verdicts.
        with requests.Session() as kept:
            for host in pair:
                for _ in range(3):
                    assert hs.get(host, hs.API, token, kept).status_code \
                        == 200
            assert cache.has(sha256_hex(token)), \
                "the verdict is not in the %s cache" % cache.KIND
            revoke(pair[revoker], client, token)
            assert not cache.has(sha256_hex(token)), \
                "the revocation left the shared cache entry"
            # At once: no sleep, the same connection (the same child).
            assert_refused(hs.get(pair[checker], hs.API, token, kept))
            assert_refused(hs.get(pair[revoker], hs.API, token, kept))


def test_a_token_is_cached_once_for_every_host(hosts, cache, client):
    a, b = hosts
    token = hs.client_token(a, client)
    assert hs.get(a, hs.API, token).status_code == 200
    assert cache.has(sha256_hex(token))
    # B finds A's verdict: the entry is made under the same issuer,
    # audience and keys (the cache context), so it is a hit for B too.
    assert hs.get(b, hs.API, token).status_code == 200


# --- codes and consent -------------------------------------------------------

@pytest.fixture(scope="module")
def code_client(admin):
    return register(admin, scopes=("read",))


def redeem(host, client, code, verifier):
    return token_request(host, None, {
        "grant_type": "authorization_code", "code": code,
        "redirect_uri": client.redirect_uri, "code_verifier": verifier},
        auth=None, headers={"Authorization": basic_header(client.id,
                                                         client.secret)})


def test_a_code_issued_by_one_host_is_redeemed_at_the_other_once(
        hosts, code_client):
    a, b = hosts
    verifier, challenge = pkce_pair()
    code, answer = obtain_code(a, code_client,
                               code_params(code_client, challenge))
    assert answer["iss"] == a.issuer == b.issuer
    body = assert_tokens(redeem(b, code_client, code, verifier), "read",
                         refresh=True)
    for host in hosts:
        assert hs.get(host, hs.API, body["access_token"]).status_code == 200
    # Single use across hosts: the replay at A is refused, and revokes
    # what B issued from the code, on both hosts at once.
    assert_error(redeem(a, code_client, code, verifier), 400,
                 "invalid_grant")
    for host in hosts:
        assert_refused(hs.get(host, hs.API, body["access_token"]))


def test_a_consent_form_shown_by_one_host_is_accepted_by_the_other(
        hosts, admin):
    a, b = hosts
    client = register(admin, scopes=("read",))
    page = consent_page(a, code_params(client))
    answer = redirect_params(page.answer(b), CALLBACK)
    harness.remember_secret(answer["code"])


def test_a_consent_remembered_at_one_host_is_honoured_by_the_other(
        hosts, admin):
    a, b = hosts
    client = register(admin, scopes=("read",))
    obtain_code(a, client, code_params(client))  # approved on A's page
    params = code_params(client)
    answer = redirect_params(authorize(b, params), CALLBACK)
    assert answer["state"] == params["state"]
    harness.remember_secret(answer["code"])


# --- JWT ---------------------------------------------------------------------

def jwt_part(token, i):
    part = token.split(".")[i]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_a_jwt_signed_by_one_host_is_validated_by_the_other(jwt_hosts,
                                                            client):
    a, b = jwt_hosts
    jwks = [requests.get(h.url("/oauth2/jwks"), timeout=30).json()
            for h in jwt_hosts]
    assert jwks[0] == jwks[1] and len(jwks[0]["keys"]) == 1, jwks
    for signer, checker in ((a, b), (b, a)):
        token = hs.client_token(signer, client)
        header, claims = jwt_part(token, 0), jwt_part(token, 1)
        assert header["kid"] == jwks[0]["keys"][0]["kid"], header
        assert claims["iss"] == signer.issuer == checker.issuer, claims
        # With the revocation check (database, through the shared cache)
        # and by the signature alone.
        for path in (hs.API, "/signature-only/hello.json"):
            response = hs.get(checker, path, token)
            assert response.status_code == 200, (path, response.headers)
