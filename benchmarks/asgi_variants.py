"""The ASGI webhook with the plain alternative to the committer, for
`benchmarks/ack_capacity.py`: `granian --interface asgi benchmarks.asgi_variants:executor_app`.

Each delivery is stored by `inbox.put` in a thread of a pool of 32
(`run_in_executor`), where `webhooks.asgi:app` hands it to the committer thread.
"""

from __future__ import annotations

from bot.settings import Settings
from bot.worker.logs import setup_logging
from webhooks.ack import ExecutorStore, asgi_app

_settings = Settings.from_env()
setup_logging(_settings.log_level)
executor_app = asgi_app(_settings, ExecutorStore)
