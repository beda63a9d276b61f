"""Owner names that no token may carry (issue 12, defects 5 and 7): a
control character, bytes that are not UTF-8, or a name starting with
"client:" (a client's own identity at a resource server) are refused when
a code or token would be issued for them: at the authorization endpoint
(whatever Apache authenticated) with access_denied to the verified
redirect URI, at the password grant with invalid_grant; never 500 or
503, and the log shows the name escaped."""

import re
import subprocess

import pytest

import harness
from authorize_support import (assert_redirect_error, authorize,
                               code_params, code_rows, register)
from token_support import (DEMO_PASSWORD, DEMO_USER, assert_error,
                           assert_tokens, register_client, token_request)

PASSWORD = "owner-names-password-8d41"

# (id, name as bytes): each is an htpasswd user, so Apache's Basic
# authentication lets it in and the module must refuse it.
BAD_OWNERS = [
    ("escape", b"esc\x1b[31mowner"),
    ("tab", b"tab\towner"),
    ("del", b"del\x7fowner"),
    ("c1-nel", b"nel\xc2\x85owner"),
    ("latin-1", b"jos\xe9-owner"),
    ("cut-utf-8", b"cut\xc3"),
]


@pytest.fixture(scope="module")
def bad_owners(site):
    for _, name in BAD_OWNERS:
        subprocess.run([b"htpasswd", b"-bB", b"-C", b"4",
                        site.users_file.encode(), name, PASSWORD.encode()],
                       check=True, capture_output=True)
    return dict(BAD_OWNERS)


def latin1(name):
    """What requests sends as the Basic user name: the bytes of name."""
    return name.decode("latin-1")


@pytest.mark.parametrize("owner", [o[0] for o in BAD_OWNERS])
@pytest.mark.parametrize("response_type", ["code", "token"])
def test_an_owner_name_no_token_may_carry_is_access_denied_to_the_client(
        httpd, admin, pg, bad_owners, owner, response_type):
    client = register(admin, grants=("authorization_code", "implicit"))
    response = authorize(httpd, code_params(client, state="st",
                                            response_type=response_type),
                         auth=(latin1(bad_owners[owner]), PASSWORD))
    params = assert_redirect_error(response, httpd, client, "access_denied",
                                   "st", fragment=response_type == "token")
    assert "account" in params["error_description"]
    assert code_rows(pg, client) == 0
    assert int(pg.psql("SELECT count(*) FROM oauth2_token WHERE "
                       "client_id = '%s'" % client.id)) == 0


def test_the_refusal_is_logged_with_the_name_escaped(httpd, admin,
                                                     bad_owners):
    client = register(admin)
    authorize(httpd, code_params(client),
              auth=(latin1(bad_owners["escape"]), PASSWORD))
    lines = harness.lines_with(httpd.error_log_path, "OA00140")
    assert lines, httpd.error_log()
    # ap_escape_logitem, then httpd's error log escapes the backslash.
    assert any(re.search(r"'esc\\+x1b\[31mowner'", line)
               for line in lines), lines
    assert "\x1b" not in httpd.error_log()


def test_a_good_owner_still_gets_the_consent_page(httpd, admin):
    client = register(admin)
    response = authorize(httpd, code_params(client))
    assert response.status_code == 200, response.text


@pytest.fixture(scope="module")
def password_client(admin):
    return register_client(admin, "--grant", "password", "--scope", "read")


@pytest.mark.parametrize("username", [
    "bob\nX",          # defect 5: read back as "bob" from the cache
    "bob\r\n",
    "esc\x1b[31mowner",
    "nel\u0085owner",  # C1
    "client:admin",    # a client's own identity at resource servers
    "Client:admin",
])
def test_the_password_grant_refuses_such_a_username_with_invalid_grant(
        httpd, password_client, username):
    response = token_request(httpd, password_client, {
        "grant_type": "password", "username": username,
        "password": DEMO_PASSWORD})
    assert_error(response, 400, "invalid_grant")
    assert "OA00142" in httpd.error_log()


def test_the_password_grant_refuses_a_name_apache_would_accept(
        httpd, password_client, bad_owners):
    # The provider knows this user and its password: the name decides.
    response = token_request(httpd, password_client, {
        "grant_type": "password",
        "username": bad_owners["escape"].decode(),
        "password": PASSWORD})
    assert_error(response, 400, "invalid_grant")


def test_the_password_grant_still_serves_a_good_name(httpd,
                                                     password_client):
    response = token_request(httpd, password_client, {
        "grant_type": "password", "username": DEMO_USER,
        "password": DEMO_PASSWORD})
    assert_tokens(response, "read", refresh=False)
