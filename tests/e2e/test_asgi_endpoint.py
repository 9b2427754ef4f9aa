"""The ASGI entry (`granian --interface asgi webhooks.asgi:app`) over real HTTP, with a
real granian process and a real inbox (SQLite file and PostgreSQL server): the same
answers as the Flask route, every acknowledged delivery stored before its 2xx (the
server killed with SIGKILL while deliveries are in flight), redeliveries stored once,
the other pages through the WSGI adapter, and no 2xx when the inbox cannot store."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

from benchmarks.fleet import ROOT, free_port, granian_command, serving
from bot.demo import SAMPLE_ERAS
from bot.github.gitrepo import DataClone
from bot.github.previewstore import PreviewStore
from bot.standins.datarepo import make_data_repo
from bot.worker.inbox import open_inbox
from webhooks.app import create_app
from webhooks.preview import preview_path
from webhooks.signature import sign

SECRET = b"asgi-secret"
MAX_BODY = 64 * 1024
GRANIAN = Path(sys.executable).parent / "granian"

pytestmark = pytest.mark.skipif(not GRANIAN.exists(), reason="granian is not installed")


class Granian:
    """`granian --interface asgi webhooks.asgi:app` on a free port, over `inbox`."""

    def __init__(self, state: Path, inbox: str) -> None:
        self.state = state
        self.inbox = inbox
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        state.mkdir(parents=True, exist_ok=True)
        self.log = state / "granian.log"
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "AUTHORBOT_WEBHOOK_SECRET": SECRET.decode(),
            "AUTHORBOT_STATE_DIR": str(state),
            "AUTHORBOT_INBOX": inbox,
            "AUTHORBOT_REPOSITORIES": "o/r",
            "AUTHORBOT_MAX_BODY": str(MAX_BODY),
            "AUTHORBOT_LOG_LEVEL": "INFO",
        }
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                granian_command("webhooks.asgi:app", self.port, workers=1),
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,
            )
        if not serving(self.url, self.process):
            self.stop()
            raise RuntimeError(f"granian did not start:\n{self.log.read_text()}")

    def kill(self) -> None:
        """SIGKILL to the whole server (granian's main process and its worker)."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def server(tmp_path: Path, inbox_location: str) -> Iterator[Granian]:
    granian = Granian(tmp_path / "state", inbox_location)
    yield granian
    granian.stop()


def post(
    url: str,
    body: bytes,
    *,
    event: str = "issues",
    delivery: str | None = "d-1",
    signature: str | None = "sign",
    timeout: float = 10,
) -> requests.Response:
    headers = {"Content-Type": "application/json", "X-GitHub-Event": event}
    if delivery is not None:
        headers["X-GitHub-Delivery"] = delivery
    if signature == "sign":
        headers["X-Hub-Signature-256"] = sign(SECRET, body)
    elif signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return requests.post(f"{url}/webhook", data=body, headers=headers, timeout=timeout)


def payload(number: int = 7, repo: str = "o/r", **more: object) -> bytes:
    return json.dumps(
        {
            "action": "opened",
            "issue": {"number": number},
            "repository": {"full_name": repo},
            "installation": {"id": 9},
            **more,
        }
    ).encode()


def answer(response: requests.Response) -> tuple[int, object]:
    return response.status_code, response.json() if response.content else None


def test_every_answer_is_the_flask_routes_and_only_stored_ones_are_stored(server, tmp_path):
    flask_inbox = open_inbox(tmp_path / "flask.sqlite3", role="web")
    flask_app = create_app(flask_inbox, SECRET, max_body=MAX_BODY, serves=lambda r: r == "o/r")
    flask = make_server("127.0.0.1", 0, flask_app, threaded=True)
    thread = threading.Thread(target=flask.serve_forever, daemon=True)
    thread.start()
    flask_url = f"http://127.0.0.1:{flask.server_port}"
    huge = payload(padding="x" * MAX_BODY)
    cases = [
        ("bad signature", dict(body=payload(), signature=sign(b"other", payload()))),
        ("no signature", dict(body=payload(), signature=None)),
        ("no delivery id", dict(body=payload(), delivery=None)),
        ("malformed JSON", dict(body=b"{not json")),
        ("not an object", dict(body=b"[1, 2]")),
        ("too large", dict(body=huge)),
        ("ping", dict(body=b'{"zen": "Keep it simple."}', event="ping", delivery="p-1")),
        ("unhandled event", dict(body=payload(), event="star", delivery="s-1")),
        ("another repository", dict(body=payload(repo="x/y"), delivery="x-1")),
        ("stored", dict(body=payload(), delivery="d-1")),
        ("redelivered", dict(body=payload(), delivery="d-1")),
        ("another issue", dict(body=payload(number=8), delivery="d-2", event="issue_comment")),
    ]
    try:
        for name, kwargs in cases:
            body = kwargs.pop("body")
            ours, theirs = post(server.url, body, **kwargs), post(flask_url, body, **kwargs)  # type: ignore[arg-type]
            assert answer(ours) == answer(theirs), name
            if ours.content:
                assert ours.headers["Content-Type"] == theirs.headers["Content-Type"], name
    finally:
        flask.shutdown()
        thread.join()
        flask_inbox.close()
    expected = {
        "bad signature": 401,
        "no signature": 401,
        "no delivery id": 400,
        "malformed JSON": 400,
        "not an object": 400,
        "too large": 413,
        "ping": 200,
        "unhandled event": 204,
        "another repository": 204,
        "stored": 202,
        "redelivered": 200,
        "another issue": 202,
    }
    assert [expected[name] for name, _ in cases] == list(expected.values())
    inbox = open_inbox(server.inbox)
    try:
        assert {row["id"] for row in inbox.rows()} == {"d-1", "d-2"}
        row = inbox.get("d-2")
        assert (
            row["event"],
            row["action"],
            row["repository"],
            row["issue"],
            row["installation"],
        ) == ("issue_comment", "opened", "o/r", 8, 9)
        assert json.loads(row["payload"]) == json.loads(payload(number=8))
    finally:
        inbox.close()
    # The same log lines as the Flask route, under its logger's name.
    lines = [
        json.loads(line) for line in server.log.read_text().splitlines() if line.startswith("{")
    ]
    said = {(line["logger"], line["msg"], line["delivery"]) for line in lines}
    assert ("webhooks.app", "stored", "d-1") in said
    assert ("webhooks.app", "already stored; not queued again", "d-1") in said
    assert ("webhooks.app", "ping", "p-1") in said
    assert (
        "webhooks.app",
        "refused a delivery: missing or wrong X-Hub-Signature-256",
        "d-1",
    ) in said


@contextmanager
def writes_held(location: str) -> Iterator[None]:
    """Another connection holds the inbox's write lock (as another process writing
    would): the server's commits wait until the block ends."""
    if location.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(location) as conn:
            conn.execute("LOCK TABLE deliveries IN EXCLUSIVE MODE")  # INSERTs wait
            yield
            conn.rollback()
        return
    conn = sqlite3.connect(location, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        yield
        conn.execute("ROLLBACK")
    finally:
        conn.close()


def test_every_acknowledged_delivery_survives_a_kill_in_flight(server):
    """32 senders post without pause. Then another connection holds the inbox's write
    lock, so the deliveries arriving meanwhile cannot be committed, and the server is
    killed with SIGKILL in that state. Every delivery answered 202 is in the inbox
    afterwards, stored once; the ones in flight were not acknowledged."""
    acknowledged: list[str] = []
    sent: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def sender(n: int) -> None:
        session = requests.Session()
        i = 0
        while not stop.is_set():
            delivery = f"k-{n}-{i}"
            i += 1
            with lock:
                sent.append(delivery)
            try:
                response = session.post(
                    f"{server.url}/webhook",
                    data=(body := payload(number=n)),
                    headers={
                        "X-GitHub-Event": "issues",
                        "X-GitHub-Delivery": delivery,
                        "X-Hub-Signature-256": sign(SECRET, body),
                    },
                    timeout=30,
                )
            except requests.RequestException:
                return  # the server is gone
            if response.status_code == 202:
                with lock:
                    acknowledged.append(delivery)

    with ThreadPoolExecutor(32) as pool:
        for n in range(32):
            pool.submit(sender, n)
        deadline = time.monotonic() + 30
        while len(acknowledged) < 300 and time.monotonic() < deadline:
            time.sleep(0.01)
        with writes_held(server.inbox):
            time.sleep(1.0)  # 32 deliveries arrive and wait for their commit
            server.kill()
        stop.set()
    assert len(acknowledged) >= 300
    inbox = open_inbox(server.inbox)
    try:
        stored = [row["id"] for row in inbox.rows()]
    finally:
        inbox.close()
    assert len(stored) == len(set(stored))
    assert set(acknowledged) <= set(stored)
    assert len(set(sent) - set(stored)) >= 32  # in flight when killed: neither stored nor acked


def test_32_concurrent_senders_and_redeliveries_are_all_stored_exactly_once(server):
    bodies = {f"c-{i}": payload(number=i % 5) for i in range(320)}

    def send(delivery: str) -> int:
        return post(server.url, bodies[delivery], delivery=delivery).status_code

    with ThreadPoolExecutor(32) as pool:
        first = list(pool.map(send, bodies))
        # Every delivery again, twice at once: a redelivery racing its own original.
        again = list(pool.map(send, [*bodies, *bodies]))
    assert first == [202] * len(bodies)
    assert again == [200] * (2 * len(bodies))
    inbox = open_inbox(server.inbox)
    try:
        rows = inbox.rows()
        assert sorted(row["id"] for row in rows) == sorted(bodies)
        assert inbox.counts() == {"queued": len(bodies)}
    finally:
        inbox.close()


def test_healthz_a_preview_and_other_pages_go_through_the_adapter(tmp_path):
    state = tmp_path / "state"
    repo = make_data_repo(tmp_path, SAMPLE_ERAS["yaml"])
    clone = DataClone(tmp_path / "clone", str(repo))
    clone.sync("main")
    head = clone.git("rev-parse", "HEAD")
    PreviewStore(state / "previews").record("authorbot/issue-3", head, clone.path / ".git")
    server = Granian(state, str(state / "inbox.sqlite3"))
    try:
        health = requests.get(f"{server.url}/healthz", timeout=10)
        assert (health.status_code, health.json()) == (200, {"ok": True, "inbox": {}})
        page = requests.get(
            server.url + preview_path("authorbot/issue-3", "wei-wang/unverified"), timeout=30
        )
        assert page.status_code == 200
        assert page.headers["X-Authorbot-Preview-Commit"] == head
        assert "/preview/authorbot/issue-3/static/authorpages/" in page.text
        assert requests.get(f"{server.url}/webhook", timeout=10).status_code == 405
        assert requests.get(f"{server.url}/nothing-here", timeout=10).status_code == 404
    finally:
        server.stop()


def test_no_2xx_when_the_inbox_cannot_store(tmp_path, needs_postgres):
    """The PostgreSQL server stops under a running web server: a delivery is answered
    5xx (after the inbox's retries), never 2xx, and healthz says the inbox is broken."""
    from benchmarks.pgserver import PostgresServer

    database = PostgresServer(fsync=False).start()
    server = Granian(tmp_path / "state", database.url)
    try:
        assert post(server.url, payload(), delivery="before").status_code == 202
        database.stop()
        started = time.monotonic()
        response = post(server.url, payload(), delivery="after", timeout=60)
        assert response.status_code == 500, response.text
        assert response.json() == {"error": "the delivery could not be stored"}
        assert time.monotonic() - started < 30
        assert requests.get(f"{server.url}/healthz", timeout=60).status_code == 503
        assert "could not store the delivery" in server.log.read_text()
    finally:
        server.stop()
        database.stop()
