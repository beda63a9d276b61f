"""Authorization with bearer tokens: Require oauth2-scope (any of the
scopes, <RequireAll> for all of them), Require oauth2-client, Require
valid-user and httpd's own Require user; the insufficient_scope
challenge of RFC 6750 §3.1; and the "oauth2" authn provider, which takes
a token as the password of Basic credentials (AuthBasicProvider oauth2),
alone or before "file"."""

import pytest
import requests

import resource_support as rs
from token_support import DEMO_PASSWORD, DEMO_USER, register_client, unique

FORBID = "AuthzSendForbiddenOnFailure On"
ALLOWED_CLIENT = unique("rs-allowed")
OTHER_ALLOWED_CLIENT = unique("rs-allowed")
# A client and an owner of the same name.
TWIN = unique("rs-twin")
TWIN_PASSWORD = unique("twin-password")
BASIC_REALM = "basic-realm"
REALM = "authz-realm"


def location(path, *lines):
    return rs.location(path, 'AuthName "%s"' % REALM, *lines)


LOCATIONS = (
    location("/t/any/", FORBID, "Require oauth2-scope read write")
    + location("/t/all/", FORBID, "<RequireAll>",
                  "    Require oauth2-scope read",
                  "    Require oauth2-scope write", "</RequireAll>")
    + location("/t/admin-401/", "Require oauth2-scope admin")
    + location("/t/client/", FORBID, "Require oauth2-client %s %s"
                  % (ALLOWED_CLIENT, OTHER_ALLOWED_CLIENT))
    + location("/t/scope-or-client/", FORBID, "<RequireAny>",
                  "    Require oauth2-scope admin",
                  "    Require oauth2-client %s" % ALLOWED_CLIENT,
                  "</RequireAny>")
    + location("/t/valid-user/", "Require valid-user")
    + location("/t/demo-only/", FORBID, "Require user %s" % DEMO_USER)
    + location("/t/twin-only/", FORBID, "Require user %s" % TWIN)
    + rs.location("/t/basic/", 'AuthName "%s"' % BASIC_REALM,
                  "AuthBasicProvider oauth2", "Require valid-user",
                  auth_type="Basic")
    + rs.location("/t/basic-file/", 'AuthName "%s"' % BASIC_REALM,
                  "AuthBasicProvider oauth2 file",
                  'AuthUserFile "${OAUTH2_USERS_FILE}"',
                  "Require valid-user", auth_type="Basic")
    + rs.location("/t/basic-scope/", 'AuthName "%s"' % BASIC_REALM,
                  "AuthBasicProvider oauth2", FORBID,
                  "Require oauth2-scope write", auth_type="Basic")
)


@pytest.fixture(scope="module")
def server(session, pg, site):
    s = rs.start_server(session, LOCATIONS)
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture(scope="module")
def owner_client(admin):
    return rs.password_client(admin, ("read", "write", "admin"))


@pytest.fixture(scope="module")
def allowed(admin):
    return rs.client_credentials_client(admin, client_id=ALLOWED_CLIENT)


@pytest.fixture(scope="module")
def other_allowed(admin):
    return rs.client_credentials_client(admin,
                                        client_id=OTHER_ALLOWED_CLIENT)


@pytest.fixture(scope="module")
def stranger(admin):
    return rs.client_credentials_client(admin)


def owner_token(server, owner_client, scope):
    return rs.user_token(server, owner_client, scope)


# --- Require oauth2-scope ----------------------------------------------------

@pytest.mark.parametrize("held", ["read", "write", "read write",
                                  "write admin"])
def test_require_oauth2_scope_grants_a_token_with_any_of_the_scopes(
        server, owner_client, held):
    token = owner_token(server, owner_client, held)
    rs.assert_served(rs.get(server, "/t/any/hello.json", token=token))


def test_require_oauth2_scope_refuses_a_token_with_none_of_them_naming_them(
        server, owner_client):
    token = owner_token(server, owner_client, "admin")
    response = rs.get(server, "/t/any/hello.json", token=token)
    rs.assert_error_challenge(response, 403, "insufficient_scope", REALM,
                              scope="read write")


@pytest.mark.parametrize("held,status,missing", [
    ("read write", 200, None),
    ("read write admin", 200, None),
    ("read", 403, "write"),
    ("write", 403, "read"),
    ("write admin", 403, "read"),
])
def test_require_all_needs_every_scope_and_names_the_missing_one(
        server, owner_client, held, status, missing):
    token = owner_token(server, owner_client, held)
    response = rs.get(server, "/t/all/hello.json", token=token)
    if status == 200:
        rs.assert_served(response)
        return
    rs.assert_error_challenge(response, 403, "insufficient_scope", REALM,
                              scope=missing)


def test_without_forbidden_on_failure_httpd_says_401_with_that_challenge(
        server, owner_client):
    token = owner_token(server, owner_client, "read")
    response = rs.get(server, "/t/admin-401/hello.json", token=token)
    rs.assert_error_challenge(response, 401, "insufficient_scope", REALM,
                              scope="admin")


def test_a_scope_refusal_leaves_no_challenge_when_another_require_grants(
        server, allowed):
    # <RequireAny>: oauth2-scope admin is refused, oauth2-client grants.
    token = rs.client_token(server, allowed, "read")
    rs.assert_served(rs.get(server, "/t/scope-or-client/hello.json",
                            token=token))


def test_require_any_of_scope_or_client_refuses_everyone_else(
        server, stranger):
    token = rs.client_token(server, stranger, "read")
    response = rs.get(server, "/t/scope-or-client/hello.json", token=token)
    assert response.status_code == 403, response.text


# --- Require oauth2-client, valid-user, user ---------------------------------

def test_require_oauth2_client_grants_each_listed_client(server, allowed,
                                                         other_allowed):
    for client in (allowed, other_allowed):
        token = rs.client_token(server, client, "read")
        response = rs.get(server, "/t/client/hello.json", token=token)
        rs.assert_served(response)
        assert rs.identity(response)["client_id"] == client.id


def test_require_oauth2_client_refuses_other_clients(server, stranger,
                                                     owner_client):
    for token in (rs.client_token(server, stranger, "read"),
                  owner_token(server, owner_client, "read")):
        response = rs.get(server, "/t/client/hello.json", token=token)
        assert response.status_code == 403, response.text


@pytest.mark.parametrize("kind", ["user", "client"])
def test_require_valid_user_accepts_any_valid_token(server, owner_client,
                                                    stranger, kind):
    token = (owner_token(server, owner_client, "admin") if kind == "user"
             else rs.client_token(server, stranger, "write"))
    rs.assert_served(rs.get(server, "/t/valid-user/hello.json",
                            token=token))


def test_require_valid_user_still_needs_a_token(server):
    rs.assert_no_token_challenge(rs.get(server, "/t/valid-user/hello.json"),
                                 REALM)


def test_require_user_sees_the_owner_of_the_token(server, owner_client,
                                                  stranger):
    rs.assert_served(rs.get(server, "/t/demo-only/hello.json",
                            token=owner_token(server, owner_client,
                                              "read")))
    response = rs.get(server, "/t/demo-only/hello.json",
                      token=rs.client_token(server, stranger, "read"))
    assert response.status_code == 403, response.text


# --- AuthBasicProvider oauth2 ------------------------------------------------

def basic(server, path, user, password):
    return requests.get(server.url(path), auth=(user, password), timeout=30)


def assert_basic_challenge(response):
    assert response.status_code == 401, response.text
    assert response.headers.get("WWW-Authenticate") == \
        'Basic realm="%s"' % BASIC_REALM, response.headers


@pytest.mark.parametrize("path", ["/t/basic/hello.json",
                                  "/t/basic-file/hello.json"])
def test_basic_credentials_with_a_token_as_password_and_its_owner_as_user(
        server, owner_client, path):
    token = owner_token(server, owner_client, "read write")
    response = basic(server, path, DEMO_USER, token)
    rs.assert_served(response)
    seen = rs.identity(response)
    assert (seen["remote_user"], seen["auth_type"], seen["client_id"],
            seen["user"], seen["scope"]) == (
        DEMO_USER, "Basic", owner_client.id, DEMO_USER, "read write"), seen


def test_basic_credentials_of_a_client_token_name_the_client(server,
                                                             stranger):
    token = rs.client_token(server, stranger, "read")
    # A Basic user name cannot hold the colon of client:ID.
    response = basic(server, "/t/basic/hello.json", stranger.id, token)
    rs.assert_served(response)
    seen = rs.identity(response)
    assert (seen["remote_user"], seen["client_id"], seen["user"]) == (
        "client:" + stranger.id, stranger.id, ""), seen


@pytest.mark.parametrize("path", ["/t/basic/hello.json",
                                  "/t/basic-file/hello.json"])
def test_basic_credentials_with_another_user_name_are_refused(
        server, owner_client, stranger, path):
    token = owner_token(server, owner_client, "read")
    for user in ("someone-else", "Demo", owner_client.id, ""):
        assert_basic_challenge(basic(server, path, user, token))
    client_token = rs.client_token(server, stranger, "read")
    assert_basic_challenge(basic(server, path, DEMO_USER, client_token))


def test_basic_credentials_with_a_refresh_or_unknown_token_are_refused(
        server, owner_client):
    refresh = rs.user_tokens(server, owner_client, "read")["refresh_token"]
    for password in (refresh, "x" * 43, "not a token at all"):
        assert_basic_challenge(basic(server, "/t/basic/hello.json",
                                     DEMO_USER, password))


def test_basic_with_oauth2_then_file_still_accepts_a_site_password(server):
    response = basic(server, "/t/basic-file/hello.json", DEMO_USER,
                     DEMO_PASSWORD)
    rs.assert_served(response)
    seen = rs.identity(response)
    assert seen["remote_user"] == DEMO_USER, seen
    # Not a token: no OAUTH2_* variables.
    assert (seen["client_id"], seen["user"], seen["scope"]) == (
        "", "", ""), seen


def test_basic_with_oauth2_then_file_refuses_a_wrong_site_password(server):
    assert_basic_challenge(basic(server, "/t/basic-file/hello.json",
                                 DEMO_USER, "wrong-password-4711"))


def test_basic_with_only_oauth2_refuses_a_site_password(server):
    assert_basic_challenge(basic(server, "/t/basic/hello.json", DEMO_USER,
                                 DEMO_PASSWORD))


def test_basic_credentials_are_subject_to_require_oauth2_scope(
        server, owner_client):
    path = "/t/basic-scope/hello.json"
    rs.assert_served(basic(server, path, DEMO_USER,
                           owner_token(server, owner_client, "write")))
    response = basic(server, path, DEMO_USER,
                     owner_token(server, owner_client, "read"))
    assert response.status_code == 403, response.text


# --- one identity space for owners and clients (RFC 9068 §5) ----------------

@pytest.fixture(scope="module")
def twin(admin, site):
    """A client that may use both grants, and an owner of the same name."""
    site.add_user(TWIN, TWIN_PASSWORD)
    return register_client(admin, "--grant", "client_credentials", "--grant",
                           "password", "--grant", "refresh_token", "--scope",
                           "read", client_id=TWIN)


def test_a_clients_own_token_is_not_the_user_of_the_same_name(server, twin):
    token = rs.client_token(server, twin, "read")
    response = rs.get(server, "/t/twin-only/hello.json", token=token)
    assert response.status_code == 403, (response.status_code,
                                         response.text)
    seen = rs.identity(rs.get(server, "/t/valid-user/hello.json",
                              token=token))
    assert (seen["remote_user"], seen["client_id"], seen["user"]) == (
        "client:" + TWIN, TWIN, ""), seen


def test_the_owner_named_like_a_client_is_that_user(server, twin):
    token = rs.user_token(server, twin, "read", user=TWIN,
                          password=TWIN_PASSWORD)
    response = rs.get(server, "/t/twin-only/hello.json", token=token)
    rs.assert_served(response)
    seen = rs.identity(response)
    assert (seen["remote_user"], seen["client_id"], seen["user"]) == (
        TWIN, TWIN, TWIN), seen
