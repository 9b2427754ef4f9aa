"""The Flask app: the webhook endpoint and `/healthz`.

The endpoint only verifies, stores and answers; the worker does the work. A delivery is
in the SQLite inbox (committed) before the 2xx goes out, so an acknowledged delivery
is never lost, and a redelivery of the same `X-GitHub-Delivery` is stored once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, Response, jsonify, request

from bot.worker.inbox import Inbox
from bot.worker.logs import event_name
from webhooks.delivery import HANDLED_EVENTS, DeliveryRejected, read_delivery

log = logging.getLogger(__name__)

DEFAULT_MAX_BODY = 5 * 1024 * 1024  # GitHub caps payloads at 25 MB; ours are small


def create_app(
    inbox: Inbox,
    secret: bytes,
    *,
    max_body: int = DEFAULT_MAX_BODY,
    on_stored: Callable[[], None] | None = None,
    path: str = "/webhook",
    serves: Callable[[str | None], bool] | None = None,
) -> Flask:
    """The webhook app.

    Parameters:
        inbox: where deliveries are stored.
        secret: the webhook secret (`X-Hub-Signature-256` is checked against it).
        max_body: larger bodies are refused with 413 before they are read.
        on_stored: called after a new delivery is stored (wakes an in-process worker).
        path: the webhook URL path.
        serves: True for the repositories the bot works on (None: any). A delivery
            about another repository is answered 204 and not stored.
    """
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = max_body

    @app.post(path)
    def webhook() -> tuple[Response | str, int]:
        try:
            headers = dict(request.headers.items())
            delivery = read_delivery(headers, request.get_data(cache=False), secret, max_body)
        except DeliveryRejected as exc:
            log.warning(
                "refused a delivery: %s",
                exc.reason,
                extra={"delivery": request.headers.get("X-GitHub-Delivery"), "status": exc.status},
            )
            return jsonify(error=exc.reason), exc.status
        extra = {
            "delivery": delivery.id,
            "issue": delivery.issue_number,
            "event": event_name(delivery.event, delivery.action),
        }
        if delivery.event == "ping":
            log.info("ping", extra=extra)
            return jsonify(msg="pong"), 200
        if delivery.event not in HANDLED_EVENTS:
            log.info("event not handled; ignored", extra=extra)
            return "", 204
        if serves is not None and not serves(delivery.repository):
            log.warning(
                "a delivery about repository %s, which this bot does not work on; ignored",
                delivery.repository,
                extra=extra,
            )
            return "", 204
        new = inbox.put(
            delivery.id,
            delivery.event,
            delivery.payload,
            action=delivery.action,
            repository=delivery.repository,
            issue=delivery.issue_number,
            installation=delivery.installation_id,
            payload_json=delivery.text,  # the body as GitHub sent it: no second json.dumps
        )
        log.info("stored" if new else "already stored; not queued again", extra=extra)
        if new and on_stored is not None:
            on_stored()
        return jsonify(stored=new, delivery=delivery.id), 202 if new else 200

    @app.errorhandler(413)
    def too_large(_: Exception) -> tuple[Response, int]:
        return jsonify(error="payload too large"), 413

    @app.get("/healthz")
    def healthz() -> tuple[Response, int]:
        try:
            counts = inbox.counts()
        except Exception as exc:  # the inbox is what we promise; say when it is broken
            return jsonify(ok=False, error=str(exc)), 503
        return jsonify(ok=True, inbox=counts), 200

    return app
