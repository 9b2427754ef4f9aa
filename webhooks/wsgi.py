"""The WSGI entry point for gunicorn: `gunicorn 'webhooks.wsgi:app'`.

Settings come from the environment (`bot/settings.py`). The worker runs as its own
process (`authorbot worker`) next to gunicorn, sharing the inbox file.
"""

from __future__ import annotations

from bot.service import build_app
from bot.settings import Settings
from bot.worker.logs import setup_logging

_settings = Settings.from_env()
setup_logging(_settings.log_level)
app = build_app(_settings)
