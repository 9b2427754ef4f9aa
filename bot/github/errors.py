"""The errors the adapters raise, so the worker can decide: retry later or give up."""

from __future__ import annotations


class TransientError(Exception):
    """Worth retrying later: a 5xx, a timeout, a rate limit. `retry_after` is what the
    server asked for (seconds), if it said."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(Exception):
    """Retrying will not help (a 4xx other than a rate limit, a broken repository)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
