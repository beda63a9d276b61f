"""The authorization endpoint (RFC 6749 §3.1, §4.1, §4.2, §10.12; RFC 7636;
RFC 9207) on a real httpd with PostgreSQL: what cannot be tied to a
registered redirect URI is an HTML page, everything else goes back to the
client; the consent page and its anti-forgery token; remembered consent;
codes, implicit tokens and the whole code flow up to the token endpoint."""

import html
import os
import re
import secrets as pysecrets
import urllib.parse

import pytest
import requests

import harness
from authorize_support import (
    ACCESS_TOKEN_LIFETIME, AUTH, AUTHORIZE, BASE64URL, CALLBACK,
    CODE_LIFETIME, OWNER, TOKEN, ConsentPage, assert_error_page,
    assert_redirect_error, authorize, code_params, code_row, code_rows,
    consent_page, encode, obtain_code, pkce_pair, redirect_params, register,
    sha256_hex, sql, token_row, unique)


# --- configurations --------------------------------------------------------

@pytest.fixture
def start_server(make_httpd, session):
    """start_server(Directive=value, ...): an httpd with
    conf-examples/authorization-server.conf inlined, those directives
    changed (or added), plus extra configuration."""
    def start(extra="", **directives):
        path = os.path.join(session.env.examples, "authorization-server.conf")
        with open(path) as f:
            text = f.read()
        for name, value in directives.items():
            line = "%s %s" % (name, value)
            pattern = re.compile(r"^%s\s.*$" % re.escape(name), re.M)
            text, n = pattern.subn(lambda m: line, text)
            assert n <= 1, (name, n)
            if n == 0:
                text += "\n%s\n" % line
        return make_httpd(text + "\n" + extra, examples=("database",))
    return start


# === Apache protects the endpoint ==========================================

@pytest.mark.parametrize("auth", [None, (OWNER, "not-the-password")],
                         ids=["no credentials", "a wrong password"])
def test_apache_answers_401_before_the_handler_without_a_signed_in_owner(
        httpd, admin, auth):
    client = register(admin)
    response = authorize(httpd, code_params(client), auth=auth)
    assert response.status_code == 401, response.text
    assert response.headers["WWW-Authenticate"].startswith("Basic ")
    assert "Location" not in response.headers


def test_an_unprotected_authorize_handler_answers_500_and_logs_oa00014(
        make_httpd, admin):
    server = make_httpd("<Location /oauth2/open-authorize>\n"
                        "    Require all granted\n"
                        "    SetHandler oauth2-authorize\n"
                        "</Location>\n")
    client = register(admin)
    response = requests.get(server.url("/oauth2/open-authorize?" +
                                       encode(code_params(client))),
                            allow_redirects=False, timeout=30)
    assert_error_page(response, 500)
    assert "OA00014" in server.error_log()


# === errors shown to the owner, never redirected ============================

def page_cases():
    """(case, setup) where setup(client, other) gives the request
    parameters; other is a second client."""
    def params(c, **extra):
        return list(code_params(c, **extra).items())

    return [
        ("an unknown client_id",
         lambda c, o: params(c, client_id="no-such-client")),
        ("no client_id", lambda c, o: params(c, client_id=None)),
        ("an empty client_id", lambda c, o: params(c, client_id="")),
        ("no redirect_uri although several are registered",
         lambda c, o: params(c, redirect_uri=None)),
        ("a redirect_uri with a trailing slash",
         lambda c, o: params(c, redirect_uri=CALLBACK + "/")),
        ("a redirect_uri in another case",
         lambda c, o: params(c, redirect_uri=CALLBACK.upper())),
        ("a redirect_uri with an extra query",
         lambda c, o: params(c, redirect_uri=CALLBACK + "?x=1")),
        ("a prefix of a registered redirect_uri",
         lambda c, o: params(c, redirect_uri=CALLBACK[:-1])),
        ("the redirect_uri of another client",
         lambda c, o: params(c, redirect_uri=o.redirect_uri)),
        ("two registered redirect_uris in one value",
         lambda c, o: params(c, redirect_uri=" ".join(c.redirect_uris))),
        ("client_id twice",
         lambda c, o: params(c) + [("client_id", c.id)]),
        ("client_id twice, the second another client",
         lambda c, o: params(c) + [("client_id", o.id)]),
        ("redirect_uri twice",
         lambda c, o: params(c) + [("redirect_uri", c.redirect_uri)]),
        ("client_id twice after state twice",
         lambda c, o: params(c) + [("state", "x"), ("client_id", c.id)]),
        ("redirect_uri twice after scope twice",
         lambda c, o: params(c) + [("scope", "read"),
                                   ("redirect_uri", c.redirect_uris[1])]),
        ("an unknown client_id and an unknown response_type",
         lambda c, o: params(c, client_id="no-such-client",
                             response_type="magic")),
        ("a wrong redirect_uri and a scope not allowed",
         lambda c, o: params(c, redirect_uri="https://evil.example/cb",
                             scope="admin")),
    ]


PAGE_CASES = [pytest.param(setup, id=case) for case, setup in page_cases()]


@pytest.fixture(scope="module")
def two_uri_client(admin):
    return register(admin, redirect_uris=(CALLBACK,
                                          "https://client.example/other"))


@pytest.fixture(scope="module")
def other_client(admin):
    return register(admin, redirect_uris=("https://other.example/cb",))


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("setup", PAGE_CASES)
def test_a_request_not_tied_to_a_registered_redirect_uri_gets_an_error_page(
        httpd, pg, two_uri_client, other_client, method, setup):
    response = authorize(httpd, setup(two_uri_client, other_client), method)
    text = assert_error_page(response)
    assert "Authorization failed" in text
    assert code_rows(pg, two_uri_client) == 0


def test_a_disabled_client_gets_an_error_page_not_a_redirect(httpd, admin):
    client = register(admin)
    consent_page(httpd, code_params(client))
    admin("client", "set", client.id, "--disable")
    assert_error_page(authorize(httpd, code_params(client)))


@pytest.mark.parametrize("query", [
    "client_id=%zz&response_type=code",
    "client_id=abc%ff&response_type=code",
    "client_id=abc%00&response_type=code",
], ids=["bad percent-encoding", "not UTF-8", "a NUL byte"])
def test_a_malformed_query_gets_an_error_page(httpd, query):
    response = requests.get(httpd.url(AUTHORIZE) + "?" + query, auth=AUTH,
                            allow_redirects=False, timeout=30)
    assert_error_page(response)


def test_a_post_that_is_not_a_form_gets_an_error_page(httpd,
                                                      confidential_client):
    response = requests.post(httpd.url(AUTHORIZE), auth=AUTH,
                             json=code_params(confidential_client),
                             allow_redirects=False, timeout=30)
    assert_error_page(response, 415)


# === errors reported to the client ==========================================

def redirect_cases():
    """(case, error, setup(client) -> request parameters)."""
    def params(c, **extra):
        return list(code_params(c, **extra).items())

    challenge = pkce_pair()[1]
    return [
        ("no response_type", "invalid_request",
         lambda c: params(c, response_type=None)),
        ("an unknown response_type", "unsupported_response_type",
         lambda c: params(c, response_type="id_token")),
        ("response_type code token", "unsupported_response_type",
         lambda c: params(c, response_type="code token")),
        ("response_type in capitals", "unsupported_response_type",
         lambda c: params(c, response_type="CODE")),
        ("a scope the client does not have", "invalid_scope",
         lambda c: params(c, scope="read admin")),
        ("a malformed scope", "invalid_scope",
         lambda c: params(c, scope='read "write"')),
        ("state twice", "invalid_request",
         lambda c: params(c) + [("state", "again")]),
        ("scope twice", "invalid_request",
         lambda c: params(c) + [("scope", "write")]),
        ("response_type twice", "invalid_request",
         lambda c: params(c) + [("response_type", "code")]),
        ("code_challenge twice", "invalid_request",
         lambda c: params(c, code_challenge=challenge,
                          code_challenge_method="S256") +
         [("code_challenge", challenge)]),
        ("an S256 challenge of 42 characters", "invalid_request",
         lambda c: params(c, code_challenge=challenge[:42],
                          code_challenge_method="S256")),
        ("an S256 challenge of 44 characters", "invalid_request",
         lambda c: params(c, code_challenge=challenge + "A",
                          code_challenge_method="S256")),
        ("an S256 challenge with base64 padding", "invalid_request",
         lambda c: params(c, code_challenge=challenge[:42] + "=",
                          code_challenge_method="S256")),
        ("an S256 challenge in standard base64", "invalid_request",
         lambda c: params(c, code_challenge=challenge[:41] + "+/",
                          code_challenge_method="S256")),
        ("a plain challenge (S256 only by default)", "invalid_request",
         lambda c: params(c, code_challenge=pkce_pair()[0],
                          code_challenge_method="plain")),
        ("a challenge without a method (plain by default)",
         "invalid_request",
         lambda c: params(c, code_challenge=pkce_pair()[0])),
        ("an unknown challenge method", "invalid_request",
         lambda c: params(c, code_challenge=challenge,
                          code_challenge_method="S512")),
        ("a method without a challenge", "invalid_request",
         lambda c: params(c, code_challenge_method="S256")),
    ]


REDIRECT_CASES = redirect_cases()


@pytest.fixture(scope="module")
def confidential_client(admin):
    return register(admin, redirect_uris=(CALLBACK,
                                          "https://client.example/two"))


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("case,error,setup", REDIRECT_CASES,
                         ids=[c[0] for c in REDIRECT_CASES])
def test_an_invalid_request_from_a_verified_client_is_redirected_with_error(
        httpd, pg, confidential_client, method, case, error, setup):
    params = setup(confidential_client)
    state = next(v for k, v in params if k == "state")
    response = authorize(httpd, params, method)
    assert_redirect_error(response, httpd, confidential_client, error, state)
    assert code_rows(pg, confidential_client) == 0


def test_an_error_goes_to_the_redirect_uri_named_in_the_request(
        httpd, confidential_client):
    second = confidential_client.redirect_uris[1]
    response = authorize(httpd, code_params(confidential_client,
                                            redirect_uri=second,
                                            response_type="magic",
                                            state="s1"))
    assert_redirect_error(response, httpd, confidential_client,
                          "unsupported_response_type", "s1", base=second)


def test_an_error_without_state_in_the_request_has_no_state(
        httpd, confidential_client):
    response = authorize(httpd, code_params(confidential_client, state=None,
                                            scope="nope"))
    assert_redirect_error(response, httpd, confidential_client,
                          "invalid_scope", None)


def test_the_code_grant_not_registered_for_the_client_is_unauthorized(
        httpd, admin, pg):
    client = register(admin, grants=("implicit",))
    response = authorize(httpd, code_params(client, state="st"))
    assert_redirect_error(response, httpd, client, "unauthorized_client",
                          "st")
    assert code_rows(pg, client) == 0


def test_the_implicit_grant_not_registered_is_unauthorized_in_the_fragment(
        httpd, admin):
    client = register(admin)
    response = authorize(httpd, code_params(client, response_type="token",
                                            state="st"))
    assert_redirect_error(response, httpd, client, "unauthorized_client",
                          "st", fragment=True)


def test_an_implicit_request_error_is_reported_in_the_fragment(httpd, admin):
    client = register(admin, grants=("implicit",))
    response = authorize(httpd, code_params(client, response_type="token",
                                            scope="admin", state="st"))
    assert_redirect_error(response, httpd, client, "invalid_scope", "st",
                          fragment=True)


@pytest.mark.parametrize("response_type,grants,enabled", [
    ("code", ("authorization_code",), "implicit refresh_token"),
    ("token", ("implicit",), "authorization_code refresh_token"),
])
def test_a_grant_switched_off_by_oauth2granttypes_is_unauthorized(
        start_server, httpd, admin, response_type, grants, enabled):
    server = start_server(OAuth2GrantTypes=enabled)
    client = register(admin, grants=grants)
    params = code_params(client, response_type=response_type, state="st")
    consent_page(httpd, params)  # where every grant is on
    response = authorize(server, params)
    assert_redirect_error(response, server, client, "unauthorized_client",
                          "st", fragment=response_type == "token")


def test_a_public_client_must_send_a_pkce_challenge(httpd, admin, pg):
    client = register(admin, public=True)
    response = authorize(httpd, code_params(client, state="st"))
    params = assert_redirect_error(response, httpd, client,
                                   "invalid_request", "st")
    assert "code_challenge" in params["error_description"]
    assert code_rows(pg, client) == 0


def test_a_public_client_with_an_s256_challenge_gets_the_consent_page(
        httpd, admin):
    client = register(admin, public=True)
    consent_page(httpd, code_params(client, challenge=pkce_pair()[1]))


def test_a_confidential_client_needs_no_challenge_by_default(httpd, admin):
    client = register(admin)
    consent_page(httpd, code_params(client))


def test_oauth2pkce_required_asks_every_client_for_a_challenge(
        start_server, admin):
    server = start_server(OAuth2PKCE="required")
    client = register(admin)
    response = authorize(server, code_params(client, state="st"))
    assert_redirect_error(response, server, client, "invalid_request", "st")
    consent_page(server, code_params(client, challenge=pkce_pair()[1]))


def test_oauth2pkcemethods_plain_allows_plain_challenges(
        start_server, admin, pg):
    server = start_server(OAuth2PKCEMethods="S256 plain")
    client = register(admin, public=True)
    verifier = pkce_pair()[0]
    params = code_params(client, code_challenge=verifier,
                         code_challenge_method="plain")
    code, _ = obtain_code(server, client, params)
    row = code_row(pg, code)
    assert (row["code_challenge"], row["code_challenge_method"]) == \
        (verifier, "plain")
    # Too short for a plain challenge (RFC 7636 §4.1: 43 to 128).
    response = authorize(server, code_params(
        client, code_challenge=verifier[:42], code_challenge_method="plain",
        state="st"))
    assert_redirect_error(response, server, client, "invalid_request", "st")


# === the consent page =======================================================

EVIL_NAME = '<script>alert("x")</script> & Co\'s "Café ✓"'
ESCAPED_NAME = ("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; "
                "Co&#39;s &quot;Café ✓&quot;")


def element_text(text, tag_re):
    """The unescaped content of the first element matching tag_re."""
    match = re.search(r"<%s>(.*?)</" % tag_re, text, re.S)
    assert match, (tag_re, text)
    return html.unescape(match.group(1))


def test_the_consent_page_shows_the_client_and_scopes_html_escaped(
        httpd, admin):
    client = register(admin, name=EVIL_NAME,
                      scopes=("read", "write", "profile"))
    page = consent_page(httpd, code_params(client, scope="read profile"))
    text = page.text
    assert text.startswith("<!DOCTYPE html>"), text
    assert "<script>" not in text
    assert ESCAPED_NAME in text
    assert element_text(text, "title") == "Authorize " + EVIL_NAME
    assert element_text(text, "strong") == EVIL_NAME
    assert "<code>read</code>" in text and "<code>profile</code>" in text
    assert "<code>write</code>" not in text
    assert client.id in text
    assert OWNER in text


def test_the_consent_form_has_approve_and_deny_buttons_and_a_csrf_field(
        httpd, admin):
    client = register(admin)
    params = code_params(client, state='a "quoted" <state>')
    page = consent_page(httpd, params)
    buttons = {(b.get("name"), b.get("value"))
               for b in page.form["buttons"]}
    assert buttons == {("decision", "approve"), ("decision", "deny")}
    assert urllib.parse.urljoin(page.response.url, page.form["action"]) == \
        httpd.url(AUTHORIZE)
    for name in ("client_id", "redirect_uri", "response_type", "scope",
                 "state"):
        assert page.fields[name] == params[name], (name, page.fields)
    assert re.fullmatch(r"\d+\.[A-Za-z0-9_-]{43}", page.fields["csrf"]), \
        page.fields["csrf"]


def test_the_consent_page_lists_every_client_scope_when_none_is_asked(
        httpd, admin):
    client = register(admin, scopes=("read", "write"))
    page = consent_page(httpd, code_params(client, scope=None))
    assert "<code>read</code>" in page.text
    assert "<code>write</code>" in page.text
    assert page.fields["scope"] == "read write"


def test_a_form_post_authorization_request_shows_the_consent_page(
        httpd, admin):
    client = register(admin)
    page = consent_page(httpd, code_params(client), method="POST")
    assert page.fields["client_id"] == client.id


def test_approving_redirects_with_a_code_and_the_state(httpd, admin, pg):
    client = register(admin)
    params = code_params(client)
    response = consent_page(httpd, params).answer(httpd)
    answer = redirect_params(response, CALLBACK)
    assert set(answer) == {"code", "state", "iss"}
    assert answer["state"] == params["state"]
    assert answer["iss"] == httpd.issuer
    harness.remember_secret(answer["code"])
    assert code_row(pg, answer["code"])["user_id"] == OWNER


def test_denying_redirects_with_access_denied_and_issues_no_code(
        httpd, admin, pg):
    client = register(admin)
    params = code_params(client)
    response = consent_page(httpd, params).answer(httpd, "deny")
    assert_redirect_error(response, httpd, client, "access_denied",
                          params["state"])
    assert code_rows(pg, client) == 0
    # Nothing was remembered: the next request asks again.
    consent_page(httpd, code_params(client))


def test_an_approval_sent_by_get_shows_the_page_and_issues_no_code(
        httpd, admin, pg):
    client = register(admin)
    page = consent_page(httpd, code_params(client))
    again = ConsentPage(page.answer(httpd, method="GET"))
    assert again.fields["client_id"] == client.id
    assert code_rows(pg, client) == 0


def forged_csrf(csrf):
    seconds, mac = csrf.split(".")
    flipped = mac[:-2] + ("A" if mac[-2] != "A" else "B") + mac[-1]
    return [
        ("no csrf", None),
        ("an empty csrf", ""),
        ("a changed mac", seconds + "." + flipped),
        ("a changed time", str(int(seconds) - 1) + "." + mac),
        ("a time in the future", str(int(seconds) + 3600) + "." + mac),
        ("no time", mac),
        ("only the time", seconds + "."),
    ]


CSRF_CASES = [c[0] for c in forged_csrf("1.AAAA")]


@pytest.mark.parametrize("decision", ["approve", "deny"])
@pytest.mark.parametrize("case", CSRF_CASES)
def test_a_decision_with_a_forged_csrf_gets_an_error_page(
        httpd, admin, pg, case, decision):
    client = register(admin)
    page = consent_page(httpd, code_params(client))
    csrf = dict(forged_csrf(page.fields["csrf"]))[case]
    assert_error_page(page.answer(httpd, decision, csrf=csrf))
    assert code_rows(pg, client) == 0


def changed_request_cases():
    """(case, changes to the posted fields): the form token is bound to
    the request as shown."""
    return [
        ("a narrower scope", {"scope": "read"}),
        ("a wider scope", {"scope": "read write admin"}),
        ("no scope", {"scope": None}),
        ("another state", {"state": "other"}),
        ("no state", {"state": None}),
        ("another registered redirect_uri",
         {"redirect_uri": "https://client.example/two"}),
        ("no redirect_uri", {"redirect_uri": None}),
        ("another code_challenge", {"code_challenge": pkce_pair()[1]}),
        ("no code_challenge", {"code_challenge": None,
                               "code_challenge_method": None}),
    ]


CHANGED_CASES = changed_request_cases()


@pytest.mark.parametrize("case,changes", CHANGED_CASES,
                         ids=[c[0] for c in CHANGED_CASES])
def test_an_approval_for_a_changed_request_is_refused_with_an_error_page(
        httpd, admin, pg, case, changes):
    client = register(admin, redirect_uris=(CALLBACK,
                                            "https://client.example/two"),
                      scopes=("read", "write", "admin"))
    page = consent_page(httpd, code_params(client, scope="read write",
                                           challenge=pkce_pair()[1]))
    assert_error_page(page.answer(httpd, **changes))
    assert code_rows(pg, client) == 0


def test_the_csrf_of_another_owner_is_refused_with_an_error_page(
        httpd, site, admin, pg):
    other = unique("owner")
    password = "pw-" + pysecrets.token_urlsafe(16)
    site.add_user(other, password)
    client = register(admin)
    params = code_params(client)
    mine = consent_page(httpd, params)
    theirs = consent_page(httpd, params, auth=(other, password))
    assert theirs.fields["csrf"] != mine.fields["csrf"]
    assert_error_page(mine.answer(httpd, csrf=theirs.fields["csrf"]))
    assert_error_page(theirs.answer(httpd, auth=(other, password),
                                    csrf=mine.fields["csrf"]))
    assert code_rows(pg, client) == 0
    # Each owner's own form still works, and the code is theirs.
    code, _ = obtain_code(httpd, client, params)
    response = theirs.answer(httpd, auth=(other, password))
    their_code = harness.remember_secret(
        redirect_params(response, CALLBACK)["code"])
    assert code_row(pg, code)["user_id"] == OWNER
    assert code_row(pg, their_code)["user_id"] == other


def test_a_consent_form_from_a_server_with_another_key_is_refused(
        start_server, admin, session, pg):
    key = harness.write_file(os.path.join(session.dir, unique("consent-key")),
                             pysecrets.token_urlsafe(48), mode=0o600)
    server = start_server(OAuth2ConsentKeyFile='"%s"' % key)
    twin = start_server(OAuth2ConsentKeyFile='"%s"' % key)
    stranger = start_server()
    client = register(admin)
    page = consent_page(server, code_params(client))
    assert_error_page(page.answer(stranger))
    # Same key file: a form made by one node is accepted by another.
    answer = redirect_params(page.answer(twin), CALLBACK)
    harness.remember_secret(answer["code"])


# === remembered consent =====================================================

def test_a_remembered_consent_skips_the_page_for_covered_scopes(
        httpd, admin, pg):
    client = register(admin, scopes=("read", "write", "admin"))
    obtain_code(httpd, client, code_params(client, scope="read write"))
    for scope in ("read write", "write read", "read", "write"):
        params = code_params(client, scope=scope)
        response = authorize(httpd, params)
        answer = redirect_params(response, CALLBACK)
        assert answer["state"] == params["state"]
        code = harness.remember_secret(answer["code"])
        row = code_row(pg, code)
        assert (row["user_id"], row["scope"]) == (OWNER, scope)


def test_a_wider_scope_than_remembered_shows_the_page_again(httpd, admin,
                                                            pg):
    client = register(admin, scopes=("read", "write"))
    obtain_code(httpd, client, code_params(client, scope="read"))
    for scope in ("read write", None):
        page = consent_page(httpd, code_params(client, scope=scope))
        assert "<code>write</code>" in page.text
    # Approving the wider scope remembers it too.
    obtain_code(httpd, client, code_params(client, scope="read write"))
    assert pg.psql("SELECT array_to_string(scopes, ' ') FROM oauth2_consent "
                   "WHERE client_id = %s AND user_id = %s"
                   % (sql(client.id), sql(OWNER))).strip() == "read write"
    redirect_params(authorize(httpd, code_params(client, scope=None)),
                    CALLBACK)


def test_a_remembered_consent_belongs_to_one_owner(httpd, site, admin):
    other = unique("owner")
    password = "pw-" + pysecrets.token_urlsafe(16)
    site.add_user(other, password)
    client = register(admin)
    obtain_code(httpd, client, code_params(client))
    consent_page(httpd, code_params(client), auth=(other, password))


def test_with_oauth2consentremember_off_the_page_always_shows(
        start_server, admin, pg):
    server = start_server(OAuth2ConsentRemember="Off")
    client = register(admin)
    for _ in range(2):
        obtain_code(server, client, code_params(client))
        consent_page(server, code_params(client))
    assert pg.psql("SELECT count(*) FROM oauth2_consent WHERE client_id = "
                   "%s" % sql(client.id)).strip() == "0"


# === a custom consent template ==============================================

TEMPLATE = """<!DOCTYPE html>
<title>custom consent</title>
<p id="name">{{client_name}}</p><p id="id">{{client_id}}</p>
<p id="user">{{user}}</p><ul id="scopes">{{scope_list}}</ul>
<p id="unknown">[{{no_such_placeholder}}]</p>
<form method="post" action="{{action}}">{{form_fields}}
<button name="decision" value="approve">Yes</button>
<button name="decision" value="deny">No</button></form>
"""


def test_oauth2consenttemplate_renders_the_custom_page(start_server, admin,
                                                       session, pg):
    path = harness.write_file(
        os.path.join(session.dir, unique("consent") + ".html"), TEMPLATE)
    server = start_server(OAuth2ConsentTemplate='"%s"' % path)
    client = register(admin, name=EVIL_NAME)
    page = consent_page(server, code_params(client, scope="read write"))
    text = page.text
    assert text.startswith("<!DOCTYPE html>\n<title>custom consent</title>")
    assert '<p id="name">%s</p>' % ESCAPED_NAME in text
    assert '<p id="id">%s</p>' % client.id in text
    assert '<p id="user">%s</p>' % OWNER in text
    assert ('<ul id="scopes"><li><code>read</code></li>'
            '<li><code>write</code></li></ul>') in text
    assert '<p id="unknown">[]</p>' in text
    assert "{{" not in text and "<script>" not in text
    answer = redirect_params(page.answer(server), CALLBACK)
    assert code_row(pg, harness.remember_secret(answer["code"]))["scope"] \
        == "read write"


# === the code response ======================================================

def test_the_code_is_random_base64url_and_stored_only_as_its_sha256(
        httpd, admin, pg):
    client = register(admin)
    verifier, challenge = pkce_pair()
    params = code_params(client, challenge=challenge, scope="write read")
    code, _ = obtain_code(httpd, client, params)
    assert len(code) >= 43 and BASE64URL.fullmatch(code), code
    row = code_row(pg, code)
    assert row["code_hash"] == sha256_hex(code)
    assert re.fullmatch(r"[0-9a-f]{64}", row["code_hash"])
    assert row["client_id"] == client.id
    assert row["user_id"] == OWNER
    assert row["redirect_uri"] == CALLBACK
    assert row["scope"] == "write read"
    assert (row["code_challenge"], row["code_challenge_method"]) == \
        (challenge, "S256")
    assert row["used_at"] is None
    assert CODE_LIFETIME - 10 <= row["ttl"] <= CODE_LIFETIME + 1, row
    dump = pg.psql("SELECT row_to_json(c) FROM oauth2_code c")
    assert code not in dump


def test_every_code_is_different(httpd, admin):
    client = register(admin)
    codes = {obtain_code(httpd, client, code_params(client))[0]
             for _ in range(5)}
    assert len(codes) == 5


def test_a_code_for_a_request_without_redirect_uri_stores_null(
        httpd, admin, pg):
    client = register(admin)
    code, _ = obtain_code(httpd, client,
                          code_params(client, redirect_uri=None))
    assert code_row(pg, code)["redirect_uri"] is None


def test_the_code_lifetime_follows_oauth2codelifetime(start_server, admin,
                                                      pg):
    server = start_server(OAuth2CodeLifetime="300")
    client = register(admin)
    code, _ = obtain_code(server, client, code_params(client))
    assert 290 <= code_row(pg, code)["ttl"] <= 301


def test_a_query_in_the_registered_redirect_uri_is_kept(httpd, admin, pg):
    base = "https://client.example/cb?tenant=7"
    client = register(admin, redirect_uris=(base,))
    params = code_params(client, state="s t")
    response = consent_page(httpd, params).answer(httpd)
    assert response.headers["Location"].startswith(base + "&code="), \
        response.headers
    answer = redirect_params(response, base)
    code = harness.remember_secret(answer["code"])
    assert set(answer) == {"code", "state", "iss"}
    assert answer["state"] == "s t"
    assert code_row(pg, code)["redirect_uri"] == base


def test_a_registered_redirect_uri_ending_in_a_question_mark_gets_no_second(
        httpd, admin):
    base = "https://client.example/cb?"
    client = register(admin, redirect_uris=(base,))
    response = consent_page(httpd, code_params(client)).answer(httpd)
    location = response.headers["Location"]
    assert location.startswith(base + "code="), location
    harness.remember_secret(urllib.parse.parse_qs(
        urllib.parse.urlsplit(location).query)["code"][0])


STATES = [
    "plain-state_123",
    "with spaces",
    "a&b=c;d",
    "percent%20and+plus",
    "#hash?query/slash",
    "ünïcødé ✓ 日本",
    "'quotes\" <and> tags",
    "x" * 500,
]


@pytest.mark.parametrize("state", STATES)
def test_the_state_comes_back_verbatim(httpd, admin, state):
    client = register(admin)
    _, answer = obtain_code(httpd, client, code_params(client, state=state))
    assert answer["state"] == state


def test_the_state_is_url_encoded_in_the_location(httpd, admin):
    client = register(admin)
    params = code_params(client, state="a b&c=d#e")
    response = consent_page(httpd, params).answer(httpd)
    location = response.headers["Location"]
    harness.remember_secret(redirect_params(response, CALLBACK)["code"])
    assert "&state=a%20b%26c%3Dd%23e&" in location + "&", location
    assert " " not in location


def test_a_code_request_without_state_gets_no_state(httpd, admin):
    client = register(admin)
    _, answer = obtain_code(httpd, client, code_params(client, state=None))
    assert set(answer) == {"code", "iss"}


# === the implicit grant =====================================================

@pytest.mark.parametrize("public", [True, False],
                         ids=["public client", "confidential client"])
def test_the_implicit_grant_puts_a_bearer_token_in_the_fragment(
        httpd, admin, pg, public):
    client = register(admin, grants=("implicit",), public=public)
    params = code_params(client, response_type="token", scope="read",
                         state="st ate")
    response = consent_page(httpd, params).answer(httpd)
    answer = redirect_params(response, CALLBACK, fragment=True)
    token = harness.remember_secret(answer["access_token"])
    assert set(answer) == {"access_token", "token_type", "expires_in",
                           "scope", "state", "iss"}
    assert answer["token_type"] == "Bearer"
    assert answer["expires_in"] == str(ACCESS_TOKEN_LIFETIME)
    assert answer["scope"] == "read"
    assert answer["state"] == "st ate"
    assert answer["iss"] == httpd.issuer
    assert len(token) >= 43 and BASE64URL.fullmatch(token)
    row = token_row(pg, token)
    assert (row["kind"], row["client_id"], row["user_id"], row["scope"],
            row["grant_type"]) == ("access", client.id, OWNER, "read",
                                   "implicit")
    assert ACCESS_TOKEN_LIFETIME - 10 <= row["ttl"] <= \
        ACCESS_TOKEN_LIFETIME + 1
    family = pg.psql("SELECT kind FROM oauth2_token WHERE family_id = %s"
                     % sql(row["family_id"])).split()
    assert family == ["access"]
    assert code_rows(pg, client) == 0


def test_a_remembered_implicit_consent_answers_with_a_token_directly(
        httpd, admin):
    client = register(admin, grants=("implicit",), public=True)
    params = code_params(client, response_type="token")
    consent_page(httpd, params).answer(httpd)
    answer = redirect_params(authorize(httpd, code_params(
        client, response_type="token")), CALLBACK, fragment=True)
    harness.remember_secret(answer["access_token"])


# === the whole authorization code flow ======================================

def redeem(server, client, code, verifier=None, redirect_uri=CALLBACK):
    body = {"grant_type": "authorization_code", "code": code,
            "redirect_uri": redirect_uri}
    auth = None
    if verifier:
        body["code_verifier"] = verifier
    if client.secret is None:
        body["client_id"] = client.id
    else:
        auth = (client.id, client.secret)
    return requests.post(server.url(TOKEN), data=body, auth=auth,
                         timeout=30)


@pytest.mark.parametrize("public", [True, False],
                         ids=["public client", "confidential client"])
def test_the_code_flow_from_sign_in_to_tokens_and_a_replay_revokes_them(
        httpd, admin, pg, public):
    client = register(admin, public=public)
    verifier, challenge = pkce_pair()
    params = code_params(client, challenge=challenge, scope="read write")
    page = consent_page(httpd, params)
    answer = redirect_params(page.answer(httpd), CALLBACK)
    code = harness.remember_secret(answer["code"])
    assert answer["state"] == params["state"]

    response = redeem(httpd, client, code, verifier)
    assert response.status_code == 200, response.text
    tokens = response.json()
    access = harness.remember_secret(tokens["access_token"])
    refresh = harness.remember_secret(tokens["refresh_token"])
    assert tokens["token_type"] == "Bearer"
    assert tokens["scope"] == "read write"
    for token, kind in ((access, "access"), (refresh, "refresh")):
        row = token_row(pg, token)
        assert (row["kind"], row["client_id"], row["user_id"],
                row["grant_type"], row["revoked_at"]) == \
            (kind, client.id, OWNER, "authorization_code", None)
    assert code_row(pg, code)["used_at"] is not None

    replay = redeem(httpd, client, code, verifier)
    assert replay.status_code == 400, replay.text
    assert replay.json()["error"] == "invalid_grant"
    for token in (access, refresh):
        assert token_row(pg, token)["revoked_at"] is not None


def test_a_code_redeemed_with_another_pkce_verifier_gives_no_tokens(
        httpd, admin):
    client = register(admin, public=True)
    code, _ = obtain_code(httpd, client,
                          code_params(client, challenge=pkce_pair()[1]))
    response = redeem(httpd, client, code, pkce_pair()[0])
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_grant"


# === issue 12: redirect URIs, the consent form, error descriptions ==========

LOOPBACK = "http://127.0.0.1:8080/cb"
ALLOWED = re.compile(r"[\x20-\x21\x23-\x5b\x5d-\x7e]*")


def test_a_loopback_redirect_uri_matches_any_port_through_the_whole_flow(
        httpd, admin, pg):
    # RFC 8252 §7.3: a native app listens on a port of its choosing.
    client = register(admin, redirect_uris=(LOOPBACK,))
    sent = "http://127.0.0.1:51234/cb"
    code, answer = obtain_code(httpd, client, code_params(
        client, redirect_uri=sent, state="st"))
    assert answer["state"] == "st"
    assert code_row(pg, code)["redirect_uri"] == sent
    # RFC 6749 §4.1.3: the token request repeats the URI as sent.
    refused = redeem(httpd, client, code, redirect_uri=LOOPBACK)
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"] == "invalid_grant"
    code, _ = obtain_code(httpd, client, code_params(client,
                                                     redirect_uri=sent))
    response = redeem(httpd, client, code, redirect_uri=sent)
    assert response.status_code == 200, response.text
    harness.remember_secret(response.json()["access_token"])
    harness.remember_secret(response.json()["refresh_token"])


@pytest.mark.parametrize("registered,sent", [
    (LOOPBACK, "http://127.0.0.1:51234/other"),
    (LOOPBACK, "http://127.0.0.1:51234/cb?x=1"),
    (LOOPBACK, "http://[::1]:8080/cb"),
    (LOOPBACK, "https://127.0.0.1:8080/cb"),
    (LOOPBACK, "http://127.0.0.1:51234@evil.example/cb"),
    ("https://client.example/cb", "https://client.example:8443/cb"),
])
def test_only_the_port_of_a_loopback_redirect_uri_may_differ(
        httpd, admin, pg, registered, sent):
    client = register(admin, redirect_uris=(registered,))
    response = authorize(httpd, code_params(client, redirect_uri=sent))
    assert_error_page(response)
    assert code_rows(pg, client) == 0


SUFFIXES = ['/"><svg onload=alert(1)>', "/' onmouseover='alert(1)",
            "/x?y=1#z", "/..%2F"]


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_the_consent_form_posts_to_the_endpoint_not_to_a_path_suffix(
        httpd, admin, pg, suffix):
    client = register(admin)
    params = code_params(client)
    url = (httpd.url(AUTHORIZE) + urllib.parse.quote(suffix, safe="/") +
           "?" + encode(params))
    response = requests.get(url, auth=AUTH, allow_redirects=False,
                            timeout=30)
    if response.status_code == 404:  # "%2F": AllowEncodedSlashes Off
        return
    page = ConsentPage(response)
    assert page.form["action"] == AUTHORIZE, page.form
    assert "svg" not in page.text and "onmouseover" not in page.text
    answer = redirect_params(page.answer(httpd), CALLBACK)
    assert code_row(pg, harness.remember_secret(answer["code"]))
    assert "OA00141" not in httpd.error_log()


def test_a_single_quoted_attribute_of_a_custom_template_stays_closed(
        start_server, admin, session):
    path = harness.write_file(
        os.path.join(session.dir, unique("consent") + ".html"),
        "<!DOCTYPE html>\n<p title='{{client_name}}'>app</p>\n"
        "<form method='post' action='{{action}}'>{{form_fields}}"
        "<button name='decision' value='approve'>Yes</button></form>\n")
    server = start_server(OAuth2ConsentTemplate='"%s"' % path)
    client = register(admin, name="x' onmouseover='alert(1)")
    page = consent_page(server, code_params(client))
    assert "<p title='x&#39; onmouseover=&#39;alert(1)'>" in page.text, \
        page.text
    assert "action='/oauth2/authorize'" in page.text


def test_error_description_carries_only_rfc6749_characters_to_the_client(
        httpd, admin):
    client = register(admin)
    params = list(code_params(client, state="st").items())
    params += [('dup"\\é\n', "1"), ('dup"\\é\n', "2")]
    response = authorize(httpd, params)
    answer = assert_redirect_error(response, httpd, client,
                                   "invalid_request", "st")
    description = answer["error_description"]
    assert ALLOWED.fullmatch(description), description
    assert description.startswith("dup????"), description


def test_by_default_the_implicit_grant_is_off(start_server, httpd, admin):
    # RFC 9700 §2.1.2: implicit only where OAuth2GrantTypes names it.
    server = start_server()
    client = register(admin, grants=("implicit",))
    params = code_params(client, response_type="token", state="st")
    consent_page(httpd, params)  # where every grant is on
    assert_redirect_error(authorize(server, params), server, client,
                          "unauthorized_client", "st", fragment=True)
