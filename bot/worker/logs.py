"""Structured logs: one JSON object per line, with the delivery and issue of the job.

The job's delivery id, event and issue number live in context variables set by the
runner, and a filter copies them onto every record, so a log line from any module
(git, GitHub, ORCID) says which delivery and issue it belongs to.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_delivery: contextvars.ContextVar[str | None] = contextvars.ContextVar("delivery", default=None)
_issue: contextvars.ContextVar[int | None] = contextvars.ContextVar("issue", default=None)
_event: contextvars.ContextVar[str | None] = contextvars.ContextVar("event", default=None)


def event_name(event: str | None, action: str | None) -> str | None:
    """How logs name a delivery's event: `issues.opened`, or `ping` for an event that
    has no action."""
    return f"{event}.{action}" if event and action else event


@contextmanager
def job_context(delivery: str | None, issue: int | None, event: str | None) -> Iterator[None]:
    """Tag every log line inside the block with this delivery, issue and event."""
    tokens = (_delivery.set(delivery), _issue.set(issue), _event.set(event))
    try:
        yield
    finally:
        _delivery.reset(tokens[0])
        _issue.reset(tokens[1])
        _event.reset(tokens[2])


class JobFilter(logging.Filter):
    """Copies the job's delivery id, issue number and event onto each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "delivery"):
            record.delivery = _delivery.get()
        if not hasattr(record, "issue"):
            record.issue = _issue.get()
        if not hasattr(record, "event"):
            record.event = _event.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, delivery, issue, event."""

    EXTRA = ("delivery", "issue", "event", "status", "duration_ms", "attempt", "pr")
    # On a job's `done` line only: what it asked of GitHub, and its own time.
    USAGE = ("github_requests", "github_ms", "own_ms", "worker")

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key in self.EXTRA:
            data[key] = getattr(record, key, None)
        for key in self.USAGE:
            if hasattr(record, key):
                data[key] = getattr(record, key)
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def setup_logging(level: str = "INFO", stream=None) -> None:  # type: ignore[no-untyped-def]
    """Send structured logs of `bot` and `webhooks` to `stream` (stderr by default)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(JobFilter())
    for name in ("bot", "webhooks"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False
