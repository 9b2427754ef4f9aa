"""The bot's pull request for an issue: found by its head branch, never opened twice."""

from __future__ import annotations

import logging
from typing import Any

from bot.github.errors import PermanentError
from bot.worker.context import JobContext
from bot.worker.status import render_pr_body, render_pr_title

log = logging.getLogger(__name__)


def ensure_pull(
    ctx: JobContext,
    number: int,
    plan: dict[str, Any],
    approved_by: str | None,
    base: str,
    known: int | None = None,
) -> dict[str, Any]:
    """Open the pull request for issue `number`, or update the one that is open.

    When the issue's state knows of a pull request (`known`), it looks before it
    creates. Otherwise it creates at once (one request fewer on a first approval):
    GitHub refuses a second open pull request from the same branch with a 422
    "already exists" (a create that timed out earlier, a job killed before it noted
    the number, a race), and then it looks and updates that one.
    """
    branch = ctx.config.branch_for(number)
    title = render_pr_title(plan, number)
    body = render_pr_body(plan, number, approved_by)
    pull = ctx.repo.find_open_pull(branch) if known is not None else None
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


def close_pull(ctx: JobContext, number: int) -> int | None:
    """Close the issue's open pull request, if there is one; returns its number."""
    pull = ctx.repo.find_open_pull(ctx.config.branch_for(number))
    if pull is None:
        return None
    ctx.repo.edit_pull(pull["number"], state="closed")
    log.info("closed pull request #%s", pull["number"], extra={"pr": pull["number"]})
    return int(pull["number"])
