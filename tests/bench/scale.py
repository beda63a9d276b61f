"""The scale scenarios of tests/bench/run (issue 12, "At scale").

A second database (oauth2_big) gets an oauth2_token table of
BENCH_SCALE_ROWS generated rows (scale_rows.sql: INSERT ... SELECT
generate_series, rows shaped like the module's own), half of them expired;
the main database gets BENCH_SCALE_SMALL_ROWS rows made the same way. Then:

  B3r      a different opaque token on every request (BENCH_TOKENS live
           access tokens of the small table, rotate.lua), OAuth2TokenCache
           none: one PostgreSQL lookup per request
  B3@big   the same on the big table (tokens spread over its live half)
  D@big    D (token endpoint, client_credentials) on the big table
  D@purge  D@big while `oauth2-admin purge` deletes the big table's expired
           half in batches
  D@pause  D@big with that purge stopped (SIGSTOP) between its batches: the
           runs alternate with D@purge, so both see the same machine and the
           same table (dead rows, autovacuum) and differ only by the purge

Reading the figures: the load ends with a CHECKPOINT, so the first runs
on the big table pay a full-page image in the WAL for the first change of
each index page after it, and the keys of oauth2_token's primary key and
family_id index are random, so most inserts touch such a page; D@pause,
minutes later, is closer to the table's steady state than D@big.

This module holds no httpd or wrk code: tests/bench/run drives the runs.
"""

import os
import random
import re
import signal
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROWS_SQL = os.path.join(HERE, "scale_rows.sql")

SCENARIOS = ["B3r", "B3@big", "D@big", "D@purge", "D@pause"]
# Measured in the purge phase, not round-robin.
PURGE_PHASE = ["D@purge", "D@pause"]

DESCRIPTIONS = {
    "B3r": "B3, new token every request, small table",
    "B3@big": "B3r on the big table",
    "D@big": "D on the big table",
    "D@purge": "D@big during purge of the expired half",
    "D@pause": "D@big, purge stopped between its runs",
}

# (numerator, denominator, target or None), as RATIOS in tests/bench/run.
RATIOS = [
    # Issue 12: a cache-miss validation and a token issue stay within 10 %
    # of their rate on a small table...
    ("B3@big", "B3r", 0.90),
    ("D@big", "D", 0.90),
    # ... and the token endpoint keeps >= 80 % of its rate while 5 million
    # expired rows are purged in bounded batches.
    ("D@purge", "D@pause", 0.80),
    # What the purge's aftermath (dead rows, autovacuum) costs even between
    # batches: information, no target.
    ("D@pause", "D@big", None),
]

BIG_DB = "oauth2_big"
CLIENTS = 16  # scale-0 .. scale-15, as in scale_rows.sql


class ScaleError(Exception):
    pass


def seed():
    """16 base64url characters: the rows' tokens are seed || 27 digits."""
    alphabet = ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                "0123456789-_")
    return "".join(random.SystemRandom().choice(alphabet) for _ in range(16))


def token_of_row(seed_text, i):
    return "%s%027d" % (seed_text, i)


def live_access_rows(rows, count, rng):
    """count row numbers (at most as many as exist) of live, unrevoked
    access tokens, chosen at random; mirrors scale_rows.sql."""
    expired = rows // 2

    def usable(i):
        f, p = (i - 1) // 3, (i - 1) % 3
        cc = f % 5 == 0
        refresh = not cc and p == 1
        return not refresh and f % 50 != 0

    live = range(expired + 1, rows + 1)
    if len(live) <= 4 * count:
        chosen = [i for i in live if usable(i)]
        rng.shuffle(chosen)
        return chosen[:count]
    chosen = set()
    while len(chosen) < count:
        i = rng.randint(expired + 1, rows)
        if usable(i):
            chosen.add(i)
    chosen = list(chosen)
    rng.shuffle(chosen)
    return chosen


def token_table_ddl(pg, dbname):
    """The indexes and constraints of oauth2_token (other than CHECK and
    NOT NULL), as the schema made them: (drop statements, create
    statements)."""
    cons = [l.split("|", 1) for l in pg.psql(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'oauth2_token'::regclass AND contype IN "
        "('p', 'u', 'f', 'x') ORDER BY contype = 'f', conname",
        dbname=dbname).splitlines() if l]
    idx = [l.split("|", 1) for l in pg.psql(
        "SELECT indexrelid::regclass, pg_get_indexdef(indexrelid) "
        "FROM pg_index i WHERE indrelid = 'oauth2_token'::regclass AND NOT "
        "EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = "
        "i.indexrelid AND c.conrelid = i.indrelid) ORDER BY 1",
        dbname=dbname).splitlines() if l]
    drop = ["ALTER TABLE oauth2_token DROP CONSTRAINT %s" % name
            for name, _ in reversed(cons)]
    drop += ["DROP INDEX %s" % name for name, _ in idx]
    create = ["ALTER TABLE oauth2_token ADD CONSTRAINT %s %s" % (name, d)
              for name, d in cons if not d.startswith("FOREIGN KEY")]
    create += [d for _, d in idx]
    create += ["ALTER TABLE oauth2_token ADD CONSTRAINT %s %s" % (name, d)
               for name, d in cons if d.startswith("FOREIGN KEY")]
    return drop, create


def add_clients(admin, conninfo):
    for c in range(CLIENTS):
        subprocess.run(
            [admin, "--db", conninfo, "client", "add", "Scale client %d" % c,
             "--id", "scale-%d" % c, "--redirect-uri",
             "https://scale.example/cb", "--scope", "read", "--scope",
             "write", "--json"], check=True, capture_output=True,
            stdin=subprocess.DEVNULL, timeout=60)


def generate(pg, dbname, admin, rows, seed_text, jobs):
    """Fills oauth2_token of dbname with rows generated rows (half of them
    expired), in jobs parallel chunks with the table's indexes and
    constraints dropped, then rebuilt; VACUUM ANALYZE and a CHECKPOINT so
    that no run pays for the load. Returns timings."""
    add_clients(admin, pg.conninfo(dbname))
    drop, create = token_table_ddl(pg, dbname)
    t0 = time.monotonic()
    pg.psql(";".join(drop), dbname=dbname)
    bounds = [rows * k // jobs for k in range(jobs + 1)]
    procs = []
    for k in range(jobs):
        if bounds[k + 1] <= bounds[k]:
            continue
        procs.append(subprocess.Popen(
            ["psql", pg.conninfo(dbname), "-X", "-q", "-v", "ON_ERROR_STOP=1",
             "-v", "seed=" + seed_text, "-v", "first=%d" % (bounds[k] + 1),
             "-v", "last=%d" % bounds[k + 1], "-v", "n=%d" % rows,
             "-v", "expired=%d" % (rows // 2), "-f", ROWS_SQL],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True))
    failed = []
    for p in procs:
        out, _ = p.communicate()
        if p.returncode:
            failed.append(out)
    if failed:
        raise ScaleError("generating rows failed:\n" + failed[0])
    t1 = time.monotonic()
    # One session: maintenance_work_mem for the index builds (each of which
    # may use PostgreSQL's parallel maintenance workers).
    pg.psql("SET maintenance_work_mem = '1GB';" + ";".join(create),
            dbname=dbname, timeout=7200)
    t2 = time.monotonic()
    pg.psql("VACUUM (ANALYZE) oauth2_token", dbname=dbname, timeout=7200)
    pg.psql("CHECKPOINT", dbname=dbname, timeout=7200)
    t3 = time.monotonic()
    size = pg.psql("SELECT pg_size_pretty(pg_relation_size('oauth2_token')) "
                   "|| ' table, ' || pg_size_pretty(pg_indexes_size("
                   "'oauth2_token')) || ' indexes'", dbname=dbname).strip()
    return {"rows": rows, "insert_s": t1 - t0, "index_s": t2 - t1,
            "vacuum_s": t3 - t2, "total_s": t3 - t0, "size": size,
            "jobs": len(procs)}


def check_tokens(pg, dbname, tokens, rng):
    """Chosen tokens (200 of them) are live, unrevoked access tokens of the
    table: tests/bench/scale.py and scale_rows.sql agree."""
    sample = rng.sample(tokens, min(200, len(tokens)))
    n = int(pg.psql(
        "SELECT count(*) FROM unnest(ARRAY[%s]) t(token) JOIN oauth2_token o"
        " ON o.token_hash = encode(sha256(t.token::bytea), 'hex')"
        " WHERE o.kind = 'access' AND o.revoked_at IS NULL"
        " AND o.expires_at > now() + interval '1 hour'"
        % ",".join("'%s'" % t for t in sample), dbname=dbname).strip())
    if n != len(sample):
        raise ScaleError("%s: %d of %d chosen tokens are live access tokens "
                         "(scale_rows.sql and scale.py disagree)"
                         % (dbname, n, len(sample)))


PURGE_REPORT = re.compile(
    r"purged (\d+) codes, (\d+) tokens\nin batches of at most (\d+) rows: "
    r"(\d+) for codes, (\d+) for tokens")


def during_purge(cmd, workdir, measure, log):
    """Starts the purge (cmd), then runs pairs of measure("D@purge") and
    measure("D@pause") (the purge stopped with SIGSTOP for the latter; the
    pairs alternate their order) until the purge ends. A D@purge run that
    the purge did not outlast is left out. Returns (samples by name, the
    purge's figures)."""
    out_path = os.path.join(workdir, "purge.out")
    samples = {"D@purge": [], "D@pause": []}
    paused = 0.0
    with open(out_path, "w") as out:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        pair = 0
        while proc.poll() is None:
            order = ["D@purge", "D@pause"]
            for name in order if pair % 2 == 0 else order[::-1]:
                if proc.poll() is not None:
                    break
                if name == "D@pause":
                    proc.send_signal(signal.SIGSTOP)
                    t = time.monotonic()
                    try:
                        r = measure(name)
                    finally:
                        proc.send_signal(signal.SIGCONT)
                        paused += time.monotonic() - t
                else:
                    r = measure(name)
                    if proc.poll() is not None:
                        log("purge ended during a D@purge run: left out")
                        continue
                samples[name].append(r)
            pair += 1
        proc.wait()
    finally:
        if proc.poll() is None:  # interrupted: stop our purge
            proc.send_signal(signal.SIGCONT)
            proc.terminate()
            proc.wait(30)
    wall = time.monotonic() - start
    with open(out_path) as f:
        report = f.read()
    if proc.returncode != 0:
        raise ScaleError("oauth2-admin purge exited %d:\n%s"
                         % (proc.returncode, report))
    m = PURGE_REPORT.search(report)
    if not m:
        raise ScaleError("cannot parse the purge's report:\n" + report)
    codes, tokens, size, code_batches, token_batches = map(int, m.groups())
    return samples, {"tokens": tokens, "batches": token_batches,
                     "batch_size": size, "wall_s": wall,
                     "paused_s": paused, "active_s": wall - paused}
