"""The token endpoint when PostgreSQL goes away (DESIGN.md, Errors): 503
with Retry-After and a JSON temporarily_unavailable error, never 500,
never a token that was not stored; once PostgreSQL is back, mod_dbd
reconnects and service resumes without restarting Apache.

The outage is staged on a cluster and httpd of its own, so that stopping
PostgreSQL leaves the session's servers and their pooled connections
alone."""

import os
import time

import pytest

import harness
from token_support import (DEMO_PASSWORD, DEMO_USER, assert_error,
                           assert_stored, assert_tokens, json_body, parallel,
                           register_client, token_request)

RECOVERY_SECONDS = 15


@pytest.fixture
def outage(session, site):
    """(cluster, admin, httpd) that only this test uses."""
    base = harness.make_dir(os.path.join(session.dir, "pg-outage"), 0o700)
    cluster = harness.Postgres(base).init()
    admin = harness.Admin(session.env, cluster.conninfo)
    admin("init")
    server = harness.Httpd(session.env, cluster, site,
                           os.path.join(session.dir, "httpd-outage"),
                           extra_conf=harness.ALL_GRANTS)
    try:
        server.start()
        yield cluster, admin, server
    finally:
        try:
            server.stop()  # checks its logs for crashes and secrets
        finally:
            cluster.stop(check=False)


def requests_of(server, client):
    return {
        "client_credentials": lambda: token_request(
            server, client, {"grant_type": "client_credentials"}),
        "password": lambda: token_request(
            server, client, {"grant_type": "password",
                             "username": DEMO_USER,
                             "password": DEMO_PASSWORD}, auth="post"),
        "refresh_token": lambda: token_request(
            server, client, {"grant_type": "refresh_token",
                             "refresh_token": "x" * 43}),
    }


def assert_unavailable(response):
    body = json_body(response)
    assert response.status_code == 503, (response.status_code,
                                         response.text)
    assert body["error"] == "temporarily_unavailable", body
    assert body.get("error_description"), body
    retry = response.headers.get("Retry-After", "")
    assert retry.isdigit() and int(retry) > 0, response.headers


def wait_for_service(send, seconds):
    """Sends requests until one succeeds; returns the answers seen."""
    seen = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        response = send()
        seen.append(response)
        if response.status_code == 200:
            return seen
        time.sleep(0.5)
    return seen


def test_a_database_outage_gives_503_and_service_resumes_without_restart(
        outage):
    cluster, admin, server = outage
    client = register_client(admin, "--grant", "client_credentials",
                             "--grant", "password", "--grant",
                             "refresh_token", "--scope", "read")
    send = requests_of(server, client)
    # Warm every pooled connection of the child that serves us.
    for r in parallel(8, send["client_credentials"]):
        assert_tokens(r, "read", refresh=False)

    tokens_before = cluster.psql("SELECT count(*) FROM oauth2_token")
    cluster.stop()
    try:
        for grant in ("client_credentials", "password", "refresh_token",
                      "client_credentials", "client_credentials"):
            assert_unavailable(send[grant]())
        for r in parallel(8, send["client_credentials"]):
            assert_unavailable(r)
    finally:
        cluster.start()

    seen = wait_for_service(send["client_credentials"], RECOVERY_SECONDS)
    statuses = [r.status_code for r in seen]
    assert statuses[-1] == 200, (
        "no token within %ds after PostgreSQL came back; answers: %s; last "
        "body: %s; module errors:\n%s"
        % (RECOVERY_SECONDS, statuses, seen[-1].text,
           "\n".join(server.module_errors()[-6:])))
    for r in seen[:-1]:
        assert_unavailable(r)
    # Only the one token handed out since is stored: nothing was stored
    # (or half-stored) during the outage.
    assert int(cluster.psql("SELECT count(*) FROM oauth2_token")) == \
        int(tokens_before) + 1
    assert_stored(cluster, seen[-1].json(), client, None, "read",
                  "client_credentials")

    # Every pooled connection works again, not just the first one.
    for r in parallel(8, send["client_credentials"]):
        body = assert_tokens(r, "read", refresh=False)
        assert_stored(cluster, body, client, None, "read",
                      "client_credentials")
    for _ in range(5):
        assert_tokens(send["password"](), "read", refresh=True)
    assert_error(send["refresh_token"](), 400, "invalid_grant")
