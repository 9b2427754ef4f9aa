"""Putting the bot together: the inbox, the app, the worker, and the commands that run
them (`serve`, `worker`, `pages`).

`authorbot serve` runs the webhook app and a worker thread in one process (simple
deployments, the demo). In production, run the app under gunicorn (`webhooks.wsgi:app`)
and `authorbot worker` as a separate process; both open the same SQLite inbox.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import sys
import textwrap
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Flask

from bot.github.client import Connector, GitHubRepo
from bot.github.errors import PermanentError
from bot.github.gitrepo import DataClone
from bot.github.orcid import OrcidClient
from bot.github.previewstore import PreviewStore
from bot.settings import Settings, SettingsError, environment_help
from bot.worker.context import JobContext, load_config
from bot.worker.handlers import router
from bot.worker.inbox import Inbox, Job, open_inbox
from bot.worker.logs import setup_logging
from bot.worker.runner import Runner, current_lease
from bot.worker.workspace import Workspace
from webhooks.app import create_app

log = logging.getLogger(__name__)


class Bot:
    """The long-lived parts of a worker: the inbox, the ORCID client, and one persistent
    workspace (clone + index) per repository, kept between jobs.

    Parameters:
        settings: the deployment's settings.
        clock: the time now (the date of a new batch); tests pass their own.
    """

    def __init__(
        self, settings: Settings, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self.settings = settings
        self.clock = clock
        settings.state_dir.mkdir(parents=True, exist_ok=True)  # clones, ORCID cache
        self.previews = PreviewStore(settings.preview_dir)
        self.inbox = open_inbox(settings.inbox_location, role="worker")
        self.orcid = (
            OrcidClient(settings.orcid_url, cache_path=settings.state_dir / "orcid-cache.sqlite3")
            if settings.orcid_url
            else None
        )
        self._workspaces: dict[str, Workspace] = {}
        self._workspaces_lock = threading.Lock()
        # Installation tokens are kept until shortly before they expire.
        self.connector = Connector(settings.auth)
        self._default_branches: dict[str, tuple[str, float]] = {}

    def warm_up(self, seconds: float) -> bool:
        """Idle work (`Runner.run_forever`'s `on_idle`): build more of each repository's
        index (`Workspace.warm_up`); True while any has more to build."""
        with self._workspaces_lock:
            workspaces = list(self._workspaces.values())
        share = seconds / max(len(workspaces), 1)
        return any([workspace.warm_up(share) for workspace in workspaces])

    def make_context(self, job: Job) -> JobContext:
        """The handlers' context for one job (a GitHub client with the installation's
        cached token)."""
        if not job.repository:
            raise ValueError("a delivery without a repository")
        if not self.settings.serves(job.repository):  # stored before the setting changed
            raise PermanentError(f"this bot does not work on the repository {job.repository}")
        minted: list[float] = []
        gh, token = self.connector.connect(job.installation, on_mint=minted.append)
        repo = GitHubRepo(gh, job.repository, self._default_branches)
        repo.requests, repo.seconds = len(minted), sum(minted)
        config, problems = load_config(repo)
        with self._workspaces_lock:
            workspace = self._workspaces.get(job.repository)
            if workspace is None:
                clone = DataClone(
                    self.settings.clone_path(job.repository),
                    self.settings.git_url(job.repository),
                    token=token,
                )
                # The push asks the lease of the job of the thread that pushes.
                clone.before_push = _check_lease
                workspace = self._workspaces[job.repository] = Workspace(
                    clone, config.data_root, snapshot_dir=self.settings.state_dir / "snapshots"
                )
        # Threads of this process share the workspace: the clone's lock serialises them,
        # and the token and data root are set again inside it (Workspace.checkout).
        workspace.clone.token = token
        workspace.clone.tracked = (config.branch_prefix, config.batch_branch_prefix)
        workspace.data_root = config.data_root
        guard = current_lease()
        if guard is not None:  # no write once the lease is lost (bot/worker/runner.py)
            repo.before_write = guard.check

        def enqueue(key: str, action: str, number: int, payload: dict[str, Any]) -> bool:
            return self.inbox.put(
                key,
                "authorbot",
                {"action": action, "issue": {"number": number}, **payload},
                action=action,
                repository=job.repository,
                issue=number,
                installation=job.installation,
            )

        return JobContext(
            repo,
            workspace,
            self.orcid,
            config,
            problems,
            self.settings.bot_login,
            clock=self.clock,
            enqueue=enqueue,
            previews=self.previews,
            public_url=self.settings.public_url,
            delivery_id=job.id,
        )

    def runner(self, slot: int | None = None) -> Runner:
        """A runner over this bot's inbox (`slot` numbers the runners of one process)."""
        s = self.settings
        worker_id = None
        if slot is not None:
            worker_id = f"{socket.gethostname()}:{os.getpid()}:{slot}"
        return Runner(
            self.inbox,
            router,
            self.make_context,
            lease_seconds=s.lease_seconds,
            max_attempts=s.max_attempts,
            backoff_base=s.backoff_base,
            backoff_cap=s.backoff_cap,
            worker_id=worker_id,
        )


def _check_lease() -> None:
    guard = current_lease()
    if guard is not None:
        guard.check()


def build_app(settings: Settings, inbox: Inbox | None = None, on_stored: Any = None) -> Flask:
    """The webhook app over the settings' inbox.

    Raises:
        SystemExit: no webhook secret is set (the server would accept nothing).
    """
    if not settings.webhook_secret:
        raise SystemExit("AUTHORBOT_WEBHOOK_SECRET is not set")
    app = create_app(
        inbox or open_inbox(settings.inbox_location, role="web"),
        settings.webhook_secret,
        max_body=settings.max_body,
        on_stored=on_stored,
        serves=settings.serves,
    )
    if settings.pages_data_root is not None:
        from webhooks.pages import RefreshingIndex, pages_blueprint

        app.config["AUTHORBOT_ISSUE_REPO"] = settings.issue_repo
        app.register_blueprint(pages_blueprint(RefreshingIndex(settings.pages_data_root)))
    from webhooks.preview import PreviewMiddleware

    app.wsgi_app = PreviewMiddleware(  # type: ignore[method-assign]
        app.wsgi_app,
        PreviewStore(settings.preview_dir),
        issue_repo=settings.issue_repo,
        cache_size=settings.preview_cache,
    )
    return app


def add_commands(sub: Any) -> None:
    """The bot's subcommands of `authorbot` (serve, worker, pages)."""
    p = sub.add_parser(
        "serve",
        help="run the webhook server with a worker thread",
        description=_paragraph(
            "Receive GitHub's webhooks on http://HOST:PORT/webhook (signature "
            "checked, each delivery stored in the inbox before the answer) and work them in a "
            "worker thread of the same process. For production, run gunicorn on "
            "webhooks.wsgi:app and `authorbot worker` instead. Refuses to start without the "
            "webhook secret and GitHub credentials."
        ),
        epilog=environment_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--host", default="127.0.0.1", help="the address to listen on")
    p.add_argument("--port", type=int, default=8080, help="the port (default 8080)")
    p.add_argument(
        "--no-worker", action="store_true", help="only store deliveries (no GitHub needed)"
    )
    p.set_defaults(run=lambda a: serve(host=a.host, port=a.port, with_worker=not a.no_worker))
    p = sub.add_parser(
        "worker",
        help="work the inbox (beside gunicorn running webhooks.wsgi:app)",
        description=_paragraph(
            "Work the deliveries the webhook endpoint stored in the inbox: plan "
            "each issue, keep its status comment, open the pull request once a maintainer "
            "approves. Runs until SIGTERM or Ctrl-C (a job cut short is worked again). "
            "Refuses to start without GitHub credentials."
        ),
        epilog=environment_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--concurrency",
        type=int,
        default=None,
        metavar="N",
        help="jobs worked at once by this process (default: AUTHORBOT_CONCURRENCY or 1)",
    )
    p.set_defaults(run=lambda a: worker(concurrency=a.concurrency))
    p = sub.add_parser(
        "pages",
        help="serve the author pages of a data checkout (preview)",
        description='Serve the author pages of a data repository with their "Fixing '
        'paper assignments" panel, for a preview: an index at / finds a page by name, '
        "person ID, page address or ORCID iD, and the start prints an example address.",
    )
    p.add_argument("data_dir", metavar="DATA_DIR", help="the folder holding data/xml and data/yaml")
    p.add_argument("--host", default="127.0.0.1", help="the address to listen on")
    p.add_argument("--port", type=int, default=8080, help="the port (default 8080; 0: any free)")
    p.add_argument("--repo", default="acl-org/acl-anthology", help="where Submit files issues")
    p.set_defaults(run=_run_pages)


def _paragraph(text: str) -> str:
    """A help description wrapped for a terminal (the raw formatter keeps the
    environment table's lines as they are, so the description comes wrapped)."""
    return textwrap.fill(text, width=78)


def _run_pages(args: Any) -> int:
    from webhooks.pages import serve_pages

    serve_pages(args.data_dir, args.host, args.port, repo=args.repo)
    return 0


def _stop_on_signals(stop: threading.Event) -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())


def worker(
    settings: Settings | None = None,
    *,
    stop: threading.Event | None = None,
    concurrency: int | None = None,
) -> int:
    """`authorbot worker`: work the inbox until SIGTERM/SIGINT (or `stop` is set), with
    `concurrency` runner threads (default: the settings').

    The threads share this process's clones and indexes: jobs about different issues
    overlap in their GitHub requests, and take turns on a repository's clone (its lock).
    Several processes, each with its own state folder, share a PostgreSQL inbox.

    Returns:
        The process exit code (0).

    Raises:
        SettingsError: GitHub credentials are missing.
    """
    settings = settings or Settings.from_env()
    settings.require("worker", endpoint=False, worker=True)
    setup_logging(settings.log_level)
    n = max(1, concurrency or settings.concurrency)
    if n > 1 and not settings.inbox_is_shared:
        log.info("%d runners on the SQLite inbox %s", n, settings.inbox_location)
    stop = stop or threading.Event()
    _stop_on_signals(stop)
    bot = Bot(settings)
    threads = [
        threading.Thread(
            target=bot.runner(slot if n > 1 else None).run_forever,
            kwargs={"stop": stop, "idle_poll": settings.poll_seconds, "on_idle": bot.warm_up},
            name=f"runner-{slot}",
            daemon=True,
        )
        for slot in range(n)
    ]
    for thread in threads:
        thread.start()
    while not stop.wait(1.0):  # a timed wait, so that the signal handlers run promptly
        pass
    for thread in threads:
        thread.join(timeout=60)  # each finishes its job first
    bot.inbox.close()
    return 0


def serve(
    settings: Settings | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    with_worker: bool = True,
    stop: threading.Event | None = None,
) -> int:
    """`authorbot serve`: the webhook app on `host:port` (werkzeug, threaded), with a
    worker thread unless `with_worker` is False. Runs until SIGTERM/SIGINT or `stop`.

    Returns:
        The process exit code (0).

    Raises:
        SettingsError: the webhook secret (or, with a worker, GitHub credentials) is
            missing.
    """
    from werkzeug.serving import make_server

    settings = settings or Settings.from_env()
    settings.require("serve", endpoint=True, worker=with_worker)
    setup_logging(settings.log_level)
    stop = stop or threading.Event()
    _stop_on_signals(stop)
    bot = Bot(settings)
    wake = threading.Event()
    app = build_app(settings, bot.inbox, on_stored=wake.set)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the app logs each delivery
    server = make_server(host, port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    log.info("listening on http://%s:%s/webhook", host, server.server_port)
    worker_thread = None
    if with_worker:
        worker_thread = threading.Thread(
            target=bot.runner().run_forever,
            args=(stop, wake),
            kwargs={"on_idle": bot.warm_up},
            daemon=True,
        )
        worker_thread.start()
    stop.wait()
    server.shutdown()
    if worker_thread is not None:
        worker_thread.join(timeout=30)
    return 0


if __name__ == "__main__":  # `python -m bot.service worker|serve` (used by the tests)
    command = sys.argv[1] if len(sys.argv) > 1 else "worker"
    try:
        sys.exit(worker() if command == "worker" else serve())
    except SettingsError as exc:
        sys.exit(f"{exc}.")
