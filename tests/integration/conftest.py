"""Fixtures of the integration tests (see harness.py).

  pg          session: the PostgreSQL cluster (.conninfo, .port, .stop(),
              .start(), .psql(sql), .create_database(name))
  admin       session: admin(*args, check=True, db=None) runs oauth2-admin
  site        session: users file and document root (.add_user(u, p))
  httpd       session: httpd with conf-examples/*.conf included and
              every grant enabled (harness.ALL_GRANTS)
              (.url(path), .port, .issuer, .error_log())
  make_httpd  function: make_httpd(extra_conf="", examples=...) starts
              another httpd, stopped after the test
  configtest  function: configtest(snippet, examples=(), database=True)
              -> (returncode, output) of `httpd -t` on a minimal server
              (with DBDriver pgsql unless database=False)
  secrets     session: secrets(value) registers a value that must never
              appear in any log (same as harness.remember_secret)
  backend     module: an application for mod_proxy on 127.0.0.1 that
              echoes each request (resource_support.EchoBackend)
"""

import os
import signal
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
import resource_support  # noqa: E402


def _sigterm(signum, frame):
    # Let pytest unwind (and run every finalizer) when we are terminated.
    raise KeyboardInterrupt("SIGTERM")


def pytest_configure(config):
    signal.signal(signal.SIGTERM, _sigterm)


@pytest.fixture(scope="session")
def session():
    try:
        s = harness.Session()
    except harness.HarnessError as e:
        pytest.exit(str(e), returncode=2)
    try:
        yield s
    finally:
        harness._stop_everything()
        try:
            harness.check_all_logs()
        finally:
            if s.keep or harness._log_check_failed:
                sys.stderr.write("\nintegration test files kept in %s\n"
                                 % s.dir)
            s.close()


@pytest.fixture(scope="session")
def pg(session):
    pg = session.start_postgres()
    try:
        yield pg
    finally:
        pg.stop(check=False)


@pytest.fixture(scope="session")
def admin(session, pg):
    return session.admin


@pytest.fixture(scope="session")
def site(session):
    return session.make_site()


@pytest.fixture(scope="session")
def secrets():
    return harness.remember_secret


@pytest.fixture(scope="session")
def httpd(session, pg, site):
    server = session.new_httpd(harness.ALL_GRANTS, name="httpd")
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def make_httpd(session, pg, site):
    started = []

    def make(extra_conf="", examples=harness.EXAMPLES, start=True):
        server = session.new_httpd(extra_conf, examples, name="extra")
        started.append(server)
        return server.start() if start else server

    try:
        yield make
    finally:
        errors = []
        for server in started:
            try:
                server.stop()
            except harness.HarnessError as e:
                errors.append(str(e))
        if errors:
            raise harness.HarnessError("\n".join(errors))


@pytest.fixture(scope="session")
def _configtest_server(session, pg, site):
    return session.new_httpd(name="configtest")


@pytest.fixture
def configtest(_configtest_server):
    def run(snippet="", examples=(), database=True, environ=None):
        return _configtest_server.configtest(snippet, examples, database,
                                             environ)
    return run


@pytest.fixture(scope="module")
def backend():
    b = resource_support.EchoBackend()
    try:
        yield b
    finally:
        b.stop()
