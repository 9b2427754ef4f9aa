"""The webhook endpoint over real HTTP with a real inbox (SQLite and PostgreSQL): what is refused,
what is stored, and that nothing is stored for a refused request."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest
import requests
from werkzeug.serving import make_server

from bot.worker.inbox import Inbox, open_inbox
from webhooks.app import create_app
from webhooks.signature import sign

SECRET = b"s3cret"


@pytest.fixture
def endpoint(inbox_location: str) -> Iterator[tuple[str, Inbox]]:
    inbox = open_inbox(inbox_location, role="web")
    app = create_app(inbox, SECRET, max_body=64 * 1024)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", inbox
    server.shutdown()
    thread.join()
    inbox.close()


def post(
    url: str,
    body: bytes,
    event: str = "issues",
    delivery: str = "d-1",
    signature: str | None = "sign",
) -> requests.Response:
    headers = {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery,
        "Content-Type": "application/json",
    }
    if signature == "sign":
        headers["X-Hub-Signature-256"] = sign(SECRET, body)
    elif signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return requests.post(f"{url}/webhook", data=body, headers=headers, timeout=5)


PAYLOAD = json.dumps(
    {
        "action": "opened",
        "issue": {"number": 7},
        "repository": {"full_name": "o/r"},
        "installation": {"id": 9},
    }
).encode()


def test_bad_signature_is_401_and_nothing_is_stored(endpoint):
    url, inbox = endpoint
    wrong = sign(b"another secret", PAYLOAD)
    assert post(url, PAYLOAD, signature=wrong).status_code == 401
    assert post(url, PAYLOAD, signature=None).status_code == 401
    assert post(url, PAYLOAD, signature="sha256=").status_code == 401
    assert post(url, PAYLOAD + b" ", signature=sign(SECRET, PAYLOAD)).status_code == 401
    assert inbox.get("d-1") is None
    assert inbox.counts() == {}


def test_a_delivery_is_stored_once(endpoint):
    url, inbox = endpoint
    first = post(url, PAYLOAD)
    again = post(url, PAYLOAD)
    assert (first.status_code, first.json()["stored"]) == (202, True)
    assert (again.status_code, again.json()["stored"]) == (200, False)
    row = inbox.get("d-1")
    assert (row["event"], row["action"], row["issue"], row["repository"], row["installation"]) == (
        "issues",
        "opened",
        7,
        "o/r",
        9,
    )
    assert inbox.counts() == {"queued": 1}


def test_refusals_and_ping_and_other_events(endpoint):
    url, inbox = endpoint
    assert post(url, b"{not json").status_code == 400
    assert post(url, b"[1, 2]").status_code == 400
    assert post(url, b"x" * (64 * 1024 + 1)).status_code == 413
    ping = post(url, json.dumps({"zen": "Keep it simple."}).encode(), event="ping")
    assert ping.status_code == 200 and ping.json() == {"msg": "pong"}
    assert post(url, PAYLOAD, event="star", delivery="d-2").status_code == 204
    assert inbox.counts() == {}
    health = requests.get(f"{url}/healthz", timeout=5)
    assert health.status_code == 200 and health.json() == {"ok": True, "inbox": {}}


def test_the_body_is_stored_as_it_came_and_read_back_as_its_json(endpoint):
    # The inbox keeps GitHub's own bytes (spacing, key order, non-ASCII as sent), not a
    # second serialisation; the worker's job reads the same object from them.
    url, inbox = endpoint
    body = '{"action":"opened",  "issue": {"number": 7, "title": "Zoë \\u00e9"},\n "repository": {"full_name": "o/r"}}'.encode()
    assert post(url, body, delivery="raw").status_code == 202
    row = inbox.get("raw")
    assert row["payload"] == body.decode("utf-8")
    job = inbox.claim("w", 30)
    assert job is not None and job.payload == json.loads(body)


@pytest.mark.parametrize(
    "body",
    [b"\xef\xbb\xbf" + PAYLOAD, json.dumps({"issue": {"number": 7}}).encode("utf-16")],
    ids=["utf-8 with a BOM", "utf-16"],
)
def test_a_body_json_reads_but_not_as_plain_utf8_is_stored_serialised(endpoint, body):
    url, inbox = endpoint
    assert post(url, body, delivery="enc").status_code == 202
    assert json.loads(inbox.get("enc")["payload"]) == json.loads(body)
    job = inbox.claim("w", 30)
    assert job is not None and job.issue == 7


def test_the_same_body_under_other_delivery_ids_is_stored_for_each(endpoint):
    # Deduplication is by X-GitHub-Delivery only: a load client may send one signed body.
    url, inbox = endpoint
    answers = [post(url, PAYLOAD, delivery=f"same-{i}").status_code for i in range(3)]
    assert answers == [202, 202, 202]
    assert inbox.counts() == {"queued": 3}
