"""A PostgreSQL primary with a synchronous streaming standby, for the
failover test: each a private cluster on its own 127.0.0.1 port, run as
the postgres user when we are root (as harness.Postgres is).

  pair = Replicated(base_dir)        # primary up, with the database
  ... create the schema on pair.primary ...
  pair.add_standby()                 # pg_basebackup -R, then synchronous
  pair.conninfo                      # libpq multi-host, read-write only
  pair.primary.stop(mode="immediate"); pair.standby.promote()
  pair.stop()
"""

import os
import time

import harness


class Primary(harness.Postgres):
    # synchronous_commit on (the default): a commit returns once the
    # synchronous standby has flushed it, so nothing acknowledged is lost
    # when the primary dies.
    SETTINGS = "-c fsync=off -c full_page_writes=off"


class Standby(harness.Postgres):
    SETTINGS = Primary.SETTINGS

    def __init__(self, base_dir, primary):
        super().__init__(base_dir, dbname=primary.dbname)
        self.primary = primary

    def init(self):
        """A copy of the primary that streams from it (-R writes
        primary_conninfo and standby.signal)."""
        self._run("pg_basebackup", "-D", self.data, "-h", "127.0.0.1",
                  "-p", str(self.primary.port), "-U", self.SUPERUSER,
                  "-R", "-X", "stream", "--checkpoint=fast", "--no-sync")
        self.start()
        return self

    def promote(self):
        """Ends recovery: the standby becomes a read-write primary."""
        self._run("pg_ctl", "-D", self.data, "-w", "-t", "60", "promote")


class Replicated:
    def __init__(self, base_dir, dbname="oauth2"):
        self.dir = harness.make_dir(base_dir, 0o755)
        self.primary = Primary(harness.make_dir(
            os.path.join(base_dir, "primary"), 0o700), dbname).init()
        self.standby = None

    def add_standby(self, timeout=30):
        """Starts the standby and makes the primary wait for it on every
        commit; returns once it is the synchronous standby."""
        self.standby = Standby(harness.make_dir(
            os.path.join(self.dir, "standby"), 0o700), self.primary).init()
        self.primary.psql("ALTER SYSTEM SET synchronous_standby_names "
                          "= '*'", dbname="postgres")
        self.primary.psql("SELECT pg_reload_conf()", dbname="postgres")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.primary.psql("SELECT sync_state FROM "
                                 "pg_stat_replication",
                                 dbname="postgres").strip() == "sync":
                return self
            time.sleep(0.1)
        raise harness.HarnessError("the standby did not become synchronous "
                                   "within %ds" % timeout)

    @property
    def conninfo(self):
        """libpq's multi-host form: the hosts are tried in order, and only
        one that accepts writes is kept (target_session_attrs); a host
        that does not answer is given up after connect_timeout seconds."""
        ports = [self.primary.port] + ([self.standby.port]
                                       if self.standby else [])
        return ("host=%s port=%s dbname=%s user=%s "
                "target_session_attrs=read-write connect_timeout=2"
                % (",".join(["127.0.0.1"] * len(ports)),
                   ",".join(str(p) for p in ports), self.primary.dbname,
                   self.primary.SUPERUSER))

    def stop(self):
        for cluster in (self.standby, self.primary):
            if cluster:
                cluster.stop(check=False)
