"""Integration harness: a throwaway PostgreSQL cluster and real httpd
servers on loopback, running the configurations in conf-examples/.

Everything started here is stopped by PID (fixture finalizers, plus an
atexit fallback), and every log is checked afterwards for crashes,
sanitizer reports and any secret a test received (DESIGN.md: "failing the
run if the error log shows a crash, a sanitizer report, or any token the
test received").

Paths come from the environment, as `make check` sets them:
  OAUTH2_MODULE   the built mod_oauth2.so
  OAUTH2_ADMIN    the built oauth2-admin
  OAUTH2_SRCDIR   the source tree (for conf-examples/)
  OAUTH2_APXS     apxs (for httpd's binary and modules directory)
  OAUTH2_PRELOAD  optional: libasan.so to LD_PRELOAD into httpd
"""

import atexit
import glob
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse

import requests


class HarnessError(Exception):
    """The test environment could not be set up or showed a problem."""


# --- environment -----------------------------------------------------------

class Env:
    """Paths of the build under test, from OAUTH2_* variables."""

    REQUIRED = ("OAUTH2_MODULE", "OAUTH2_ADMIN", "OAUTH2_SRCDIR",
                "OAUTH2_APXS")

    def __init__(self, environ=None):
        environ = os.environ if environ is None else environ
        missing = [n for n in self.REQUIRED if not environ.get(n)]
        if missing:
            raise HarnessError(
                "integration tests need %s in the environment; run them "
                "with `make check` from a build directory (it sets them), "
                "or set them by hand: OAUTH2_MODULE=<build>/mod_oauth2/"
                ".libs/mod_oauth2.so OAUTH2_ADMIN=<build>/oauth2-admin "
                "OAUTH2_SRCDIR=<repo> OAUTH2_APXS=$(which apxs)"
                % ", ".join(missing))
        self.module = environ["OAUTH2_MODULE"]
        self.admin = environ["OAUTH2_ADMIN"]
        self.srcdir = environ["OAUTH2_SRCDIR"]
        self.apxs = environ["OAUTH2_APXS"]
        self.preload = environ.get("OAUTH2_PRELOAD") or None
        for what, path in (("OAUTH2_MODULE", self.module),
                           ("OAUTH2_ADMIN", self.admin),
                           ("OAUTH2_APXS", self.apxs)):
            if not os.path.isfile(path):
                raise HarnessError("%s=%s: no such file (build first)"
                                   % (what, path))
        if self.preload and not os.path.isfile(self.preload):
            raise HarnessError("OAUTH2_PRELOAD=%s: no such file"
                               % self.preload)
        self.examples = os.path.join(self.srcdir, "conf-examples")
        self.libexecdir = self._apxs("LIBEXECDIR")
        self.httpd = os.path.join(self._apxs("SBINDIR"),
                                  self._apxs("TARGET"))
        # The unit-test binaries sit in the build tree beside oauth2-admin.
        self.builddir = os.path.dirname(os.path.abspath(self.admin))

    def _apxs(self, var):
        out = subprocess.run([self.apxs, "-q", var], check=True,
                             capture_output=True, text=True).stdout
        return out.strip()

    def httpd_environ(self):
        """The environment httpd runs in: the sanitizer runtime when the
        module was built with --enable-sanitizers."""
        env = dict(os.environ)
        if self.preload:
            env["LD_PRELOAD"] = self.preload
            # allow_user_segv_handler=0: httpd installs its own SIGSEGV
            # handler, which would hide ASan's report of a crash.
            env["ASAN_OPTIONS"] = ("detect_leaks=0:abort_on_error=0:"
                                   "allow_user_segv_handler=0")
            env["UBSAN_OPTIONS"] = "print_stacktrace=1"
        return env


# --- small helpers ---------------------------------------------------------

def is_root():
    return os.geteuid() == 0


def free_port():
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def read_text(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return ""


def lines_with(path, text, timeout=5.0):
    """The lines of a log that contain text, waiting for the first one:
    httpd writes the access log after the response has gone out."""
    deadline = time.monotonic() + timeout
    while True:
        found = [line for line in read_text(path).splitlines()
                 if text in line]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def tail(text, lines=40):
    return "\n".join(text.splitlines()[-lines:])


def make_dir(path, mode=0o755):
    os.makedirs(path, exist_ok=True)
    os.chmod(path, mode)
    return path


def write_file(path, text, mode=0o644):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


# --- secrets and log checks --------------------------------------------------

_secrets = set()
_watched_logs = []  # (path, check_crashes)
_running = []       # objects with .stop(), stopped at exit if still up
_log_check_failed = False  # then the session's files are kept

CRASH_PATTERNS = [
    re.compile(p) for p in (
        r"AddressSanitizer", r"LeakSanitizer", r"runtime error:",
        r"Segmentation fault", r"exit signal", r"child pid \d+ exit signal",
    )
]


def remember_secret(value):
    """Registers a token, code, secret or password a test received: it
    must never show up in any log. Returns the value."""
    if not isinstance(value, str) or len(value) < 8:
        raise HarnessError("remember_secret wants a string of 8 characters "
                           "or more (short strings match anything): %r"
                           % (value,))
    _secrets.add(value)
    return value


def remembered_secrets():
    return frozenset(_secrets)


def watch_log(path, crashes=True):
    """Adds a log to the checks at the end of the session."""
    if (path, crashes) not in _watched_logs:
        _watched_logs.append((path, crashes))


def log_problems(path, crashes=True):
    """Crash or sanitizer lines and leaked secrets in one log."""
    text = read_text(path)
    problems = []
    if crashes:
        report = crash_excerpt(text)
        if report:
            problems.append("%s: crash or sanitizer report:\n    %s"
                            % (path, "\n    ".join(report)))
    for secret in _secrets:
        forms = {secret, urllib.parse.quote(secret, safe=""),
                 urllib.parse.quote_plus(secret)}
        if any(f in text for f in forms):
            problems.append("%s: contains a secret a test received "
                            "(prefix %s...)" % (path, secret[:4]))
    return problems


def crash_excerpt(text, limit=120):
    """The lines of a log that report a crash, each sanitizer report with
    the stack trace that follows it."""
    lines = text.splitlines()
    out, shown = [], set()
    for i, line in enumerate(lines):
        if i in shown or not any(p.search(line) for p in CRASH_PATTERNS):
            continue
        end = i + 1
        if "ERROR: AddressSanitizer" in line or "runtime error:" in line:
            # The stack trace, up to the summary or the next log entry.
            while (end < len(lines) and end - i < 40 and
                   not lines[end].startswith(("SUMMARY:", "["))):
                end += 1
        for j in range(i, end):
            shown.add(j)
            out.append(lines[j].rstrip()[:300])
    return out[:limit]


def check_logs(paths_and_flags):
    problems = []
    for path, crashes in paths_and_flags:
        problems.extend(log_problems(path, crashes))
    if problems:
        global _log_check_failed
        _log_check_failed = True
        raise HarnessError("log check failed:\n  " + "\n  ".join(problems))


def check_all_logs():
    """Every log of the session against every secret of the session."""
    check_logs(_watched_logs)


def output_problems(text):
    return crash_excerpt(text)


def _stop_everything():
    for thing in reversed(list(_running)):
        try:
            thing.stop(check=False)
        except Exception:  # at exit: best effort
            pass


atexit.register(_stop_everything)


def terminate(proc, timeout=15, first=signal.SIGTERM):
    """first (SIGTERM) to a process we started, SIGKILL to its process
    group if it does not exit in time."""
    if proc.poll() is not None:
        return proc.returncode
    proc.send_signal(first)
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return proc.wait(10)


# --- PostgreSQL ------------------------------------------------------------

def pg_bindir():
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True,
                             text=True, check=True).stdout.strip()
        if os.path.isfile(os.path.join(out, "initdb")):
            return out
    except (OSError, subprocess.CalledProcessError):
        pass
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                  key=lambda d: int(d.split("/")[-2]) if
                  d.split("/")[-2].isdigit() else 0)
    for d in reversed(dirs):
        if os.path.isfile(os.path.join(d, "initdb")):
            return d
    raise HarnessError("PostgreSQL server binaries (initdb, pg_ctl) not "
                       "found: install the Debian package postgresql")


class Postgres:
    """A private cluster on 127.0.0.1:<port>, trust authentication, run as
    the postgres user when we are root (initdb and pg_ctl refuse root)."""

    SUPERUSER = "postgres"
    # Server settings on pg_ctl's command line: a throwaway cluster need not
    # survive a machine crash. A subclass may add its own (replication).
    SETTINGS = ("-c fsync=off -c synchronous_commit=off "
                "-c full_page_writes=off")

    def __init__(self, base_dir, dbname="oauth2"):
        self.bindir = pg_bindir()
        self.dir = base_dir
        self.data = os.path.join(base_dir, "data")
        self.logfile = os.path.join(base_dir, "postgresql.log")
        self.port = free_port()
        self.dbname = dbname
        self.running = False
        self._as = []
        if is_root():
            pw = pwd.getpwnam("postgres")
            os.chown(base_dir, pw.pw_uid, pw.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]
        os.chmod(base_dir, 0o700)
        watch_log(self.logfile, crashes=False)

    def conninfo_for(self, dbname):
        return ("host=127.0.0.1 port=%d dbname=%s user=%s"
                % (self.port, dbname, self.SUPERUSER))

    @property
    def conninfo(self):
        return self.conninfo_for(self.dbname)

    def _run(self, *argv):
        cmd = self._as + [os.path.join(self.bindir, argv[0])] + list(argv[1:])
        res = subprocess.run(cmd, cwd=self.dir, capture_output=True,
                             text=True, stdin=subprocess.DEVNULL)
        if res.returncode != 0:
            raise HarnessError("%s failed (%d):\n%s%s\n%s"
                               % (" ".join(cmd), res.returncode, res.stdout,
                                  res.stderr, tail(read_text(self.logfile))))
        return res

    def init(self):
        self._run("initdb", "-D", self.data, "-U", self.SUPERUSER,
                  "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
        self.start()
        self.psql("CREATE DATABASE %s" % self.dbname, dbname="postgres")
        return self

    def start(self):
        """Starts the cluster (again, on the same port)."""
        if self.running:
            return
        # -l is essential: without it the postmaster keeps our pipes open.
        opts = "-h 127.0.0.1 -p %d -k %s %s" % (self.port, self.dir,
                                               self.SETTINGS)
        self._run("pg_ctl", "-D", self.data, "-l", self.logfile, "-w",
                  "-t", "60", "-o", opts, "start")
        self.running = True
        if self not in _running:
            _running.append(self)

    def stop(self, check=True, mode="fast"):
        """Stops the cluster; start() brings it back."""
        if not self.running:
            return
        try:
            self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "-t",
                      "60", "stop")
        except HarnessError:
            if check:
                raise
            self._run("pg_ctl", "-D", self.data, "-m", "immediate", "stop")
        self.running = False
        if self in _running:
            _running.remove(self)

    def psql(self, sql, dbname=None):
        """Runs SQL, returns its rows as unaligned text (psql -At)."""
        res = subprocess.run(
            ["psql", self.conninfo_for(dbname or self.dbname), "-X", "-At",
             "-v", "ON_ERROR_STOP=1", "-c", sql],
            capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if res.returncode != 0:
            raise HarnessError("psql %r failed: %s" % (sql, res.stderr))
        return res.stdout

    def create_database(self, dbname):
        """A fresh, empty database in this cluster; returns its conninfo."""
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", dbname):
            raise HarnessError("bad database name %r" % dbname)
        self.psql("DROP DATABASE IF EXISTS %s" % dbname, dbname="postgres")
        self.psql("CREATE DATABASE %s" % dbname, dbname="postgres")
        return self.conninfo_for(dbname)


# --- the admin tool ---------------------------------------------------------

class Admin:
    """Runs oauth2-admin --db <conninfo> ARGS... and returns the
    CompletedProcess (text). check=True raises on a non-zero exit."""

    def __init__(self, env, conninfo):
        self.env = env
        self.conninfo = conninfo

    def __call__(self, *args, check=True, db=None, input=None):
        cmd = [self.env.admin, "--db", db or self.conninfo] + list(args)
        res = subprocess.run(cmd, capture_output=True, text=True,
                             input=input,
                             stdin=None if input is not None
                             else subprocess.DEVNULL, timeout=60)
        bad = output_problems(res.stdout + res.stderr)
        if bad:
            raise HarnessError("%s: sanitizer report:\n%s\n%s"
                               % (" ".join(cmd), "\n".join(bad), res.stderr))
        if check and res.returncode != 0:
            raise HarnessError("%s exited %d:\n%s%s"
                               % (" ".join(cmd), res.returncode, res.stdout,
                                  res.stderr))
        return res


# --- httpd -----------------------------------------------------------------

MODULES = [
    ("mpm_event_module", "mod_mpm_event.so"),
    ("authn_core_module", "mod_authn_core.so"),
    ("authn_file_module", "mod_authn_file.so"),
    ("authz_core_module", "mod_authz_core.so"),
    ("authz_host_module", "mod_authz_host.so"),
    ("authz_user_module", "mod_authz_user.so"),
    ("auth_basic_module", "mod_auth_basic.so"),
    ("dbd_module", "mod_dbd.so"),
    ("socache_shmcb_module", "mod_socache_shmcb.so"),
    ("mime_module", "mod_mime.so"),
    ("headers_module", "mod_headers.so"),
    ("env_module", "mod_env.so"),
    ("setenvif_module", "mod_setenvif.so"),
    ("alias_module", "mod_alias.so"),
    ("dir_module", "mod_dir.so"),
    ("cgid_module", "mod_cgid.so"),
    ("proxy_module", "mod_proxy.so"),
    ("proxy_http_module", "mod_proxy_http.so"),
    ("rewrite_module", "mod_rewrite.so"),
]

EXAMPLES = ("database", "authorization-server", "resource-server")

# Every grant, for the shared httpd: the implicit and password grants are
# off by default (RFC 9700), and their tests need them on.
ALL_GRANTS = ("OAuth2GrantTypes authorization_code implicit password "
              "client_credentials refresh_token\n")

# Resource owners the example configurations know (htpasswd file).
DEMO_USER = "demo"
DEMO_PASSWORD = "demo-password-5f1c9e"


class Site:
    """What every httpd of the session shares: the users file and the
    document root that conf-examples refer to."""

    def __init__(self, base_dir):
        self.dir = make_dir(base_dir)
        self.htdocs = make_dir(os.path.join(base_dir, "htdocs"))
        make_dir(os.path.join(self.htdocs, "api"))
        # CGI scripts of conf-examples/resource-server.conf (/cgi-bin/).
        self.cgi_bin = make_dir(os.path.join(base_dir, "cgi-bin"))
        write_file(os.path.join(self.htdocs, "index.html"),
                   "<!doctype html><title>mod_oauth2 tests</title>\n")
        write_file(os.path.join(self.htdocs, "api", "hello.json"),
                   '{"hello": "world"}\n')
        self.users_file = os.path.join(base_dir, "users.htpasswd")
        self.add_user(DEMO_USER, DEMO_PASSWORD, create=True)

    def add_user(self, user, password, create=False):
        """Adds (or changes) a resource owner in the htpasswd file."""
        remember_secret(password)
        flags = "-bc" if create else "-b"
        # -B: bcrypt, as an administrator would use.
        subprocess.run(["htpasswd", flags + "B", "-C", "4", self.users_file,
                        user, password], check=True, capture_output=True)
        os.chmod(self.users_file, 0o644)


class Httpd:
    """One httpd with its own ServerRoot, configuration and logs."""

    def __init__(self, env, pg, site, base_dir, extra_conf="",
                 examples=EXAMPLES):
        self.env = env
        self.pg = pg
        self.site = site
        self.root = make_dir(base_dir)
        self.runtime = make_dir(os.path.join(self.root, "run"))
        self.port = free_port()
        self.conf_path = os.path.join(self.root, "httpd.conf")
        self.error_log_path = os.path.join(self.root, "error.log")
        self.stderr_path = os.path.join(self.root, "stderr.log")
        self.proc = None
        self._configtests = 0
        write_file(self.conf_path, self.config_text(extra_conf, examples))
        watch_log(self.error_log_path)
        watch_log(self.stderr_path)

    @property
    def issuer(self):
        return "http://127.0.0.1:%d" % self.port

    def url(self, path="/"):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def defines(self):
        return {
            "OAUTH2_DB_PARAMS": self.pg.conninfo,
            "OAUTH2_ISSUER": self.issuer,
            "OAUTH2_USERS_FILE": self.site.users_file,
            "OAUTH2_HTDOCS": self.site.htdocs,
            "OAUTH2_EXAMPLES": self.env.examples,
            "OAUTH2_PORT": str(self.port),
            "OAUTH2_CGI_BIN": self.site.cgi_bin,
        }

    def preamble(self):
        """Everything but the OAuth2 configuration: a minimal, private
        httpd on 127.0.0.1."""
        lines = ['ServerRoot "%s"' % self.root]
        lines += ['Define %s "%s"' % kv for kv in self.defines().items()]
        lines += ['LoadModule %s "%s"' % (name, os.path.join(
            self.env.libexecdir, so)) for name, so in MODULES]
        lines += ['LoadModule oauth2_module "%s"' % self.env.module]
        lines += [
            "Listen 127.0.0.1:%d" % self.port,
            "ServerName 127.0.0.1:%d" % self.port,
            'PidFile "%s/httpd.pid"' % self.runtime,
            'DefaultRuntimeDir "%s"' % self.runtime,
            'ScoreBoardFile "%s/scoreboard"' % self.runtime,
            'Mutex "file:%s" default' % self.runtime,
            'ErrorLog "%s"' % self.error_log_path,
            "LogLevel info oauth2:debug",
            "GracefulShutdownTimeout 5",
            "StartServers 1",
            "ServerLimit 2",
            "ThreadsPerChild 16",
            "MaxRequestWorkers 32",
            "MinSpareThreads 4",
            "MaxSpareThreads 32",
            "TypesConfig /etc/mime.types",
            'DocumentRoot "%s"' % self.site.htdocs,
            "<Directory />",
            "    AllowOverride None",
            "    Require all denied",
            "</Directory>",
            '<Directory "%s">' % self.site.htdocs,
            "    Require all granted",
            "</Directory>",
        ]
        if is_root():
            user, group = httpd_user()
            lines += ["User %s" % user, "Group %s" % group]
        return "\n".join(lines) + "\n"

    def config_text(self, extra_conf="", examples=EXAMPLES, database=False):
        text = self.preamble()
        if database:
            # The least mod_oauth2 needs, for configtests of one directive.
            text += ('DBDriver pgsql\n'
                     'DBDParams "${OAUTH2_DB_PARAMS}"\n')
        for name in examples:
            text += 'Include "${OAUTH2_EXAMPLES}/%s.conf"\n' % name
        return text + extra_conf + "\n"

    # -- running --

    def start(self, timeout=60):
        if self.proc and self.proc.poll() is None:
            return self
        err = open(self.stderr_path, "ab")
        try:
            self.proc = subprocess.Popen(
                [self.env.httpd, "-f", self.conf_path, "-DFOREGROUND"],
                cwd=self.root, stdin=subprocess.DEVNULL, stdout=err,
                stderr=err, env=self.env.httpd_environ(),
                start_new_session=True)
        finally:
            err.close()
        _running.append(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self._forget()
                raise HarnessError(
                    "httpd exited with %d while starting:\n%s\n%s"
                    % (self.proc.returncode, tail(read_text(self.stderr_path)),
                       tail(self.error_log())))
            if port_answers(self.port):
                try:
                    requests.get(self.url("/"), timeout=5)
                    return self
                except requests.RequestException:
                    pass
            time.sleep(0.1)
        self.stop(check=False)
        raise HarnessError("httpd did not answer on port %d within %ds:\n%s"
                           % (self.port, timeout, tail(self.error_log())))

    def _forget(self):
        if self in _running:
            _running.remove(self)

    def stop(self, check=True):
        """Stops httpd (SIGTERM, SIGKILL after a timeout) and checks its
        logs for crashes, sanitizer reports and secrets."""
        if self.proc is not None:
            # Graceful stop (SIGWINCH): an immediate stop (SIGTERM) can
            # crash a child of the event MPM that closes the socket of a
            # connection its worker is just finishing (a race in httpd).
            terminate(self.proc, first=signal.SIGWINCH)
            self._forget()
        if check:
            check_logs([(self.error_log_path, True),
                        (self.stderr_path, True)])

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def error_log(self):
        return read_text(self.error_log_path)

    def error_lines(self, modules=r"[a-z_0-9]*", allow=()):
        """Lines logged at error level or above by the given modules (a
        regular expression), except those matching a pattern in allow."""
        level = re.compile(r"\[(%s):(error|crit|alert|emerg)\]" % modules)
        return [line for line in self.error_log().splitlines()
                if level.search(line) and
                not any(re.search(a, line) for a in allow)]

    def module_errors(self):
        """Errors of mod_oauth2, and of mod_dbd (which prepares and runs
        mod_oauth2's statements)."""
        return self.error_lines(modules="oauth2|dbd")

    # -- one-shot runs of the binary --

    def run_binary(self, *args, conf_path=None, environ=None):
        env = self.env.httpd_environ()
        env.update(environ or {})
        res = subprocess.run(
            [self.env.httpd, "-f", conf_path or self.conf_path] + list(args),
            cwd=self.root, capture_output=True, text=True,
            stdin=subprocess.DEVNULL, env=env, timeout=60)
        output = res.stdout + res.stderr
        bad = output_problems(output)
        if bad or res.returncode < 0:
            raise HarnessError("httpd %s crashed (%d):\n%s"
                               % (" ".join(args), res.returncode, output))
        return res.returncode, output

    def configtest(self, snippet="", examples=(), database=True,
                   environ=None):
        """`httpd -t` on the preamble, DBDriver pgsql and DBDParams (unless
        database=False), the given conf-examples and the snippet; returns
        (returncode, combined output)."""
        self._configtests += 1
        path = os.path.join(self.root, "configtest-%d.conf"
                            % self._configtests)
        write_file(path, self.config_text(snippet, examples, database))
        return self.run_binary("-t", conf_path=path, environ=environ)


def httpd_user():
    """User and group httpd's children switch to when we are root."""
    for user, group in (("www-data", "www-data"), ("nobody", "nogroup"),
                        ("nobody", "nobody")):
        try:
            pwd.getpwnam(user)
            import grp
            grp.getgrnam(group)
            return user, group
        except KeyError:
            continue
    raise HarnessError("running as root, but no www-data or nobody user "
                       "for httpd's children")


# --- the session -------------------------------------------------------------

class Session:
    """A base directory with the cluster, the site and every httpd."""

    def __init__(self, env=None):
        self.env = env or Env()
        self.dir = tempfile.mkdtemp(prefix="oauth2-it-")
        os.chmod(self.dir, 0o755)
        # Kept for a look after a failure, or when asked to.
        self.keep = bool(os.environ.get("OAUTH2_KEEP_TMP"))
        atexit.register(self.close)
        self.pg = None
        self.site = None
        self._count = 0

    def start_postgres(self):
        self.pg = Postgres(make_dir(os.path.join(self.dir, "pg"), 0o700))
        self.pg.init()
        self.admin = Admin(self.env, self.pg.conninfo)
        self.admin("init")
        return self.pg

    def make_site(self):
        self.site = Site(os.path.join(self.dir, "site"))
        return self.site

    def new_httpd(self, extra_conf="", examples=EXAMPLES, name="httpd"):
        self._count += 1
        return Httpd(self.env, self.pg, self.site,
                     os.path.join(self.dir, "%s-%d" % (name, self._count)),
                     extra_conf=extra_conf, examples=examples)

    def close(self):
        """Stops everything; removes the files unless self.keep."""
        _stop_everything()
        if not (self.keep or _log_check_failed):
            shutil.rmtree(self.dir, ignore_errors=True)
