"""JWT access tokens (RFC 9068) and the JWKS (RFC 7517): with
OAuth2AccessTokenFormat jwt the first OAuth2SigningKey signs (RSA 2048 →
RS256, EC P-256 → ES256; each case is run with either kind first), every
key's public part is published at /oauth2/jwks, and a standard JOSE
library (PyJWT, jwcrypto) validates the tokens against it. AuthType oauth2
accepts them and refuses anything tampered with, signed by another key or
algorithm, expired, or meant for another audience or issuer. With
OAuth2JWTRevocationCheck On (the default) a revoked JWT is refused at
once; with Off, only the signature and claims count and no database is
needed.

Tokens that the server did not issue are crafted here with its own private
key files, so that each refusal is down to the one thing that is wrong;
a location with OAuth2JWTRevocationCheck Off accepts the well-formed
ones, which shows the crafting is right."""

import base64
import hashlib
import hmac
import json
import os
import subprocess
import time
import uuid

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jwt as jwcrypto_jwt

import harness
import resource_support as rs
from token_support import (DEMO_USER, assert_raw_tokens_not_stored, encode,
                           json_body, psql, sha256_hex, sql, token_row,
                           unique)

JWKS = "/oauth2/jwks"
API = "/api/hello.json"              # conf-examples: revocation checked
CHECKED = "/t/checked/hello.json"    # OAuth2JWTRevocationCheck default
LOCAL = "/t/local/hello.json"        # OAuth2JWTRevocationCheck Off
REALM = "jwt-test"
RSA_KID = "rsa-key-2026"
ACCESS_LIFETIME = 3600               # conf-examples
AUDIENCE = "https://api.example/orders"

LOCATIONS = (
    rs.location("/t/checked/", 'OAuth2Realm "%s"' % REALM,
                "Require valid-user")
    + rs.location("/t/local/", 'OAuth2Realm "%s"' % REALM,
                  "OAuth2JWTRevocationCheck Off", "Require valid-user"))


# --- keys --------------------------------------------------------------------

class Key:
    """A PEM private key file made with the openssl CLI."""

    def __init__(self, path, alg, kid=None):
        self.path = path
        self.alg = alg
        self.kid = kid  # as configured; None: the server's thumbprint
        with open(path, "rb") as f:
            self.pem = f.read()
        self.jwk = jwcrypto_jwk.JWK.from_pem(self.pem)

    @property
    def public_pem(self):
        private = serialization.load_pem_private_key(self.pem, None)
        return private.public_key().public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo)

    def public_members(self):
        """The members of its public JWK that name the key."""
        public = self.jwk.export_public(as_dict=True)
        names = ("n", "e") if public["kty"] == "RSA" else ("crv", "x", "y")
        return {n: public[n] for n in ("kty",) + names}

    def directive(self):
        return 'OAuth2SigningKey "%s"%s' % (
            self.path, " " + self.kid if self.kid else "")

    def expected_kid(self):
        return self.kid or self.jwk.thumbprint()


def openssl_key(path, kind):
    argv = {"rsa": ["-algorithm", "RSA", "-pkeyopt",
                    "rsa_keygen_bits:2048"],
            "ec": ["-algorithm", "EC", "-pkeyopt",
                   "ec_paramgen_curve:P-256"]}[kind]
    subprocess.run(["openssl", "genpkey"] + argv + ["-out", path],
                   check=True, capture_output=True)
    return path


@pytest.fixture(scope="module")
def key_files(session):
    d = harness.make_dir(os.path.join(session.dir, "jwt-keys"), 0o700)
    return {name: openssl_key(os.path.join(d, name + ".pem"), kind)
            for name, kind in (("rsa", "rsa"), ("ec", "ec"),
                               ("stranger-rsa", "rsa"),
                               ("stranger-ec", "ec"))}


# --- servers -----------------------------------------------------------------

def jwt_conf(keys, *extra):
    """resource-server.conf and the test locations, around a virtual host
    (the default one for every request) that issues JWT access tokens
    signed by keys[0]."""
    lines = ["ServerName jwt.test", 'OAuth2Issuer "${OAUTH2_ISSUER}"',
             "OAuth2AccessTokenFormat jwt", "OAuth2PasswordProvider file",
             harness.ALL_GRANTS.strip()]
    lines += [k.directive() for k in keys] + list(extra)
    vhost = ("<VirtualHost 127.0.0.1:${OAUTH2_PORT}>\n%s</VirtualHost>\n"
             % "".join("    %s\n" % line for line in lines))
    return ('Include "${OAUTH2_EXAMPLES}/resource-server.conf"\n'
            + rs.TEST_ALIAS + LOCATIONS + vhost)


class JwtServer:
    def __init__(self, httpd, keys):
        self.httpd = httpd
        self.keys = keys
        self.signer = keys[0]

    def url(self, path):
        return self.httpd.url(path)

    @property
    def issuer(self):
        return self.httpd.issuer


def start(session, conf, name):
    server = session.new_httpd(conf, name=name,
                               examples=("database", "authorization-server"))
    try:
        return server.start()
    except Exception:
        server.stop(check=False)
        raise


@pytest.fixture(scope="module", params=["rsa-first", "ec-first"])
def server(request, session, pg, site, key_files):
    rsa = Key(key_files["rsa"], "RS256", RSA_KID)
    ec = Key(key_files["ec"], "ES256")  # kid: its thumbprint
    keys = [rsa, ec] if request.param == "rsa-first" else [ec, rsa]
    httpd = start(session, jwt_conf(keys), "jwt-" + request.param)
    try:
        yield JwtServer(httpd, keys)
    finally:
        httpd.stop()


@pytest.fixture(scope="module")
def client(admin):
    return rs.password_client(admin)


@pytest.fixture(scope="module")
def machine(admin):
    # A resource server too: it introspects the user client's tokens.
    return rs.client_credentials_client(admin, introspect=True)


# --- JOSE helpers ------------------------------------------------------------

def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def parts(token):
    """(header, claims) of a compact JWS, unverified."""
    segments = token.split(".")
    assert len(segments) == 3, "not a compact JWS"
    return (json.loads(b64url_decode(segments[0])),
            json.loads(b64url_decode(segments[1])))


def good_claims(server, **changes):
    now = int(time.time())
    claims = {"iss": server.issuer, "sub": "crafted-owner",
              "aud": server.issuer, "exp": now + 600, "iat": now,
              "jti": uuid.uuid4().hex, "client_id": "crafted-client",
              "scope": "read"}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def craft(key, claims, alg=None, **header):
    """A JWS signed with key's private key file by PyJWT; registered as
    a secret like every token."""
    headers = {"typ": "at+jwt", "kid": key.expected_kid()}
    headers.update(header)
    headers = {k: v for k, v in headers.items() if v is not None}
    token = jwt.encode(claims, key.pem, algorithm=alg or key.alg,
                       headers=headers)
    return harness.remember_secret(token)


def unsigned(header, claims):
    return "%s.%s" % (b64url(json.dumps(header).encode()),
                      b64url(json.dumps(claims).encode()))


def fetch_jwks(server):
    response = requests.get(server.url(JWKS), timeout=30)
    assert response.status_code == 200, (response.status_code,
                                         response.text)
    return response


def jwks_kid_of(jwks, key):
    """The kid under which the JWKS publishes key's public part."""
    wanted = key.public_members()
    for k in jwks["keys"]:
        if all(k.get(n) == v for n, v in wanted.items()):
            return k["kid"]
    raise AssertionError("the key is not in the JWKS: %r" % jwks)


def user_tokens(server, client, scope="read"):
    return rs.user_tokens(server.httpd, client, scope)


def user_jwt(server, client, scope="read"):
    return user_tokens(server, client, scope)["access_token"]


def get(server, path, token):
    return rs.get(server.httpd, path, token=token)


def assert_invalid_token(response, realm=REALM):
    rs.assert_error_challenge(response, 401, "invalid_token", realm)


def revoke(server, client, token):
    response = requests.post(
        server.url("/oauth2/revoke"), data=encode({"token": token}),
        headers={"Authorization": client.basic(),
                 "Content-Type": "application/x-www-form-urlencoded"},
        timeout=30)
    assert response.status_code == 200, response.text



# --- the JWKS ----------------------------------------------------------------

def test_the_jwks_is_json_with_the_public_part_of_every_key(server):
    response = fetch_jwks(server)
    ctype = response.headers.get("Content-Type", "")
    assert ctype.split(";")[0].strip() == "application/json", ctype
    keys = response.json()["keys"]
    assert len(keys) == 2, keys
    for key, published in zip(server.keys, keys):
        assert published["use"] == "sig", published
        assert published["alg"] == key.alg, published
        assert published["kid"] == key.expected_kid(), published
        for name, value in key.public_members().items():
            assert published[name] == value, (name, published)
        private = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}
        assert not private & set(published), published


def test_a_key_without_a_configured_id_is_published_under_its_thumbprint(
        server):
    ec = next(k for k in server.keys if k.alg == "ES256")
    kid = jwks_kid_of(fetch_jwks(server).json(), ec)
    # RFC 7638: SHA-256 over the required members, base64url.
    assert kid == ec.jwk.thumbprint()
    assert len(kid) == 43


def test_the_metadata_names_the_jwks_uri(server):
    doc = requests.get(server.url("/.well-known/oauth-authorization-server"),
                       timeout=30).json()
    assert doc["jwks_uri"] == server.issuer + JWKS


def test_the_jwks_endpoint_answers_get_only(server):
    response = requests.post(server.url(JWKS), timeout=30)
    assert response.status_code == 405
    assert "GET" in response.headers.get("Allow", "")


# --- the tokens --------------------------------------------------------------

def test_the_header_is_typ_at_jwt_with_the_first_keys_algorithm_and_kid(
        server, client):
    header, _ = parts(user_jwt(server, client))
    assert header["typ"] == "at+jwt"
    assert header["alg"] == server.signer.alg
    assert header["kid"] == jwks_kid_of(fetch_jwks(server).json(),
                                        server.signer)
    assert header["kid"] == server.signer.expected_kid()


def test_the_token_validates_with_pyjwt_against_the_served_jwks(server,
                                                                client):
    token = user_jwt(server, client)
    signing_key = jwt.PyJWKClient(server.url(JWKS)).get_signing_key_from_jwt(
        token)
    claims = jwt.decode(token, signing_key.key,
                        algorithms=[server.signer.alg],
                        audience=server.issuer, issuer=server.issuer,
                        options={"require": ["exp", "iat", "iss", "aud",
                                             "sub", "jti"]})
    assert claims["sub"] == DEMO_USER


def test_the_token_validates_with_jwcrypto_against_the_served_jwks(server,
                                                                   client):
    token = user_jwt(server, client)
    keyset = jwcrypto_jwk.JWKSet.from_json(fetch_jwks(server).text)
    checked = jwcrypto_jwt.JWT(jwt=token, key=keyset,
                               algs=[server.signer.alg],
                               check_claims={"iss": server.issuer,
                                             "aud": server.issuer,
                                             "exp": None})
    assert json.loads(checked.claims)["client_id"] == client.id


def test_a_users_token_carries_the_rfc_9068_claims(server, client):
    body = user_tokens(server, client, "read write")
    _, claims = parts(body["access_token"])
    now = time.time()
    assert claims["iss"] == server.issuer
    assert claims["sub"] == DEMO_USER
    assert claims["aud"] == server.issuer  # no OAuth2JWTAudience
    assert claims["client_id"] == client.id
    assert claims["scope"] == "read write"
    assert now - 60 <= claims["iat"] <= now + 5
    assert claims["exp"] - claims["iat"] == ACCESS_LIFETIME
    assert body["expires_in"] == ACCESS_LIFETIME
    assert isinstance(claims["jti"], str) and len(claims["jti"]) >= 16
    _, again = parts(user_jwt(server, client))
    assert again["jti"] != claims["jti"]


def test_a_client_credentials_token_has_the_client_as_subject(server,
                                                              machine):
    _, claims = parts(rs.client_token(server.httpd, machine, "write"))
    # RFC 9068 §2.2 and §5: a subject no owner can have.
    assert claims["sub"] == "client:" + machine.id
    assert claims["client_id"] == machine.id
    assert claims["scope"] == "write"


def test_a_jwt_is_stored_only_as_its_hash(server, pg, client):
    token = user_jwt(server, client)
    row = token_row(pg, token)
    assert row is not None, "no row with the JWT's SHA-256"
    assert (row["kind"], row["client_id"], row["user_id"]) == \
        ("access", client.id, DEMO_USER)
    assert_raw_tokens_not_stored(pg, token)


# --- AuthType oauth2 ---------------------------------------------------------

@pytest.mark.parametrize("path", [API, CHECKED, LOCAL])
def test_a_users_jwt_is_accepted_by_authtype_oauth2(server, client, path):
    token = user_jwt(server, client)
    _, claims = parts(token)
    response = get(server, path, token)
    rs.assert_served(response)
    if path != API:
        assert rs.identity(response) == {
            "remote_user": DEMO_USER, "auth_type": "oauth2",
            "client_id": client.id, "user": DEMO_USER, "scope": "read",
            "expires": str(claims["exp"])}


@pytest.mark.parametrize("path", [CHECKED, LOCAL])
def test_a_client_credentials_jwt_authenticates_the_client(server, machine,
                                                           path):
    token = rs.client_token(server.httpd, machine, "read")
    identity = rs.identity(get(server, path, token))
    assert (identity["remote_user"], identity["client_id"],
            identity["user"]) == ("client:" + machine.id, machine.id, "")


JWT_TWIN = unique("jwt-twin")
JWT_TWIN_PASSWORD = unique("jwt-twin-password")


@pytest.fixture(scope="module")
def twin(admin, site):
    """A client of the password grant, and an owner of the same name."""
    site.add_user(JWT_TWIN, JWT_TWIN_PASSWORD)
    return rs.password_client(admin, client_id=JWT_TWIN)


@pytest.mark.parametrize("path", [CHECKED, LOCAL])
def test_an_owner_named_like_the_client_keeps_the_owner_identity(
        server, twin, path):
    token = rs.user_token(server.httpd, twin, "read", user=JWT_TWIN,
                          password=JWT_TWIN_PASSWORD)
    assert parts(token)[1]["sub"] == JWT_TWIN
    identity = rs.identity(get(server, path, token))
    assert (identity["remote_user"], identity["client_id"],
            identity["user"]) == (JWT_TWIN, JWT_TWIN, JWT_TWIN)


def test_a_client_jwt_from_before_client_subjects_is_read_from_its_row(
        server, pg, machine):
    """Client tokens used to have the bare client id as sub: where
    revocation is checked, the stored row says whose token it is."""
    token = craft(server.signer, good_claims(server, sub=machine.id,
                                             client_id=machine.id))
    psql(pg, "INSERT INTO oauth2_token (token_hash, kind, client_id, "
             "scope, grant_type, family_id, expires_at) VALUES (%s, "
             "'access', %s, 'read', 'client_credentials', "
             "gen_random_uuid(), now() + interval '10 minutes')"
         % (sql(sha256_hex(token)), sql(machine.id)))
    identity = rs.identity(get(server, CHECKED, token))
    assert (identity["remote_user"], identity["client_id"],
            identity["user"]) == ("client:" + machine.id, machine.id, "")
    # Without the database the subject alone decides: an owner's name.
    identity = rs.identity(get(server, LOCAL, token))
    assert (identity["remote_user"], identity["user"]) == (machine.id,
                                                           machine.id)


def test_a_jwt_whose_sub_names_another_client_is_refused(server, machine):
    token = craft(server.signer, good_claims(
        server, sub="client:someone-else", client_id=machine.id))
    assert_invalid_token(get(server, LOCAL, token))


def test_a_token_crafted_with_the_servers_key_passes_where_only_jws_counts(
        server):
    token = craft(server.signer, good_claims(server))
    response = get(server, LOCAL, token)
    rs.assert_served(response)
    assert rs.identity(response)["remote_user"] == "crafted-owner"


def test_a_token_signed_by_the_second_key_is_accepted_too(server):
    # Key rotation: tokens of the previous signer stay valid.
    token = craft(server.keys[1], good_claims(server))
    rs.assert_served(get(server, LOCAL, token))


def test_an_audience_list_naming_this_server_is_accepted(server):
    token = craft(server.signer, good_claims(
        server, aud=["https://other.example", server.issuer]))
    rs.assert_served(get(server, LOCAL, token))


def test_a_token_never_issued_is_refused_where_revocation_is_checked(
        server):
    token = craft(server.signer, good_claims(server))
    rs.assert_served(get(server, LOCAL, token))
    # Accepted and cached above; where the database is asked, it is not
    # known, whatever the cache holds.
    assert_invalid_token(get(server, CHECKED, token))
    assert_invalid_token(get(server, API, token), rs.EXAMPLE_REALM)
    rs.assert_served(get(server, LOCAL, token))


# --- refused tokens ----------------------------------------------------------

def tampered_payload(server, client):
    h, p, s = user_jwt(server, client).split(".")
    claims = json.loads(b64url_decode(p))
    claims["scope"] = "read write admin"
    return "%s.%s.%s" % (h, b64url(json.dumps(claims).encode()), s)


def tampered_signature(server, client):
    h, p, s = user_jwt(server, client).split(".")
    raw = bytearray(b64url_decode(s))
    raw[len(raw) // 2] ^= 0x01
    return "%s.%s.%s" % (h, p, b64url(bytes(raw)))


def kid_of_the_other_key(server, client):
    token = user_jwt(server, client)
    h, p, s = token.split(".")
    header = json.loads(b64url_decode(h))
    header["kid"] = server.keys[1].expected_kid()
    return "%s.%s.%s" % (b64url(json.dumps(header).encode()), p, s)


def stranger_under_the_signers_kid(server, client):
    stranger = stranger_key(server)
    return craft(stranger, good_claims(server),
                 kid=server.signer.expected_kid())


def stranger_under_its_own_kid(server, client):
    stranger = stranger_key(server)
    return craft(stranger, good_claims(server), kid=stranger.expected_kid())


def stranger_key(server):
    name = "stranger-rsa" if server.signer.alg == "RS256" else "stranger-ec"
    path = os.path.join(os.path.dirname(server.signer.path), name + ".pem")
    return Key(path, server.signer.alg)


def alg_none(server, client):
    return unsigned({"alg": "none", "typ": "at+jwt",
                     "kid": server.signer.expected_kid()},
                    good_claims(server)) + "."


def hs256_with_the_rsa_public_key_as_secret(server, client):
    rsa = next(k for k in server.keys if k.alg == "RS256")
    signing_input = unsigned({"alg": "HS256", "typ": "at+jwt",
                              "kid": rsa.expected_kid()},
                             good_claims(server))
    mac = hmac.new(rsa.public_pem, signing_input.encode(), hashlib.sha256)
    return signing_input + "." + b64url(mac.digest())


def another_algorithm_for_the_signers_key(server, client):
    alg = "PS256" if server.signer.alg == "RS256" else "ES384"
    if alg == "ES384":
        # ES384 needs P-384: sign with the key's own curve anyway under
        # the wrong name, as a forger would.
        signing_input = unsigned({"alg": "ES384", "typ": "at+jwt",
                                  "kid": server.signer.expected_kid()},
                                 good_claims(server))
        signature = jwt.get_algorithm_by_name("ES256").sign(
            signing_input.encode(),
            jwt.get_algorithm_by_name("ES256").prepare_key(
                server.signer.pem))
        return signing_input + "." + b64url(signature)
    return craft(server.signer, good_claims(server), alg=alg)


def expired_long_ago(server, client):
    now = int(time.time())
    return craft(server.signer, good_claims(server, exp=now - 3600,
                                            iat=now - 7200))


def without_exp(server, client):
    return craft(server.signer, good_claims(server, exp=None))


def not_valid_before_an_hour(server, client):
    return craft(server.signer, good_claims(
        server, nbf=int(time.time()) + 3600))


def wrong_audience(server, client):
    return craft(server.signer, good_claims(server,
                                            aud="https://other.example"))


def wrong_issuer(server, client):
    return craft(server.signer, good_claims(server,
                                            iss=server.issuer + "/other"))


def typ_jwt_instead_of_at_jwt(server, client):
    return craft(server.signer, good_claims(server), typ="JWT")


def without_client_id(server, client):
    return craft(server.signer, good_claims(server, client_id=None))


REFUSED = [
    tampered_payload, tampered_signature, kid_of_the_other_key,
    stranger_under_the_signers_kid, stranger_under_its_own_kid, alg_none,
    hs256_with_the_rsa_public_key_as_secret,
    another_algorithm_for_the_signers_key, expired_long_ago, without_exp,
    not_valid_before_an_hour, wrong_audience, wrong_issuer,
    typ_jwt_instead_of_at_jwt, without_client_id,
]


@pytest.mark.parametrize("make_token", REFUSED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("path", [LOCAL, API])
def test_a_forged_or_unfit_token_is_invalid_token(server, client, path,
                                                  make_token):
    token = harness.remember_secret(make_token(server, client))
    realm = REALM if path == LOCAL else rs.EXAMPLE_REALM
    assert_invalid_token(get(server, path, token), realm)


# --- revocation --------------------------------------------------------------

def test_a_revoked_jwt_is_refused_at_once_where_revocation_is_checked(
        server, client):
    token = user_jwt(server, client)
    for path in (API, CHECKED):
        rs.assert_served(get(server, path, token))  # now cached
    revoke(server.httpd, client, token)
    assert_invalid_token(get(server, CHECKED, token))
    assert_invalid_token(get(server, API, token), rs.EXAMPLE_REALM)


def test_a_revoked_jwt_keeps_working_where_revocation_is_not_checked(
        server, pg, client):
    token = user_jwt(server, client)
    rs.assert_served(get(server, LOCAL, token))
    revoke(server.httpd, client, token)
    assert token_row(pg, token)["revoked_at"] is not None
    rs.assert_served(get(server, LOCAL, token))


def test_a_local_acceptance_does_not_hide_a_revocation_from_checked_locations(
        server, client):
    token = user_jwt(server, client)
    revoke(server.httpd, client, token)
    rs.assert_served(get(server, LOCAL, token))
    assert_invalid_token(get(server, CHECKED, token))
    assert_invalid_token(get(server, API, token), rs.EXAMPLE_REALM)


def test_a_refusal_where_revocation_is_checked_does_not_leak_to_local_ones(
        server, client):
    token = user_jwt(server, client)
    revoke(server.httpd, client, token)
    assert_invalid_token(get(server, CHECKED, token))
    rs.assert_served(get(server, LOCAL, token))


# --- introspection -----------------------------------------------------------

def test_a_jwt_can_be_introspected_like_an_opaque_token(server, client,
                                                        machine):
    token = user_jwt(server, client, "read write")
    _, claims = parts(token)
    body = rs.introspect(server.httpd, machine, token)
    assert body["active"] is True
    assert (body["sub"], body["username"], body["client_id"], body["scope"],
            body["token_type"], body["iss"]) == \
        (DEMO_USER, DEMO_USER, client.id, "read write", "Bearer",
         server.issuer)
    assert abs(body["exp"] - claims["exp"]) <= 2, (body, claims)
    revoke(server.httpd, client, token)
    assert rs.introspect(server.httpd, machine, token) == {"active": False}


# --- OAuth2JWTAudience -------------------------------------------------------

@pytest.fixture(scope="module")
def audience_server(session, pg, site, key_files):
    keys = [Key(key_files["ec"], "ES256")]
    httpd = start(session, jwt_conf(keys, "OAuth2JWTAudience %s" % AUDIENCE),
                  "jwt-audience")
    try:
        yield JwtServer(httpd, keys)
    finally:
        httpd.stop()


def test_oauth2jwtaudience_sets_the_aud_claim_and_such_tokens_are_accepted(
        audience_server, client):
    token = user_jwt(audience_server, client)
    assert parts(token)[1]["aud"] == AUDIENCE
    jwt.decode(token, audience_server.signer.public_pem, algorithms=["ES256"],
               audience=AUDIENCE, issuer=audience_server.issuer)
    for path in (API, LOCAL):
        rs.assert_served(get(audience_server, path, token))


def test_with_oauth2jwtaudience_a_token_for_the_issuer_is_refused(
        audience_server):
    server = audience_server
    rs.assert_served(get(server, LOCAL, craft(
        server.signer, good_claims(server, aud=AUDIENCE))))
    assert_invalid_token(get(server, LOCAL, craft(
        server.signer, good_claims(server, aud=server.issuer))))


# --- one cache, virtual hosts of different audiences -------------------------

OTHER_AUDIENCE = "https://api.example/billing"


@pytest.fixture(scope="module")
def two_audiences(session, pg, site, key_files):
    """Two name-based virtual hosts on one port, one cache, the same key
    and issuer: orders.test accepts AUDIENCE, billing.test OTHER_AUDIENCE
    (the first is the default host)."""
    keys = [Key(key_files["rsa"], "RS256", RSA_KID)]
    orders = jwt_conf(keys, "OAuth2JWTAudience %s" % AUDIENCE)
    billing = orders.split("<VirtualHost", 1)[1].replace(
        "ServerName jwt.test", "ServerName billing.test").replace(
        AUDIENCE, OTHER_AUDIENCE)
    conf = orders.replace("ServerName jwt.test", "ServerName orders.test")
    httpd = start(session, conf + "<VirtualHost" + billing, "jwt-two-hosts")
    try:
        yield JwtServer(httpd, keys)
    finally:
        httpd.stop()


def test_a_token_cached_on_one_host_is_judged_afresh_on_another(
        two_audiences):
    server, path = two_audiences, LOCAL
    for_orders = craft(server.signer, good_claims(server, aud=AUDIENCE))
    for_billing = craft(server.signer, good_claims(server, aud=OTHER_AUDIENCE))
    billing = {"Host": "billing.test"}
    # Accepted (and cached) by its host, then refused by the other...
    rs.assert_served(get(server, path, for_orders))
    assert_invalid_token(rs.get(server.httpd, path, for_orders,
                                headers=billing))
    # ...and a refusal cached by one host does not refuse it on its own.
    assert_invalid_token(get(server, path, for_billing))
    rs.assert_served(rs.get(server.httpd, path, for_billing, headers=billing))
    rs.assert_served(get(server, path, for_orders))


# --- without the database ----------------------------------------------------

@pytest.fixture
def outage(session, site, key_files):
    """(cluster, admin, server) of a JWT server on a cluster of its own,
    so that stopping it leaves the session's servers and their pooled
    connections alone."""
    base = harness.make_dir(os.path.join(session.dir, "pg-jwt-outage"),
                            0o700)
    cluster = harness.Postgres(base).init()
    admin = harness.Admin(session.env, cluster.conninfo)
    admin("init")
    keys = [Key(key_files["rsa"], "RS256", RSA_KID)]
    httpd = harness.Httpd(session.env, cluster, site,
                          os.path.join(session.dir, "httpd-jwt-outage"),
                          extra_conf=jwt_conf(keys),
                          examples=("database", "authorization-server"))
    try:
        httpd.start()
        yield cluster, admin, JwtServer(httpd, keys)
    finally:
        try:
            httpd.stop()
        finally:
            cluster.stop(check=False)


def test_without_revocation_checks_a_jwt_needs_no_database(outage):
    cluster, admin, server = outage
    client = rs.password_client(admin)
    local_token = user_jwt(server, client)
    checked_token = user_jwt(server, client)
    cluster.stop()
    try:
        rs.assert_served(get(server, LOCAL, local_token))
        rs.assert_served(get(server, LOCAL, local_token))
        # Where revocation is checked, the outage shows (never a 401).
        response = get(server, CHECKED, checked_token)
        assert response.status_code == 503, (response.status_code,
                                             response.text)
        assert response.headers.get("Retry-After"), response.headers
    finally:
        cluster.start()
    rs.assert_served(get(server, LOCAL, local_token))
