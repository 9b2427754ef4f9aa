"""A real PostgreSQL server in a temporary folder, for the tests and the benchmarks.

`PostgresServer().start()` runs Debian's (or any) PostgreSQL binaries: `initdb` into a
fresh folder, then `pg_ctl start` listening on 127.0.0.1 at a free port and on a Unix
socket in that folder. It gives the `postgresql://` URL the bot's `AUTHORBOT_INBOX`
takes, and `stop()` removes everything.

PostgreSQL refuses to run as root (CI runs as root): then the server runs as the
`postgres` system user (Debian's package creates it) or, failing that, as `nobody`,
through `runuser`, and the folder is given to that user.

`find_binaries()` says where the binaries are (None when there are none, so tests can
skip and say why): `AUTHORBOT_PG_BIN`, then `pg_ctl` on PATH, then the newest
`/usr/lib/postgresql/<version>/bin`.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DEBIAN_ROOT = Path("/usr/lib/postgresql")


def find_binaries() -> Path | None:
    """The folder holding `initdb`, `pg_ctl` and `postgres`, or None."""
    candidates: list[Path] = []
    if os.environ.get("AUTHORBOT_PG_BIN"):
        candidates.append(Path(os.environ["AUTHORBOT_PG_BIN"]))
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    if DEBIAN_ROOT.is_dir():
        versions = sorted(
            (p for p in DEBIAN_ROOT.iterdir() if p.name.isdigit()),
            key=lambda p: int(p.name),
            reverse=True,
        )
        candidates += [v / "bin" for v in versions]
    for folder in candidates:
        if all(os.access(folder / name, os.X_OK) for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _unprivileged_user() -> str | None:
    """The user to run the server as when we are root (None: we are not root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root and neither a 'postgres' nor a 'nobody' user exists")


class PostgresServer:
    """One PostgreSQL server of its own (see the module docstring).

    Parameters:
        bin_dir: the binaries (default: `find_binaries()`).
        fsync: False makes the tests faster; the benchmarks keep it on, as deployed.
        max_connections: the server's limit.
    """

    def __init__(
        self, bin_dir: Path | None = None, *, fsync: bool = True, max_connections: int = 100
    ) -> None:
        found = bin_dir or find_binaries()
        if found is None:
            raise FileNotFoundError(
                "no PostgreSQL binaries (initdb, pg_ctl, postgres) found: install Debian's "
                "'postgresql' package or set AUTHORBOT_PG_BIN"
            )
        self.bin_dir = found
        self.fsync = fsync
        self.max_connections = max_connections
        self.user = _unprivileged_user()
        self.port = 0
        self.folder: Path | None = None
        self.database = "authorbot"

    @property
    def data_dir(self) -> Path:
        """The cluster's folder."""
        assert self.folder is not None
        return self.folder / "data"

    @property
    def url(self) -> str:
        """`postgresql://` URL of the database (TCP on loopback, no password)."""
        return f"postgresql://authorbot@127.0.0.1:{self.port}/{self.database}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run one of the binaries (as the unprivileged user when we are root)."""
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        proc = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd="/")
        if check and proc.returncode != 0:
            raise RuntimeError(
                f"{args[0]} failed ({proc.returncode}): "
                f"{(proc.stderr or proc.stdout).strip()[-1500:]}"
            )
        return proc

    def start(self) -> PostgresServer:
        """initdb, start, create the database; returns self."""
        # A short path: the Unix socket's path must fit in 107 bytes.
        self.folder = Path(tempfile.mkdtemp(prefix="authorbot-pg-"))
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            "authorbot",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        self.port = _free_port()
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
            f"-c max_connections={self.max_connections} -c fsync={'on' if self.fsync else 'off'}"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-o",
            options,
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        )
        self._createdb()
        return self

    def _createdb(self) -> None:
        import psycopg

        admin = f"postgresql://authorbot@127.0.0.1:{self.port}/postgres"
        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'CREATE DATABASE "{self.database}"')
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def connect(self, **kwargs: object):  # type: ignore[no-untyped-def]
        """A psycopg connection to the database (autocommit)."""
        import psycopg

        return psycopg.connect(self.url, autocommit=True, **kwargs)  # type: ignore[arg-type]

    def terminate_backends(self, application_prefix: str) -> int:
        """`pg_terminate_backend` every connection whose application_name starts with
        `application_prefix` (the bot names its connections); returns how many."""
        with self.connect() as conn:
            rows = conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name LIKE %s AND pid <> pg_backend_pid()",
                (application_prefix + "%",),
            ).fetchall()
        return sum(1 for (ok,) in rows if ok)

    def backend_pids(self, application_prefix: str) -> list[int]:
        """The server processes serving connections whose application_name starts with
        `application_prefix`."""
        with self.connect() as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name LIKE %s",
                (application_prefix + "%",),
            ).fetchall()
        return [pid for (pid,) in rows]

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Wait until the server accepts connections again (after a crash restart)."""
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            try:
                with self.connect() as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def reset(self) -> None:
        """Drop every table of the database (a clean inbox for the next test)."""
        with self.connect() as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        if self.folder is None:
            return
        if (self.data_dir / "postmaster.pid").exists():
            self._run(
                "pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop", check=False
            )
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None
