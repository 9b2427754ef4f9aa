"""The bot as it is deployed, on loopback: gunicorn serving `webhooks.wsgi:app` and
`python -m bot.service worker` processes, with the GitHub and ORCID stand-ins in this
process as their backend.

The inbox is the state folder's SQLite file, or a PostgreSQL database (`inbox_url`);
with PostgreSQL every worker process gets a state folder of its own (its own clone and
index, as on separate machines), and only the inbox is shared.

Used by the load and fault benchmarks (`benchmarks/load_bench.py`,
`benchmarks/fault_bench.py`) and their short pytest versions. Unlike
`bot.standins.harness.LocalDeployment` (threads in one process), every part here is a real process
that can be killed with SIGKILL and started again over the same state folder. Each is
started in its own session, so a kill takes its children (gunicorn's workers, a git
command a job is running) with it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

import requests

from bot.standins.datarepo import SAMPLE_DATA, make_data_repo
from bot.standins.github import FakeGitHub
from bot.standins.harness import BOT_LOGIN, BOT_TOKEN, REPOSITORY, SECRET, wait_until
from bot.standins.orcid import FakeOrcid, FakeRecord
from bot.worker.inbox import Inbox, open_inbox

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def gunicorn_command(app: str, port: int | str, workers: int, threads: int) -> list[str]:
    """gunicorn serving the WSGI `app` on loopback: `workers` processes of `threads`
    threads each (gthread), or sync workers for 1 thread."""
    return [
        str(Path(sys.executable).parent / "gunicorn"),
        "-w",
        str(workers),
        *(["-k", "gthread", "--threads", str(threads)] if threads > 1 else []),
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        app,
    ]


def granian_command(
    app: str, port: int | str, workers: int, threads: int | None = None
) -> list[str]:
    """granian serving `app` on loopback: WSGI with `threads` blocking threads a worker,
    or ASGI (the app on the event loop) when `threads` is None."""
    blocking = [] if threads is None else ["--blocking-threads", str(threads)]
    return [
        str(Path(sys.executable).parent / "granian"),
        "--interface",
        "asgi" if threads is None else "wsgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        *blocking,
        "--log-level",
        "warning",
        "--no-ws",
        app,
    ]


def serving(base_url: str, process: subprocess.Popen[Any], timeout: float = 30.0) -> bool:
    """Wait until the server at `base_url` answers `/healthz` with 200: True; False when
    its `process` ended first or `timeout` seconds passed."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return True
        except requests.RequestException:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.05)


_TICKS = os.sysconf("SC_CLK_TCK")


def session_cpu_seconds(session: int) -> float:
    """CPU seconds (user + system, their waited-for children's too) of every live process
    whose session id is `session`, read from /proc (Linux). A process of the session that
    ended before the call and was not waited for by another of it is not counted."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                raw = f.read()
        except OSError:  # it ended while we looked
            continue
        # Fields after the command name (which may hold spaces) in ")"; see proc(5).
        fields = raw[raw.rindex(b")") + 2 :].split()
        if int(fields[3]) == session:  # field 6, the session id
            total += sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
    return total / _TICKS


class ProcessDeployment:
    """A bare data repository, the stand-ins (threads of this process), gunicorn and
    worker processes over one state folder under `workdir`.

    Parameters:
        workdir: an empty folder.
        roles: collaborator roles by login (everyone else is `read`).
        orcid_records: what the ORCID stand-in knows (None: the ORCID check is off).
        gunicorn_workers: `gunicorn -w`.
        gunicorn_threads: `gunicorn -k gthread --threads` (1: sync workers). Threads
            let one process answer several deliveries at once and commit them together.
        server: `gunicorn`, or `granian` (`granian --interface wsgi` with
            `gunicorn_workers` processes of `gunicorn_threads` blocking threads: the
            connections and HTTP are handled in Rust, only the app runs in Python).
        lease_seconds, backoff_base: worker tuning (short: a killed job is taken again soon).
        github_timeout: seconds the worker's GitHub client waits for an answer.
        max_attempts: claims of one delivery before the worker gives up on it.
        extra_files: files added to the data repository (`.github/authorbot.yml`).
        inbox_url: a `postgresql://` inbox (None: the SQLite file in the state folder).
        worker_concurrency: `AUTHORBOT_CONCURRENCY` of each worker process.
        code: the folder whose `bot` and `webhooks` the server and workers run (another
            commit's files, for a baseline: `benchmarks/baseline.py`).
    """

    def __init__(
        self,
        workdir: Path,
        *,
        roles: dict[str, str] | None = None,
        orcid_records: dict[str, FakeRecord] | None = None,
        gunicorn_workers: int = 1,
        gunicorn_threads: int = 32,
        lease_seconds: float = 3.0,
        backoff_base: float = 0.05,
        github_timeout: float = 5.0,
        max_attempts: int = 8,
        extra_files: dict[str, str] | None = None,
        data_source: Path | None = None,
        inbox_url: str | None = None,
        worker_concurrency: int = 1,
        code: Path = ROOT,
        server: str = "gunicorn",
    ) -> None:
        self.workdir = Path(workdir)
        self.code = Path(code)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.state_dir = self.workdir / "state"
        self.logs_dir = self.workdir / "logs"
        self.logs_dir.mkdir(exist_ok=True)
        # The sample of one era (`bot.demo.SAMPLE_ERAS`); default the people.yaml one.
        self.bare = make_data_repo(
            self.workdir, data_source or SAMPLE_DATA, extra_files=extra_files
        )
        self.github = FakeGitHub(
            REPOSITORY,
            self.bare,
            tokens={BOT_TOKEN: BOT_LOGIN},
            roles=dict(roles or {}),
            webhook_secret=SECRET,
        )
        self.orcid = FakeOrcid(records=dict(orcid_records or {})) if orcid_records else None
        self.gunicorn_workers = gunicorn_workers
        self.gunicorn_threads = gunicorn_threads
        self.server_kind = server
        self.lease_seconds = lease_seconds
        self.backoff_base = backoff_base
        self.github_timeout = github_timeout
        self.max_attempts = max_attempts
        self.inbox_url = inbox_url
        self.worker_concurrency = worker_concurrency
        self._inbox: Inbox | None = None
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.webhook_url = f"{self.base_url}/webhook"
        self.api_url = ""
        self.orcid_url = "off"
        self.server: subprocess.Popen[bytes] | None = None
        self.workers: dict[int, subprocess.Popen[bytes]] = {}
        self._logs: list[IO[bytes]] = []

    # ------------------------------------------------------------------ lifecycle
    def start_standins(self) -> None:
        """Start the GitHub (and ORCID) stand-ins; webhooks are not sent until
        `send_webhooks()` (so a benchmark can set up issues quietly first)."""
        self.api_url = self.github.start()
        if self.orcid is not None:
            self.orcid_url = self.orcid.start() + "/v3.0"

    def send_webhooks(self, on: bool = True) -> None:
        """Let the GitHub stand-in send its webhooks to the server (or stop it)."""
        self.github.webhook_url = self.webhook_url if on else None

    def env(self, slot: int | None = None) -> dict[str, str]:
        """The environment of the server and worker processes (docs/BOT.md, Deploy);
        with a PostgreSQL inbox, worker `slot` has a state folder of its own."""
        extra = {}
        if self.inbox_url:
            extra["AUTHORBOT_INBOX"] = self.inbox_url
        if slot is not None:
            extra["AUTHORBOT_STATE_DIR"] = str(self.worker_state_dir(slot))
            extra["AUTHORBOT_CONCURRENCY"] = str(self.worker_concurrency)
        return {
            **os.environ,
            "PYTHONPATH": str(self.code),
            "AUTHORBOT_WEBHOOK_SECRET": SECRET.decode(),
            "GITHUB_API_URL": self.api_url,
            "GITHUB_TOKEN": BOT_TOKEN,
            "AUTHORBOT_GIT_URL": str(self.bare),
            "AUTHORBOT_STATE_DIR": str(self.state_dir),
            "AUTHORBOT_BOT_LOGIN": BOT_LOGIN,
            "AUTHORBOT_REPOSITORIES": REPOSITORY,
            "ORCID_API_URL": self.orcid_url,
            "AUTHORBOT_LEASE_SECONDS": str(self.lease_seconds),
            "AUTHORBOT_BACKOFF_BASE": str(self.backoff_base),
            "AUTHORBOT_GITHUB_TIMEOUT": str(self.github_timeout),
            "AUTHORBOT_MAX_ATTEMPTS": str(self.max_attempts),
            "AUTHORBOT_LOG_LEVEL": "INFO",
            "AUTHORBOT_POLL_SECONDS": "0.05",
            "AUTHORBOT_GITHUB_THROTTLE": "0",
            "AUTHORBOT_PUBLIC_URL": self.base_url,
            **extra,
        }

    def worker_state_dir(self, slot: int) -> Path:
        """Worker `slot`'s state folder: the shared one on SQLite, its own on PostgreSQL."""
        return self.state_dir / f"worker-{slot}" if self.inbox_url else self.state_dir

    def clones(self) -> list[Path]:
        """The git folders of the workers' clones of the data repository."""
        folders = {self.worker_state_dir(slot) for slot in self.workers} | {self.state_dir}
        return sorted(
            f / "clones" / "acl-org__acl-anthology" / ".git"
            for f in folders
            if (f / "clones" / "acl-org__acl-anthology" / ".git").exists()
        )

    def _log(self, name: str) -> IO[bytes]:
        handle = open(self.logs_dir / name, "ab")  # noqa: SIM115 - closed in stop()
        self._logs.append(handle)
        return handle

    def server_command(self) -> list[str]:
        """The web server's command line (gunicorn, or granian: see the parameters)."""
        if self.server_kind == "granian":
            return granian_command(
                "webhooks.wsgi:app", self.port, self.gunicorn_workers, self.gunicorn_threads
            )
        return gunicorn_command(
            "webhooks.wsgi:app", self.port, self.gunicorn_workers, self.gunicorn_threads
        )

    def start_server(self, timeout: float = 30.0) -> None:
        """Start the web server on this deployment's port and wait until `/healthz`
        answers."""
        self.server = subprocess.Popen(
            self.server_command(),
            cwd=self.code,
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=self._log("server.log"),
            start_new_session=True,
        )
        if not serving(self.base_url, self.server, timeout):
            raise TimeoutError(f"timed out waiting for {self.server_kind} to start")

    def start_worker(self, slot: int = 0) -> None:
        """Start worker process number `slot` (`python -m bot.service worker`)."""
        self.workers[slot] = subprocess.Popen(
            [sys.executable, "-m", "bot.service", "worker"],
            cwd=self.code,
            env=self.env(slot),
            stdout=subprocess.DEVNULL,
            stderr=self._log(f"worker-{slot}.log"),
            start_new_session=True,
        )

    @staticmethod
    def _kill(proc: subprocess.Popen[bytes] | None, sig: int = signal.SIGKILL) -> None:
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)  # its own session: the process and its children
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)

    def kill_server(self) -> None:
        """SIGKILL gunicorn, its master and workers at once."""
        self._kill(self.server)

    def kill_worker(self, slot: int = 0) -> None:
        """SIGKILL a worker process (and a git command it may be running)."""
        self._kill(self.workers.get(slot))

    def stop(self) -> None:
        """Stop everything (SIGTERM, then SIGKILL), the stand-ins too."""
        for proc in [self.server, *self.workers.values()]:
            self._kill(proc, signal.SIGTERM)
        self.github.stop()
        if self.orcid is not None:
            self.orcid.stop()
        for handle in self._logs:
            handle.close()
        if self._inbox is not None:
            self._inbox.close()
            self._inbox = None

    # ------------------------------------------------------------------ CPU
    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds (user + system) used so far by the server's processes (gunicorn's
        master and workers) and by the worker processes (with the git commands they ran
        and waited for): each part is every process of its session (`_kill` kills by
        session too)."""
        out = {"server": session_cpu_seconds(self.server.pid) if self.server else 0.0}
        out["worker"] = sum(session_cpu_seconds(p.pid) for p in self.workers.values())
        return out

    # ------------------------------------------------------------------ the inbox
    @property
    def inbox_path(self) -> Path:
        """The SQLite inbox the server and the workers share (without `inbox_url`)."""
        return self.state_dir / "inbox.sqlite3"

    @property
    def inbox(self) -> Inbox:
        """This process's own connection to the inbox the deployment shares."""
        if self._inbox is None:
            self._inbox = open_inbox(self.inbox_url or self.inbox_path, role="bench")
        return self._inbox

    def integrity_check(self) -> str:
        """The inbox's own check (`PRAGMA integrity_check` on SQLite): `ok` when sound."""
        return self.inbox.check()

    def inbox_rows(self) -> list[dict[str, Any]]:
        """Every delivery in the inbox, as dicts (payload left out)."""
        if not self.inbox_url and not self.inbox_path.exists():
            return []
        return self.inbox.rows()

    def queued(self) -> int:
        """Deliveries still waiting in the inbox."""
        if not self.inbox_url and not self.inbox_path.exists():
            return 0
        return self.inbox.counts().get("queued", 0)

    def idle(self) -> bool:
        """No webhook on its way and nothing queued (the same order as the harness)."""
        return self.github.pending_deliveries == 0 and self.queued() == 0

    def wait_idle(self, timeout: float) -> float:
        """Wait until `idle()`; returns the seconds it took."""
        started = time.monotonic()
        wait_until(self.idle, timeout=timeout, interval=0.1, what="the inbox to drain")
        return time.monotonic() - started

    # ------------------------------------------------------------------ the logs
    def done_per_worker(self) -> dict[int, int]:
        """How many jobs each worker slot finished (its `done` log lines)."""
        out = {}
        for slot in sorted(self.workers):
            path = self.logs_dir / f"worker-{slot}.log"
            text = path.read_text("utf-8", errors="replace") if path.exists() else ""
            out[slot] = text.count('"msg": "done"')
        return out

    def worker_log_lines(self) -> list[dict[str, Any]]:
        """Every JSON log line the worker processes wrote."""
        lines: list[dict[str, Any]] = []
        for path in sorted(self.logs_dir.glob("worker-*.log")):
            for raw in path.read_text("utf-8", errors="replace").splitlines():
                if raw.startswith("{"):
                    try:
                        lines.append(json.loads(raw))
                    except json.JSONDecodeError:
                        continue  # a line cut short by SIGKILL
        return lines
