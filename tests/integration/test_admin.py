"""oauth2-admin against a real PostgreSQL: schema, client registration
and purge, with client secrets stored only as SHA-256 hashes."""

import hashlib
import json
import os
import re
import uuid

import pytest

import harness

SECRET = re.compile(r"^[A-Za-z0-9_-]{43,}$")
SHOW_KEYS = {"client_id", "name", "public", "redirect_uris", "grant_types",
             "scopes", "created_at", "disabled", "introspect"}
SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                      "mod_oauth2", "store", "schema")


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:12])


def add_client(admin, name, *args):
    out = json.loads(admin("client", "add", name, "--json", *args).stdout)
    if "client_secret" in out:
        harness.remember_secret(out["client_secret"])
    return out


def show(admin, client_id):
    # "--": a generated client_id may begin with "-" (base64url).
    return json.loads(admin("client", "show", "--json", "--",
                            client_id).stdout)


def assert_fails_with_one_line(result):
    assert result.returncode != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("oauth2-admin: "), result.stderr
    return lines[0]


def sha256_hex(text):
    return hashlib.sha256(text.encode()).hexdigest()


def secret_hash_in_db(pg, client_id):
    return pg.psql("select secret_hash from oauth2_client "
                   "where client_id = '%s'" % client_id).strip()


def test_init_twice_leaves_the_schema_as_it_is(admin, pg):
    first = admin("init")
    second = admin("init")
    assert "already" in second.stdout
    assert first.stdout == second.stdout
    tables = set(pg.psql("select tablename from pg_tables").split())
    assert {"oauth2_client", "oauth2_code", "oauth2_token",
            "oauth2_consent"} <= tables


def test_adding_a_confidential_client_prints_its_secret_once(admin):
    out = add_client(admin, "Confidential app")
    assert set(out) == {"client_id", "client_secret"}
    assert out["client_id"]
    assert SECRET.match(out["client_secret"]), out["client_secret"]
    assert show(admin, out["client_id"])["public"] is False


def test_adding_a_public_client_prints_no_secret(admin, pg):
    out = add_client(admin, "Public app", "--public")
    assert "client_secret" not in out
    assert show(admin, out["client_id"])["public"] is True
    assert secret_hash_in_db(pg, out["client_id"]) == ""


def test_adding_a_client_without_json_shows_the_secret_as_text(admin):
    res = admin("client", "add", "Text app", "--id", unique("text"))
    m = re.search(r"client_secret:\s*(\S+)", res.stdout)
    assert m, res.stdout
    harness.remember_secret(m.group(1))
    assert SECRET.match(m.group(1))


def test_adding_a_client_with_id_uris_grants_and_scopes_stores_them(admin):
    cid = unique("full")
    out = add_client(admin, "Full app", "--id", cid,
                     "--redirect-uri", "https://app.example.org/cb",
                     "--redirect-uri", "http://127.0.0.1:8080/callback",
                     "--grant", "authorization_code",
                     "--grant", "refresh_token",
                     "--scope", "read", "--scope", "write")
    assert out["client_id"] == cid
    client = show(admin, cid)
    assert set(client) == SHOW_KEYS
    assert client["client_id"] == cid
    assert client["name"] == "Full app"
    assert client["redirect_uris"] == ["https://app.example.org/cb",
                                       "http://127.0.0.1:8080/callback"]
    assert sorted(client["grant_types"]) == ["authorization_code",
                                             "refresh_token"]
    assert client["scopes"] == ["read", "write"]
    assert client["disabled"] is False
    assert client["created_at"]


def test_adding_a_client_id_twice_fails(admin):
    cid = unique("dup")
    add_client(admin, "First", "--id", cid)
    res = admin("client", "add", "Second", "--id", cid, "--json",
                check=False)
    assert_fails_with_one_line(res)
    assert show(admin, cid)["name"] == "First"


@pytest.mark.parametrize("args", [
    ["--grant", "magic"],
    ["--grant", "authorization_code", "--grant", "nonsense"],
    ["--redirect-uri", "callback"],
    ["--redirect-uri", "https://app.example.org/cb#fragment"],
    ["--redirect-uri", "https://app.example.org/a b"],
    ["--scope", 'bad"scope'],
], ids=["unknown grant", "one unknown grant among good ones",
        "relative redirect URI", "redirect URI with a fragment",
        "redirect URI with a space", "scope with a quote"])
def test_adding_a_client_with_a_bad_value_fails_with_one_line(admin, args):
    cid = unique("bad")
    res = admin("client", "add", "Bad", "--id", cid, "--json", *args,
                check=False)
    assert_fails_with_one_line(res)
    assert admin("client", "show", cid, check=False).returncode != 0


# RFC 9700 §2.1, RFC 6749 §3.1.2.1, RFC 8252 §7-8 (issue 12, defect 3).
@pytest.mark.parametrize("uri,why", [
    ("http://app.example.org/cb", "must use https"),
    ("http://192.168.1.20:8080/cb", "must use https"),
    ("http://localhost:8080/cb", "rather than localhost"),
    ("myapp:/callback", "reverse-domain form"),
    ("javascript:alert(1)", "javascript"),
    ("data:text/html,x", "data"),
    ("file:///etc/passwd", "file"),
    ("https://app.example.org@evil.example/cb", "user information"),
])
def test_registering_an_insecure_redirect_uri_names_it_and_says_why(
        admin, uri, why):
    for argv in (["client", "add", "Insecure", "--id", unique("insecure")],
                 ["client", "set", add_client(admin, "Secure")["client_id"]]):
        res = admin(*argv, "--redirect-uri", "https://ok.example.org/cb",
                    "--redirect-uri", uri, check=False)
        line = assert_fails_with_one_line(res)
        assert res.returncode == 2, res.stderr
        assert "redirect URI '%s'" % uri in line and why in line, line


@pytest.mark.parametrize("uri", [
    "https://app.example.org/cb",
    "http://127.0.0.1/cb",
    "http://127.0.0.1:8080/cb",
    "http://[::1]:8080/cb",
    "com.example.app:/oauth2redirect",
])
def test_https_loopback_ip_http_and_private_use_uris_are_registered(admin,
                                                                     uri):
    client = add_client(admin, "Fine", "--redirect-uri", uri)
    assert show(admin, client["client_id"])["redirect_uris"] == [uri]


def test_show_warns_about_a_stored_uri_that_todays_rules_refuse(admin, pg):
    # Registered before the rules: it keeps working, show says so.
    cid = add_client(admin, "Old", "--redirect-uri",
                     "https://app.example.org/cb")["client_id"]
    pg.psql("UPDATE oauth2_client SET redirect_uris = "
            "ARRAY['https://app.example.org/cb', 'http://old.example/cb'] "
            "WHERE client_id = '%s'" % cid)
    res = admin("client", "show", "--json", "--", cid)
    assert json.loads(res.stdout)["redirect_uris"][1] == \
        "http://old.example/cb"
    warnings = res.stderr.strip().splitlines()
    assert len(warnings) == 1, res.stderr
    assert "warning: " in warnings[0] and \
        "'http://old.example/cb' must use https" in warnings[0], warnings
    assert "app.example.org" not in res.stderr


def test_listing_clients_shows_the_added_ones(admin):
    ids = [add_client(admin, "Listed %d" % i, "--id", unique("list"))
           ["client_id"] for i in range(2)]
    listed = json.loads(admin("client", "list", "--json").stdout)
    assert isinstance(listed, list)
    by_id = {c["client_id"]: c for c in listed}
    for cid in ids:
        assert set(by_id[cid]) == SHOW_KEYS
    text = admin("client", "list").stdout
    assert all(cid in text for cid in ids)


def test_set_replaces_the_lists_given(admin):
    cid = unique("set")
    add_client(admin, "Settable", "--id", cid,
               "--redirect-uri", "https://old.example.org/cb",
               "--grant", "authorization_code", "--scope", "old")
    admin("client", "set", cid,
          "--redirect-uri", "https://new.example.org/cb",
          "--redirect-uri", "https://new.example.org/cb2",
          "--grant", "client_credentials", "--scope", "new1",
          "--scope", "new2")
    client = show(admin, cid)
    assert client["redirect_uris"] == ["https://new.example.org/cb",
                                       "https://new.example.org/cb2"]
    assert client["grant_types"] == ["client_credentials"]
    assert client["scopes"] == ["new1", "new2"]
    assert client["name"] == "Settable"


def test_set_with_only_scopes_keeps_the_other_lists(admin):
    cid = unique("partial")
    add_client(admin, "Partial", "--id", cid,
               "--redirect-uri", "https://keep.example.org/cb",
               "--grant", "authorization_code", "--scope", "a")
    admin("client", "set", cid, "--scope", "b")
    client = show(admin, cid)
    assert client["redirect_uris"] == ["https://keep.example.org/cb"]
    assert client["grant_types"] == ["authorization_code"]
    assert client["scopes"] == ["b"]


def test_disable_and_enable_switch_a_client_off_and_on(admin):
    cid = unique("toggle")
    add_client(admin, "Toggle", "--id", cid)
    admin("client", "set", cid, "--disable")
    assert show(admin, cid)["disabled"] is True
    admin("client", "set", cid, "--enable")
    assert show(admin, cid)["disabled"] is False


def test_the_introspect_flag_is_off_unless_given_and_set_switches_it(admin):
    cid = unique("introspect")
    add_client(admin, "Resource server", "--id", cid, "--introspect")
    assert show(admin, cid)["introspect"] is True
    assert re.search(r"^introspect:\s+yes$",
                     admin("client", "show", cid).stdout, re.M)
    assert re.search(r"^%s\s.*\sintrospect\s" % re.escape(cid),
                     admin("client", "list").stdout, re.M)
    admin("client", "set", cid, "--no-introspect")
    assert show(admin, cid)["introspect"] is False
    admin("client", "set", cid, "--introspect")
    assert show(admin, cid)["introspect"] is True
    other = add_client(admin, "Plain", "--id", unique("plain"))["client_id"]
    assert show(admin, other)["introspect"] is False


@pytest.mark.parametrize("args", [
    ["client", "add", "Public RS", "--public", "--introspect"],
    ["client", "set", "{id}", "--introspect", "--no-introspect"],
    ["client", "set", "{public}", "--introspect"],
])
def test_introspect_is_refused_for_a_public_client_or_with_its_opposite(
        admin, args):
    cid = add_client(admin, "Flags", "--id", unique("flags"))["client_id"]
    public = add_client(admin, "Public", "--public")["client_id"]
    argv = [a.format(id=cid, public=public) for a in args]
    assert_fails_with_one_line(admin(*argv, check=False))
    assert show(admin, public)["introspect"] is False
    assert show(admin, cid)["introspect"] is False


def test_setting_a_bad_grant_or_uri_fails_and_changes_nothing(admin):
    cid = unique("setbad")
    add_client(admin, "Set bad", "--id", cid, "--grant", "refresh_token")
    for args in (["--grant", "magic"], ["--redirect-uri", "relative"]):
        res = admin("client", "set", cid, *args, check=False)
        assert_fails_with_one_line(res)
    client = show(admin, cid)
    assert client["grant_types"] == ["refresh_token"]
    assert client["redirect_uris"] == []


def test_secret_is_stored_only_as_its_sha256_hash(admin, pg):
    out = add_client(admin, "Hashed", "--id", unique("hash"))
    cid, secret = out["client_id"], out["client_secret"]
    assert secret_hash_in_db(pg, cid) == sha256_hex(secret)
    rows = pg.psql("select row_to_json(c)::text from oauth2_client c")
    assert secret not in rows


def test_rotate_secret_gives_a_new_secret_and_forgets_the_old(admin, pg):
    out = add_client(admin, "Rotating", "--id", unique("rot"))
    cid, old = out["client_id"], out["client_secret"]
    new = json.loads(admin("client", "rotate-secret", cid, "--json")
                     .stdout)
    harness.remember_secret(new["client_secret"])
    assert new["client_id"] == cid
    assert SECRET.match(new["client_secret"])
    assert new["client_secret"] != old
    assert secret_hash_in_db(pg, cid) == sha256_hex(new["client_secret"])


def test_rotating_the_secret_of_a_public_client_fails(admin):
    cid = add_client(admin, "Public rot", "--public")["client_id"]
    res = admin("client", "rotate-secret", "--json", "--", cid,
                check=False)
    assert_fails_with_one_line(res)
    assert show(admin, cid)["public"] is True


def test_removed_client_is_gone(admin):
    cid = add_client(admin, "Removable", "--id", unique("rm"))["client_id"]
    admin("client", "rm", cid)
    res = admin("client", "show", cid, "--json", check=False)
    assert_fails_with_one_line(res)
    assert cid in res.stderr


@pytest.mark.parametrize("command", [
    ["client", "show", "no-such-client"],
    ["client", "rm", "no-such-client"],
    ["client", "rotate-secret", "no-such-client"],
    ["client", "set", "no-such-client", "--disable"],
])
def test_commands_on_an_unknown_client_fail_with_one_line(admin, command):
    assert_fails_with_one_line(admin(*command, check=False))


def test_unreachable_database_fails_with_one_line(admin):
    closed = harness.free_port()
    db = ("host=127.0.0.1 port=%d dbname=oauth2 user=postgres "
          "connect_timeout=5" % closed)
    for command in (["init"], ["client", "list"], ["purge"]):
        line = assert_fails_with_one_line(admin(*command, db=db,
                                                check=False))
        assert "database" in line or "connect" in line, line


def test_purge_deletes_expired_codes_and_tokens_and_prints_counts(admin,
                                                                  pg):
    cid = add_client(admin, "Purgeable", "--id", unique("purge"))[
        "client_id"]
    tag = uuid.uuid4().hex
    pg.psql(
        "insert into oauth2_code (code_hash, client_id, user_id, scope, "
        "expires_at) values ('expired-%(t)s', '%(c)s', 'demo', 'read', "
        "now() - interval '1 hour'), ('live-%(t)s', '%(c)s', 'demo', "
        "'read', now() + interval '1 hour');"
        "insert into oauth2_token (token_hash, kind, client_id, scope, "
        "grant_type, family_id, expires_at) values "
        "('expired-%(t)s', 'access', '%(c)s', 'read', 'client_credentials', "
        "gen_random_uuid(), now() - interval '1 hour'), "
        "('live-%(t)s', 'access', '%(c)s', 'read', 'client_credentials', "
        "gen_random_uuid(), now() + interval '1 hour')"
        % {"t": tag, "c": cid})
    res = admin("purge")
    counts = [int(n) for n in re.findall(r"\d+", res.stdout)]
    assert len(counts) >= 2 and all(n >= 1 for n in counts[:2]), res.stdout
    left = pg.psql("select code_hash from oauth2_code where code_hash like "
                   "'%%-%s' union all select token_hash from oauth2_token "
                   "where token_hash like '%%-%s'" % (tag, tag))
    assert sorted(left.split()) == ["live-" + tag, "live-" + tag]


def test_init_upgrades_a_version_1_database_in_place(admin, pg):
    """A database made by the first release: init adds version 2 (the
    introspect flag, off; the family columns, NULL for old rows) and
    keeps every row."""
    db = pg.create_database("upgrade_from_1")
    with open(os.path.join(SCHEMA, "001-initial.sql")) as f:
        pg.psql(f.read(), dbname="upgrade_from_1")
    pg.psql("CREATE TABLE oauth2_schema_version (version integer NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now());"
            "INSERT INTO oauth2_schema_version (version) VALUES (1);"
            "INSERT INTO oauth2_client (client_id, name, secret_hash,"
            " grant_types) VALUES ('old-rs', 'Old', 'ab',"
            " '{client_credentials}');"
            "INSERT INTO oauth2_token (token_hash, kind, client_id, scope,"
            " grant_type, family_id, expires_at) VALUES ('old-token',"
            " 'refresh', 'old-rs', 'read', 'refresh_token',"
            " gen_random_uuid(), now() + interval '1 day')",
            dbname="upgrade_from_1")
    res = admin("init", db=db)
    assert re.search(r"version \d+ \(was 1\)", res.stdout), res.stdout
    assert "already at version" in admin("init", db=db).stdout
    client = json.loads(admin("client", "show", "old-rs", "--json",
                              db=db).stdout)
    assert client["introspect"] is False and client["grant_types"] == [
        "client_credentials"]
    row = pg.psql("SELECT kind, family_grant_type IS NULL,"
                  " family_created_at IS NULL FROM oauth2_token"
                  " WHERE token_hash = 'old-token'", dbname="upgrade_from_1")
    assert row.strip() == "refresh|t|t", row


PURGE_REPORT = re.compile(
    r"^purged (\d+) codes, (\d+) tokens\n"
    r"in batches of at most (\d+) rows: (\d+) for codes, (\d+) for tokens; "
    r"[\d.]+ s\n$")


def test_purge_in_small_batches_removes_every_expired_row_and_no_live_one(
        admin, pg):
    cid = add_client(admin, "Batched purge", "--id", unique("batches"))[
        "client_id"]
    tag = uuid.uuid4().hex
    rows = {"t": tag, "c": cid}
    pg.psql(
        "insert into oauth2_code (code_hash, client_id, user_id, scope, "
        "expires_at) select k || '-' || i || '-%(t)s', '%(c)s', 'demo', "
        "'read', now() + CASE k WHEN 'expired' THEN -1 ELSE 1 END "
        "* i * interval '1 minute' from generate_series(1, 9) i, "
        "(values ('expired'), ('live')) v(k) where k = 'expired' or i <= 2;"
        "insert into oauth2_token (token_hash, kind, client_id, scope, "
        "grant_type, family_id, expires_at) select k || '-' || i || '-%(t)s',"
        " CASE WHEN i %% 3 = 0 THEN 'refresh' ELSE 'access' END, '%(c)s', "
        "'read', 'authorization_code', gen_random_uuid(), now() + CASE k "
        "WHEN 'expired' THEN -1 ELSE 1 END * i * interval '1 minute' "
        "from generate_series(1, 23) i, (values ('expired'), ('live')) "
        "v(k) where k = 'expired' or i <= 5" % rows)
    res = admin("purge", "--batch-size", "4", "--pause", "0.01")
    m = PURGE_REPORT.match(res.stdout)
    assert m, res.stdout
    codes, tokens, size, code_batches, token_batches = map(int, m.groups())
    assert size == 4
    # Other tests' expired rows may be purged too, never fewer than ours.
    assert codes >= 9 and tokens >= 23, res.stdout
    # Batches go on while a batch is full: one more than the full ones.
    assert code_batches == codes // 4 + 1, res.stdout
    assert token_batches == tokens // 4 + 1, res.stdout
    left = pg.psql("select code_hash from oauth2_code where code_hash like "
                   "'%%-%s' union all select token_hash from oauth2_token "
                   "where token_hash like '%%-%s'" % (tag, tag)).split()
    assert sorted(left) == sorted(
        ["live-%d-%s" % (i, tag) for i in (1, 2)] +
        ["live-%d-%s" % (i, tag) for i in range(1, 6)])


@pytest.mark.parametrize("option", [
    ["--batch-size", "0"], ["--batch-size", "-5"], ["--batch-size", "1e3"],
    ["--batch-size", "1000001"], ["--batch-size", ""], ["--pause", "-1"],
    ["--pause", "nan"], ["--pause", "3601"], ["--pause", "0.1s"],
])
def test_purge_refuses_a_bad_batch_size_or_pause_before_connecting(
        admin, option):
    closed = harness.free_port()
    db = "host=127.0.0.1 port=%d dbname=oauth2 user=postgres" % closed
    res = admin("purge", *option, db=db, check=False)
    assert res.returncode == 2, res.stderr
    line = assert_fails_with_one_line(res)
    assert option[0] in line, line
