"""GitHub's REST API through PyGithub: the few calls the bot makes, as plain dicts.

`GitHubRepo` wraps one repository. It returns GitHub's JSON as dicts (the worker never
sees PyGithub classes) and turns failures into `TransientError` (5xx, timeouts, rate
limits, with the `Retry-After` the server gave) or `PermanentError`. It does not retry
by itself: the worker retries the whole job, and every job first looks before it
creates, so a POST that timed out after GitHub did it is never done twice.

Authentication: a GitHub App (app id + private key -> installation token) or a plain
token; the API base URL is configurable (GitHub Enterprise, the stand-in in tests).
"""

from __future__ import annotations

import base64
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import requests
from github import Auth, Github, GithubException, GithubIntegration

from bot.github.errors import PermanentError, TransientError

T = TypeVar("T")

# Collaborator roles from least to most; approve/id/cancel need triage or higher.
ROLE_RANK = {"none": 0, "read": 1, "triage": 2, "write": 3, "maintain": 4, "admin": 5}


def role_at_least(role: str, minimum: str = "triage") -> bool:
    """True when a collaborator role is `minimum` or higher (custom roles count as read)."""
    return ROLE_RANK.get(role, 1) >= ROLE_RANK[minimum]


@dataclass(frozen=True)
class GitHubAuth:
    """How to authenticate: `token`, or `app_id` + `private_key` (+ the installation id
    from the webhook payload)."""

    api_url: str = "https://api.github.com"
    token: str | None = None
    app_id: str | None = None
    private_key: str | None = None
    timeout: float = 15.0
    # PyGithub spaces requests out (GitHub asks for ~1 s between writes); tests pass 0.
    seconds_between_requests: float | None = 0.25
    seconds_between_writes: float | None = 1.0

    def connect(self, installation_id: int | None) -> tuple[Github, Callable[[], str]]:
        """A PyGithub client and a function giving a token usable for `git push`.

        Raises:
            PermanentError: neither a token nor an app id and key are configured.
        """
        auth: Auth.Auth
        if self.app_id and self.private_key:
            if installation_id is None:
                raise PermanentError("a GitHub App needs the installation id of the delivery")
            app = Auth.AppAuth(self.app_id, self.private_key)
            integration = GithubIntegration(auth=app, base_url=self.api_url)
            auth = app.get_installation_auth(installation_id, requester=integration.requester)
            inst = auth

            def token() -> str:
                return inst.token  # refreshed by PyGithub when it runs out
        elif self.token:
            auth = Auth.Token(self.token)
            plain = self.token

            def token() -> str:
                return plain
        else:
            raise PermanentError("no GitHub credentials: set GITHUB_TOKEN or the app's id and key")
        gh = Github(
            auth=auth,
            base_url=self.api_url,
            timeout=int(max(1, self.timeout)),
            retry=None,
            lazy=True,
            seconds_between_requests=self.seconds_between_requests,
            seconds_between_writes=self.seconds_between_writes,
        )
        return gh, token


def _retry_after(headers: dict[str, Any] | None) -> float | None:
    if not headers:
        return None
    lower = {k.lower(): v for k, v in headers.items()}
    if "retry-after" in lower:
        try:
            return max(0.0, float(lower["retry-after"]))
        except ValueError:
            return None
    if str(lower.get("x-ratelimit-remaining")) == "0" and "x-ratelimit-reset" in lower:
        try:
            return max(0.0, float(lower["x-ratelimit-reset"]) - time.time())
        except ValueError:
            return None
    return None


def classify(exc: Exception) -> Exception:
    """Turn a PyGithub or requests exception into TransientError or PermanentError."""
    if isinstance(exc, (requests.Timeout, requests.ConnectionError)):
        return TransientError(f"GitHub did not answer: {exc.__class__.__name__}")
    if isinstance(exc, GithubException):
        status = exc.status
        headers = exc.headers or {}
        message = ""
        if isinstance(exc.data, dict):
            message = str(exc.data.get("message", ""))
        retry = _retry_after(headers)
        rate_limited = status == 429 or (
            status == 403 and (retry is not None or "rate limit" in message.lower())
        )
        if rate_limited:
            return TransientError(f"GitHub rate limit ({status}): {message}", retry or 60.0)
        if status is not None and status >= 500:
            return TransientError(f"GitHub answered {status}: {message}", retry)
        return PermanentError(f"GitHub answered {status}: {message}", status)
    return exc


@contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except (GithubException, requests.RequestException) as exc:
        raise classify(exc) from exc


class GitHubRepo:
    """The calls the bot makes on one repository (`owner/name`)."""

    def __init__(self, gh: Github, full_name: str) -> None:
        self.gh = gh
        self.full_name = full_name
        self._repo = gh.get_repo(full_name)  # lazy: `connect` makes a lazy client
        self._default_branch: str | None = None

    def _json(self, verb: str, path: str, **kwargs: Any) -> Any:
        with _translated():
            _, data = self.gh.requester.requestJsonAndCheck(
                verb, f"/repos/{self.full_name}{path}", **kwargs
            )
        return data

    def default_branch(self) -> str:
        """The repository's default branch (asked once per client)."""
        if self._default_branch is None:
            self._default_branch = str(self._json("GET", "")["default_branch"])
        return self._default_branch

    def get_issue(self, number: int) -> dict[str, Any]:
        """The issue's JSON as GitHub returns it now (not as the webhook saw it)."""
        with _translated():
            return dict(self._repo.get_issue(number).raw_data)

    def list_comments(self, number: int) -> list[dict[str, Any]]:
        """Every comment on an issue, oldest first."""
        with _translated():
            return [c.raw_data for c in self._repo.get_issue(number).get_comments()]

    def create_comment(self, number: int, body: str) -> dict[str, Any]:
        """Post a comment."""
        with _translated():
            return dict(self._repo.get_issue(number).create_comment(body).raw_data)

    def edit_comment(self, number: int, comment_id: int, body: str) -> None:
        """Replace a comment's body."""
        with _translated():
            self._repo.get_issue(number).get_comment(comment_id).edit(body)

    def add_labels(self, number: int, names: list[str]) -> None:
        """Add labels (GitHub creates unknown labels)."""
        if names:
            with _translated():
                self._repo.get_issue(number).add_to_labels(*names)

    def remove_label(self, number: int, name: str) -> None:
        """Remove a label; removing one that is not there is fine."""
        try:
            with _translated():
                self._repo.get_issue(number).remove_from_labels(name)
        except PermanentError as exc:
            if exc.status != 404:
                raise

    def react(self, number: int, comment_id: int, content: str) -> None:
        """Add a reaction (`+1`, `-1`, `eyes`, `confused`, ...) to a comment (idempotent)."""
        with _translated():
            self._repo.get_issue(number).get_comment(comment_id).create_reaction(content)

    def collaborator_role(self, login: str) -> str:
        """The user's role on the repository (`admin`, `maintain`, `write`, `triage`,
        `read`, `none`), asked from the collaborator-permission endpoint.

        `permission` there folds triage into `read`, so `role_name` decides; a user
        GitHub does not know has no role.
        """
        quoted = urllib.parse.quote(login, safe="")
        try:
            data = self._json("GET", f"/collaborators/{quoted}/permission")
        except PermanentError as exc:
            if exc.status == 404:
                return "none"
            raise
        return str(data.get("role_name") or data.get("permission") or "none")

    def find_open_pull(self, head_branch: str) -> dict[str, Any] | None:
        """The open pull request from `head_branch` of this repository, if any."""
        owner = self.full_name.split("/")[0]
        with _translated():
            for pull in self._repo.get_pulls(state="open", head=f"{owner}:{head_branch}"):
                if pull.raw_data["head"]["ref"] == head_branch:
                    return dict(pull.raw_data)
        return None

    def list_open_pulls(self) -> list[dict[str, Any]]:
        """Every open pull request of the repository."""
        with _translated():
            return [dict(p.raw_data) for p in self._repo.get_pulls(state="open")]

    def find_pulls(self, head_branch: str, state: str = "all") -> list[dict[str, Any]]:
        """The pull requests from `head_branch` of this repository in `state` (`open`,
        `closed`, `all`), newest first."""
        owner = self.full_name.split("/")[0]
        params = {"state": state, "head": f"{owner}:{head_branch}", "per_page": 100}
        found = self._json("GET", "/pulls", parameters=params) or []
        pulls = [dict(p) for p in found if p["head"]["ref"] == head_branch]
        return sorted(pulls, key=lambda p: -int(p["number"]))

    def get_pull(self, number: int) -> dict[str, Any]:
        """One pull request as GitHub returns it now."""
        return dict(self._json("GET", f"/pulls/{number}"))

    def reply_to_review_comment(self, pull: int, comment_id: int, body: str) -> dict[str, Any]:
        """Answer a review comment in its thread."""
        return dict(
            self._json("POST", f"/pulls/{pull}/comments/{comment_id}/replies", input={"body": body})
        )

    def list_review_comments(self, pull: int) -> list[dict[str, Any]]:
        """The review comments of a pull request, oldest first."""
        return list(self._json("GET", f"/pulls/{pull}/comments", parameters={"per_page": 100}))

    def react_to_review_comment(self, comment_id: int, content: str) -> None:
        """Add a reaction to a review comment (idempotent)."""
        self._json("POST", f"/pulls/comments/{comment_id}/reactions", input={"content": content})

    def create_pull(self, title: str, body: str, head: str, base: str) -> dict[str, Any]:
        """Open a pull request. A 422 "already exists" raises PermanentError(422)."""
        with _translated():
            return dict(
                self._repo.create_pull(title=title, body=body, head=head, base=base).raw_data
            )

    def edit_pull(self, number: int, **fields: str) -> dict[str, Any]:
        """Change a pull request's title, body, or state."""
        return dict(self._json("PATCH", f"/pulls/{number}", input=fields))

    def read_file(self, path: str, ref: str | None = None) -> str | None:
        """A text file's content at `ref` (default branch when None); None if absent.

        The contents API serves files up to 1 MB; for larger ones it gives no content,
        and the file is read through the git blob API by its sha.
        """
        params = {"ref": ref} if ref else None
        quoted = urllib.parse.quote(path)
        try:
            data = self._json("GET", f"/contents/{quoted}", parameters=params)
        except PermanentError as exc:
            if exc.status == 404:
                return None
            raise
        if isinstance(data, list) or data.get("type") != "file":
            return None
        if data.get("encoding") == "base64":
            return base64.b64decode(data.get("content") or "").decode("utf-8")
        # "encoding": "none": the file is over 1 MB; its content comes from the blob.
        blob = self._json("GET", f"/git/blobs/{data['sha']}")
        if blob.get("encoding") == "base64":
            return base64.b64decode(blob["content"]).decode("utf-8")
        return str(blob.get("content", ""))
