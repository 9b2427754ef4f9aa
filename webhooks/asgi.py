"""The ASGI entry point, for an operator who needs the webhook's ack fast:
`granian --interface asgi webhooks.asgi:app` (pip install -e '.[granian]').

The webhook route runs on the event loop and commits deliveries in groups
(`webhooks/ack.py`); every other page is the Flask app of `webhooks.wsgi:app`, through
a2wsgi. Settings come from the environment (`bot/settings.py`); the worker runs as its
own process (`authorbot worker`), as beside gunicorn.
"""

from __future__ import annotations

from bot.settings import Settings
from bot.worker.logs import setup_logging
from webhooks.ack import asgi_app

_settings = Settings.from_env()
setup_logging(_settings.log_level)
app = asgi_app(_settings)
