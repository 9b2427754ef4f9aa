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
import threading
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
        """A PyGithub client and a function giving a token usable for `git push`
        (a new connector each call: nothing cached; the worker keeps a `Connector`).

        Raises:
            PermanentError: neither a token nor an app id and key are configured.
        """
        return Connector(self).connect(installation_id)


# An installation token lives an hour; one with less than this left is replaced, so
# that a job (and its git push) never starts with a token about to run out.
TOKEN_MARGIN_SECONDS = 300.0


class Connector:
    """Clients for `auth`, with the installation tokens of a GitHub App cached until
    shortly before they expire (one token per installation an hour, not one per job).
    Safe to share between threads.

    Parameters:
        auth: the credentials.
        clock: seconds since the epoch (tests pass their own).
    """

    def __init__(self, auth: GitHubAuth, clock: Callable[[], float] = time.time) -> None:
        self.auth = auth
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[int, tuple[str, float]] = {}  # installation -> token, expiry
        self.minted = 0

    def installation_token(
        self, installation_id: int, on_mint: Callable[[float], None] | None = None
    ) -> str:
        """A token for the installation: the cached one while it has time left, else a
        new one (`POST /app/installations/{id}/access_tokens`; `on_mint` hears how
        long that request took)."""
        with self._lock:
            cached = self._tokens.get(installation_id)
            if cached and cached[1] - self._clock() > TOKEN_MARGIN_SECONDS:
                return cached[0]
            assert self.auth.app_id and self.auth.private_key
            integration = GithubIntegration(
                auth=Auth.AppAuth(self.auth.app_id, self.auth.private_key),
                base_url=self.auth.api_url,
                timeout=int(max(1, self.auth.timeout)),
            )
            started = time.perf_counter()
            with _translated():
                grant = integration.get_access_token(installation_id)
            if on_mint is not None:
                on_mint(time.perf_counter() - started)
            expires = grant.expires_at.timestamp() if grant.expires_at else self._clock() + 3600
            self._tokens[installation_id] = (grant.token, expires)
            self.minted += 1
            return grant.token

    def connect(
        self, installation_id: int | None, on_mint: Callable[[float], None] | None = None
    ) -> tuple[Github, Callable[[], str]]:
        """A PyGithub client and a function giving a token usable for `git push`
        (`on_mint` hears of a token request made for it).

        Raises:
            PermanentError: neither a token nor an app id and key are configured, or
                an app without the delivery's installation id.
            TransientError: GitHub did not answer the token request.
        """
        auth = self.auth
        if auth.app_id and auth.private_key:
            if installation_id is None:
                raise PermanentError("a GitHub App needs the installation id of the delivery")
            installation = installation_id
            current = self.installation_token(installation, on_mint)

            def token() -> str:
                return self.installation_token(installation)
        elif auth.token:
            current = auth.token

            def token() -> str:
                return current
        else:
            raise PermanentError("no GitHub credentials: set GITHUB_TOKEN or the app's id and key")
        gh = Github(
            auth=Auth.Token(current),
            base_url=auth.api_url,
            timeout=int(max(1, auth.timeout)),
            retry=None,
            lazy=True,
            seconds_between_requests=auth.seconds_between_requests,
            seconds_between_writes=auth.seconds_between_writes,
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


def _next_link(headers: dict[str, Any]) -> str | None:
    """The `rel="next"` URL of a `Link` header, if any."""
    link = {k.lower(): v for k, v in (headers or {}).items()}.get("link") or ""
    for part in link.split(","):
        url, _, rel = part.partition(";")
        if 'rel="next"' in rel:
            return url.strip().strip("<>")
    return None


@contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except (GithubException, requests.RequestException) as exc:
        raise classify(exc) from exc


DEFAULT_BRANCH_TTL = 600.0  # seconds a worker trusts the default branch it was told


class GitHubRepo:
    """The calls the bot makes on one repository (`owner/name`).

    Every call is one REST request through PyGithub's requester (its timeouts and
    request spacing), and lists are read page by page as GitHub sends them: PyGithub's
    objects would complete themselves with one more request per listed item.
    `requests` and `seconds` count this client's requests and the time spent in them.
    """

    def __init__(
        self,
        gh: Github,
        full_name: str,
        branch_cache: dict[str, tuple[str, float]] | None = None,
    ) -> None:
        self.gh = gh
        self.full_name = full_name
        self._default_branch: str | None = None
        # Shared between the jobs of a worker: repository -> (default branch, asked at).
        self._branch_cache = branch_cache
        self.requests = 0
        self.seconds = 0.0
        # Called before every request that changes something (the worker's lease check).
        self.before_write: Callable[[], None] | None = None

    def _call(self, verb: str, url: str, **kwargs: Any) -> tuple[dict[str, Any], Any]:
        if verb != "GET" and self.before_write is not None:
            self.before_write()
        started = time.perf_counter()
        try:
            with _translated():
                return self.gh.requester.requestJsonAndCheck(verb, url, **kwargs)
        finally:
            self.requests += 1
            self.seconds += time.perf_counter() - started

    def _json(self, verb: str, path: str, **kwargs: Any) -> Any:
        return self._call(verb, f"/repos/{self.full_name}{path}", **kwargs)[1]

    def _pages(self, path: str, parameters: dict[str, Any] | None = None) -> list[Any]:
        """Every item of a list endpoint, 100 a page, following `Link: rel="next"`."""
        items: list[Any] = []
        url: str | None = f"/repos/{self.full_name}{path}"
        params: dict[str, Any] | None = {**(parameters or {}), "per_page": 100}
        while url is not None:
            headers, data = self._call("GET", url, parameters=params)
            items += data or []
            url = _next_link(headers)
            params = None  # the next link carries the query
        return items

    def default_branch(self) -> str:
        """The repository's default branch: asked once per client, and with a
        `branch_cache`, once every `DEFAULT_BRANCH_TTL` seconds per worker (a renamed
        default branch is seen that much later; the jobs meanwhile fail to fetch the
        old name and are retried)."""
        if self._default_branch is None:
            cache, now = self._branch_cache, time.monotonic()
            cached = cache.get(self.full_name) if cache is not None else None
            if cached is not None and now - cached[1] < DEFAULT_BRANCH_TTL:
                self._default_branch = cached[0]
            else:
                self._default_branch = str(self._json("GET", "")["default_branch"])
                if cache is not None:
                    cache[self.full_name] = (self._default_branch, now)
        return self._default_branch

    def get_issue(self, number: int) -> dict[str, Any]:
        """The issue's JSON as GitHub returns it now (not as the webhook saw it)."""
        return dict(self._json("GET", f"/issues/{number}"))

    def list_comments(self, number: int) -> list[dict[str, Any]]:
        """Every comment on an issue, oldest first."""
        return self._pages(f"/issues/{number}/comments")

    def create_comment(self, number: int, body: str) -> dict[str, Any]:
        """Post a comment."""
        return dict(self._json("POST", f"/issues/{number}/comments", input={"body": body}))

    def edit_comment(self, number: int, comment_id: int, body: str) -> None:
        """Replace a comment's body."""
        self._json("PATCH", f"/issues/comments/{comment_id}", input={"body": body})

    def add_labels(self, number: int, names: list[str]) -> None:
        """Add labels (GitHub creates unknown labels)."""
        if names:
            self._json("POST", f"/issues/{number}/labels", input={"labels": list(names)})

    def remove_label(self, number: int, name: str) -> None:
        """Remove a label; removing one that is not there is fine."""
        quoted = urllib.parse.quote(name, safe="")
        try:
            self._json("DELETE", f"/issues/{number}/labels/{quoted}")
        except PermanentError as exc:
            if exc.status != 404:
                raise

    def react(self, number: int, comment_id: int, content: str) -> None:
        """Add a reaction (`+1`, `-1`, `eyes`, `confused`, ...) to a comment (idempotent)."""
        self._json("POST", f"/issues/comments/{comment_id}/reactions", input={"content": content})

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
        pulls = self._pages("/pulls", {"state": "open", "head": f"{owner}:{head_branch}"})
        for pull in pulls:
            if pull["head"]["ref"] == head_branch:
                return dict(pull)
        return None

    def list_open_pulls(self) -> list[dict[str, Any]]:
        """Every open pull request of the repository."""
        return [dict(p) for p in self._pages("/pulls", {"state": "open"})]

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
        fields = {"title": title, "body": body, "head": head, "base": base}
        return dict(self._json("POST", "/pulls", input=fields))

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
