"""Each httpd process remembers the client records of client_credentials
requests, so that issuing a token is one INSERT. What an administrator
changes still counts from the next request on: the INSERT stores nothing
unless the client's row still matches the remembered record, and every
refusal is decided on the row as it is now. Each test warms one keep-alive
connection (one httpd process) and keeps using it after the change."""

import json

import pytest
import requests

import harness
from token_support import (assert_error, assert_stored, assert_tokens,
                           disable_client, psql, register_client, sql,
                           token_request)


@pytest.fixture
def client(admin):
    return register_client(admin, "--grant", "client_credentials",
                           "--scope", "read", "--scope", "write")


@pytest.fixture
def connection():
    with requests.Session() as s:
        yield s


def cc(scope=None):
    return {"grant_type": "client_credentials", "scope": scope}


def issue(httpd, client, connection, scope=None, auth="basic"):
    return token_request(httpd, client, cc(scope), auth=auth,
                         session=connection)


def warm(httpd, client, connection):
    for _ in range(3):
        assert_tokens(issue(httpd, client, connection), "read write",
                      refresh=False)


def token_count(pg, client):
    return int(psql(pg, "SELECT count(*) FROM oauth2_token WHERE "
                        "client_id = %s" % sql(client.id)))


def test_a_disabled_client_is_refused_at_once_and_nothing_is_stored(
        httpd, admin, pg, client, connection):
    warm(httpd, client, connection)
    stored = token_count(pg, client)
    disable_client(admin, client)
    for auth in ("basic", "post"):
        assert_error(issue(httpd, client, connection, auth=auth), 401,
                     "invalid_client")
    assert token_count(pg, client) == stored
    admin("client", "set", client.id, "--enable")
    assert_tokens(issue(httpd, client, connection), "read write",
                  refresh=False)


def test_a_new_secret_works_at_once_and_the_old_one_no_more(
        httpd, admin, pg, client, connection):
    warm(httpd, client, connection)
    out = json.loads(admin("client", "rotate-secret", client.id,
                           "--json").stdout)
    harness.remember_secret(out["client_secret"])
    stored = token_count(pg, client)
    # The old secret first: it matches the remembered record.
    assert_error(issue(httpd, client, connection), 401, "invalid_client")
    assert token_count(pg, client) == stored
    client.secret = out["client_secret"]
    body = assert_tokens(issue(httpd, client, connection), "read write",
                         refresh=False)
    assert_stored(pg, body, client, None, "read write", "client_credentials")


def test_narrowed_scopes_hold_from_the_next_request(httpd, admin, client,
                                                    connection):
    warm(httpd, client, connection)
    admin("client", "set", client.id, "--scope", "read")
    assert_error(issue(httpd, client, connection, "write"), 400,
                 "invalid_scope")
    # No scope asked: the registered ones, as they are now.
    assert_tokens(issue(httpd, client, connection), "read", refresh=False)


def test_widened_scopes_are_granted_from_the_next_request(httpd, admin, pg,
                                                          client, connection):
    warm(httpd, client, connection)
    admin("client", "set", client.id, "--scope", "read", "--scope", "write",
          "--scope", "admin")
    body = assert_tokens(issue(httpd, client, connection, "admin"), "admin",
                         refresh=False)
    assert_stored(pg, body, client, None, "admin", "client_credentials")


def test_a_withdrawn_grant_is_unauthorized_client_from_the_next_request(
        httpd, admin, client, connection):
    warm(httpd, client, connection)
    admin("client", "set", client.id, "--grant", "authorization_code")
    assert_error(issue(httpd, client, connection), 400, "unauthorized_client")


def test_a_deleted_client_is_unknown_from_the_next_request(
        httpd, admin, client, connection):
    warm(httpd, client, connection)
    admin("client", "rm", client.id)
    assert_error(issue(httpd, client, connection), 401, "invalid_client")


def test_a_wrong_secret_is_refused_while_the_right_one_is_remembered(
        httpd, client, connection):
    warm(httpd, client, connection)
    right, client.secret = client.secret, "wrong-" + client.secret
    assert_error(issue(httpd, client, connection), 401, "invalid_client")
    client.secret = right
    assert_tokens(issue(httpd, client, connection), "read write",
                  refresh=False)
