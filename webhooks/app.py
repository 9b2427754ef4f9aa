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
from webhooks.delivery import (
    Answer,
    DeliveryRejected,
    answer_rejected,
    answer_stored,
    answer_without_storing,
    read_delivery,
)

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
            return _answer(answer_rejected(exc, request.headers.get("X-GitHub-Delivery")))
        answer = answer_without_storing(delivery, serves)
        if answer is not None:
            return _answer(answer)
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
        response = _answer(answer_stored(delivery, new))
        if new and on_stored is not None:
            on_stored()
        return response

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


def _answer(answer: Answer) -> tuple[Response | str, int]:
    """Log the answer's line and turn it into Flask's return value."""
    log.log(answer.level, answer.message, *answer.args, extra=answer.log_fields)
    if answer.body is None:
        return "", answer.status
    return jsonify(answer.body), answer.status
