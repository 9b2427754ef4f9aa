"""What a handler works with: the repository's adapters and its configuration."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bot.config import CONFIG_PATH, Config, ConfigError, default_config, parse_config
from bot.github.client import GitHubRepo
from bot.github.orcid import OrcidClient
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
    """

    repo: GitHubRepo
    workspace: Workspace
    orcid: OrcidClient | None
    config: Config
    config_problems: list[str] | None = None
    bot_login: str | None = None

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
