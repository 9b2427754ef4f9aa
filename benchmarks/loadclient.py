"""The load client: sends signed webhook deliveries to a server, N at a time, from its
own process (so the server's and the client's work do not share a Python interpreter).

    python -m benchmarks.loadclient DELIVERIES.jsonl RESULTS.json --url URL
        [--concurrency 32] [--retry-seconds 0] [--engine threads|events]

DELIVERIES.jsonl holds one `{"id", "event", "body", "kind"}` per line (see
`traffic.Traffic.write`); the secret comes from `AUTHORBOT_WEBHOOK_SECRET`. RESULTS.json
gets, per delivery in order, `[id, kind, status, milliseconds, tries]`, the wall time
and the client's own CPU seconds.
With `--retry-seconds S` a delivery that got no answer (the server was down) or a 5xx
is sent again, with the same id, until it is answered or S seconds passed: what a
sender that wants every delivery accepted does (status 0: never answered).

`--engine threads` (the default) is N threads of http.client. `--engine events` is one
thread keeping N keep-alive connections busy with `selectors`, every request's bytes
(signature included) made before the clock starts: the same requests at about a tenth
of the client's CPU, so that on a small machine the client takes less of the cores the
server needs. It does not retry (`--retry-seconds` is for the threads engine).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import selectors
import socket
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from webhooks.signature import sign

_local = threading.local()


def _connection(url: str) -> http.client.HTTPConnection:
    """This thread's keep-alive connection to the server (plain http.client: the
    client's own time per request must stay small beside the server's)."""
    conn = getattr(_local, "conn", None)
    if conn is None:
        parts = urllib.parse.urlsplit(url)
        conn = _local.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    return conn  # type: ignore[no-any-return]


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST once; the status, or 0 when the server did not answer."""
    path = urllib.parse.urlsplit(url).path
    for fresh in (False, True):  # a kept-alive connection the server closed: once more
        conn = _connection(url)
        try:
            conn.request("POST", path, body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
            if resp.will_close:
                conn.close()
                _local.conn = None
            return resp.status
        except (OSError, http.client.HTTPException):
            conn.close()
            _local.conn = None
            if fresh:
                return 0
    return 0


def send_one(
    url: str, secret: bytes, row: dict[str, Any], retry_seconds: float
) -> tuple[int, float, int]:
    """POST one delivery; returns (status, milliseconds of the answered attempt, tries)."""
    body = row["body"].encode("utf-8")
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "GitHub-Hookshot/loadclient",
        "X-GitHub-Event": row["event"],
        "X-GitHub-Delivery": row["id"],
        "X-Hub-Signature-256": sign(secret, body),
    }
    deadline = time.monotonic() + retry_seconds
    tries = 0
    while True:
        tries += 1
        started = time.perf_counter()
        status = _post(url, body, headers)
        elapsed = (time.perf_counter() - started) * 1000
        if (status != 0 and status < 500) or time.monotonic() >= deadline:
            return status, elapsed, tries
        time.sleep(0.1)


def _request_bytes(url: str, secret: bytes, row: dict[str, Any]) -> bytes:
    """One delivery as the bytes of an HTTP/1.1 request (keep-alive)."""
    parts = urllib.parse.urlsplit(url)
    body = row["body"].encode("utf-8")
    head = (
        f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        "Content-Type: application/json\r\nUser-Agent: GitHub-Hookshot/loadclient\r\n"
        f"X-GitHub-Event: {row['event']}\r\nX-GitHub-Delivery: {row['id']}\r\n"
        f"X-Hub-Signature-256: {sign(secret, body)}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


class _Conn:
    """One keep-alive connection of the events engine and the request it waits for."""

    def __init__(self, address: tuple[str, int]) -> None:
        self.sock = socket.create_connection(address, timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setblocking(False)
        self.index = -1
        self.started = 0.0
        self.buffer = b""

    def answer(self) -> tuple[int, bool] | None:
        """(status, the server closes) once the whole answer is in, else None."""
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = self.buffer[:end].decode("latin-1").split("\r\n")
        fields = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in head[1:])}
        status = int(head[0].split()[1])
        length = 0 if status in (204, 304) else int(fields.get("content-length", "0"))
        if len(self.buffer) < end + 4 + length:
            return None
        self.buffer = self.buffer[end + 4 + length :]
        return status, fields.get("connection", "").lower() == "close"


def send_events(url: str, requests_: list[bytes], concurrency: int) -> list[tuple[int, float, int]]:
    """Send every request, `concurrency` at a time, from this one thread; returns
    (status, milliseconds, 1) for each (status 0: the connection failed)."""
    parts = urllib.parse.urlsplit(url)
    address = (parts.hostname or "127.0.0.1", parts.port or 80)
    answers: list[tuple[int, float, int]] = [(0, 0.0, 1)] * len(requests_)
    selector = selectors.DefaultSelector()
    waiting = iter(range(len(requests_)))

    def start(conn: _Conn) -> bool:
        index = next(waiting, None)
        if index is None:
            return False
        conn.index, conn.started = index, time.perf_counter()
        conn.sock.sendall(requests_[index])  # small: fits the socket's buffer
        selector.register(conn.sock, selectors.EVENT_READ, conn)
        return True

    busy = sum(start(_Conn(address)) for _ in range(min(concurrency, len(requests_))))
    while busy:
        for key, _ in selector.select(timeout=30):
            conn = key.data
            try:
                chunk = conn.sock.recv(65536)
            except OSError:
                chunk = b""
            conn.buffer += chunk
            got = conn.answer() if chunk else (0, True)
            if got is None:
                continue
            status, closes = got
            answers[conn.index] = (status, (time.perf_counter() - conn.started) * 1000, 1)
            selector.unregister(conn.sock)
            if closes:
                conn.sock.close()
                conn = _Conn(address)
            if not start(conn):
                conn.sock.close()
                busy -= 1
    return answers


def main(argv: list[str] | None = None) -> int:
    """Send every delivery of the file; write the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("deliveries", type=Path)
    parser.add_argument("results", type=Path)
    parser.add_argument("--url", required=True)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--retry-seconds", type=float, default=0.0)
    parser.add_argument("--engine", choices=["threads", "events"], default="threads")
    args = parser.parse_args(argv)
    secret = os.environ.get("AUTHORBOT_WEBHOOK_SECRET", "").encode("utf-8")
    rows = [json.loads(line) for line in args.deliveries.read_text("utf-8").splitlines()]
    prepared = (
        [_request_bytes(args.url, secret, row) for row in rows] if args.engine == "events" else []
    )
    started = time.perf_counter()
    cpu_started = time.process_time()
    if args.engine == "events":
        answers = send_events(args.url, prepared, args.concurrency)
    else:
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            answers = list(
                pool.map(lambda row: send_one(args.url, secret, row, args.retry_seconds), rows)
            )
    wall = time.perf_counter() - started
    results = {
        "wall_seconds": wall,
        # This process's own CPU while sending (its threads, its HMACs): the server and
        # the client share the machine's cores.
        "cpu_seconds": time.process_time() - cpu_started,
        "results": [
            [row["id"], row["kind"], status, ms, tries]
            for row, (status, ms, tries) in zip(rows, answers, strict=True)
        ],
    }
    args.results.write_text(json.dumps(results), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
