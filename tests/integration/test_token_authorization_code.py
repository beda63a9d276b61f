"""grant_type=authorization_code (RFC 6749 §4.1.3, RFC 7636 §4.6): codes
are planted in oauth2_code as the authorization endpoint stores them (only
their SHA-256 hex); a code is single-use, bound to its client, its
redirect_uri and its PKCE challenge, and a replay revokes every token
issued from it."""

import pytest

from token_support import (DEMO_USER, assert_error, assert_stored,
                           assert_tokens, code_family, family_rows, parallel,
                           pkce_pair, plant_code, psql, register_client,
                           sha256_hex, sql, token_request)

REDIRECT = "https://app.example/callback"


@pytest.fixture(scope="module")
def client(admin):
    return register_client(admin, "--grant", "authorization_code",
                           "--grant", "refresh_token", "--redirect-uri",
                           REDIRECT, "--scope", "read", "--scope", "write")


@pytest.fixture(scope="module")
def other(admin):
    return register_client(admin, "--grant", "authorization_code",
                           "--grant", "refresh_token", "--redirect-uri",
                           REDIRECT, "--scope", "read", "--scope", "write")


@pytest.fixture(scope="module")
def public(admin):
    return register_client(admin, "--grant", "authorization_code",
                           "--grant", "refresh_token", "--redirect-uri",
                           REDIRECT, "--scope", "read", public=True)


def redeem(server, client, code, auth="basic", **params):
    params.setdefault("redirect_uri", REDIRECT)
    if client.public:
        auth = None
        params["client_id"] = client.id
    return token_request(server, client, dict(params, code=code,
                                              grant_type="authorization_code"),
                         auth=auth)


def assert_code_used(pg, code):
    used = psql(pg, "SELECT used_at IS NOT NULL FROM oauth2_code "
                    "WHERE code_hash = %s" % sql(sha256_hex(code))).strip()
    assert used == "t", "the code is not marked used"


@pytest.mark.parametrize("auth", ["basic", "post"])
def test_a_code_is_exchanged_for_access_and_refresh_tokens(httpd, pg,
                                                           client, auth):
    code = plant_code(pg, client, scope="read write", redirect_uri=REDIRECT)
    body = assert_tokens(redeem(httpd, client, code, auth=auth),
                         "read write", refresh=True)
    rows = assert_stored(pg, body, client, DEMO_USER, "read write",
                         "authorization_code")
    # The tokens belong to the code's family: a replay can find them.
    assert rows["access"]["family_id"] == code_family(pg, code)
    assert_code_used(pg, code)


def test_a_code_without_a_stored_redirect_uri_needs_none(httpd, pg, client):
    code = plant_code(pg, client, redirect_uri=None)
    body = assert_tokens(redeem(httpd, client, code, redirect_uri=None),
                         "read", refresh=True)
    assert_stored(pg, body, client, DEMO_USER, "read", "authorization_code")


def test_the_scope_and_user_come_from_the_code(httpd, pg, client):
    code = plant_code(pg, client, user="someone-else", scope="write",
                      redirect_uri=REDIRECT)
    body = assert_tokens(redeem(httpd, client, code), "write", refresh=True)
    assert_stored(pg, body, client, "someone-else", "write",
                  "authorization_code")


@pytest.mark.parametrize("sent", [
    None,
    "https://app.example/callback/",
    "https://app.example/callback?x=1",
    "https://APP.example/callback",
    "https://app.example/other",
    "http://app.example/callback",
])
def test_a_redirect_uri_that_differs_from_the_stored_one_is_invalid_grant(
        httpd, pg, client, sent):
    code = plant_code(pg, client, redirect_uri=REDIRECT)
    response = redeem(httpd, client, code, redirect_uri=sent)
    assert_error(response, 400, "invalid_grant")


@pytest.mark.parametrize("method", ["S256", "plain"])
def test_pkce_with_the_right_verifier_succeeds(httpd, pg, client, method):
    verifier, challenge = pkce_pair(method)
    code = plant_code(pg, client, redirect_uri=REDIRECT, challenge=challenge,
                      method=method)
    body = assert_tokens(redeem(httpd, client, code, code_verifier=verifier),
                         "read", refresh=True)
    assert_stored(pg, body, client, DEMO_USER, "read", "authorization_code")


def test_a_public_client_with_pkce_gets_tokens(httpd, pg, public):
    verifier, challenge = pkce_pair()
    code = plant_code(pg, public, redirect_uri=REDIRECT, challenge=challenge,
                      method="S256")
    body = assert_tokens(redeem(httpd, public, code, code_verifier=verifier),
                         "read", refresh=True)
    assert_stored(pg, body, public, DEMO_USER, "read", "authorization_code")


def other_verifier(verifier, challenge):
    return pkce_pair()[0]


def challenge_as_verifier(verifier, challenge):
    return challenge  # the S256 challenge is 43 valid characters


def verifier_with_a_changed_letter(verifier, challenge):
    return verifier[:-1] + ("A" if verifier[-1] != "A" else "B")


def too_short_verifier(verifier, challenge):
    return verifier[:42]


WRONG_VERIFIERS = [
    (method, wrong)
    for method in ("S256", "plain")
    for wrong in (other_verifier, challenge_as_verifier,
                  verifier_with_a_changed_letter, too_short_verifier)
    # A plain challenge is the verifier itself.
    if (method, wrong) != ("plain", challenge_as_verifier)
]


@pytest.mark.parametrize("method,wrong", WRONG_VERIFIERS,
                         ids=["%s-%s" % (m, w.__name__)
                              for m, w in WRONG_VERIFIERS])
def test_a_wrong_code_verifier_is_invalid_grant(httpd, pg, client, method,
                                                wrong):
    verifier, challenge = pkce_pair(method)
    code = plant_code(pg, client, redirect_uri=REDIRECT, challenge=challenge,
                      method=method)
    bad = wrong(verifier, challenge)
    assert bad != verifier
    response = redeem(httpd, client, code, code_verifier=bad)
    assert_error(response, 400, "invalid_grant")
    # The code is burnt: the right verifier no longer works either.
    response = redeem(httpd, client, code, code_verifier=verifier)
    assert_error(response, 400, "invalid_grant")


def test_a_missing_verifier_when_a_challenge_was_stored_is_invalid_grant(
        httpd, pg, client):
    verifier, challenge = pkce_pair()
    code = plant_code(pg, client, redirect_uri=REDIRECT, challenge=challenge,
                      method="S256")
    assert_error(redeem(httpd, client, code), 400, "invalid_grant")


def test_a_verifier_without_a_stored_challenge_is_invalid_grant(httpd, pg,
                                                                client):
    # RFC 9700 §4.8.2: a verifier where no challenge was sent is a PKCE
    # downgrade attempt.
    code = plant_code(pg, client, redirect_uri=REDIRECT)
    response = redeem(httpd, client, code, code_verifier=pkce_pair()[0])
    assert_error(response, 400, "invalid_grant")


def test_a_public_client_without_pkce_is_invalid_grant(httpd, pg, public):
    code = plant_code(pg, public, redirect_uri=REDIRECT)
    assert_error(redeem(httpd, public, code), 400, "invalid_grant")


def test_a_confidential_client_without_pkce_is_fine_by_default(httpd, pg,
                                                              client):
    # conf-examples: OAuth2PKCE public
    code = plant_code(pg, client, redirect_uri=REDIRECT)
    assert_tokens(redeem(httpd, client, code), "read", refresh=True)


def test_an_expired_code_is_invalid_grant(httpd, pg, client):
    code = plant_code(pg, client, redirect_uri=REDIRECT, lifetime=-1)
    assert_error(redeem(httpd, client, code), 400, "invalid_grant")
    assert psql(pg, "SELECT count(*) FROM oauth2_token WHERE family_id = %s"
                % sql(code_family(pg, code))).strip() == "0"


def test_an_unknown_code_is_invalid_grant(httpd, client):
    response = redeem(httpd, client, "no-such-code-" + "x" * 30)
    assert_error(response, 400, "invalid_grant")


def test_the_code_of_another_client_is_invalid_grant(httpd, pg, client,
                                                     other):
    code = plant_code(pg, other, redirect_uri=REDIRECT)
    assert_error(redeem(httpd, client, code), 400, "invalid_grant")
    # The rightful client can still redeem it.
    assert_tokens(redeem(httpd, other, code), "read", refresh=True)


def test_a_code_of_a_public_client_cannot_be_redeemed_by_another(
        httpd, pg, public, client):
    verifier, challenge = pkce_pair()
    code = plant_code(pg, public, redirect_uri=REDIRECT, challenge=challenge,
                      method="S256")
    response = redeem(httpd, client, code, code_verifier=verifier)
    assert_error(response, 400, "invalid_grant")


def test_a_replayed_code_is_refused_and_revokes_the_tokens_it_gave(
        httpd, pg, client):
    code = plant_code(pg, client, redirect_uri=REDIRECT)
    first = assert_tokens(redeem(httpd, client, code), "read", refresh=True)
    rows = assert_stored(pg, first, client, DEMO_USER, "read",
                         "authorization_code")
    family = rows["access"]["family_id"]
    assert all(r["revoked_at"] is None for r in family_rows(pg, family))

    assert_error(redeem(httpd, client, code), 400, "invalid_grant")
    members = family_rows(pg, family)
    assert {r["kind"] for r in members} == {"access", "refresh"}
    assert all(r["revoked_at"] is not None for r in members), members
    # The revoked refresh token is refused.
    response = token_request(httpd, client, {
        "grant_type": "refresh_token",
        "refresh_token": first["refresh_token"]})
    assert_error(response, 400, "invalid_grant")


@pytest.mark.parametrize("owner", ["confidential", "public"])
def test_another_client_presenting_a_used_code_revokes_nothing(
        httpd, pg, client, other, public, owner):
    # Only the code's own client sets off the replay revocation: any
    # other client that learnt a used code (from a log, a referrer) must
    # not be able to revoke the grant of the client it belongs to.
    holder = client if owner == "confidential" else public
    verifier, challenge = pkce_pair()
    code = plant_code(pg, holder, redirect_uri=REDIRECT,
                      challenge=challenge, method="S256")
    first = assert_tokens(redeem(httpd, holder, code, code_verifier=verifier),
                          "read", refresh=True)
    family = code_family(pg, code)
    assert_error(redeem(httpd, other, code, code_verifier=verifier), 400,
                 "invalid_grant")
    rows = family_rows(pg, family)
    assert rows and all(r["revoked_at"] is None for r in rows), rows
    params = {"grant_type": "refresh_token",
              "refresh_token": first["refresh_token"]}
    if holder.public:
        params["client_id"] = holder.id
    assert_tokens(token_request(httpd, holder, params,
                                auth=None if holder.public else "basic"),
                  "read", refresh=True)


def test_a_replay_revokes_only_that_codes_tokens(httpd, pg, client):
    a = plant_code(pg, client, redirect_uri=REDIRECT)
    b = plant_code(pg, client, redirect_uri=REDIRECT)
    assert_tokens(redeem(httpd, client, a), "read", refresh=True)
    second = assert_tokens(redeem(httpd, client, b), "read", refresh=True)
    assert_error(redeem(httpd, client, a), 400, "invalid_grant")
    rows = family_rows(pg, code_family(pg, b))
    assert rows and all(r["revoked_at"] is None for r in rows)
    assert_stored(pg, second, client, DEMO_USER, "read",
                  "authorization_code")


def test_parallel_redemptions_of_one_code_give_exactly_one_token(httpd, pg,
                                                                 client):
    code = plant_code(pg, client, redirect_uri=REDIRECT)
    results = parallel(20, lambda: redeem(httpd, client, code))
    winners = [r for r in results if r.status_code == 200]
    for r in winners:
        assert_tokens(r, "read", refresh=True)
    assert len(winners) == 1, [(r.status_code, r.text) for r in results]
    for r in results:
        if r.status_code != 200:
            assert_error(r, 400, "invalid_grant")
    rows = family_rows(pg, code_family(pg, code))
    assert sorted(r["kind"] for r in rows) == ["access", "refresh"], rows
    assert_code_used(pg, code)
