"""Deployment settings, from the environment (secrets never live in files of the repo).

The variables and their defaults are listed in docs/BOT.md ("Deploy"): the webhook
secret, GitHub App or token credentials, the API base URL, the clone URL template, the
state folder (inbox, clones, ORCID cache), the bot's login, the repositories it works
on, the ORCID API URL, the inbox (SQLite file or PostgreSQL URL), worker tuning
(concurrency, lease, attempts, backoff, poll interval, request spacing, GitHub
timeout, log level), and the public address previews are linked under.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.github.orcid import DEFAULT_BASE_URL as ORCID_DEFAULT

if TYPE_CHECKING:  # imported where used: the engine's commands need not load PyGithub
    from bot.github.client import GitHubAuth


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
    # authorbot's public address (`https://authorbot.example.org`): the pull requests
    # and status comments link previews under it. None: no preview links.
    public_url: str | None = None
    # How many commits' preview pages each web process keeps loaded.
    preview_cache: int = 2
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
    def preview_dir(self) -> Path:
        """The preview records and the unpacked commits (`bot/github/previewstore.py`)."""
        return self.state_dir / "previews"

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

    def missing(self, *, endpoint: bool, worker: bool) -> list[str]:
        """The environment variables a webhook endpoint (the secret) and a worker (GitHub
        credentials) need and do not have, named as a person sets them."""
        out = []
        if endpoint and not self.webhook_secret:
            out.append("AUTHORBOT_WEBHOOK_SECRET")
        if worker:
            auth = self.auth
            if auth.app_id and not auth.private_key:
                out.append("GITHUB_APP_PRIVATE_KEY (or GITHUB_APP_PRIVATE_KEY_PATH)")
            elif auth.private_key and not auth.app_id and not auth.token:
                out.append("GITHUB_APP_ID")
            elif not auth.token and not auth.app_id:
                out.append("GITHUB_TOKEN (or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY)")
        return out

    def require(self, command: str, *, endpoint: bool, worker: bool) -> None:
        """Refuse to start `command` without what it needs.

        Raises:
            SettingsError: naming the variables to set.
        """
        missing = self.missing(endpoint=endpoint, worker=worker)
        if missing:
            raise SettingsError(
                f"{command} cannot start without {' and '.join(missing)} "
                "in its environment (see docs/BOT.md, Deploy)"
            )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from environment variables (see the module docstring).

        Raises:
            SettingsError: the private key file cannot be read, or a preview setting is
                not valid.
        """
        from bot.github.client import GitHubAuth

        env = os.environ if env is None else env
        key = env.get("GITHUB_APP_PRIVATE_KEY")
        if not key and env.get("GITHUB_APP_PRIVATE_KEY_PATH"):
            key_path = Path(env["GITHUB_APP_PRIVATE_KEY_PATH"])
            try:
                key = key_path.read_text("utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise SettingsError(
                    f"GITHUB_APP_PRIVATE_KEY_PATH names {key_path}, which cannot be read "
                    f"({getattr(exc, 'strerror', None) or 'not a PEM text file'})"
                ) from None
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
            public_url=_public_url(env.get("AUTHORBOT_PUBLIC_URL") or ""),
            preview_cache=_preview_cache(env.get("AUTHORBOT_PREVIEW_CACHE") or "2"),
            inbox_url=env.get("AUTHORBOT_INBOX") or None,
            concurrency=max(1, int(env.get("AUTHORBOT_CONCURRENCY", 1))),
        )


def _public_url(text: str) -> str | None:
    """`AUTHORBOT_PUBLIC_URL`: an http(s) address without a trailing slash, or None.

    Raises:
        SettingsError: anything else (a link in every pull request would be broken).
    """
    url = text.strip().rstrip("/")
    if not url:
        return None
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise SettingsError(
            f"AUTHORBOT_PUBLIC_URL must be authorbot's public http(s) address, like "
            f"https://authorbot.example.org (got {text!r})"
        )
    return url


def _preview_cache(text: str) -> int:
    """`AUTHORBOT_PREVIEW_CACHE`: a whole number of commits, at least 1.

    Raises:
        SettingsError: anything else.
    """
    try:
        value = int(text.strip())
    except ValueError:
        value = 0
    if value < 1:
        raise SettingsError(
            f"AUTHORBOT_PREVIEW_CACHE must be a whole number of commits, at least 1 (got {text!r})"
        )
    return value


def _repositories(text: str) -> tuple[str, ...]:
    """`AUTHORBOT_REPOSITORIES`: comma-separated `owner/name`; `*` means any."""
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    return () if "*" in names else names


class SettingsError(Exception):
    """The environment does not hold what a command needs; the message names the
    variables."""


# Every variable `Settings.from_env` reads, with what it sets and its default: the
# help of `authorbot serve` and `authorbot worker` prints this table (docs/BOT.md,
# "Deploy", says more), and a test checks that it names every variable read above.
ENVIRONMENT: tuple[tuple[str, str], ...] = (
    ("AUTHORBOT_WEBHOOK_SECRET", "the webhook secret (required by serve)"),
    ("GITHUB_TOKEN", "a token for a bot account (a worker needs this or the App's id and key)"),
    ("GITHUB_APP_ID", "the GitHub App's id"),
    ("GITHUB_APP_PRIVATE_KEY", "the App's private key, PEM text"),
    ("GITHUB_APP_PRIVATE_KEY_PATH", "or the file that holds it"),
    ("GITHUB_API_URL", "the REST API (default https://api.github.com)"),
    ("AUTHORBOT_GIT_URL", "clone URL, {repo} = owner/name (default https://github.com/{repo}.git)"),
    ("AUTHORBOT_STATE_DIR", "the inbox, the clones, the ORCID cache (default var/authorbot)"),
    ("AUTHORBOT_INBOX", "a postgresql:// URL many workers share (default: SQLite, state folder)"),
    ("AUTHORBOT_CONCURRENCY", "jobs one worker process works at once (default 1)"),
    ("AUTHORBOT_BOT_LOGIN", "the bot's login, <app-slug>[bot]"),
    (
        "AUTHORBOT_REPOSITORIES",
        "owner/name,... it works on; * for any (default acl-org/acl-anthology)",
    ),
    ("AUTHORBOT_MAX_BODY", "largest webhook body in bytes (default 5 MiB)"),
    ("ORCID_API_URL", "ORCID's public API, or off (default https://pub.orcid.org/v3.0)"),
    ("AUTHORBOT_LEASE_SECONDS", "a job's lease (default 120)"),
    ("AUTHORBOT_MAX_ATTEMPTS", "claims of a delivery before giving up (default 8)"),
    ("AUTHORBOT_BACKOFF_BASE", "seconds before the first retry, doubling (default 5)"),
    ("AUTHORBOT_POLL_SECONDS", "how often an idle worker looks at the inbox (default 1)"),
    ("AUTHORBOT_GITHUB_THROTTLE", "seconds between requests,between writes (default 0.25,1.0)"),
    ("AUTHORBOT_GITHUB_TIMEOUT", "seconds to wait for GitHub (default 15)"),
    ("AUTHORBOT_LOG_LEVEL", "default INFO"),
    ("AUTHORBOT_PAGES_DATA", "a data checkout: serve the author pages beside the webhook"),
    (
        "AUTHORBOT_ISSUE_REPO",
        "where the pages' Submit files issues (default acl-org/acl-anthology)",
    ),
    ("AUTHORBOT_PUBLIC_URL", "authorbot's public address: previews are linked under it"),
    ("AUTHORBOT_PREVIEW_CACHE", "commits whose previews each web process keeps loaded (default 2)"),
)


def environment_help() -> str:
    """The ENVIRONMENT table as the help of a command prints it."""
    width = max(len(name) for name, _ in ENVIRONMENT)
    lines = [f"  {name:<{width}}  {what}" for name, what in ENVIRONMENT]
    return "environment (docs/BOT.md, Deploy, says more):\n" + "\n".join(lines)
