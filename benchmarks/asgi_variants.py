"""The ASGI webhook with the plain alternative to the committer, for
`benchmarks/ack_capacity.py`: `granian --interface asgi benchmarks.asgi_variants:executor_app`.

Each delivery is stored by `inbox.put` in a thread of a pool of 32
(`run_in_executor`), where `webhooks.asgi:app` hands it to the committer thread.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from bot.settings import Settings
from bot.worker.inbox import Inbox, NewDelivery
from bot.worker.logs import setup_logging
from webhooks.ack import asgi_app


class ExecutorStore:
    """The plain alternative to `Committer` (a `Store`): each row is stored by
    `inbox.put` in a thread of a pool (SQLite's `put` groups the commits of the threads
    waiting at once)."""

    def __init__(self, inbox: Inbox, threads: int = 32) -> None:
        self._inbox = inbox
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="inbox-put")

    async def put(self, row: NewDelivery) -> bool:
        """Store one delivery in a pool thread; True when it is new."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, self._put, row)

    def _put(self, row: NewDelivery) -> bool:
        return self._inbox.put(
            row.id,
            row.event,
            {},
            action=row.action,
            repository=row.repository,
            issue=row.issue,
            installation=row.installation,
            payload_json=row.payload_json,
        )

    def close(self) -> None:
        """Wait for the puts under way."""
        self._pool.shutdown(wait=True)


_settings = Settings.from_env()
setup_logging(_settings.log_level)
executor_app = asgi_app(_settings, ExecutorStore)
