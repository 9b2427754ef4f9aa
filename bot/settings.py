"""Deployment settings, from the environment (secrets never live in files of the repo).

The variables and their defaults are listed in docs/BOT.md ("Deploy"): the webhook
secret, GitHub App or token credentials, the API base URL, the clone URL template, the
state folder (inbox, clones, ORCID cache), the bot's login, the repositories it works
on, the ORCID API URL, the inbox (SQLite file or PostgreSQL URL), and worker tuning
(concurrency, lease, attempts, backoff, poll interval, request spacing, GitHub
timeout, log level).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.github.client import GitHubAuth
from bot.github.orcid import DEFAULT_BASE_URL as ORCID_DEFAULT


@dataclass(frozen=True)
class Settings:
    """Everything the server and the worker need to start."""

    webhook_secret: bytes
    auth: GitHubAuth
    state_dir: Path
    git_url_template: str = "https://github.com/{repo}.git"
    bot_login: str | None = None
    max_body: int = 5 * 1024 * 1024
    orcid_url: str | None = ORCID_DEFAULT
    lease_seconds: float = 120.0
    max_attempts: int = 8
    backoff_base: float = 5.0
    backoff_cap: float = 900.0
    poll_seconds: float = 1.0
    log_level: str = "INFO"
    # The author pages ("Fixing paper assignments"): a data checkout to serve them
    # from (None: not served) and the repository their Submit files issues in.
    pages_data_root: Path | None = None
    issue_repo: str = "acl-org/acl-anthology"
    # The repositories (`owner/name`) the bot works on; deliveries about any other are
    # refused. Empty: any (tests that build Settings by hand); the environment's
    # default is the Anthology's data repository.
    repositories: tuple[str, ...] = ()
    # `AUTHORBOT_INBOX`: a `postgresql://` URL (many workers, many machines) or a SQLite
    # file; None: `inbox.sqlite3` in the state folder.
    inbox_url: str | None = None
    # Jobs one worker process works at a time (`authorbot worker --concurrency N`).
    concurrency: int = 1

    def serves(self, repository: str | None) -> bool:
        """True when the bot works on `repository` (names compare case-insensitively)."""
        if not self.repositories:
            return True
        wanted = {r.lower() for r in self.repositories}
        return repository is not None and repository.lower() in wanted

    @property
    def inbox_path(self) -> Path:
        """The SQLite inbox's file (when `inbox_url` does not name another)."""
        return self.state_dir / "inbox.sqlite3"

    @property
    def inbox_location(self) -> str:
        """Where the inbox is: the PostgreSQL URL or the SQLite file's path."""
        return self.inbox_url or str(self.inbox_path)

    @property
    def inbox_is_shared(self) -> bool:
        """True for a PostgreSQL inbox (workers on other machines may share it)."""
        return self.inbox_location.startswith(("postgresql://", "postgres://"))

    def clone_path(self, repository: str) -> Path:
        """Where the persistent clone of `owner/name` lives."""
        return self.state_dir / "clones" / repository.replace("/", "__")

    def git_url(self, repository: str) -> str:
        """The clone URL of `owner/name`."""
        return self.git_url_template.format(repo=repository)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from environment variables (see the module docstring)."""
        env = os.environ if env is None else env
        key = env.get("GITHUB_APP_PRIVATE_KEY")
        if not key and env.get("GITHUB_APP_PRIVATE_KEY_PATH"):
            key = Path(env["GITHUB_APP_PRIVATE_KEY_PATH"]).read_text("utf-8")
        throttle = [float(x) for x in env.get("AUTHORBOT_GITHUB_THROTTLE", "0.25,1.0").split(",")]
        between_requests, between_writes = (throttle + throttle)[:2]
        auth = GitHubAuth(
            api_url=env.get("GITHUB_API_URL", "https://api.github.com").rstrip("/"),
            token=env.get("GITHUB_TOKEN") or None,
            app_id=env.get("GITHUB_APP_ID") or None,
            private_key=key or None,
            timeout=float(env.get("AUTHORBOT_GITHUB_TIMEOUT", 15)),
            seconds_between_requests=between_requests or None,
            seconds_between_writes=between_writes or None,
        )
        orcid = env.get("ORCID_API_URL", ORCID_DEFAULT)
        return cls(
            webhook_secret=env.get("AUTHORBOT_WEBHOOK_SECRET", "").encode("utf-8"),
            auth=auth,
            state_dir=Path(env.get("AUTHORBOT_STATE_DIR", "var/authorbot")),
            git_url_template=env.get("AUTHORBOT_GIT_URL", "https://github.com/{repo}.git"),
            bot_login=env.get("AUTHORBOT_BOT_LOGIN") or None,
            max_body=int(env.get("AUTHORBOT_MAX_BODY", 5 * 1024 * 1024)),
            orcid_url=None if orcid.lower() in ("", "off", "none") else orcid,
            lease_seconds=float(env.get("AUTHORBOT_LEASE_SECONDS", 120)),
            max_attempts=int(env.get("AUTHORBOT_MAX_ATTEMPTS", 8)),
            backoff_base=float(env.get("AUTHORBOT_BACKOFF_BASE", 5)),
            poll_seconds=float(env.get("AUTHORBOT_POLL_SECONDS", 1)),
            log_level=env.get("AUTHORBOT_LOG_LEVEL", "INFO"),
            pages_data_root=Path(env["AUTHORBOT_PAGES_DATA"])
            if env.get("AUTHORBOT_PAGES_DATA")
            else None,
            issue_repo=env.get("AUTHORBOT_ISSUE_REPO", "acl-org/acl-anthology"),
            repositories=_repositories(env.get("AUTHORBOT_REPOSITORIES", "acl-org/acl-anthology")),
            inbox_url=env.get("AUTHORBOT_INBOX") or None,
            concurrency=max(1, int(env.get("AUTHORBOT_CONCURRENCY", 1))),
        )


def _repositories(text: str) -> tuple[str, ...]:
    """`AUTHORBOT_REPOSITORIES`: comma-separated `owner/name`; `*` means any."""
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    return () if "*" in names else names
