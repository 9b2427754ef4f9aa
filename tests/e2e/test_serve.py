"""`authorbot serve` (the app and a worker thread in one process) does the whole loop."""

from __future__ import annotations

import socket
import threading

import requests

from bot.service import serve
from bot.standins.harness import wait_until
from tests.e2e.conftest import open_verify_issue, status_comments


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_webhooks_and_works_them(make_deployment):
    dep = make_deployment(worker=False)
    port = free_port()
    stop = threading.Event()
    thread = threading.Thread(
        target=serve, kwargs={"settings": dep.settings, "port": port, "stop": stop}, daemon=True
    )
    thread.start()
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: _up(base), what="serve to listen")
        dep.github.webhook_url = f"{base}/webhook"
        number = open_verify_issue(dep)
        dep.wait_idle()
        [status] = status_comments(dep, number)
        assert "### ✅ Ready" in status["body"]
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()


def _up(base: str) -> bool:
    try:
        return requests.get(f"{base}/healthz", timeout=1).status_code == 200
    except requests.RequestException:
        return False
