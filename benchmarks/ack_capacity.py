"""The webhook endpoint alone: what one machine's web server acknowledges under N
concurrent senders that never pause, with a cheap client and no worker beside it.

    .venv/bin/python benchmarks/ack_capacity.py [--seconds 5] [--concurrency 32]
        [--only WORD ...]

`benchmarks/load_bench.py` measures the whole bot under load (client, server, worker
and the GitHub stand-in share the cores). This one asks what the server side costs
by itself: `wrk` (C, from Debian's `wrk` package; a Lua script,
`benchmarks/wrk_deliveries.lua`, gives every request its own `X-GitHub-Delivery` and
the same signed 4 KB `issue_comment` body: deduplication is by id, so each is stored)
keeps N requests in flight for the given seconds against each setup below, over a
fresh SQLite inbox (WAL, synchronous=FULL: every 2xx after its commit's fsync).

Setups: today's deployment (gunicorn 1 process x 32 gthread threads, docs/BOT.md),
gunicorn with two processes, granian (if installed: HTTP in Rust, the Flask app in
its blocking threads), granian's ASGI interface on `webhooks.asgi:app` (the webhook
route on the event loop, rows committed in groups by one committer thread; and, to
compare, each row stored by `inbox.put` in a pool thread), and the floors: the same
servers with a Flask route that only reads the body and answers 204, and with a bare
WSGI function (no Flask).

Figures per setup: deliveries per second, ack latency p50 / p99 / max (wrk's), the
server's CPU ms per delivery (user + system of its processes, from /proc) and the
answers; for the webhook, that the inbox holds every acknowledged delivery (at most N
more: those in flight when wrk stopped). Exit 1 if a check fails. By Little's law a
closed loop of N senders has mean latency N / throughput: an ack p99 of 20 ms at 32
senders needs well over 1,600 deliveries per second.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.fleet import (  # noqa: E402
    ROOT,
    free_port,
    granian_command,
    gunicorn_command,
    serving,
    session_cpu_seconds,
)
from bot.worker.inbox import SqliteInbox  # noqa: E402

SECRET = "ack-capacity-secret"
BIN = Path(sys.executable).parent


def _gunicorn(app: str, workers: int, threads: int) -> list[str]:
    return gunicorn_command(app, "{port}", workers, threads)


def _granian(app: str, workers: int, threads: int | None = None) -> list[str]:
    return granian_command(app, "{port}", workers, threads)


WEBHOOK = "webhooks.wsgi:app"
ASGI_WEBHOOK = "webhooks.asgi:app"
ASGI_EXECUTOR = "benchmarks.asgi_variants:executor_app"
FLASK_FLOOR = "benchmarks.floorapp:flask_app"
BARE_FLOOR = "benchmarks.floorapp:raw_app"

# (name, command, stores deliveries)
SETUPS: list[tuple[str, list[str], bool]] = [
    ("webhook, gunicorn 1 x gthread 32 (docs/BOT.md)", _gunicorn(WEBHOOK, 1, 32), True),
    ("webhook, gunicorn 2 x gthread 16", _gunicorn(WEBHOOK, 2, 16), True),
    ("webhook, granian 1 x 32", _granian(WEBHOOK, 1, 32), True),
    ("webhook, granian 2 x 16", _granian(WEBHOOK, 2, 16), True),
    ("webhook, granian ASGI 1 worker (webhooks.asgi:app)", _granian(ASGI_WEBHOOK, 1), True),
    ("webhook, granian ASGI 2 workers (webhooks.asgi:app)", _granian(ASGI_WEBHOOK, 2), True),
    (
        "webhook, granian ASGI 1 worker, run_in_executor(inbox.put) instead of the committer",
        _granian(ASGI_EXECUTOR, 1),
        True,
    ),
    (
        "floor: Flask route reads the body, 204; gunicorn 1 x gthread 32",
        _gunicorn(FLASK_FLOOR, 1, 32),
        False,
    ),
    ("floor: Flask route reads the body, 204; granian 1 x 32", _granian(FLASK_FLOOR, 1, 32), False),
    ("floor: Flask route reads the body, 204; granian 1 x 1", _granian(FLASK_FLOOR, 1, 1), False),
    ("floor: bare WSGI, 204; gunicorn 1 x gthread 32", _gunicorn(BARE_FLOOR, 1, 32), False),
    ("floor: bare WSGI, 204; granian 1 x 1", _granian(BARE_FLOOR, 1, 1), False),
]


def delivery_body() -> bytes:
    """A signed `issue_comment.created` body of the size GitHub sends (about 4 KB)."""
    user = {
        "login": "someone",
        "id": 1234567,
        "node_id": "U_kgDOAbCdEf",
        "avatar_url": "https://avatars.githubusercontent.com/u/1234567?v=4",
        "html_url": "https://github.com/someone",
        "type": "User",
        "site_admin": False,
    }
    repo = {
        "id": 123456,
        "node_id": "R_kgDOAbCdEf",
        "name": "acl-anthology",
        "full_name": "acl-org/acl-anthology",
        "private": False,
        "owner": {**user, "login": "acl-org", "type": "Organization"},
        "html_url": "https://github.com/acl-org/acl-anthology",
        "description": "Data and software for building the ACL Anthology.",
        "default_branch": "master",
    }
    issue = {
        "number": 4242,
        "title": "Author Page: Jane Q. Doe",
        "user": user,
        "labels": [{"name": "correction"}, {"name": "author-page"}],
        "state": "open",
        "comments": 3,
        "body": "### Author ORCID\n\n0000-0002-1825-0097\n\n### Author name\n\nJane Q. Doe\n"
        + "Details about the papers listed on the page. " * 20,
        "html_url": "https://github.com/acl-org/acl-anthology/issues/4242",
    }
    comment = {
        "id": 987654321,
        "user": user,
        "body": "Thanks! This is the right page. " * 10,
        "created_at": "2026-11-29T12:00:00Z",
        "html_url": "https://github.com/acl-org/acl-anthology/issues/4242#issuecomment-987654321",
    }
    payload = {
        "action": "created",
        "issue": issue,
        "comment": comment,
        "repository": repo,
        "sender": user,
        "installation": {"id": 55555, "node_id": "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNTU1NTU="},
    }
    return json.dumps(payload, indent=1).encode("utf-8")


def run_setup(
    name: str, command: list[str], stores: bool, body_file: Path, seconds: float, concurrency: int
) -> dict[str, Any]:
    """Start one setup over a fresh state folder, keep `concurrency` requests in flight
    for `seconds`, and return its figures and problems."""
    state = Path(tempfile.mkdtemp(prefix="authorbot-ack-"))
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "AUTHORBOT_WEBHOOK_SECRET": SECRET,
        "AUTHORBOT_STATE_DIR": str(state),
        "AUTHORBOT_REPOSITORIES": "*",
        "AUTHORBOT_LOG_LEVEL": "INFO",
    }
    log = open(state / "server.log", "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [part.replace("{port}", str(port)) for part in command],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )
    problems: list[str] = []
    try:
        if not serving(f"http://127.0.0.1:{port}", server):
            raise RuntimeError(f"{name}: the server did not start (see {state})")
        body = body_file.read_bytes()
        signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        cpu_before = session_cpu_seconds(server.pid)
        out = subprocess.run(
            [
                "wrk",
                "-t",
                "1",
                "-c",
                str(concurrency),
                "-d",
                f"{seconds:g}s",
                "-s",
                str(ROOT / "benchmarks" / "wrk_deliveries.lua"),
                f"http://127.0.0.1:{port}/webhook",
            ],
            env={
                **os.environ,
                "WRK_BODY": str(body_file),
                "WRK_SIG": signature,
                "WRK_PREFIX": f"cap-{port}",
            },
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        ).stdout
        cpu = session_cpu_seconds(server.pid) - cpu_before
    finally:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
    statuses = {int(s): int(n) for s, n in re.findall(r"^status (\d+) (\d+)$", out, re.M)}
    latency = {
        p: float(v) for p, v in re.findall(r"^latency (p[\d.]+|max) ([\d.]+) ms$", out, re.M)
    }
    done = int(re.search(r"^requests (\d+) in", out, re.M).group(1))  # type: ignore[union-attr]
    rate = float(re.search(r": ([\d.]+)/s$", out, re.M).group(1))  # type: ignore[union-attr]
    figures: dict[str, Any] = {
        "deliveries per second": rate,
        "ack p50 / p99 / max ms": (latency["p50"], latency["p99"], latency["max"]),
        "server CPU ms per delivery": cpu * 1000 / max(done, 1),
        "answers": statuses,
    }
    want = 202 if stores else 204
    if set(statuses) != {want}:
        problems.append(f"{name}: answers {statuses}, want only {want}")
    if stores:
        inbox = SqliteInbox(state / "inbox.sqlite3")
        stored = sum(inbox.counts().values())
        integrity = inbox.check()
        inbox.close()
        figures["stored"] = stored
        # Every 202 was committed before it went out; at most `concurrency` more were
        # stored and not yet answered when wrk stopped.
        if not statuses.get(202, 0) <= stored <= statuses.get(202, 0) + concurrency:
            problems.append(f"{name}: {statuses.get(202, 0)} acknowledged, {stored} stored")
        if integrity != "ok":
            problems.append(f"{name}: integrity check: {integrity}")
    shutil.rmtree(state, ignore_errors=True)
    figures["problems"] = problems
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--only", nargs="*", default=None, help="setups whose name has a word")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("needs wrk (Debian: apt-get install wrk)", file=sys.stderr)
        return 2
    have_granian = (BIN / "granian").exists()
    with tempfile.TemporaryDirectory() as tmp:
        body_file = Path(tmp) / "body.json"
        body_file.write_bytes(delivery_body())
        print(
            f"load average before: {os.getloadavg()[0]:.2f}; {os.cpu_count()} cores; "
            f"{args.concurrency} senders (wrk), {args.seconds:g} s each, "
            f"{body_file.stat().st_size} byte body"
        )
        print()
        print(
            "| setup | deliveries/s | ack p50 / p99 / max ms | server CPU ms per delivery"
            " | answers | stored |"
        )
        print("| --- | --- | --- | --- | --- | --- |")
        problems: list[str] = []
        for name, command, stores in SETUPS:
            if args.only and not any(word in name for word in args.only):
                continue
            if "granian" in command[0] and not have_granian:
                print(f"| {name} | (granian is not installed) | | | | |")
                continue
            f = run_setup(name, command, stores, body_file, args.seconds, args.concurrency)
            p50, p99, top = f["ack p50 / p99 / max ms"]
            print(
                f"| {name} | {f['deliveries per second']:.0f} | {p50:.1f} / {p99:.1f} / "
                f"{top:.1f} | {f['server CPU ms per delivery']:.3f} | {f['answers']} | "
                f"{f.get('stored', '')} |",
                flush=True,
            )
            problems += f["problems"]
        print(f"\nload average after: {os.getloadavg()[0]:.2f}")
    for problem in problems:
        print(f"- {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
