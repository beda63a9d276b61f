"""conf-examples/authorize-form-login.conf: the owner signs in at the
authorization endpoint with an HTML form (mod_auth_form and an encrypted
mod_session cookie) instead of Basic, then reaches the consent page."""

import os
import shutil
import urllib.parse

import pytest
import requests

import harness
from authorize_support import (AUTHORIZE, CALLBACK, OWNER, ConsentPage,
                               code_params, code_row, page_forms, pkce_pair,
                               redirect_params, register)

MODULES = [
    ("auth_form_module", "mod_auth_form.so"),
    ("session_module", "mod_session.so"),
    ("session_cookie_module", "mod_session_cookie.so"),
    ("session_crypto_module", "mod_session_crypto.so"),
    ("request_module", "mod_request.so"),
    ("include_module", "mod_include.so"),
]
COOKIE = "oauth2_session"


@pytest.fixture
def form_server(make_httpd, session):
    """An httpd with the examples plus authorize-form-login.conf, its
    login page and session key in a private directory."""
    env = session.env
    base = harness.make_dir(os.path.join(
        session.dir, "form-login-%s" % os.urandom(4).hex()))
    page = os.path.join(base, "login.shtml")
    shutil.copyfile(os.path.join(env.examples, "authorize-form-login.shtml"),
                    page)
    os.chmod(page, 0o644)
    key = harness.write_file(os.path.join(base, "session.key"),
                             os.urandom(32).hex() + "\n", mode=0o600)
    lines = ['LoadModule %s "%s"' % (name, os.path.join(env.libexecdir, so))
             for name, so in MODULES]
    lines += ['Define OAUTH2_LOGIN_PAGE "%s"' % page,
              'Define OAUTH2_SESSION_KEY_FILE "%s"' % key,
              'Include "${OAUTH2_EXAMPLES}/authorize-form-login.conf"']
    return make_httpd("\n".join(lines) + "\n")


def login_form(response):
    """The login page served for a request without a session."""
    assert response.status_code == 401, (response.status_code, response.text)
    assert "Location" not in response.headers
    assert "WWW-Authenticate" not in response.headers
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.headers.get("Cache-Control") == "no-store"
    assert response.headers.get("X-Frame-Options") == "DENY"
    forms = page_forms(response.text)
    assert len(forms) == 1, response.text
    form = forms[0]
    assert form["method"] == "post" and form["action"] is None, form
    names = {i.get("name") for i in form["inputs"]}
    assert names == {"httpd_username", "httpd_password"}
    return {i["name"]: i.get("value", "") for i in form["inputs"]}


def submit_login(browser, response, user, password):
    """Posts the login form as a browser would: to the page's own
    address, since the form has no action."""
    fields = login_form(response)
    fields.update(httpd_username=user, httpd_password=password)
    return browser.post(response.url, data=fields, allow_redirects=False,
                        timeout=30)


def sign_in(server, browser, params):
    """A request without a session, the login page, the login; returns
    the answer to following the login's redirect."""
    url = server.url(AUTHORIZE) + "?" + urllib.parse.urlencode(params)
    response = browser.get(url, allow_redirects=False, timeout=30)
    assert "password is wrong" not in response.text
    response = submit_login(browser, response, OWNER,
                            harness.DEMO_PASSWORD)
    assert response.status_code in (301, 302, 303), response.text
    assert urllib.parse.urljoin(url, response.headers["Location"]) == url
    assert browser.cookies.get(COOKIE, path="/oauth2")
    return browser.get(url, allow_redirects=False, timeout=30)


def test_form_login_leads_to_the_consent_page_and_a_code(form_server, admin,
                                                         pg):
    client = register(admin, public=True)
    params = code_params(client, challenge=pkce_pair()[1],
                         state="form state & more")
    browser = requests.Session()
    page = ConsentPage(sign_in(form_server, browser, params))
    assert OWNER in page.text
    # The session cookie: /oauth2 only, HttpOnly, and encrypted (it holds
    # the user name and password).
    cookie = next(c for c in browser.cookies if c.name == COOKIE)
    assert cookie.path == "/oauth2"
    assert cookie.has_nonstandard_attr("httponly") or \
        cookie.has_nonstandard_attr("HttpOnly")
    value = urllib.parse.unquote(cookie.value)
    assert harness.DEMO_PASSWORD not in value and OWNER not in value
    url = form_server.url(AUTHORIZE)
    response = browser.post(url, data=dict(page.fields, decision="approve"),
                            allow_redirects=False, timeout=30)
    answer = redirect_params(response, CALLBACK)
    code = harness.remember_secret(answer["code"])
    assert answer["state"] == params["state"]
    assert code_row(pg, code)["user_id"] == OWNER


def test_a_wrong_password_shows_the_login_page_again(form_server, admin):
    client = register(admin)
    url = form_server.url(AUTHORIZE) + "?" + \
        urllib.parse.urlencode(code_params(client))
    browser = requests.Session()
    response = browser.get(url, allow_redirects=False, timeout=30)
    response = submit_login(browser, response, OWNER, "wrong-password-1")
    login_form(response)
    assert "password is wrong" in response.text
    # No session was opened: the request still asks for the login.
    response = browser.get(url, allow_redirects=False, timeout=30)
    login_form(response)
    assert "password is wrong" not in response.text


def test_logging_out_asks_for_the_login_again(form_server, admin):
    client = register(admin)
    params = code_params(client)
    browser = requests.Session()
    ConsentPage(sign_in(form_server, browser, params))
    response = browser.get(form_server.url("/oauth2/logout"),
                           allow_redirects=False, timeout=30)
    assert response.status_code in (302, 307), response.text
    response = browser.get(form_server.url(AUTHORIZE) + "?" +
                           urllib.parse.urlencode(params),
                           allow_redirects=False, timeout=30)
    login_form(response)


def test_basic_credentials_do_not_pass_the_form_login(form_server, admin):
    client = register(admin)
    response = requests.get(form_server.url(AUTHORIZE) + "?" +
                            urllib.parse.urlencode(code_params(client)),
                            auth=(OWNER, harness.DEMO_PASSWORD),
                            allow_redirects=False, timeout=30)
    login_form(response)
