"""Routing deliveries to handlers by event and action, registered by decorator."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

Handler = Callable[..., Any]


class Router:
    """Maps `(event, action)` to handlers.

    Example:
        router = Router()

        @router.register("issues", "opened", "edited")
        def on_issue(ctx, payload): ...
    """

    def __init__(self) -> None:
        self._routes: dict[tuple[str, str | None], list[Handler]] = defaultdict(list)

    def register(self, event: str, *actions: str) -> Callable[[Handler], Handler]:
        """Register a handler for `event` with any of `actions` (none: every action)."""

        def decorate(func: Handler) -> Handler:
            for action in actions or (None,):
                self._routes[(event, action)].append(func)
            return func

        return decorate

    def handlers(self, event: str, action: str | None) -> list[Handler]:
        """The handlers for one delivery, specific ones first."""
        found = list(self._routes.get((event, action), []))
        if action is not None:
            found += self._routes.get((event, None), [])
        return found
