"""Ack latency of the webhook endpoint: signed deliveries over loopback HTTP to the real
app with a real SQLite inbox (WAL, synchronous=FULL), one after another.

    .venv/bin/python benchmarks/webhook_ack.py [--n 2000] [--server werkzeug|gunicorn]

It prints the median, p90, p99 and max time from sending a delivery to receiving the
2xx, in milliseconds. Each delivery has its own id, so each one is stored (a durable
commit per request, the cost that matters). Bounded: N requests to 127.0.0.1, then stop.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.fleet import ROOT, free_port, gunicorn_command, serving  # noqa: E402
from bot.worker.inbox import open_inbox  # noqa: E402
from webhooks.app import create_app  # noqa: E402
from webhooks.signature import sign  # noqa: E402

SECRET = b"benchmark-secret"


def payload(i: int) -> bytes:
    """An `issues.opened` delivery of realistic size (~6 KB, like GitHub's)."""
    return json.dumps(
        {
            "action": "opened",
            "issue": {
                "number": i,
                "title": "Author Page: someone/unverified",
                "body": "### Author Pages in the Anthology\n\n" + "x" * 4000,
                "labels": [{"name": "correction"}, {"name": "author-page"}],
                "user": {"login": "someone", "type": "User"},
            },
            "repository": {
                "full_name": "acl-org/acl-anthology",
                "default_branch": "master",
                "description": "y" * 1000,
            },
            "sender": {"login": "someone", "type": "User"},
            "installation": {"id": 1},
        }
    ).encode("utf-8")


def start_werkzeug(inbox_path: Path) -> tuple[str, object]:
    """The app under werkzeug's threaded server (what `authorbot serve` runs)."""
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = create_app(open_inbox(inbox_path), SECRET)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/webhook", server.shutdown


def start_gunicorn(state_dir: Path) -> tuple[str, object]:
    """The app under gunicorn, 2 sync workers (the documented deployment)."""
    port = free_port()
    env = {
        **os.environ,
        "AUTHORBOT_WEBHOOK_SECRET": SECRET.decode(),
        "AUTHORBOT_STATE_DIR": str(state_dir),
        "GITHUB_TOKEN": "unused",
    }
    proc = subprocess.Popen(
        gunicorn_command("webhooks.wsgi:app", port, workers=2, threads=1),
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # its JSON logs, one a request
    )
    url = f"http://127.0.0.1:{port}"
    if not serving(url, proc, timeout=20):
        proc.terminate()
        raise SystemExit("gunicorn did not start")
    return f"{url}/webhook", proc.terminate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--server", choices=["werkzeug", "gunicorn"], default="werkzeug")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp)
        if args.server == "werkzeug":
            url, stop = start_werkzeug(state / "inbox.sqlite3")
        else:
            url, stop = start_gunicorn(state)
        session = requests.Session()
        bodies = [payload(i) for i in range(args.n)]
        times: list[float] = []
        try:
            for i, body in enumerate(bodies):
                headers = {
                    "X-GitHub-Event": "issues",
                    "X-GitHub-Delivery": f"bench-{i}",
                    "X-Hub-Signature-256": sign(SECRET, body),
                    "Content-Type": "application/json",
                }
                start = time.perf_counter()
                resp = session.post(url, data=body, headers=headers, timeout=10)
                times.append((time.perf_counter() - start) * 1000)
                if resp.status_code != 202:
                    print(f"unexpected status {resp.status_code}", file=sys.stderr)
                    return 1
        finally:
            stop()
        stored = open_inbox(state / "inbox.sqlite3").counts().get("queued", 0)
    times.sort()
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))]  # noqa: E731
    print(f"server={args.server} n={args.n} body={len(bodies[0])} B stored={stored}")
    print(
        f"ack latency ms: median {statistics.median(times):.2f}  p90 {p(0.90):.2f}  "
        f"p99 {p(0.99):.2f}  max {times[-1]:.2f}"
    )
    return 0 if stored == args.n else 1


if __name__ == "__main__":
    sys.exit(main())
