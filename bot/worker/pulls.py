"""The bot's pull requests, found by their head branch: never two for one branch.

An open one is updated. A closed one that was not merged is reopened (GitHub reopens a
pull request only while its branch is where it was when it was closed, so reopening
comes before the new commits are pushed); only when none exists is one created. When
GitHub says one already exists (a create that timed out earlier, or a race), the bot
looks again and updates that one.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.github.errors import PermanentError
from bot.worker.context import JobContext

log = logging.getLogger(__name__)


def reopen_closed_pull(ctx: JobContext, branch: str) -> dict[str, Any] | None:
    """Reopen the newest closed, unmerged pull request from `branch`, if there is one.

    Call it before pushing new commits to `branch`. If GitHub refuses because the
    branch was deleted or moved while the pull request was closed, the branch is put
    back where the pull request left it (when the clone still has that commit) and the
    reopening is tried once more.

    Returns:
        The reopened pull request, or None (none to reopen, or GitHub refused).
    """
    for pull in ctx.repo.find_pulls(branch, "closed"):
        if pull.get("merged_at") or pull.get("merged"):
            return None  # that change is in; a new one needs a new pull request
        number = pull["number"]
        try:
            reopened = ctx.repo.edit_pull(number, state="open")
        except PermanentError as exc:
            if exc.status != 422:
                raise
            sha = (pull.get("head") or {}).get("sha") or ""
            if not sha or not ctx.workspace.clone.restore_branch(branch, sha):
                log.warning("cannot reopen pull request #%s: %s", number, exc)
                return None
            reopened = ctx.repo.edit_pull(number, state="open")
        log.info("reopened pull request #%s", number, extra={"pr": number})
        return reopened
    return None


def ensure_pull(
    ctx: JobContext,
    branch: str,
    title: str,
    body: str,
    base: str,
    pull: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Open the pull request from `branch`, or update the open one (`pull`) when its
    title or body differ.

    Callers pass the open pull request they found (or reopened) from `branch`, or
    None, and then it creates at once: GitHub refuses a second open pull request from
    the same branch with a 422 "already exists" (a create that timed out earlier, a
    job killed before it noted the number, a race), and then it looks and updates
    that one.
    """
    if pull is not None and pull.get("state") != "open":
        pull = None
    if pull is None:
        try:
            pull = ctx.repo.create_pull(title=title, body=body, head=branch, base=base)
            log.info("opened pull request #%s", pull["number"], extra={"pr": pull["number"]})
            return pull
        except PermanentError as exc:
            if exc.status != 422:
                raise
            pull = ctx.repo.find_open_pull(branch)
            if pull is None:
                raise
    if pull.get("title") != title or (pull.get("body") or "") != body:
        pull = ctx.repo.edit_pull(pull["number"], title=title, body=body)
        log.info("updated pull request #%s", pull["number"], extra={"pr": pull["number"]})
    return pull


def close_pull(ctx: JobContext, branch: str) -> int | None:
    """Close the open pull request from `branch`, if there is one; returns its number.
    The branch stays where it is, so the pull request can be reopened later."""
    pull = ctx.repo.find_open_pull(branch)
    if pull is None:
        return None
    ctx.repo.edit_pull(pull["number"], state="closed")
    log.info("closed pull request #%s", pull["number"], extra={"pr": pull["number"]})
    return int(pull["number"])
