"""A stand-in for GitHub: the REST endpoints the bot uses, and the webhooks GitHub sends.

It keeps issues, comments, labels, reactions, collaborators and pull requests (with
their commits, review comments, reviews, reopening and merging) in memory, serves file
contents and blobs from a real bare git repository (the pull request branches the bot
pushes land there too, and a merge is a real merge commit there), and answers with
JSON shaped like GitHub's, so PyGithub talks to it through `base_url` as to the real
thing. As on GitHub, a pull request is also an issue (comments on it are issue
comments), merging one into the default branch closes the issues its body closes
(`closes #N`), and a closed pull request reopens only while its branch is where it was.

Every change made through the API or through the helper methods (`open_issue`,
`comment`, `add_label`, ...) sends the webhook GitHub would send, signed with the
secret, to `webhook_url`, from a background thread, in order. Faults can be injected
per method and path: an error status (with `Retry-After`), a delay (a client timeout),
before or after the change is made.
"""

from __future__ import annotations

import base64
import itertools
import json
import queue
import re
import subprocess
import threading
import time
import urllib.parse
import uuid
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from bot.standins.http import JsonServer, Reply, Request
from webhooks.signature import sign

NOT_FOUND = Reply(
    404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}
)

ROLES_WITH_PERMISSION = {  # role_name -> the legacy `permission` field
    "admin": "admin",
    "maintain": "write",
    "write": "write",
    "triage": "read",
    "read": "read",
}


@dataclass
class Fault:
    """An injected failure for requests matching `method` and the path regex `path`.

    `status` (with optional `retry_after` and `body`) replaces the answer; `delay` sleeps
    first (longer than the client's timeout: a timeout); `status=None` only delays and
    then answers normally; `after=True` makes the change first and then fails (the worst
    case: done, but the client does not know).
    `times` is how many requests it strikes.
    """

    method: str
    path: str
    status: int | None = 502
    times: int = 1
    retry_after: float | None = None
    delay: float = 0.0
    after: bool = False
    body: Any = None
    hits: int = 0


@dataclass
class Chaos:
    """A seeded random mix of faults over every API request of the bot: with
    probability `rate` (`write_rate` for POST/PATCH/PUT/DELETE, `pull_rate` for opening
    a pull request) a request gets one of `kinds`:

    - `5xx`: 502 before the change; `5xx-after`: the change is made, then 502
      (writes only);
    - `timeout`: the answer comes `timeout` seconds late (longer than the client
      waits); `timeout-after`: the change is made and the answer never arrives in time
      (writes only);
    - `rate-limit`: 403 secondary rate limit with `Retry-After: retry_after`;
    - `422-exists`: a pull request is created, and the answer is GitHub's 422
      "A pull request already exists" (POST .../pulls only; half of the faults there).

    `hits` counts what was injected, by kind.
    """

    rng: Any
    rate: float = 0.02
    write_rate: float = 0.05
    pull_rate: float = 0.3
    kinds: tuple[str, ...] = (
        "5xx",
        "5xx-after",
        "timeout",
        "timeout-after",
        "rate-limit",
        "422-exists",
    )
    timeout: float = 6.0
    retry_after: int = 1
    hits: dict[str, int] = field(default_factory=dict)

    def draw(self, request: Request) -> str | None:
        """The fault for one request (None: none), drawn once per request."""
        write = request.method in ("POST", "PATCH", "PUT", "DELETE")
        opens_pull = request.method == "POST" and request.path.endswith("/pulls")
        rate = self.pull_rate if opens_pull else self.write_rate if write else self.rate
        if self.rng.random() >= rate:
            return None
        kinds = [
            k
            for k in self.kinds
            if (write or not k.endswith("-after")) and (k != "422-exists" or opens_pull)
        ]
        if not kinds:
            return None
        # GitHub's own answer to a create it did (or a race) is the 422; make it half of
        # the faults on pull request creation, so a run of a few dozen sees it.
        if opens_pull and "422-exists" in kinds and self.rng.random() < 0.5:
            kind = "422-exists"
        else:
            kind = str(self.rng.choice(kinds))
        self.hits[kind] = self.hits.get(kind, 0) + 1
        return kind


@dataclass
class SentDelivery:
    """A webhook the stand-in sent: id, event, body bytes and the status it got."""

    id: str
    event: str
    body: bytes
    status: int | None = None


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


_CLOSING = re.compile(r"\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+#(\d+)\b", re.IGNORECASE)


def _closing_references(text: str) -> list[int]:
    """The issues a pull request body closes on merge (`closes #12`, `Fixes #3`...)."""
    return sorted({int(m.group(1)) for m in _CLOSING.finditer(text)})


@dataclass
class _State:
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    reactions: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)
    review_comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    review_reactions: dict[int, list[dict[str, Any]]] = field(default_factory=dict)


class FakeGitHub(JsonServer):
    """The stand-in for one repository `full_name` backed by the bare repo `git_dir`.

    Parameters:
        full_name: `owner/name`.
        git_dir: a bare git repository (the data repository's `origin`).
        default_branch: its default branch.
        tokens: API token -> login; the bot's token maps to a `[bot]` login.
        roles: login -> collaborator role (`admin`, `maintain`, `write`, `triage`, `read`).
        webhook_url, webhook_secret: where and how deliveries are sent (None: not sent).
    """

    def __init__(
        self,
        full_name: str,
        git_dir: Path,
        *,
        default_branch: str = "main",
        tokens: dict[str, str] | None = None,
        roles: dict[str, str] | None = None,
        webhook_url: str | None = None,
        webhook_secret: bytes = b"",
        installation_id: int = 4242,
        app_id: str | None = None,
        app_public_key: str | None = None,
    ) -> None:
        super().__init__()
        self.full_name = full_name
        self.owner = full_name.split("/")[0]
        self.git_dir = Path(git_dir)
        self.default_branch = default_branch
        self.tokens = tokens or {"bot-token": "authorbot[bot]"}
        self.roles = roles or {}
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.installation_id = installation_id
        self.app_id = app_id
        self.app_public_key = app_public_key
        self.base_url = ""
        self.state = _State()
        self.lock = threading.RLock()
        self.faults: list[Fault] = []
        self.chaos: Chaos | None = None
        self.requests: list[tuple[str, str, int]] = []  # answered: method, path, status
        self.seen: list[tuple[str, str, float]] = []  # arrived: method, path, monotonic time
        self.sent: list[SentDelivery] = []
        self._ids = itertools.count(1001)
        self._numbers = itertools.count(1)
        self._outbox: queue.Queue[SentDelivery | None] = queue.Queue()
        self._sender: threading.Thread | None = None
        self._pending = 0
        self._register_routes()

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> str:
        """Serve on loopback and start sending webhooks; returns the API base URL."""
        self.base_url = super().start()
        self._sender = threading.Thread(target=self._send_loop, daemon=True)
        self._sender.start()
        return self.base_url

    def stop(self) -> None:
        """Stop the server and the webhook sender."""
        self._outbox.put(None)
        super().stop()

    # ------------------------------------------------------------------ JSON shapes
    def _repo_url(self) -> str:
        return f"{self.base_url}/repos/{self.full_name}"

    def user_json(self, login: str) -> dict[str, Any]:
        """A user as GitHub shows it inside other objects."""
        bot = login.endswith("[bot]")
        uid = zlib.crc32(login.encode("utf-8")) % 10_000_000
        return {
            "login": login,
            "id": uid,
            "node_id": f"U_{uid}",
            "avatar_url": f"https://avatars.githubusercontent.com/u/{uid}?v=4",
            "gravatar_id": "",
            "url": f"{self.base_url}/users/{urllib.parse.quote(login)}",
            "html_url": f"https://github.com/{login}",
            "type": "Bot" if bot else "User",
            "site_admin": False,
        }

    def repo_json(self) -> dict[str, Any]:
        """The repository object."""
        owner = self.user_json(self.owner)
        owner["type"] = "Organization"
        return {
            "id": 123456,
            "node_id": "R_123456",
            "name": self.full_name.split("/")[1],
            "full_name": self.full_name,
            "private": False,
            "owner": owner,
            "html_url": f"https://github.com/{self.full_name}",
            "description": "ACL Anthology data",
            "fork": False,
            "url": self._repo_url(),
            "default_branch": self.default_branch,
            "visibility": "public",
            "has_issues": True,
            "archived": False,
            "disabled": False,
            "permissions": {
                "admin": False,
                "maintain": False,
                "push": True,
                "triage": True,
                "pull": True,
            },
        }

    def _label_json(self, name: str) -> dict[str, Any]:
        with self.lock:
            if name not in self.state.labels:
                lid = next(self._ids)
                self.state.labels[name] = {
                    "id": lid,
                    "node_id": f"LA_{lid}",
                    "url": f"{self._repo_url()}/labels/{urllib.parse.quote(name)}",
                    "name": name,
                    "color": "ededed",
                    "default": False,
                    "description": None,
                }
            return dict(self.state.labels[name])

    def _association(self, login: str) -> str:
        role = self.roles.get(login)
        if role in ("admin", "maintain"):
            return "OWNER" if login == self.owner else "MEMBER"
        return "COLLABORATOR" if role else "NONE"

    # ------------------------------------------------------------------ webhooks
    def _emit(self, event: str, action: str, sender: str, **objects: Any) -> None:
        if not self.webhook_url:
            return
        payload = {
            "action": action,
            **objects,
            "repository": self.repo_json(),
            "sender": self.user_json(sender),
            "installation": {"id": self.installation_id, "node_id": "I_1"},
        }
        delivery = SentDelivery(str(uuid.uuid4()), event, json.dumps(payload).encode("utf-8"))
        with self.lock:
            self._pending += 1
        self._outbox.put(delivery)

    def _send_loop(self) -> None:
        session = requests.Session()
        while True:
            delivery = self._outbox.get()
            if delivery is None:
                return
            self.post_delivery(delivery, session)
            with self.lock:
                self._pending -= 1

    def post_delivery(self, delivery: SentDelivery, session: requests.Session | None = None) -> int:
        """Send (or send again) one delivery to the webhook URL, signed; returns the status."""
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "GitHub-Hookshot/fake",
            "X-GitHub-Event": delivery.event,
            "X-GitHub-Delivery": delivery.id,
            "X-GitHub-Hook-ID": "1",
            "X-Hub-Signature-256": sign(self.webhook_secret, delivery.body),
        }
        try:
            resp = (session or requests).post(
                self.webhook_url or "", data=delivery.body, headers=headers, timeout=10
            )
            delivery.status = resp.status_code
        except requests.RequestException:
            delivery.status = None
        with self.lock:
            if delivery not in self.sent:
                self.sent.append(delivery)
        return delivery.status or 0

    @property
    def pending_deliveries(self) -> int:
        """Webhooks queued or being sent."""
        with self.lock:
            return self._pending

    # ------------------------------------------------------------------ actions (tests)
    def open_issue(
        self, user: str, title: str, body: str, labels: Sequence[str] = ()
    ) -> dict[str, Any]:
        """A user files an issue (sends `issues.opened`, and `labeled` per label)."""
        with self.lock:
            number = next(self._numbers)
            issue = {
                "url": f"{self._repo_url()}/issues/{number}",
                "repository_url": self._repo_url(),
                "labels_url": f"{self._repo_url()}/issues/{number}/labels{{/name}}",
                "comments_url": f"{self._repo_url()}/issues/{number}/comments",
                "events_url": f"{self._repo_url()}/issues/{number}/events",
                "html_url": f"https://github.com/{self.full_name}/issues/{number}",
                "id": next(self._ids),
                "node_id": f"I_{number}",
                "number": number,
                "title": title,
                "user": self.user_json(user),
                "labels": [self._label_json(name) for name in labels],
                "state": "open",
                "locked": False,
                "assignee": None,
                "assignees": [],
                "milestone": None,
                "comments": 0,
                "created_at": _now(),
                "updated_at": _now(),
                "closed_at": None,
                "author_association": self._association(user),
                "active_lock_reason": None,
                "body": body,
                "state_reason": None,
                "reactions": {
                    "url": f"{self._repo_url()}/issues/{number}/reactions",
                    "total_count": 0,
                },
            }
            self.state.issues[number] = issue
        self._emit("issues", "opened", user, issue=dict(issue))
        for name in labels:
            self._emit("issues", "labeled", user, issue=dict(issue), label=self._label_json(name))
        return dict(issue)

    def edit_issue(self, number: int, user: str, **fields: Any) -> dict[str, Any]:
        """Change an issue's title, body or state (sends `edited`, `closed`, `reopened`)."""
        with self.lock:
            issue = self.state.issues[number]
            changes = {k: {"from": issue.get(k)} for k in fields if k in ("title", "body")}
            old_state = issue["state"]
            issue.update({k: v for k, v in fields.items() if k in ("title", "body", "state")})
            issue["updated_at"] = _now()
            if fields.get("state") == "closed" and old_state != "closed":
                issue["closed_at"] = _now()
            snapshot = dict(issue)
        if changes:
            self._emit("issues", "edited", user, issue=snapshot, changes=changes)
        if "state" in fields and fields["state"] != old_state:
            self._emit(
                "issues",
                "closed" if fields["state"] == "closed" else "reopened",
                user,
                issue=snapshot,
            )
        return snapshot

    def comment(self, number: int, user: str, body: str) -> dict[str, Any]:
        """A user comments on an issue (sends `issue_comment.created`)."""
        with self.lock:
            issue = self.state.issues[number]
            cid = next(self._ids)
            comment = {
                "url": f"{self._repo_url()}/issues/comments/{cid}",
                "html_url": f"{issue['html_url']}#issuecomment-{cid}",
                "issue_url": issue["url"],
                "id": cid,
                "node_id": f"IC_{cid}",
                "user": self.user_json(user),
                "created_at": _now(),
                "updated_at": _now(),
                "author_association": self._association(user),
                "body": body,
                "reactions": {
                    "url": f"{self._repo_url()}/issues/comments/{cid}/reactions",
                    "total_count": 0,
                },
                "performed_via_github_app": None,
            }
            self.state.comments[cid] = comment
            issue["comments"] += 1
            snapshot = dict(issue)
        self._emit("issue_comment", "created", user, issue=snapshot, comment=dict(comment))
        return dict(comment)

    def add_label(self, number: int, user: str, name: str) -> None:
        """A user adds a label (sends `issues.labeled`)."""
        with self.lock:
            issue = self.state.issues[number]
            if any(label["name"] == name for label in issue["labels"]):
                return
            label = self._label_json(name)
            issue["labels"].append(label)
            snapshot = dict(issue)
        self._emit("issues", "labeled", user, issue=snapshot, label=label)

    def remove_label(self, number: int, user: str, name: str) -> bool:
        """A user removes a label (sends `issues.unlabeled`); False if it was not there."""
        with self.lock:
            issue = self.state.issues[number]
            kept = [label for label in issue["labels"] if label["name"] != name]
            if len(kept) == len(issue["labels"]):
                return False
            issue["labels"] = kept
            snapshot = dict(issue)
        self._emit("issues", "unlabeled", user, issue=snapshot, label=self._label_json(name))
        return True

    def announce_merge(self, user: str, head_ref: str, base: str = "main") -> int:
        """Someone merged a pull request from `head_ref` into `base` (push the commit to the
        bare repository first): records it merged and sends `pull_request.closed`."""
        with self.lock:
            number = next(self._numbers)
            sha = self._branch_sha(base) or ""
            pull = {
                "url": f"{self._repo_url()}/pulls/{number}",
                "id": next(self._ids),
                "number": number,
                "state": "closed",
                "title": f"Merge {head_ref}",
                "user": self.user_json(user),
                "body": "",
                "merged": True,
                "merged_at": _now(),
                "closed_at": _now(),
                "merge_commit_sha": sha,
                "html_url": f"https://github.com/{self.full_name}/pull/{number}",
                "head": {"label": f"{self.owner}:{head_ref}", "ref": head_ref, "sha": sha},
                "base": {"label": f"{self.owner}:{base}", "ref": base, "sha": sha},
            }
            self.state.pulls[number] = pull
        self._emit("pull_request", "closed", user, number=number, pull_request=dict(pull))
        return number

    def close_pull(self, number: int, user: str) -> dict[str, Any]:
        """A person closes a pull request without merging (sends `pull_request.closed`)."""
        with self.lock:
            pull = self.state.pulls[number]
            self._set_pull_state(pull, "closed")
            snapshot = dict(pull)
        self._emit("pull_request", "closed", user, number=number, pull_request=snapshot)
        return snapshot

    def merge_pull(self, number: int, user: str) -> dict[str, Any]:
        """A maintainer merges a pull request (what `PUT .../pulls/N/merge` does): a merge
        commit on the base branch of the bare repository, the pull request merged, the
        issues its body closes closed (when the base is the default branch), and the
        webhooks `pull_request.closed` and `issues.closed`.

        Raises:
            ValueError: it is not open, or the merge has conflicts (GitHub's 405).
        """
        with self.lock:
            pull = self.state.pulls[number]
            if pull["state"] != "open":
                raise ValueError("Pull Request is not mergeable")
            base, head = pull["base"]["ref"], pull["head"]["ref"]
            base_sha, head_sha = self._branch_sha(base), self._branch_sha(head)
            if base_sha is None or head_sha is None:
                raise ValueError("Pull Request is not mergeable")
            tree = self._git("merge-tree", "--write-tree", base_sha, head_sha, check=False)
            if tree.returncode != 0:
                raise ValueError("Pull Request is not mergeable")
            message = f"Merge pull request #{number} from {self.owner}/{head}\n\n{pull['title']}"
            env_args = ("-c", "user.name=GitHub", "-c", "user.email=noreply@github.com")
            merge = (
                subprocess.run(
                    [
                        "git",
                        *env_args,
                        "--git-dir",
                        str(self.git_dir),
                        "commit-tree",
                        tree.stdout.decode().split()[0],
                        "-p",
                        base_sha,
                        "-p",
                        head_sha,
                        "-m",
                        message,
                    ],
                    capture_output=True,
                    check=True,
                )
                .stdout.decode()
                .strip()
            )
            self._git("update-ref", f"refs/heads/{base}", merge, base_sha)
            pull["head"]["sha"] = head_sha
            pull.update(merged=True, merged_at=_now(), merge_commit_sha=merge)
            self._set_pull_state(pull, "closed")
            snapshot = dict(pull)
            closes = []
            if base == self.default_branch:
                closes = [
                    n
                    for n in _closing_references(pull.get("body") or "")
                    if n in self.state.issues
                    and self.state.issues[n]["state"] == "open"
                    and "pull_request" not in self.state.issues[n]
                ]
        self._emit("pull_request", "closed", user, number=number, pull_request=snapshot)
        for n in closes:
            self.edit_issue(n, user, state="closed")
        return {"sha": merge, "merged": True, "message": "Pull Request successfully merged"}

    def review_comment(
        self, number: int, user: str, body: str, path: str = "data/json/people.json", line: int = 1
    ) -> dict[str, Any]:
        """A reviewer comments on a line of a pull request's diff (sends
        `pull_request_review_comment.created`)."""
        with self.lock:
            pull = self._fresh(self.state.pulls[number])
            comment = self._review_comment_json(pull, user, body, path, line, None)
            snapshot = dict(pull)
        self._emit(
            "pull_request_review_comment", "created", user, comment=comment, pull_request=snapshot
        )
        return comment

    def review(self, number: int, user: str, body: str, state: str = "commented") -> dict[str, Any]:
        """A reviewer submits a review (sends `pull_request_review.submitted`)."""
        with self.lock:
            pull = self._fresh(self.state.pulls[number])
            rid = next(self._ids)
            review = {
                "id": rid,
                "node_id": f"PRR_{rid}",
                "user": self.user_json(user),
                "body": body,
                "state": state,
                "html_url": f"{pull['html_url']}#pullrequestreview-{rid}",
                "pull_request_url": pull["url"],
                "author_association": self._association(user),
                "submitted_at": _now(),
                "commit_id": pull["head"]["sha"],
            }
            snapshot = dict(pull)
        self._emit("pull_request_review", "submitted", user, review=review, pull_request=snapshot)
        return review

    def delete_branch(self, branch: str) -> None:
        """Someone deletes a branch (GitHub's button after closing a pull request)."""
        self._git("update-ref", "-d", f"refs/heads/{branch}")

    def pull_commits(self, number: int) -> list[dict[str, Any]]:
        """A pull request's commits, oldest first, as `GET .../pulls/N/commits` lists them."""
        with self.lock:
            pull = self._fresh(self.state.pulls[number])
        return self._commits_between(pull["base"]["ref"], pull["head"]["sha"])

    def review_comments_on(self, number: int) -> list[dict[str, Any]]:
        """A pull request's review comments, oldest first."""
        with self.lock:
            url = self.state.pulls[number]["url"]
            return [
                dict(c) for c in self.state.review_comments.values() if c["pull_request_url"] == url
            ]

    def inject(self, method: str, path: str, **kwargs: Any) -> Fault:
        """Add a fault (see `Fault`); `path` is a regex matched against the request path."""
        fault = Fault(method, path, **kwargs)
        with self.lock:
            self.faults.append(fault)
        return fault

    # ------------------------------------------------------------------ queries (tests)
    def comments_on(self, number: int) -> list[dict[str, Any]]:
        """An issue's comments, oldest first."""
        with self.lock:
            url = self.state.issues[number]["url"]
            return [dict(c) for c in self.state.comments.values() if c["issue_url"] == url]

    def pulls(self) -> list[dict[str, Any]]:
        """Every pull request."""
        with self.lock:
            return [dict(p) for p in self.state.pulls.values()]

    def labels_on(self, number: int) -> set[str]:
        """An issue's label names."""
        with self.lock:
            return {label["name"] for label in self.state.issues[number]["labels"]}

    def reactions_on(self, comment_id: int) -> list[str]:
        """The reactions on a comment."""
        with self.lock:
            return [r["content"] for r in self.state.reactions.get(comment_id, [])]

    def count_requests(self, method: str, path_regex: str) -> int:
        """How many requests matched (all statuses)."""
        pattern = re.compile(path_regex)
        with self.lock:
            return sum(1 for m, p, _ in self.requests if m == method and pattern.fullmatch(p))

    # ------------------------------------------------------------------ plumbing
    def _fresh(
        self, pull: dict[str, Any], heads: dict[str, str] | None = None, count: bool = True
    ) -> dict[str, Any]:
        """An open pull request's head follows its branch (as on GitHub); a closed one
        keeps the head it had when it was closed. `heads` (branch -> sha, read once for
        a list) saves a git call per pull request; `count` fills `commits`, which only
        the single pull request's answer has. Hold the lock."""
        if pull["state"] == "open" and "sha" in pull["head"]:
            ref = pull["head"]["ref"]
            sha = heads.get(ref) if heads is not None else self._branch_sha(ref)
            if sha:
                pull["head"]["sha"] = sha
                if count:
                    pull["commits"] = len(self._commit_ids(pull["base"]["ref"], sha))
        return pull

    def _branch_heads(self) -> dict[str, str]:
        """Every branch of the bare repository -> its head, in one git call."""
        out = self._git("for-each-ref", "--format=%(refname:lstrip=2) %(objectname)", "refs/heads")
        return dict(line.split(" ", 1) for line in out.stdout.decode().splitlines() if line)

    def _set_pull_state(self, pull: dict[str, Any], state: str) -> None:
        """Open or close a pull request and its issue. Hold the lock."""
        if state == "closed":
            self._fresh(pull)
        pull["state"] = state
        pull["updated_at"] = _now()
        pull["closed_at"] = _now() if state == "closed" else None
        issue = self.state.issues.get(pull["number"])
        if issue is not None and "pull_request" in issue:
            issue["state"] = state
            issue["closed_at"] = pull["closed_at"]
            issue["pull_request"]["merged_at"] = pull.get("merged_at")

    def _commit_ids(self, base: str, head: str) -> list[str]:
        out = self._git("rev-list", "--reverse", f"refs/heads/{base}..{head}", check=False)
        return out.stdout.decode().split() if out.returncode == 0 else []

    def _commits_between(self, base: str, head: str) -> list[dict[str, Any]]:
        commits = []
        for sha in self._commit_ids(base, head):
            raw = self._git("cat-file", "commit", sha).stdout.decode("utf-8")
            headers, _, message = raw.partition("\n\n")
            fields: dict[str, list[str]] = {}
            for line in headers.splitlines():
                key, _, value = line.partition(" ")
                fields.setdefault(key, []).append(value)

            def person(value: str) -> dict[str, str]:
                name, _, rest = value.partition(" <")
                email, _, stamp = rest.partition("> ")
                when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(stamp.split()[0])))
                return {"name": name, "email": email, "date": when}

            commits.append(
                {
                    "sha": sha,
                    "node_id": f"C_{sha[:10]}",
                    "url": f"{self._repo_url()}/commits/{sha}",
                    "html_url": f"https://github.com/{self.full_name}/commit/{sha}",
                    "commit": {
                        "author": person(fields["author"][0]),
                        "committer": person(fields["committer"][0]),
                        "message": message.rstrip("\n"),
                        "tree": {
                            "sha": fields["tree"][0],
                            "url": f"{self._repo_url()}/git/trees/{fields['tree'][0]}",
                        },
                        "url": f"{self._repo_url()}/git/commits/{sha}",
                        "comment_count": 0,
                    },
                    "author": None,
                    "committer": None,
                    "parents": [
                        {"sha": parent, "url": f"{self._repo_url()}/commits/{parent}"}
                        for parent in fields.get("parent", [])
                    ],
                }
            )
        return commits

    def _review_comment_json(
        self,
        pull: dict[str, Any],
        user: str,
        body: str,
        path: str,
        line: int,
        in_reply_to: int | None,
    ) -> dict[str, Any]:
        """A new review comment, stored. Hold the lock."""
        cid = next(self._ids)
        comment = {
            "url": f"{self._repo_url()}/pulls/comments/{cid}",
            "id": cid,
            "node_id": f"PRRC_{cid}",
            "pull_request_review_id": next(self._ids),
            "diff_hunk": "@@ -1,1 +1,1 @@",
            "path": path,
            "position": line,
            "original_position": line,
            "line": line,
            "side": "RIGHT",
            "commit_id": pull["head"]["sha"],
            "original_commit_id": pull["head"]["sha"],
            "user": self.user_json(user),
            "body": body,
            "created_at": _now(),
            "updated_at": _now(),
            "html_url": f"{pull['html_url']}#discussion_r{cid}",
            "pull_request_url": pull["url"],
            "author_association": self._association(user),
            "_links": {
                "self": {"href": f"{self._repo_url()}/pulls/comments/{cid}"},
                "html": {"href": f"{pull['html_url']}#discussion_r{cid}"},
                "pull_request": {"href": pull["url"]},
            },
            "reactions": {
                "url": f"{self._repo_url()}/pulls/comments/{cid}/reactions",
                "total_count": 0,
            },
        }
        if in_reply_to is not None:
            comment["in_reply_to_id"] = in_reply_to
        self.state.review_comments[cid] = comment
        return dict(comment)

    def _git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            ["git", "--git-dir", str(self.git_dir), *args], capture_output=True, check=check
        )

    def _branch_sha(self, branch: str) -> str | None:
        out = self._git("rev-parse", "--verify", "--quiet", f"refs/heads/{branch}", check=False)
        return out.stdout.decode().strip() or None

    REACTIONS = frozenset({"+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"})

    def _react(
        self,
        request: Request,
        comments: dict[int, Any],
        reactions: dict[int, list[dict[str, Any]]],
        cid: int,
    ) -> Reply:
        """A reaction to an issue comment or a review comment, as GitHub answers: 201
        for a new one, 200 with the same one when that user already reacted so."""
        content = (request.body or {}).get("content")
        if content not in self.REACTIONS:
            return Reply(422, {"message": "Validation Failed"})
        user = self._user_of(request) or ""
        with self.lock:
            if cid not in comments:
                return NOT_FOUND
            existing = reactions.setdefault(cid, [])
            for reaction in existing:
                if reaction["content"] == content and reaction["user"]["login"] == user:
                    return Reply(200, dict(reaction))
            rid = next(self._ids)
            reaction = {
                "id": rid,
                "node_id": f"REA_{rid}",
                "user": self.user_json(user),
                "content": content,
                "created_at": _now(),
            }
            existing.append(reaction)
            return Reply(201, dict(reaction))

    def _user_of(self, request: Request) -> str | None:
        auth = request.headers.get("Authorization") or request.headers.get("authorization") or ""
        token = auth.split(" ", 1)[1] if " " in auth else ""
        return self.tokens.get(token)

    def before(self, request: Request) -> Reply | None:
        """Authentication and faults that strike before the change."""
        if request.path.startswith("/app/"):
            return None  # authenticated with the app's JWT, checked by the route
        if self._user_of(request) is None:
            return self._record(
                request,
                Reply(
                    401,
                    {
                        "message": "Bad credentials",
                        "documentation_url": "https://docs.github.com/rest",
                    },
                ),
            )
        with self.lock:
            self.seen.append((request.method, request.path, time.monotonic()))
        fault = self._fault_for(request, after=False)
        if fault is None:
            fault = self._chaos_fault(request)
        if fault is not None:
            if fault.status is None:  # only slow: sleep, then answer normally
                time.sleep(fault.delay)
                return None
            return self._record(request, self._fault_reply(fault))
        return None

    def _chaos_fault(self, request: Request) -> Fault | None:
        """The random fault (`Chaos`) for a request: one that strikes now is returned;
        one that strikes after the change is kept for `after()`."""
        with self.lock:
            kind = self.chaos.draw(request) if self.chaos is not None else None
            if kind is None:
                return None
            if kind.endswith("-after") or kind == "422-exists":
                request.chaos_after = kind  # type: ignore[attr-defined]
                return None
            assert self.chaos is not None
            if kind == "5xx":
                return Fault(request.method, request.path, status=502)
            if kind == "timeout":
                return Fault(request.method, request.path, status=504, delay=self.chaos.timeout)
            return Fault(
                request.method, request.path, status=403, retry_after=self.chaos.retry_after
            )

    def after(self, request: Request, reply: Reply) -> Reply:
        """Faults that strike after the change was made."""
        fault = self._fault_for(request, after=True)
        kind = getattr(request, "chaos_after", None)
        if fault is None and kind is not None and reply.status < 300:
            assert self.chaos is not None
            if kind == "5xx-after":
                fault = Fault(request.method, request.path, status=502)
            elif kind == "timeout-after":
                fault = Fault(request.method, request.path, status=504, delay=self.chaos.timeout)
            else:  # 422-exists: it was created; GitHub says it already exists
                label = f"{self.owner}:{(request.body or {}).get('head', '')}"
                message = f"A pull request already exists for {label}."
                fault = Fault(
                    request.method,
                    request.path,
                    status=422,
                    body={
                        "message": "Validation Failed",
                        "errors": [
                            {"resource": "PullRequest", "code": "custom", "message": message}
                        ],
                    },
                )
        if fault is not None:
            reply = self._fault_reply(fault)
        return self._record(request, reply)

    def _record(self, request: Request, reply: Reply) -> Reply:
        with self.lock:
            self.requests.append((request.method, request.path, reply.status))
        return reply

    def _fault_for(self, request: Request, after: bool) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if (
                    fault.after == after
                    and fault.hits < fault.times
                    and fault.method == request.method
                    and re.fullmatch(fault.path, request.path)
                ):
                    fault.hits += 1
                    return fault
        return None

    def _fault_reply(self, fault: Fault) -> Reply:
        if fault.delay:
            time.sleep(fault.delay)
        headers = {}
        if fault.retry_after is not None:
            headers["Retry-After"] = str(int(fault.retry_after))
        body = fault.body
        if body is None:
            body = (
                {"message": "Server Error"}
                if (fault.status or 500) >= 500
                else {
                    "message": "You have exceeded a secondary rate limit. Please wait a few "
                    "minutes before you try again.",
                    "documentation_url": "https://docs.github.com/rest/overview/rate-limits",
                }
            )
        return Reply(fault.status or 502, body, headers)

    def _page(self, request: Request, items: list[dict[str, Any]]) -> Reply:
        per_page = int(request.arg("per_page", "30") or 30)
        page = int(request.arg("page", "1") or 1)
        chunk = items[(page - 1) * per_page : page * per_page]
        headers = {}
        if page * per_page < len(items):
            query = dict((k, v[0]) for k, v in request.query.items())
            query.update({"page": str(page + 1), "per_page": str(per_page)})
            nxt = f"{self.base_url}{request.path}?{urllib.parse.urlencode(query)}"
            headers["Link"] = f'<{nxt}>; rel="next"'
        return Reply(200, chunk, headers)

    # ------------------------------------------------------------------ routes
    def _register_routes(self) -> None:  # noqa: C901 - one small function per endpoint
        repo = r"/repos/([^/]+/[^/]+)"
        not_found = NOT_FOUND

        def check_repo(name: str) -> bool:
            return name.lower() == self.full_name.lower()

        @self.route("POST", r"/app/installations/(\d+)/access_tokens")
        def installation_token(req: Request, installation: str) -> Reply:
            import jwt

            auth = req.headers.get("Authorization") or ""
            if not self.app_public_key or not auth.startswith("Bearer "):
                return Reply(401, {"message": "A JSON web token could not be decoded"})
            try:
                claims = jwt.decode(auth[7:], self.app_public_key, algorithms=["RS256"])
            except jwt.PyJWTError as exc:
                return Reply(401, {"message": f"'Expiration time' claim is invalid: {exc}"})
            if str(claims.get("iss")) != str(self.app_id):
                return Reply(401, {"message": "Integration not found"})
            if int(installation) != self.installation_id:
                return not_found
            token = f"ghs_{uuid.uuid4().hex}"
            with self.lock:
                self.tokens[token] = "authorbot[bot]"
            expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
            # Recorded by after(), like every other answer.
            return Reply(
                201,
                {
                    "token": token,
                    "expires_at": expires,
                    "repository_selection": "all",
                    "permissions": {
                        "contents": "write",
                        "issues": "write",
                        "pull_requests": "write",
                        "metadata": "read",
                    },
                },
            )

        @self.route("GET", repo)
        def get_repo(req: Request, name: str) -> Reply:
            return Reply(200, self.repo_json()) if check_repo(name) else not_found

        @self.route("GET", repo + r"/issues/(\d+)")
        def get_issue(req: Request, name: str, number: str) -> Reply:
            with self.lock:
                issue = self.state.issues.get(int(number))
                return Reply(200, dict(issue)) if issue and check_repo(name) else not_found

        @self.route("PATCH", repo + r"/issues/(\d+)")
        def patch_issue(req: Request, name: str, number: str) -> Reply:
            if int(number) not in self.state.issues:
                return not_found
            return Reply(200, self.edit_issue(int(number), self._user_of(req) or "", **req.body))

        @self.route("GET", repo + r"/issues/(\d+)/comments")
        def list_comments(req: Request, name: str, number: str) -> Reply:
            if int(number) not in self.state.issues:
                return not_found
            return self._page(req, self.comments_on(int(number)))

        @self.route("POST", repo + r"/issues/(\d+)/comments")
        def create_comment(req: Request, name: str, number: str) -> Reply:
            if int(number) not in self.state.issues:
                return not_found
            body = (req.body or {}).get("body")
            if not isinstance(body, str) or not body:
                return Reply(422, {"message": "Validation Failed"})
            return Reply(201, self.comment(int(number), self._user_of(req) or "", body))

        @self.route("GET", repo + r"/issues/comments/(\d+)")
        def get_comment(req: Request, name: str, cid: str) -> Reply:
            with self.lock:
                comment = self.state.comments.get(int(cid))
                return Reply(200, dict(comment)) if comment else not_found

        @self.route("PATCH", repo + r"/issues/comments/(\d+)")
        def edit_comment(req: Request, name: str, cid: str) -> Reply:
            with self.lock:
                comment = self.state.comments.get(int(cid))
                if comment is None:
                    return not_found
                if comment["user"]["login"] != self._user_of(req):
                    return Reply(403, {"message": "Must have admin rights to Repository."})
                old = comment["body"]
                comment["body"] = (req.body or {}).get("body", old)
                comment["updated_at"] = _now()
                snapshot = dict(comment)
                issue = next(
                    i for i in self.state.issues.values() if i["url"] == comment["issue_url"]
                )
            self._emit(
                "issue_comment",
                "edited",
                self._user_of(req) or "",
                issue=dict(issue),
                comment=snapshot,
                changes={"body": {"from": old}},
            )
            return Reply(200, snapshot)

        @self.route("POST", repo + r"/issues/(\d+)/labels")
        def add_labels(req: Request, name: str, number: str) -> Reply:
            if int(number) not in self.state.issues:
                return not_found
            names = req.body if isinstance(req.body, list) else (req.body or {}).get("labels", [])
            for label in names:
                self.add_label(int(number), self._user_of(req) or "", label)
            with self.lock:
                return Reply(200, list(self.state.issues[int(number)]["labels"]))

        @self.route("DELETE", repo + r"/issues/(\d+)/labels/([^/]+)")
        def remove_label(req: Request, name: str, number: str, label: str) -> Reply:
            if int(number) not in self.state.issues:
                return not_found
            if not self.remove_label(
                int(number), self._user_of(req) or "", urllib.parse.unquote(label)
            ):
                return Reply(
                    404,
                    {
                        "message": "Label does not exist",
                        "documentation_url": "https://docs.github.com/rest",
                    },
                )
            with self.lock:
                return Reply(200, list(self.state.issues[int(number)]["labels"]))

        @self.route("POST", repo + r"/issues/comments/(\d+)/reactions")
        def react(req: Request, name: str, cid: str) -> Reply:
            return self._react(req, self.state.comments, self.state.reactions, int(cid))

        @self.route("GET", repo + r"/collaborators/([^/]+)/permission")
        def permission(req: Request, name: str, login: str) -> Reply:
            login = urllib.parse.unquote(login)
            role = self.roles.get(login, "read")
            user = self.user_json(login)
            user["permissions"] = {
                "admin": role == "admin",
                "maintain": role in ("admin", "maintain"),
                "push": role in ("admin", "maintain", "write"),
                "triage": role in ("admin", "maintain", "write", "triage"),
                "pull": True,
            }
            user["role_name"] = role
            return Reply(
                200,
                {
                    "permission": ROLES_WITH_PERMISSION.get(role, "read"),
                    "role_name": role,
                    "user": user,
                },
            )

        @self.route("GET", repo + r"/pulls")
        def list_pulls(req: Request, name: str) -> Reply:
            state = req.arg("state", "open")
            head = req.arg("head")
            with self.lock:
                heads = self._branch_heads()
                found = [
                    dict(self._fresh(p, heads, count=False))
                    for p in sorted(self.state.pulls.values(), key=lambda p: -p["number"])
                    if (state == "all" or p["state"] == state)
                    and (head is None or p["head"]["label"] == head)
                ]
            return self._page(req, found)

        @self.route("GET", repo + r"/pulls/(\d+)")
        def get_pull(req: Request, name: str, number: str) -> Reply:
            with self.lock:
                pull = self.state.pulls.get(int(number))
                return Reply(200, dict(self._fresh(pull))) if pull else not_found

        @self.route("POST", repo + r"/pulls")
        def create_pull(req: Request, name: str) -> Reply:
            body = req.body or {}
            head, base = body.get("head", ""), body.get("base", "")
            branch = head.split(":", 1)[1] if ":" in head else head
            label = f"{self.owner}:{branch}"
            head_sha, base_sha = self._branch_sha(branch), self._branch_sha(base)
            if head_sha is None or base_sha is None:
                return Reply(
                    422,
                    {
                        "message": "Validation Failed",
                        "errors": [
                            {
                                "resource": "PullRequest",
                                "field": "head" if head_sha is None else "base",
                                "code": "invalid",
                            }
                        ],
                        "documentation_url": "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
                    },
                )
            with self.lock:
                if any(
                    p["head"]["label"] == label and p["state"] == "open"
                    for p in self.state.pulls.values()
                ):
                    return Reply(
                        422,
                        {
                            "message": "Validation Failed",
                            "errors": [
                                {
                                    "resource": "PullRequest",
                                    "code": "custom",
                                    "message": f"A pull request already exists for {label}.",
                                }
                            ],
                            "documentation_url": "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
                        },
                    )
                number = next(self._numbers)
                user = self._user_of(req) or ""
                url = f"{self._repo_url()}/pulls/{number}"
                pull = {
                    "url": url,
                    "id": next(self._ids),
                    "node_id": f"PR_{number}",
                    "html_url": f"https://github.com/{self.full_name}/pull/{number}",
                    "diff_url": f"https://github.com/{self.full_name}/pull/{number}.diff",
                    "issue_url": f"{self._repo_url()}/issues/{number}",
                    "number": number,
                    "state": "open",
                    "locked": False,
                    "title": body.get("title", ""),
                    "user": self.user_json(user),
                    "body": body.get("body"),
                    "labels": [],
                    "milestone": None,
                    "created_at": _now(),
                    "updated_at": _now(),
                    "closed_at": None,
                    "merged_at": None,
                    "merge_commit_sha": None,
                    "draft": False,
                    "head": {
                        "label": label,
                        "ref": branch,
                        "sha": head_sha,
                        "user": self.user_json(self.owner),
                        "repo": self.repo_json(),
                    },
                    "base": {
                        "label": f"{self.owner}:{base}",
                        "ref": base,
                        "sha": base_sha,
                        "user": self.user_json(self.owner),
                        "repo": self.repo_json(),
                    },
                    "author_association": "NONE",
                    "merged": False,
                    "mergeable": None,
                    "comments": 0,
                    "commits": 1,
                    "additions": 0,
                    "deletions": 0,
                    "changed_files": 0,
                    "maintainer_can_modify": False,
                }
                self.state.pulls[number] = pull
                self._fresh(pull)
                # A pull request is an issue too: its conversation is issue comments.
                self.state.issues[number] = {
                    "url": f"{self._repo_url()}/issues/{number}",
                    "repository_url": self._repo_url(),
                    "html_url": pull["html_url"],
                    "comments_url": f"{self._repo_url()}/issues/{number}/comments",
                    "id": next(self._ids),
                    "node_id": f"I_{number}",
                    "number": number,
                    "title": pull["title"],
                    "user": self.user_json(user),
                    "labels": [],
                    "state": "open",
                    "locked": False,
                    "comments": 0,
                    "created_at": pull["created_at"],
                    "updated_at": pull["updated_at"],
                    "closed_at": None,
                    "author_association": "NONE",
                    "body": pull["body"],
                    "pull_request": {
                        "url": url,
                        "html_url": pull["html_url"],
                        "diff_url": pull["diff_url"],
                        "patch_url": f"https://github.com/{self.full_name}/pull/{number}.patch",
                        "merged_at": None,
                    },
                }
                snapshot = dict(pull)
            self._emit("pull_request", "opened", user, number=number, pull_request=snapshot)
            return Reply(201, snapshot)

        @self.route("PATCH", repo + r"/pulls/(\d+)")
        def edit_pull(req: Request, name: str, number: str) -> Reply:
            body = req.body or {}
            with self.lock:
                pull = self.state.pulls.get(int(number))
                if pull is None:
                    return not_found
                action = "edited"
                wanted = body.get("state")
                if wanted == "open" and pull["state"] == "closed":
                    # GitHub reopens a pull request only if it is not merged and its
                    # branch is where it was when it was closed.
                    if pull.get("merged") or self._branch_sha(pull["head"]["ref"]) != pull[
                        "head"
                    ].get("sha"):
                        return Reply(
                            422,
                            {
                                "message": "Validation Failed",
                                "errors": [
                                    {
                                        "resource": "PullRequest",
                                        "code": "custom",
                                        "field": "state",
                                        "message": "state cannot be changed. The "
                                        f"{pull['head']['ref']} branch was force-pushed or "
                                        "recreated.",
                                    }
                                ],
                                "documentation_url": "https://docs.github.com/rest/pulls/pulls#update-a-pull-request",
                            },
                        )
                    self._set_pull_state(pull, "open")
                    action = "reopened"
                elif wanted == "closed" and pull["state"] == "open":
                    self._set_pull_state(pull, "closed")
                    action = "closed"
                for key in ("title", "body"):
                    if key in body:
                        pull[key] = body[key]
                        self.state.issues.get(int(number), {})[key] = body[key]
                pull["updated_at"] = _now()
                snapshot = dict(self._fresh(pull))
            self._emit(
                "pull_request",
                action,
                self._user_of(req) or "",
                number=int(number),
                pull_request=snapshot,
            )
            return Reply(200, snapshot)

        @self.route("PUT", repo + r"/pulls/(\d+)/merge")
        def merge(req: Request, name: str, number: str) -> Reply:
            if int(number) not in self.state.pulls:
                return not_found
            try:
                return Reply(200, self.merge_pull(int(number), self._user_of(req) or ""))
            except ValueError as exc:
                return Reply(405, {"message": str(exc)})

        @self.route("GET", repo + r"/pulls/(\d+)/commits")
        def pull_commits(req: Request, name: str, number: str) -> Reply:
            if int(number) not in self.state.pulls:
                return not_found
            return self._page(req, self.pull_commits(int(number)))

        @self.route("GET", repo + r"/pulls/(\d+)/comments")
        def list_review_comments(req: Request, name: str, number: str) -> Reply:
            if int(number) not in self.state.pulls:
                return not_found
            return self._page(req, self.review_comments_on(int(number)))

        @self.route("POST", repo + r"/pulls/(\d+)/comments/(\d+)/replies")
        def reply_review_comment(req: Request, name: str, number: str, cid: str) -> Reply:
            body = (req.body or {}).get("body")
            user = self._user_of(req) or ""
            with self.lock:
                pull = self.state.pulls.get(int(number))
                parent = self.state.review_comments.get(int(cid))
                if pull is None or parent is None or parent["pull_request_url"] != pull["url"]:
                    return not_found
                if not isinstance(body, str) or not body:
                    return Reply(422, {"message": "Validation Failed"})
                comment = self._review_comment_json(
                    self._fresh(pull), user, body, parent["path"], parent["line"], int(cid)
                )
                snapshot = dict(pull)
            self._emit(
                "pull_request_review_comment",
                "created",
                user,
                comment=comment,
                pull_request=snapshot,
            )
            return Reply(201, comment)

        @self.route("POST", repo + r"/pulls/comments/(\d+)/reactions")
        def react_review_comment(req: Request, name: str, cid: str) -> Reply:
            return self._react(
                req, self.state.review_comments, self.state.review_reactions, int(cid)
            )

        @self.route("GET", repo + r"/contents/(.+)")
        def contents(req: Request, name: str, path: str) -> Reply:
            path = urllib.parse.unquote(path)
            ref = req.arg("ref") or self.default_branch
            out = self._git("rev-parse", f"{ref}:{path}", check=False)
            sha = out.stdout.decode().strip()
            if out.returncode != 0 or not sha:
                return not_found
            if self._git("cat-file", "-t", sha).stdout.decode().strip() != "blob":
                return Reply(200, [])
            size = int(self._git("cat-file", "-s", sha).stdout.decode())
            data = {
                "type": "file",
                "encoding": "base64",
                "size": size,
                "name": path.rsplit("/", 1)[-1],
                "path": path,
                "sha": sha,
                "url": f"{self._repo_url()}/contents/{path}?ref={ref}",
                "git_url": f"{self._repo_url()}/git/blobs/{sha}",
                "html_url": f"https://github.com/{self.full_name}/blob/{ref}/{path}",
                "download_url": None,
                "content": "",
            }
            if size <= 1024 * 1024:
                raw = self._git("cat-file", "blob", sha).stdout
                data["content"] = base64.encodebytes(raw).decode("ascii")
            else:
                data["encoding"] = "none"  # what GitHub does for files of 1-100 MB
            return Reply(200, data)

        @self.route("GET", repo + r"/git/blobs/([0-9a-f]{40})")
        def blob(req: Request, name: str, sha: str) -> Reply:
            out = self._git("cat-file", "blob", sha, check=False)
            if out.returncode != 0:
                return not_found
            return Reply(
                200,
                {
                    "sha": sha,
                    "node_id": f"B_{sha[:8]}",
                    "size": len(out.stdout),
                    "url": f"{self._repo_url()}/git/blobs/{sha}",
                    "content": base64.encodebytes(out.stdout).decode("ascii"),
                    "encoding": "base64",
                },
            )
