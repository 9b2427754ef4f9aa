"""Hostile deliveries against the whole bot on loopback: forged, replayed, truncated and
oversized requests, a repository the bot does not work on, commands from people and
bots that may not give them, and comments edited into commands.

What is already covered elsewhere is not repeated: a bad signature at the endpoint
(tests/e2e/test_webhook_endpoint.py), an approval by a non-collaborator and a delivery
sent twice before it was worked (tests/e2e/test_bot_loop.py).
"""

from __future__ import annotations

import json
import socket
import uuid
from urllib.parse import urlsplit

import requests

from bot.settings import Settings
from bot.standins.harness import SECRET
from tests.e2e.conftest import (
    MAINTAINER,
    bot_comments,
    open_verify_issue,
    status_comments,
)
from webhooks.signature import sign

PULLS = r"/repos/acl-org/acl-anthology/pulls"


def post(url: str, body: bytes, event: str = "issue_comment", **headers: str) -> requests.Response:
    """POST a delivery signed with the deployment's secret unless a header says otherwise."""
    sent = {
        "Content-Type": "application/json",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": headers.pop("delivery", str(uuid.uuid4())),
        "X-Hub-Signature-256": headers.pop("signature", sign(SECRET, body)),
        **headers,
    }
    return requests.post(url, data=body, headers=sent, timeout=10)


def approval_payload(dep, number: int, comment: dict, **changes) -> dict:
    """An `issue_comment.created` body for `comment`, as the stand-in would send it."""
    payload = {
        "action": "created",
        "issue": dict(dep.github.state.issues[number]),
        "comment": comment,
        "repository": dep.github.repo_json(),
        "sender": dep.github.user_json(comment["user"]["login"]),
        "installation": {"id": dep.github.installation_id},
    }
    payload.update(changes)
    return payload


def quiet_comment(dep, number: int, user: str, body: str) -> dict:
    """A comment that exists on GitHub but whose webhook is not sent (the test sends
    its own, hostile version)."""
    url, dep.github.webhook_url = dep.github.webhook_url, None
    try:
        return dep.github.comment(number, user, body)
    finally:
        dep.github.webhook_url = url


def test_a_forged_approval_is_refused_and_does_nothing(deployment):
    number = open_verify_issue(deployment)
    deployment.wait_idle()
    comment = quiet_comment(deployment, number, MAINTAINER, "@authorbot approve")
    body = json.dumps(approval_payload(deployment, number, comment)).encode()
    forged = sign(b"a guessed secret", body)
    assert post(deployment.webhook_url, body, signature=forged).status_code == 401
    # Signed, then changed on the way (the signature covers the exact bytes).
    tampered = body.replace(b"@authorbot approve", b"@authorbot cancel!!")
    assert post(deployment.webhook_url, tampered, signature=sign(SECRET, body)).status_code == 401
    deployment.wait_idle()
    assert deployment.github.pulls() == []
    assert deployment.github.reactions_on(comment["id"]) == []


def test_a_replay_after_the_work_is_done_is_not_worked_again(deployment):
    number = open_verify_issue(deployment)
    deployment.wait_idle()
    comment = quiet_comment(deployment, number, MAINTAINER, "@authorbot approve")
    body = json.dumps(approval_payload(deployment, number, comment)).encode()
    assert post(deployment.webhook_url, body, delivery="approve-1").status_code == 202
    deployment.wait_idle()
    assert len(deployment.github.pulls()) == 1
    for _ in range(3):  # replayed later, byte for byte, with the same id
        answer = post(deployment.webhook_url, body, delivery="approve-1")
        assert (answer.status_code, answer.json()["stored"]) == (200, False)
    deployment.wait_idle()
    row = deployment.bot.inbox.get("approve-1")
    assert (row["state"], row["attempts"]) == ("done", 1)
    assert deployment.github.count_requests("POST", PULLS) == 1
    assert len(status_comments(deployment, number)) == 1


def test_truncated_bodies_are_refused_and_nothing_is_stored(deployment):
    number = open_verify_issue(deployment)
    deployment.wait_idle()
    before = deployment.bot.inbox.counts()
    comment = quiet_comment(deployment, number, MAINTAINER, "@authorbot approve")
    body = json.dumps(approval_payload(deployment, number, comment)).encode()
    half = body[: len(body) // 2]
    # Cut on the way: the signature of the whole body does not fit the half.
    assert post(deployment.webhook_url, half, signature=sign(SECRET, body)).status_code == 401
    # Cut before signing: signed, but not JSON.
    assert post(deployment.webhook_url, half).status_code == 400
    # The connection closes before the body announced by Content-Length has arrived.
    parts = urlsplit(deployment.webhook_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        head = (
            f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            "Content-Type: application/json\r\nX-GitHub-Event: issue_comment\r\n"
            f"X-GitHub-Delivery: cut-short\r\nX-Hub-Signature-256: {sign(SECRET, body)}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode()
        sock.sendall(head + half)
        sock.shutdown(socket.SHUT_WR)
        answer = sock.recv(200)
    assert answer == b"" or answer.startswith((b"HTTP/1.1 4", b"HTTP/1.0 4"))
    deployment.wait_idle()
    assert deployment.bot.inbox.counts() == before
    assert deployment.bot.inbox.get("cut-short") is None
    assert deployment.github.pulls() == []


def test_an_oversized_body_is_refused_before_it_is_read(deployment):
    huge = b'{"action": "created", "pad": "' + b"x" * (6 * 1024 * 1024) + b'"}'
    answer = post(deployment.webhook_url, huge, delivery="huge")
    assert answer.status_code == 413
    assert deployment.bot.inbox.get("huge") is None
    # A small body that claims to be huge is refused on its Content-Length alone.
    parts = urlsplit(deployment.webhook_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(
            (
                f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                "X-GitHub-Event: issues\r\nX-GitHub-Delivery: claims-huge\r\n"
                "Content-Length: 999999999\r\nConnection: close\r\n\r\n{}"
            ).encode()
        )
        assert sock.recv(200).startswith(b"HTTP/1.1 413")
    assert deployment.bot.inbox.get("claims-huge") is None


def test_a_repository_the_bot_does_not_work_on_is_refused_and_logged(deployment, caplog):
    number = open_verify_issue(deployment)
    deployment.wait_idle()
    comment = quiet_comment(deployment, number, MAINTAINER, "@authorbot approve")
    payload = approval_payload(deployment, number, comment)
    payload["repository"] = {**payload["repository"], "full_name": "someone/elsewhere"}
    body = json.dumps(payload).encode()
    answer = post(deployment.webhook_url, body, delivery="elsewhere")
    assert answer.status_code == 204
    assert deployment.bot.inbox.get("elsewhere") is None
    # One stored before the bot was told which repositories it works on: the worker
    # refuses it (failed, with the reason kept), touches nothing, and keeps working.
    deployment.bot.inbox.put(
        "stored-earlier",
        "issue_comment",
        payload,
        action="created",
        repository="someone/elsewhere",
        issue=number,
        installation=deployment.github.installation_id,
    )
    deployment.wait_idle()
    row = deployment.bot.inbox.get("stored-earlier")
    assert row["state"] == "failed"
    assert "does not work on the repository someone/elsewhere" in row["last_error"]
    assert deployment.github.count_requests("GET", r"/repos/someone/elsewhere.*") == 0
    assert deployment.github.pulls() == []
    # The worker is alive: the same approval for the right repository works.
    deployment.github.comment(number, MAINTAINER, "@authorbot approve")
    deployment.wait_idle()
    assert len(deployment.github.pulls()) == 1


def test_the_repositories_setting():
    env = {"AUTHORBOT_WEBHOOK_SECRET": "s"}
    default = Settings.from_env(env)
    assert default.serves("acl-org/acl-anthology") and default.serves("ACL-org/ACL-Anthology")
    assert not default.serves("someone/elsewhere") and not default.serves(None)
    two = Settings.from_env({**env, "AUTHORBOT_REPOSITORIES": "a/b, c/d"})
    assert two.serves("c/d") and not two.serves("acl-org/acl-anthology")
    assert Settings.from_env({**env, "AUTHORBOT_REPOSITORIES": "*"}).serves("any/thing")


def test_commands_from_bots_are_ignored(deployment):
    number = open_verify_issue(deployment)
    deployment.wait_idle()
    own = deployment.github.comment(number, "authorbot[bot]", "@authorbot approve")
    other = deployment.github.comment(number, "helper[bot]", "@authorbot approve")
    deployment.wait_idle()
    assert deployment.github.pulls() == []
    assert deployment.github.reactions_on(own["id"]) == []
    assert deployment.github.reactions_on(other["id"]) == []
    assert [c for c in bot_comments(deployment, number) if "authorbot:reply" in c["body"]] == []


def test_a_comment_edited_into_a_command_is_ignored(deployment):
    """Decision (docs/BOT.md, Commands): `issue_comment.edited` is never a command. An
    edit is not an event anyone watches, and reading one would let an old comment be
    turned into an approval after the fact; a maintainer writes a new comment."""
    number = open_verify_issue(deployment)
    deployment.wait_idle()
    comment = deployment.github.comment(number, MAINTAINER, "Looks right.")
    deployment.wait_idle()
    # The maintainer (who may approve) edits the comment into an approval.
    deployment.github.state.comments[comment["id"]]["body"] = "Looks right.\n@authorbot approve"
    edited = approval_payload(
        deployment,
        number,
        dict(deployment.github.state.comments[comment["id"]]),
        action="edited",
        changes={"body": {"from": "Looks right."}},
    )
    assert (
        post(deployment.webhook_url, json.dumps(edited).encode(), delivery="edit-1").status_code
        == 202
    )
    deployment.wait_idle()
    assert deployment.bot.inbox.get("edit-1")["state"] == "done"
    assert deployment.github.pulls() == []
    assert deployment.github.reactions_on(comment["id"]) == []
    assert "approved" not in deployment.github.labels_on(number)
