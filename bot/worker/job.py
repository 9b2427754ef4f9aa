"""A claimed delivery and what the inbox backends share (`bot/worker/inbox.py`,
`bot/worker/inbox_pg.py`): the job, the lost-lease error, the clock, the row fields."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Clock = Callable[[], float]


@dataclass(frozen=True)
class Job:
    """A claimed delivery. `attempts` counts this claim (1 on the first try)."""

    id: str
    event: str
    action: str | None
    repository: str | None
    issue: int | None
    installation: int | None
    payload: dict[str, Any]
    attempts: int
    lease_owner: str


class LeaseLost(Exception):
    """The job's lease ran out and another worker may have claimed it."""


# The columns `Inbox.rows()` gives (everything but the payload).
ROW_FIELDS = "id, event, action, repository, issue, state, attempts, last_error"
