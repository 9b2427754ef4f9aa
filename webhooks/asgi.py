"""The ASGI entry point, for an operator who needs the webhook's ack fast:
`granian --interface asgi webhooks.asgi:app` (pip install -e '.[granian]').

The webhook route runs on the event loop and commits deliveries in groups
(`webhooks/ack.py`); every other page is the Flask app of `webhooks.wsgi:app`, through
a2wsgi. Settings come from the environment (`bot/settings.py`); the worker runs as its
own process (`authorbot worker`), as beside gunicorn.
"""

from __future__ import annotations

from typing import Any

from a2wsgi import WSGIMiddleware

from bot.service import build_app
from bot.settings import Settings
from bot.worker.inbox import open_inbox
from bot.worker.logs import setup_logging
from webhooks.ack import Committer, WebhookAck

_settings = Settings.from_env()
setup_logging(_settings.log_level)
_inbox = open_inbox(_settings.inbox_location, role="web")
# a2wsgi's types of a WSGI and an ASGI app are narrower than Flask's and ours.
_flask: Any = build_app(_settings, inbox=_inbox)
_adapted: Any = WSGIMiddleware(_flask)
app = WebhookAck(
    _adapted,
    Committer(_inbox),
    _settings.webhook_secret,
    max_body=_settings.max_body,
    serves=_settings.serves,
)
