"""The whole bot on loopback: a bare data repository, the GitHub and ORCID stand-ins,
the real webhook app (werkzeug, threaded) and a worker thread over a real SQLite inbox.

Used by the end-to-end tests and by `authorbot demo`. Nothing here talks to the
internet; the stand-ins send signed webhooks to the app exactly as GitHub would.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.github.client import GitHubAuth
from bot.service import Bot, build_app
from bot.settings import Settings
from bot.standins.datarepo import SAMPLE_DATA, make_data_repo
from bot.standins.github import FakeGitHub
from bot.standins.orcid import FakeOrcid, FakeRecord

REPOSITORY = "acl-org/acl-anthology"
SECRET = b"loopback-secret"
BOT_TOKEN = "bot-token"
BOT_LOGIN = "authorbot[bot]"


def wait_until(
    predicate: Callable[[], Any],
    timeout: float = 20.0,
    interval: float = 0.02,
    what: str = "condition",
) -> Any:
    """Poll `predicate` until it returns something true; returns that.

    Raises:
        TimeoutError: it did not within `timeout` seconds.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(interval)


class LocalDeployment:
    """Everything the bot needs, started on loopback under `workdir`.

    Parameters:
        workdir: an empty folder for the repositories, the inbox and the clones.
        roles: GitHub collaborator roles by login (everyone else is `read`).
        orcid_records: what the ORCID stand-in knows.
        extra_files: files added to the data repository (e.g. `.github/authorbot.yml`).
        data_source: the folder whose `data/` the data repository holds (default: the
            people.yaml sample; `bot.demo.SAMPLE_ERAS` has both eras).
        worker: run a worker thread (False: tests run workers themselves).
        lease_seconds, backoff_base: worker tuning (short in tests).
    """

    def __init__(
        self,
        workdir: Path,
        *,
        roles: dict[str, str] | None = None,
        orcid_records: dict[str, FakeRecord] | None = None,
        extra_files: dict[str, str] | None = None,
        data_source: Path | None = None,
        worker: bool = True,
        lease_seconds: float = 5.0,
        backoff_base: float = 0.05,
        client_timeout: float = 5.0,
    ) -> None:
        self.workdir = Path(workdir)
        self.bare = make_data_repo(
            self.workdir, data_source or SAMPLE_DATA, extra_files=extra_files
        )
        self.orcid = FakeOrcid(records=dict(orcid_records or {}))
        self.github = FakeGitHub(
            REPOSITORY,
            self.bare,
            tokens={BOT_TOKEN: BOT_LOGIN},
            roles=dict(roles or {}),
            webhook_secret=SECRET,
        )
        self._want_worker = worker
        self._lease = lease_seconds
        self._backoff = backoff_base
        self._client_timeout = client_timeout
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []
        self.settings: Settings | None = None
        self.bot: Bot | None = None
        self.webhook_url = ""

    def start(self) -> LocalDeployment:
        """Start the stand-ins, the app, and (unless told not to) a worker thread."""
        from werkzeug.serving import make_server

        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the app logs requests
        orcid_url = self.orcid.start() + "/v3.0"
        api_url = self.github.start()
        self.settings = Settings(
            webhook_secret=SECRET,
            auth=GitHubAuth(
                api_url=api_url,
                token=BOT_TOKEN,
                timeout=self._client_timeout,
                seconds_between_requests=None,
                seconds_between_writes=None,
            ),
            state_dir=self.workdir / "state",
            git_url_template=str(self.bare),
            bot_login=BOT_LOGIN,
            orcid_url=orcid_url,
            lease_seconds=self._lease,
            backoff_base=self._backoff,
            backoff_cap=5.0,
            repositories=(REPOSITORY,),
        )
        self.bot = Bot(self.settings)
        app = build_app(self.settings, self.bot.inbox, on_stored=self._wake.set)
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self._spawn(self._server.serve_forever, 0.05)
        self.webhook_url = f"http://127.0.0.1:{self._server.server_port}/webhook"
        self.github.webhook_url = self.webhook_url
        if self._want_worker:
            self.start_worker()
        return self

    def _spawn(self, target: Callable[..., Any], *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self._threads.append(thread)

    def start_worker(self) -> None:
        """Start a worker thread over the inbox."""
        assert self.bot is not None
        self._spawn(self.bot.runner().run_forever, self._stop, self._wake, 0.05)

    def env(self) -> dict[str, str]:
        """Environment variables that make `Settings.from_env()` (a worker process) use
        this deployment."""
        assert self.settings is not None
        s = self.settings
        return {
            "AUTHORBOT_WEBHOOK_SECRET": SECRET.decode(),
            "GITHUB_API_URL": s.auth.api_url,
            "GITHUB_TOKEN": BOT_TOKEN,
            "AUTHORBOT_GIT_URL": s.git_url_template,
            "AUTHORBOT_STATE_DIR": str(s.state_dir),
            "AUTHORBOT_BOT_LOGIN": BOT_LOGIN,
            "AUTHORBOT_REPOSITORIES": REPOSITORY,
            "ORCID_API_URL": s.orcid_url or "off",
            "AUTHORBOT_LEASE_SECONDS": str(s.lease_seconds),
            "AUTHORBOT_BACKOFF_BASE": str(s.backoff_base),
            "AUTHORBOT_LOG_LEVEL": "INFO",
            "AUTHORBOT_POLL_SECONDS": "0.05",
            "AUTHORBOT_GITHUB_THROTTLE": "0",
        }

    def idle(self) -> bool:
        """True when no webhook is on its way and no delivery waits in the inbox.

        The order matters: a running job's webhooks are queued before its API call
        returns, and a delivery is stored before the stand-in counts it as sent.
        """
        assert self.bot is not None
        if self.github.pending_deliveries:
            return False
        return self.bot.inbox.counts().get("queued", 0) == 0

    def wait_idle(self, timeout: float = 30.0) -> None:
        """Wait until every delivery so far has been worked (see `idle`)."""
        wait_until(self.idle, timeout=timeout, what="the bot to finish its work")

    def stop(self) -> None:
        """Stop the worker, the app and the stand-ins."""
        self._stop.set()
        self._wake.set()
        if hasattr(self, "_server"):
            self._server.shutdown()
        for thread in self._threads:
            thread.join(timeout=10)
        self.github.stop()
        self.orcid.stop()
