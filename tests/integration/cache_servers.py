"""Network caches for the several-hosts tests: a redis-server or a
memcached on a free port of 127.0.0.1, started and stopped by PID, with
no persistence (every file they may write stays in the test's directory).

  cache = start_cache("redis", directory)   # or "memcache"
  cache.spec          the OAuth2TokenCache argument (redis:127.0.0.1:PORT)
  cache.load_module   the LoadModule line of its socache provider
  cache.has(hash)     whether the token cache holds the token of this hash
  cache.kill()        SIGKILL (a crash); cache.start() again, same port
  cache.stop()        SIGTERM, SIGKILL after a timeout
"""

import os
import shutil
import socket
import subprocess
import time

import harness

# The namespace mod_oauth2 gives its socache instance: memcache and redis
# keys are "<namespace>:<hex of the id>", and the id of a token's entry is
# its SHA-256 (rs/token_cache.c, cache_key).
NAMESPACE = "mod_oauth2-token"


class CacheServer:
    """One cache daemon; subclasses say how to run and query it."""

    KIND = None        # the socache provider's name
    PROGRAM = None     # the daemon, from its Debian package
    PACKAGE = None

    def __init__(self, env, directory):
        self.env = env
        self.dir = harness.make_dir(directory)
        self.port = harness.free_port()
        self.log = os.path.join(self.dir, "%s.log" % self.KIND)
        self.proc = None
        self.module = os.path.join(env.libexecdir,
                                   "mod_socache_%s.so" % self.KIND)
        for path, package in ((shutil.which(self.PROGRAM), self.PACKAGE),
                              (self.module, "apache2")):
            if not path or not os.path.isfile(path):
                raise harness.HarnessError(
                    "%s not found: install the Debian package %s"
                    % (path or self.PROGRAM, package))

    @property
    def spec(self):
        return "%s:127.0.0.1:%d" % (self.KIND, self.port)

    @property
    def load_module(self):
        """LoadModule and the provider's connection settings: idle pooled
        connections closed after 2 s (default 15 s), so that none outlives
        a restart of the daemon. apr-util retries a server it marked dead
        every 5 s with a pooled connection; a stale one fails the retry."""
        return ('LoadModule socache_%s_module "%s"\n%s 2\n'
                % (self.KIND, self.module, self.CONN_TTL))

    def argv(self):
        raise NotImplementedError

    def start(self, timeout=20):
        if self.running:
            return self
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                self.argv(), cwd=self.dir, stdin=subprocess.DEVNULL,
                stdout=out, stderr=out, start_new_session=True)
        harness._running.append(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self._forget()
                raise harness.HarnessError(
                    "%s exited with %d while starting:\n%s"
                    % (self.PROGRAM, self.proc.returncode,
                       harness.tail(harness.read_text(self.log))))
            try:
                self.command(self.PING)
                return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise harness.HarnessError("%s did not answer on port %d"
                                   % (self.PROGRAM, self.port))

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def _forget(self):
        if self in harness._running:
            harness._running.remove(self)

    def kill(self):
        """A crash: SIGKILL, nothing flushed, the port closed."""
        if self.running:
            self.proc.kill()
            self.proc.wait(10)
        self._forget()

    def stop(self, check=True):
        if self.proc is not None:
            harness.terminate(self.proc)
        self._forget()

    def command(self, line, timeout=2.0):
        """Sends one line of the daemon's text protocol; returns the first
        line of the answer (bytes, without CRLF)."""
        with socket.create_connection(("127.0.0.1", self.port),
                                      timeout=timeout) as s:
            s.sendall(line.encode() + b"\r\n")
            answer = b""
            while not answer.endswith(b"\r\n"):
                chunk = s.recv(4096)
                if not chunk:
                    break
                answer += chunk
        return answer.split(b"\r\n", 1)[0]

    def key(self, token_hash):
        return "%s:%s" % (NAMESPACE, token_hash)


class Redis(CacheServer):
    KIND = "redis"
    PROGRAM = "redis-server"
    PACKAGE = "redis-server"
    PING = "PING"
    CONN_TTL = "RedisConnPoolTTL"

    def argv(self):
        # No RDB snapshots, no append-only file: nothing is written but
        # the log, and that in our directory.
        return [shutil.which(self.PROGRAM), "--bind", "127.0.0.1",
                "--port", str(self.port), "--save", "", "--appendonly",
                "no", "--dir", self.dir, "--daemonize", "no",
                "--logfile", self.log, "--databases", "1"]

    def has(self, token_hash):
        # EXISTS answers ":1" or ":0" (RESP integer).
        return self.command("EXISTS " + self.key(token_hash)) == b":1"


class Memcache(CacheServer):
    KIND = "memcache"
    PROGRAM = "memcached"
    PACKAGE = "memcached"
    PING = "version"
    CONN_TTL = "MemcacheConnTTL"

    def argv(self):
        # Memory only; no UDP. memcached refuses to run as root without -u.
        argv = [shutil.which(self.PROGRAM), "-l", "127.0.0.1", "-p",
                str(self.port), "-U", "0", "-m", "16", "-c", "256"]
        if harness.is_root():
            argv += ["-u", "nobody"]
        return argv

    def has(self, token_hash):
        # "VALUE <key> ..." when present, "END" when not.
        return self.command("get " + self.key(token_hash)).startswith(
            b"VALUE ")


KINDS = {"redis": Redis, "memcache": Memcache}


def start_cache(env, kind, directory):
    return KINDS[kind](env, directory).start()
