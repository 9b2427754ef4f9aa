"""Log lines name a delivery's event as `event.action`, or the event alone when GitHub
sends no action (a ping): never `ping.None`. Real structured logs (setup_logging) from
the real endpoint over HTTP and a real runner over a SQLite inbox."""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator

import pytest
import requests
from werkzeug.serving import make_server

from bot.worker.inbox import open_inbox
from bot.worker.logs import setup_logging
from bot.worker.router import Router
from bot.worker.runner import Runner
from webhooks.app import create_app
from webhooks.signature import sign

SECRET = b"s3cret"


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """The JSON log lines of `bot` and `webhooks` while the test runs."""
    loggers = [logging.getLogger(name) for name in ("bot", "webhooks")]
    saved = [(lg.handlers[:], lg.level, lg.propagate) for lg in loggers]
    stream = io.StringIO()
    setup_logging("INFO", stream)
    yield stream
    for lg, (handlers, level, propagate) in zip(loggers, saved, strict=True):
        lg.handlers[:], lg.level, lg.propagate = handlers, level, propagate


def events(stream: io.StringIO) -> list[tuple[str, str | None]]:
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    return [(line["msg"], line["event"]) for line in lines]


def test_a_ping_is_logged_as_ping(tmp_path, log_lines):
    app = create_app(open_inbox(tmp_path / "inbox.sqlite3"), SECRET)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        body = json.dumps({"zen": "Keep it simple.", "hook_id": 1}).encode()
        headers = {
            "X-GitHub-Event": "ping",
            "X-GitHub-Delivery": "d-ping",
            "X-Hub-Signature-256": sign(SECRET, body),
            "Content-Type": "application/json",
        }
        r = requests.post(
            f"http://127.0.0.1:{server.server_port}/webhook", data=body, headers=headers, timeout=5
        )
        assert r.status_code == 200
    finally:
        server.shutdown()
        thread.join()
    assert ("ping", "ping") in events(log_lines)


def test_a_job_without_an_action_is_logged_by_its_event(tmp_path, log_lines):
    inbox = open_inbox(tmp_path / "inbox.sqlite3")
    inbox.put("d-1", "installation_target", {}, action=None)
    inbox.put("d-2", "issues", {}, action="opened")
    runner = Runner(inbox, Router(), lambda job: None, lease_seconds=30)
    assert runner.run_once() and runner.run_once()
    done = [event for msg, event in events(log_lines) if msg == "done"]
    assert done == ["installation_target", "issues.opened"]
