"""What a handler works with: the repository's adapters and its configuration."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.config import CONFIG_PATH, Config, ConfigError, default_config, parse_config
from bot.github.client import GitHubRepo
from bot.github.orcid import OrcidClient
from bot.github.previewstore import PreviewStore
from bot.worker.workspace import Workspace

log = logging.getLogger(__name__)


@dataclass
class JobContext:
    """One job's view of the world.

    Attributes:
        repo: GitHub, for this repository.
        workspace: the persistent clone and the engine's index.
        orcid: the ORCID client (None: the check is off).
        config: the configuration (the defaults when the file is invalid).
        config_problems: why the configuration file is invalid (None: it is fine).
        bot_login: the bot's own login (`name[bot]`); its comments are never answered.
        clock: the time now (the batch date is taken from it; tests set it).
        enqueue: stores a follow-up job about one issue in the inbox
            (`enqueue(key, action, number, payload)`; the same key is stored once).
        previews: where pushed branches are recorded for previews (None: no previews).
        public_url: authorbot's public address, for preview links (None: no links).
        delivery_id: the delivery being worked (follow-up jobs' keys derive from it).
    """

    repo: GitHubRepo
    workspace: Workspace
    orcid: OrcidClient | None
    config: Config
    config_problems: list[str] | None = None
    bot_login: str | None = None
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    enqueue: Callable[[str, str, int, dict[str, Any]], bool] | None = None
    previews: PreviewStore | None = None
    public_url: str | None = None
    delivery_id: str = ""

    def today(self) -> str:
        """Today's date in UTC, `YYYY-MM-DD` (the date of a new batch)."""
        return self.clock().astimezone(UTC).date().isoformat()

    def follow_up(self, key: str, action: str, number: int, payload: dict[str, Any]) -> None:
        """Queue a job about issue `number` (`authorbot.<action>`), worked after this
        one like any delivery, one at a time with that issue's other deliveries. `key`
        makes it idempotent: a re-run of this job queues nothing twice."""
        if self.enqueue is None:
            raise RuntimeError("this context cannot queue follow-up jobs")
        self.enqueue(f"{key}:{self.delivery_id}", action, number, payload)

    def usage(self) -> dict[str, int]:
        """What the job asked of GitHub so far: requests, and milliseconds spent in them."""
        return {
            "github_requests": self.repo.requests,
            "github_ms": round(self.repo.seconds * 1000),
        }

    def is_bot(self, user: dict[str, Any] | None) -> bool:
        """True for the bot itself (and, to be safe, for any other bot account)."""
        if not user:
            return False
        return user.get("type") == "Bot" or (
            self.bot_login is not None and user.get("login") == self.bot_login
        )


def load_config(repo: GitHubRepo) -> tuple[Config, list[str] | None]:
    """The repository's configuration, and the problems if the file is invalid
    (then the defaults are used to decide which issues are the bot's)."""
    try:
        return parse_config(repo.read_file(CONFIG_PATH)), None
    except ConfigError as exc:
        log.warning("invalid %s: %s", CONFIG_PATH, exc)
        return default_config(), exc.problems
