"""`apachectl configtest` catches configuration mistakes with a message
naming the directive (DESIGN.md, Errors), and accepts valid settings."""

import os
import shutil
import subprocess

import pytest

import harness


@pytest.fixture(scope="session")
def keys(session):
    """PEM files made with the openssl CLI: name -> path."""
    d = harness.make_dir(os.path.join(session.dir, "keys"))

    def genpkey(name, *opts):
        path = os.path.join(d, name + ".pem")
        subprocess.run(["openssl", "genpkey", "-out", path] + list(opts),
                       check=True, capture_output=True)
        os.chmod(path, 0o644)
        return path

    out = {
        "rsa2048": genpkey("rsa2048", "-algorithm", "RSA",
                           "-pkeyopt", "rsa_keygen_bits:2048"),
        "rsa1024": genpkey("rsa1024", "-algorithm", "RSA",
                           "-pkeyopt", "rsa_keygen_bits:1024"),
        "p256": genpkey("p256", "-algorithm", "EC",
                        "-pkeyopt", "ec_paramgen_curve:P-256"),
        "p384": genpkey("p384", "-algorithm", "EC",
                        "-pkeyopt", "ec_paramgen_curve:P-384"),
        "encrypted": genpkey("encrypted", "-algorithm", "EC",
                             "-pkeyopt", "ec_paramgen_curve:P-256",
                             "-aes-256-cbc", "-pass", "pass:not-asked-for"),
        "missing": os.path.join(d, "no-such-key.pem"),
        "text": harness.write_file(os.path.join(d, "text.pem"),
                                   "this is not a key\n"),
    }
    out["public"] = os.path.join(d, "public.pem")
    subprocess.run(["openssl", "pkey", "-in", out["p256"], "-pubout",
                    "-out", out["public"]], check=True, capture_output=True)
    return out


def assert_rejected(result, directive, message):
    rc, output = result
    assert rc != 0, output
    assert directive in output, output
    assert message in output, output


def assert_accepted(result):
    rc, output = result
    assert rc == 0, output
    assert "Syntax OK" in output


LIFETIME_RANGES = {
    "OAuth2AccessTokenLifetime": "from 1 to 31536000",
    "OAuth2RefreshTokenLifetime": "from 0 to 315360000",
    "OAuth2RefreshTokenMaxLifetime": "from 0 to 315360000",
    "OAuth2CodeLifetime": "from 1 to 600",
    "OAuth2TokenCacheTTL": "from 1 to 86400",
}

# (case, snippet, directive named in the message, text of the message)
REJECTED = [
    ("issuer with http on a public host",
     "OAuth2Issuer http://auth.example.org",
     "OAuth2Issuer", "must use https"),
    ("issuer with a query",
     "OAuth2Issuer https://auth.example.org/?tenant=1",
     "OAuth2Issuer", "must not have a query or fragment"),
    ("issuer with a fragment",
     "OAuth2Issuer https://auth.example.org#top",
     "OAuth2Issuer", "must not have a query or fragment"),
    ("issuer as a relative URL",
     "OAuth2Issuer /oauth2",
     "OAuth2Issuer", "must be an absolute URL"),
    ("issuer with user information",
     "OAuth2Issuer https://user:pw@auth.example.org",
     "OAuth2Issuer", "must not carry user information"),
    ("issuer with a trailing slash",
     "OAuth2Issuer https://auth.example.org/",
     "OAuth2Issuer", "must not end with a slash"),
    ("issuer set twice",
     "OAuth2Issuer https://a.example.org\nOAuth2Issuer https://b.example.org",
     "OAuth2Issuer", "is set twice in the same context"),
    ("issuer inside a Location",
     "<Location /x>\nOAuth2Issuer https://auth.example.org\n</Location>",
     "OAuth2Issuer", "not allowed in <Location> context"),
] + [
    ("%s %s" % (directive, value), "%s %s" % (directive, value), directive,
     "expects a number of seconds %s, not '%s'" % (rng, value))
    for directive, rng in LIFETIME_RANGES.items()
    for value in ("-5", "ten", "99999999999", "12s")
] + [
    ("access token lifetime of zero", "OAuth2AccessTokenLifetime 0",
     "OAuth2AccessTokenLifetime", "from 1 to 31536000, not '0'"),
    ("code lifetime of zero", "OAuth2CodeLifetime 0",
     "OAuth2CodeLifetime", "from 1 to 600, not '0'"),
    ("code lifetime above ten minutes", "OAuth2CodeLifetime 601",
     "OAuth2CodeLifetime", "from 1 to 600, not '601'"),
    ("token cache TTL of zero", "OAuth2TokenCacheTTL 0",
     "OAuth2TokenCacheTTL", "from 1 to 86400, not '0'"),
    ("lifetime set twice",
     "OAuth2CodeLifetime 30\nOAuth2CodeLifetime 40",
     "OAuth2CodeLifetime", "is set twice in the same context"),
    ("bogus access token format", "OAuth2AccessTokenFormat bogus",
     "OAuth2AccessTokenFormat", "expects opaque or jwt, not 'bogus'"),
    ("jwt access tokens without a signing key", "OAuth2AccessTokenFormat jwt",
     "OAuth2AccessTokenFormat", "jwt needs at least one OAuth2SigningKey"),
    ("unknown grant type",
     "OAuth2GrantTypes authorization_code magic",
     "OAuth2GrantTypes", "unknown grant type 'magic'"),
    ("grant types without a grant", "OAuth2GrantTypes",
     "OAuth2GrantTypes", "expects one or more grant types"),
    ("bogus PKCE policy", "OAuth2PKCE sometimes",
     "OAuth2PKCE", "expects required, public or optional, not 'sometimes'"),
    ("PKCE methods with plain only", "OAuth2PKCEMethods plain",
     "OAuth2PKCEMethods", "must include S256"),
    ("bogus PKCE method", "OAuth2PKCEMethods S256 S512",
     "OAuth2PKCEMethods", "expects S256 [plain], not 'S512'"),
    ("unknown password provider", "OAuth2PasswordProvider file nosuch",
     "OAuth2PasswordProvider", "unknown authn provider 'nosuch'"),
    ("unknown token cache provider", "OAuth2TokenCache nosuch:/tmp/x",
     "OAuth2TokenCache", "unknown socache provider 'nosuch'"),
    ("missing consent template",
     "OAuth2ConsentTemplate /nonexistent/consent.html",
     "OAuth2ConsentTemplate", "'/nonexistent/consent.html' is not a "
     "readable file"),
    ("consent template that is a directory",
     "OAuth2ConsentTemplate /",
     "OAuth2ConsentTemplate", "is not a readable file"),
    ("missing consent key file",
     "OAuth2ConsentKeyFile /nonexistent/consent.key",
     "OAuth2ConsentKeyFile", "is not a readable file"),
    ("bogus consent remember flag", "OAuth2ConsentRemember sometimes",
     "OAuth2ConsentRemember", "must be On or Off"),
    ("scope with a double quote", 'OAuth2ScopesSupported read wr"ite',
     "OAuth2ScopesSupported", "'wr\"ite' is not a valid scope"),
    ("scope with a backslash", "OAuth2ScopesSupported read wr\\ite",
     "OAuth2ScopesSupported", "is not a valid scope"),
    ("bogus place for a bearer token",
     "<Location /api>\nOAuth2BearerTokenIn header cookie\n</Location>",
     "OAuth2BearerTokenIn", "expects header, query or body, not 'cookie'"),
    ("bearer token place set twice",
     "<Location /api>\nOAuth2BearerTokenIn header\n"
     "OAuth2BearerTokenIn query\n</Location>",
     "OAuth2BearerTokenIn", "is set twice in the same context"),
    ("realm with a quote",
     "<Location /api>\nOAuth2Realm 'my\"realm'\n</Location>",
     "OAuth2Realm", "must not contain quotes"),
    ("realm with a backslash",
     "<Location /api>\nOAuth2Realm my\\realm\n</Location>",
     "OAuth2Realm", "must not contain quotes, backslashes"),
] + [
    ("directive %s of the other mod_oauth2" % name,
     "<Location /api>\n%s %s\n</Location>" % (name, value), name,
     "libapache2-mod-oauth2")
    for name, value in (
        ("OAuth2TokenVerify", "jwks_uri https://example.org/jwks"),
        ("OAuth2AcceptTokenIn", "header"),
        ("OAuth2TargetPass", "prefix=OAUTH2_CLAIM_"),
        ("OAuth2Cache", "shm"),
        ("OAuth2CryptoPassphrase", "secret-passphrase"),
    )
]


@pytest.mark.parametrize("case,snippet,directive,message", REJECTED,
                         ids=[c[0] for c in REJECTED])
def test_configtest_rejects_a_bad_value_naming_the_directive(
        configtest, case, snippet, directive, message):
    assert_rejected(configtest(snippet), directive, message)


# (case, key, extra config, message)
BAD_KEYS = [
    ("a missing key file", "missing", "", "cannot read"),
    ("a file that is not a key", "text", "", "holds no PEM private key"),
    ("a public key", "public", "", "holds no PEM private key"),
    ("an encrypted key", "encrypted", "", "holds no PEM private key"),
    ("an RSA key of 1024 bits", "rsa1024", "",
     "RSA key of 1024 bits is too short"),
    ("an EC key on P-384", "p384", "",
     "EC curve 'secp384r1' is not supported"),
]


@pytest.mark.parametrize("case,key,extra,message", BAD_KEYS,
                         ids=[c[0] for c in BAD_KEYS])
def test_configtest_rejects_a_signing_key_that_is(configtest, keys, case,
                                                  key, extra, message):
    snippet = "OAuth2SigningKey %s\n%s" % (keys[key], extra)
    assert_rejected(configtest(snippet), "OAuth2SigningKey", message)


def test_configtest_rejects_a_signing_key_id_used_twice(configtest, keys):
    snippet = ("OAuth2SigningKey %s k1\nOAuth2SigningKey %s k1"
               % (keys["rsa2048"], keys["p256"]))
    assert_rejected(configtest(snippet), "OAuth2SigningKey",
                    "key id 'k1' is used twice")


@pytest.mark.parametrize("key", ["rsa2048", "p256"])
def test_configtest_accepts_a_signing_key(configtest, keys, key):
    assert_accepted(configtest("OAuth2AccessTokenFormat jwt\n"
                               "OAuth2SigningKey %s" % keys[key]))


def test_configtest_accepts_the_example_configs(configtest):
    assert_accepted(configtest("", examples=harness.EXAMPLES,
                               database=False))


def test_configtest_accepts_every_directive_set_to_a_valid_value(
        configtest, keys, session):
    template = harness.write_file(
        os.path.join(session.dir, "consent.html"), "<p>Allow?</p>\n")
    consent_key = harness.write_file(
        os.path.join(session.dir, "consent.key"), "k" * 64)
    snippet = "\n".join([
        "OAuth2Issuer https://auth.example.org",
        "OAuth2AccessTokenLifetime 600",
        "OAuth2RefreshTokenLifetime 0",
        "OAuth2RefreshTokenMaxLifetime 0",
        "OAuth2CodeLifetime 30",
        "OAuth2AccessTokenFormat jwt",
        "OAuth2SigningKey %s rsa-1" % keys["rsa2048"],
        "OAuth2SigningKey %s ec-1" % keys["p256"],
        "OAuth2GrantTypes authorization_code refresh_token",
        "OAuth2PKCE required",
        "OAuth2PKCEMethods S256 plain",
        "OAuth2PasswordProvider file",
        "OAuth2TokenCache shmcb",
        "OAuth2TokenCacheTTL 5",
        "OAuth2ConsentTemplate %s" % template,
        "OAuth2ConsentKeyFile %s" % consent_key,
        "OAuth2ConsentRemember Off",
        "OAuth2ScopesSupported read write admin:all",
        "<Location /api>",
        "    OAuth2Realm \"My API\"",
        "    OAuth2BearerTokenIn header query",
        "</Location>",
    ])
    assert_accepted(configtest(snippet))


def test_configtest_rejects_a_consent_key_file_shorter_than_32_bytes(
        configtest, session):
    short = harness.write_file(os.path.join(session.dir, "short.key"),
                               "too short\n")
    assert_rejected(configtest("OAuth2ConsentKeyFile %s" % short),
                    "OAuth2ConsentKeyFile", "needs at least 32 bytes")


def test_configtest_wants_a_database(configtest):
    assert_rejected(configtest("", database=False), "DBDriver",
                    "mod_oauth2 needs a database: add DBDriver pgsql")


def sqlite3_driver_installed():
    out = subprocess.run(["sh", "-c", "ls /usr/lib/*/apr-util-1/"
                          "apr_dbd_sqlite3*.so /usr/lib/apr-util-1/"
                          "apr_dbd_sqlite3*.so 2>/dev/null"],
                         capture_output=True, text=True).stdout
    return bool(out.strip())


@pytest.fixture(scope="session")
def other_dbd_driver(session):
    """(name, environment) of an APR DBD driver that is not pgsql: the
    sqlite3 driver if installed, else a dummy one that APR loads from
    LD_LIBRARY_PATH (mod_dbd refuses DBDriver values it cannot load)."""
    if sqlite3_driver_installed():
        return "sqlite3", {}
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc:
        pytest.skip("neither the sqlite3 APR DBD driver nor a C compiler")
    d = harness.make_dir(os.path.join(session.dir, "fakedbd"))
    src = harness.write_file(os.path.join(d, "fake.c"),
                             'const void *apr_dbd_fakedb_driver[32] = '
                             '{"fakedb"};\n')
    subprocess.run([cc, "-shared", "-fPIC", "-o",
                    os.path.join(d, "apr_dbd_fakedb-1.so"), src],
                   check=True, capture_output=True)
    return "fakedb", {"LD_LIBRARY_PATH": d}


def test_configtest_wants_the_pgsql_database_driver(configtest,
                                                    other_dbd_driver):
    name, environ = other_dbd_driver
    result = configtest("DBDriver %s\nDBDParams dbname=x" % name,
                        database=False, environ=environ)
    assert_rejected(result, "DBDriver",
                    "mod_oauth2 needs DBDriver pgsql, not '%s'" % name)
