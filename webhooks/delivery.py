"""Turning an HTTP request into a verified webhook delivery and deciding the answer:
pure functions, no Flask, no event loop.

`read_delivery(headers, body, secret, max_bytes)` either returns a `Delivery` or raises
`DeliveryRejected` carrying the HTTP status to answer with. `answer_without_storing`
says what to answer a delivery that is not stored (a ping, an event the bot does not
handle, another repository), or None when it is to be stored; `answer_stored` what to
answer once it is. Both transports (the Flask route, `webhooks/app.py`, and the ASGI
route, `webhooks/asgi.py`) only pass values in, store, log and write the answer out.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.worker.job import NewDelivery
from bot.worker.logs import event_name
from webhooks import signature

# Events the worker acts on; everything else is acknowledged with 204 and dropped.
HANDLED_EVENTS = frozenset(
    {
        "issues",
        "issue_comment",
        "pull_request",
        "pull_request_review",
        "pull_request_review_comment",
    }
)


class DeliveryRejected(Exception):
    """A request that is not a delivery we accept; `status` is the HTTP answer."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Delivery:
    """One verified webhook delivery.

    `id` is GitHub's `X-GitHub-Delivery` (the same on redelivery), `event` is
    `X-GitHub-Event`, `payload` the parsed JSON body, `text` the body as it came, when it
    is UTF-8 (what GitHub sends): the inbox stores it instead of serialising `payload`
    again.
    """

    id: str
    event: str
    payload: dict[str, Any]
    text: str | None = None

    @property
    def action(self) -> str | None:
        """The payload's `action` (`opened`, `created`, ...), if any."""
        action = self.payload.get("action")
        return action if isinstance(action, str) else None

    @property
    def repository(self) -> str | None:
        """`owner/name` of the repository the event is about."""
        repo = self.payload.get("repository") or {}
        name = repo.get("full_name") if isinstance(repo, dict) else None
        return name if isinstance(name, str) else None

    @property
    def issue_number(self) -> int | None:
        """The issue (or pull request) number the event is about, if any."""
        for key in ("issue", "pull_request"):
            item = self.payload.get(key)
            if isinstance(item, dict) and isinstance(item.get("number"), int):
                return item["number"]
        return None

    @property
    def installation_id(self) -> int | None:
        """The GitHub App installation that sent it (None for a plain webhook)."""
        inst = self.payload.get("installation")
        if isinstance(inst, dict) and isinstance(inst.get("id"), int):
            return inst["id"]
        return None

    def row(self) -> NewDelivery:
        """The inbox's row for this delivery: the body as it came (or the payload
        serialised, for a body that was not UTF-8) and the fields the claims use."""
        return NewDelivery(
            self.id,
            self.event,
            json.dumps(self.payload) if self.text is None else self.text,
            action=self.action,
            repository=self.repository,
            issue=self.issue_number,
            installation=self.installation_id,
        )


def read_delivery(
    headers: Mapping[str, str], body: bytes, secret: bytes, max_bytes: int
) -> Delivery:
    """Verify and parse one webhook request.

    Parameters:
        headers: the request headers (names in any case).
        body: the raw body, exactly as received (the signature covers these bytes).
        secret: the webhook secret.
        max_bytes: the largest body accepted.

    Returns:
        The delivery (for `ping` too; the caller answers it).

    Raises:
        DeliveryRejected: 413 too large, 401 bad or missing signature, 400 missing
            headers or malformed JSON.
    """
    headers = {name.lower(): value for name, value in headers.items()}
    if len(body) > max_bytes:
        raise DeliveryRejected(413, f"body larger than {max_bytes} bytes")
    if not signature.verify(secret, body, headers.get("x-hub-signature-256")):
        raise DeliveryRejected(401, "missing or wrong X-Hub-Signature-256")
    delivery_id = headers.get("x-github-delivery", "").strip()
    event = headers.get("x-github-event", "").strip()
    if not delivery_id or not event or len(delivery_id) > 200:
        raise DeliveryRejected(400, "missing X-GitHub-Delivery or X-GitHub-Event")
    try:
        text: str | None = body.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and text.startswith("\ufeff"):
        text = None  # json.loads reads a body with a BOM (or in UTF-16/32) from its bytes
    try:
        payload = json.loads(body if text is None else text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DeliveryRejected(400, f"malformed JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise DeliveryRejected(400, "the JSON body is not an object")
    return Delivery(delivery_id, event, payload, text)


@dataclass(frozen=True)
class Answer:
    """What a webhook route answers and logs for one request.

    `body` is the JSON object answered (None: no body, for 204); the log line is
    `message % args` at `level`, with `log_fields` as its extra fields.
    """

    status: int
    body: dict[str, Any] | None
    level: int
    message: str
    args: tuple[Any, ...] = ()
    log_fields: dict[str, Any] | None = None


def log_fields(delivery: Delivery) -> dict[str, Any]:
    """The extra fields of a delivery's log lines (`bot/worker/logs.py` prints them)."""
    return {
        "delivery": delivery.id,
        "issue": delivery.issue_number,
        "event": event_name(delivery.event, delivery.action),
    }


def answer_rejected(exc: DeliveryRejected, delivery_id: str | None) -> Answer:
    """The answer to a request `read_delivery` refused (`delivery_id`: its header)."""
    return Answer(
        exc.status,
        {"error": exc.reason},
        logging.WARNING,
        "refused a delivery: %s",
        (exc.reason,),
        {"delivery": delivery_id, "status": exc.status},
    )


def answer_without_storing(
    delivery: Delivery, serves: Callable[[str | None], bool] | None
) -> Answer | None:
    """The answer to a delivery that is not stored, or None when it is to be stored.

    A ping is answered 200 `pong`; an event the worker does not act on, and an event
    about a repository `serves` says no to (None: every repository), 204.
    """
    if delivery.event == "ping":
        return Answer(200, {"msg": "pong"}, logging.INFO, "ping", (), log_fields(delivery))
    if delivery.event not in HANDLED_EVENTS:
        return Answer(
            204, None, logging.INFO, "event not handled; ignored", (), log_fields(delivery)
        )
    if serves is not None and not serves(delivery.repository):
        return Answer(
            204,
            None,
            logging.WARNING,
            "a delivery about repository %s, which this bot does not work on; ignored",
            (delivery.repository,),
            log_fields(delivery),
        )
    return None  # to be stored: `answer_stored` makes the log fields then


def answer_stored(delivery: Delivery, new: bool) -> Answer:
    """The answer once the delivery is committed: 202 when it is new, 200 when its id
    was stored before (a redelivery, queued once)."""
    return Answer(
        202 if new else 200,
        {"stored": new, "delivery": delivery.id},
        logging.INFO,
        "stored" if new else "already stored; not queued again",
        (),
        log_fields(delivery),
    )
