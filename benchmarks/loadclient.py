"""The load client: sends signed webhook deliveries to a server, N at a time, from its
own process (so the server's and the client's work do not share a Python interpreter).

    python -m benchmarks.loadclient DELIVERIES.jsonl RESULTS.json --url URL
        [--concurrency 32] [--retry-seconds 0]

DELIVERIES.jsonl holds one `{"id", "event", "body", "kind"}` per line (see
`traffic.Traffic.write`); the secret comes from `AUTHORBOT_WEBHOOK_SECRET`. RESULTS.json
gets, per delivery in order, `[id, kind, status, milliseconds, tries]`, the wall time
and the client's own CPU seconds.
With `--retry-seconds S` a delivery that got no answer (the server was down) or a 5xx
is sent again, with the same id, until it is answered or S seconds passed: what a
sender that wants every delivery accepted does (status 0: never answered).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
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


def main(argv: list[str] | None = None) -> int:
    """Send every delivery of the file; write the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("deliveries", type=Path)
    parser.add_argument("results", type=Path)
    parser.add_argument("--url", required=True)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--retry-seconds", type=float, default=0.0)
    args = parser.parse_args(argv)
    secret = os.environ.get("AUTHORBOT_WEBHOOK_SECRET", "").encode("utf-8")
    rows = [json.loads(line) for line in args.deliveries.read_text("utf-8").splitlines()]
    started = time.perf_counter()
    cpu_started = time.process_time()
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
