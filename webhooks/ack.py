"""The webhook route on an event loop (ASGI), for an operator who needs the ack fast.

`WebhookAck` answers `POST /webhook` itself, on the event loop, with the same answers
and log lines as the Flask route (`webhooks/app.py`; the decision is
`webhooks/delivery.py`'s): it reads the body (refusing one larger than `max_body` with
413 before reading it all), verifies it, and awaits the commit of its row before the
2xx goes out. Every other request (`/healthz`, the `/people` pages, previews) goes to
the Flask app through a WSGI-to-ASGI adapter (a2wsgi).

Storing never blocks the loop: `Committer` hands the rows to one thread, which commits
everything queued since its last commit in one transaction (`Inbox.put_many`: one
fsync for all of them) and then wakes each waiting request. Under 32 concurrent
senders a commit holds a dozen rows or more, where a blocking route paid an fsync (or a
convoy of threads on the GIL) per delivery (benchmarks/ack_capacity.py, docs/BOT.md).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Protocol

from bot.settings import Settings
from bot.worker.inbox import Inbox, NewDelivery, open_inbox
from bot.worker.job import Clock
from webhooks.delivery import (
    Answer,
    Delivery,
    DeliveryRejected,
    answer_rejected,
    answer_stored,
    answer_without_storing,
    log_fields,
    read_delivery,
)

# The Flask route's logger: the same lines under the same name, whichever server runs.
log = logging.getLogger("webhooks.app")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class Store(Protocol):
    """How the route stores a row: `put` returns once it is committed (True: new)."""

    async def put(self, row: NewDelivery) -> bool:
        """Store one delivery durably; False when its id was stored before."""
        ...

    def close(self) -> None:
        """Commit what is queued and stop."""
        ...


class Committer:
    """Group commit for coroutines: `await put(row)` returns once the row is committed.

    One thread (started on the first `put`) takes every row queued since its last
    commit and stores them with one `inbox.put_many` (one transaction); then it wakes
    each waiting coroutine on its own loop (`call_soon_threadsafe`, once per loop and
    commit). An error of the commit reaches every row of it, none of which is stored.

    Parameters:
        inbox: the inbox (either backend).
        clock: stamps a row's arrival (`received_at`, the order of claims) when it is
            queued, not when it is committed.
    """

    def __init__(self, inbox: Inbox, clock: Clock = time.time) -> None:
        self._inbox = inbox
        self._clock = clock
        self._cond = threading.Condition()
        self._queue: list[tuple[NewDelivery, asyncio.Future[bool]]] = []
        self._closed = False
        self._thread: threading.Thread | None = None
        self.commits = 0  # how many transactions, for the benchmarks and tests
        self.rows = 0

    async def put(self, row: NewDelivery) -> bool:
        """Queue `row` for the next commit and wait for it.

        Raises:
            RuntimeError: the committer is closed.
            Exception: whatever the inbox raised for the commit that held the row.
        """
        if row.received_at is None:
            row = dataclasses.replace(row, received_at=self._clock())
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        with self._cond:
            if self._closed:
                raise RuntimeError("the committer is closed")
            self._queue.append((row, future))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="inbox-committer", daemon=True
                )
                self._thread.start()
            self._cond.notify()
        return await future

    def close(self) -> None:
        """Commit what is queued, then stop the thread (a `put` after this raises)."""
        with self._cond:
            self._closed = True
            self._cond.notify()
            thread = self._thread
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._closed:
                    self._cond.wait()
                if not self._queue:
                    return
                batch, self._queue = self._queue, []
            try:
                news = self._inbox.put_many([row for row, _ in batch])
            except Exception as exc:  # nothing of the batch is stored: each caller hears so
                results: list[bool | BaseException] = [exc] * len(batch)
            else:
                results = list(news)
                self.commits += 1
                self.rows += len(batch)
            by_loop: dict[asyncio.AbstractEventLoop, list[Any]] = {}
            for (_, future), result in zip(batch, results, strict=True):
                by_loop.setdefault(future.get_loop(), []).append((future, result))
            for loop, settled in by_loop.items():
                try:
                    loop.call_soon_threadsafe(_settle, settled)
                except RuntimeError:  # that loop is closed: nobody waits any more
                    pass


def _settle(settled: list[tuple[asyncio.Future[bool], bool | BaseException]]) -> None:
    """On the waiters' loop: give each its result (a request gone meanwhile is skipped)."""
    for future, result in settled:
        if future.done():
            continue
        if isinstance(result, BaseException):
            future.set_exception(result)
        else:
            future.set_result(result)


class WebhookAck:
    """The ASGI app: the webhook route on the loop, everything else to `fallback`.

    Parameters:
        fallback: the ASGI app for every other request (the Flask app, adapted).
        store: where deliveries are committed (a `Committer` over the inbox).
        secret: the webhook secret.
        max_body: larger bodies are refused with 413 before they are read whole.
        path: the webhook URL path.
        serves: True for the repositories the bot works on (None: any).
    """

    def __init__(
        self,
        fallback: ASGIApp,
        store: Store,
        secret: bytes,
        *,
        max_body: int,
        path: str = "/webhook",
        serves: Callable[[str | None], bool] | None = None,
    ) -> None:
        self.fallback = fallback
        self.store = store
        self.secret = secret
        self.max_body = max_body
        self.path = path
        self.serves = serves

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http" and scope["path"] == self.path and scope["method"] == "POST":
            await self._webhook(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)
        else:
            await self.fallback(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        # The Flask app has nothing to start or stop; the store commits what is queued.
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await asyncio.get_running_loop().run_in_executor(None, self.store.close)
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _webhook(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = {
            name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]
        }
        try:
            body = await self._read_body(headers, receive)
        except _Disconnected:
            return  # nobody to answer; nothing stored
        if body is None:  # as Flask's MAX_CONTENT_LENGTH answers (webhooks/app.py)
            await _send_json(send, 413, {"error": "payload too large"})
            return
        try:
            delivery = read_delivery(headers, body, self.secret, self.max_body)
        except DeliveryRejected as exc:
            answer = answer_rejected(exc, headers.get("x-github-delivery"))
        else:
            answer = answer_without_storing(delivery, self.serves) or await self._store(delivery)
        log.log(answer.level, answer.message, *answer.args, extra=answer.log_fields)
        await _send_json(send, answer.status, answer.body)

    async def _read_body(self, headers: dict[str, str], receive: Receive) -> bytes | None:
        """The whole body, or None when it is larger than `max_body` (by its
        Content-Length, or once more than that has come; the rest is not read).

        Raises:
            _Disconnected: the client went away first.
        """
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body:
            return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Disconnected
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _store(self, delivery: Delivery) -> Answer:
        try:
            new = await self.store.put(delivery.row())
        except Exception as exc:
            # Never a 2xx for a delivery that is not stored: GitHub shows the failure,
            # and a redelivery is stored once the inbox is back.
            return Answer(
                500,
                {"error": "the delivery could not be stored"},
                logging.ERROR,
                "could not store the delivery: %s",
                (exc,),
                log_fields(delivery),
            )
        return answer_stored(delivery, new)


class _Disconnected(Exception):
    """The client went away before its whole body came."""


async def _send_json(send: Send, status: int, body: dict[str, Any] | None) -> None:
    data = b"" if body is None else json.dumps(body, separators=(",", ":")).encode() + b"\n"
    headers = [(b"content-length", str(len(data)).encode("ascii"))]
    if body is not None:
        headers.append((b"content-type", b"application/json"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


def asgi_app(settings: Settings, make_store: Callable[[Inbox], Store] = Committer) -> WebhookAck:
    """The ASGI app of a deployment (`webhooks/asgi.py`): the settings' inbox, opened
    once and shared by the webhook route and the Flask app (`bot.service.build_app`).

    Raises:
        SystemExit: no webhook secret is set (the server would accept nothing).
    """
    from a2wsgi import WSGIMiddleware

    from bot.service import build_app

    inbox = open_inbox(settings.inbox_location, role="web", background_checkpoint=True)
    # a2wsgi's types of a WSGI and an ASGI app are narrower than Flask's and ours.
    flask: Any = build_app(settings, inbox=inbox)
    adapted: Any = WSGIMiddleware(flask)
    return WebhookAck(
        adapted,
        make_store(inbox),
        settings.webhook_secret,
        max_body=settings.max_body,
        serves=settings.serves,
    )
