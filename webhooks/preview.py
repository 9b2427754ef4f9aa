"""Previews of author pages as a branch of the bot would make them:
`/preview/<branch>/people/<person-id>/` (and `/people/<slug>/unverified/`).

The pages are the ordinary author pages (`webhooks/pages.py`, `bot/page`), served
from the data of the commit the bot last pushed to the branch (`PreviewStore`). One
page app per commit is kept in memory (its index loaded once; a commit never changes,
so it is never refreshed), the most recently used `cache_size` of them. Links on a
preview page stay inside the preview of the same branch, because the page app runs
under the script name `/preview/<branch>`. Only GET and HEAD are answered: a preview
is read-only, and only the bot's own branches have one.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from bot.github.previewstore import PreviewError, PreviewStore

log = logging.getLogger(__name__)

PREFIX = "/preview/"
# The branch is everything before the page app's own paths.
_SPLIT = re.compile(r"(?P<branch>[A-Za-z0-9][-A-Za-z0-9_./]*?)(?P<rest>/(?:people|static)/.*)")

StartResponse = Callable[..., Any]


def preview_path(branch: str, page_id: str) -> str:
    """The path of a page's preview on a branch (`page_id` is `x` or `x/unverified`)."""
    return f"{PREFIX}{branch}/people/{page_id}/"


class PreviewMiddleware:
    """WSGI middleware: `/preview/...` is answered from the branch's commit, anything
    else goes to `app`.

    Parameters:
        app: the WSGI app for every other path.
        store: the preview records and unpacked commits.
        branch_allowed: True for the branches that may be previewed (None: any branch
            the bot recorded a head for, which are only its own).
        issue_repo: where the pages' Submit files issues.
        cache_size: how many commits' page apps stay in memory.
    """

    def __init__(
        self,
        app: Callable[..., Iterable[bytes]],
        store: PreviewStore,
        branch_allowed: Callable[[str], bool] | None = None,
        issue_repo: str = "acl-org/acl-anthology",
        cache_size: int = 2,
    ) -> None:
        self.app = app
        self.store = store
        self.branch_allowed = branch_allowed or (lambda branch: True)
        self.issue_repo = issue_repo
        self.cache_size = cache_size
        self._apps: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or ""
        if not path.startswith(PREFIX):
            return self.app(environ, start_response)
        m = _SPLIT.fullmatch(path[len(PREFIX) :])
        if m is None or ".." in m.group("branch") or not self.branch_allowed(m.group("branch")):
            return _plain(start_response, "404 Not Found", "No preview here.\n")
        if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
            return _plain(start_response, "405 Method Not Allowed", "Previews are read-only.\n")
        branch = m.group("branch")
        head = self.store.head(branch)
        if head is None:
            return _plain(
                start_response, "404 Not Found", f"The bot has not pushed {branch} (yet).\n"
            )
        try:
            page_app = self._app_for(head.commit, lambda: self.store.data_dir(head))
        except PreviewError as exc:
            log.warning("no preview of %s: %s", branch, exc)
            return _plain(start_response, "503 Service Unavailable", f"{exc}\n")
        inner = dict(environ)
        inner["SCRIPT_NAME"] = (environ.get("SCRIPT_NAME") or "") + PREFIX + branch
        inner["PATH_INFO"] = m.group("rest")

        def start(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            headers = [*headers, ("X-Authorbot-Preview-Commit", head.commit)]
            return start_response(status, headers, *exc_info)

        return page_app(inner, start)  # type: ignore[no-any-return]

    def _app_for(self, commit: str, data_dir: Callable[[], Any]) -> Any:
        """The page app of one commit (built once; the least recently used is dropped)."""
        from webhooks.pages import create_page_app

        with self._lock:
            app = self._apps.get(commit)
            if app is not None:
                self._apps.move_to_end(commit)
                return app
            # A commit's data never changes: no refresh of its index, ever.
            app = create_page_app(data_dir(), self.issue_repo, refresh_seconds=float("inf"))
            self._apps[commit] = app
            while len(self._apps) > self.cache_size:
                self._apps.popitem(last=False)
            return app


def _plain(start_response: StartResponse, status: str, text: str) -> list[bytes]:
    body = text.encode("utf-8")
    start_response(
        status,
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
    )
    return [body]
