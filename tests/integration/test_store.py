"""The store's Check tests (tests/unit/check_store) need a real
PostgreSQL: run them against the session's cluster."""

import os
import subprocess

import pytest

import harness


def unit_binary(env, name):
    return os.path.join(env.builddir, "tests", "unit", name)


def test_store_unit_tests_pass_against_postgresql(session, pg):
    binary = unit_binary(session.env, "check_store")
    if not os.path.isfile(binary):
        if not os.path.isfile(unit_binary(session.env, "check_core")):
            pytest.skip("unit tests are not built (Check is not installed)")
        pytest.fail("%s is missing: build it with `make check`" % binary)
    env = dict(os.environ, OAUTH2_TEST_DB=pg.conninfo, CK_FORK="yes")
    res = subprocess.run([binary], env=env, capture_output=True, text=True,
                         stdin=subprocess.DEVNULL, timeout=300)
    output = res.stdout + res.stderr
    assert res.returncode == 0, output
    assert harness.output_problems(output) == [], output
