"""A claimed delivery and what the inbox backends share (`bot/worker/inbox.py`,
`bot/worker/inbox_pg.py`): the job, the lost-lease error, the clock, the row fields."""

from __future__ import annotations

import json
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

    @classmethod
    def claimed(cls, row: Any, owner: str) -> Job:
        """The job of an inbox row (either backend's) just claimed by `owner`: its
        attempt count is the row's before the claim plus this one."""
        return cls(
            id=row["id"],
            event=row["event"],
            action=row["action"],
            repository=row["repository"],
            issue=row["issue"],
            installation=row["installation"],
            payload=json.loads(row["payload"]),
            attempts=row["attempts"] + 1,
            lease_owner=owner,
        )


class LeaseLost(Exception):
    """The job's lease ran out and another worker may have claimed it."""


# The columns `Inbox.rows()` gives (everything but the payload).
ROW_FIELDS = "id, event, action, repository, issue, state, attempts, last_error"


@dataclass(frozen=True)
class NewDelivery:
    """One delivery to store with `Inbox.put_many`: what `Inbox.put` takes, as a value.

    `payload_json` is the payload as JSON text (the webhook's body as it came);
    `received_at` orders the claims (None: the inbox's clock when it is stored).
    """

    id: str
    event: str
    payload_json: str
    action: str | None = None
    repository: str | None = None
    issue: int | None = None
    installation: int | None = None
    received_at: float | None = None

    def params(self, now: float) -> tuple[Any, ...]:
        """The INSERT's parameters, in the `deliveries` table's column order."""
        received = now if self.received_at is None else self.received_at
        return (self.id, self.event, self.action, self.repository, self.issue,
                self.installation, self.payload_json, received)  # fmt: skip
