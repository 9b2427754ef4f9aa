"""Which events the bot answers, and how: the routes of the worker.

issues opened / edited / reopened   plan again, update the status comment (and the
                                    pull request, when approved)
issues labeled <approval label>     a maintainer approves
issues unlabeled <approval label>   a maintainer withdraws the approval
issue_comment created               commands (`@authorbot approve`, ...)
pull_request closed (merged)        another change reached the default branch:
                                    re-plan the bot's open pull requests on it
"""

from __future__ import annotations

import logging
import re
from typing import Any

from bot.github.client import role_at_least
from bot.worker.command_flow import handle_comment
from bot.worker.context import JobContext
from bot.worker.issue_flow import Approval, process_issue
from bot.worker.router import Router

log = logging.getLogger(__name__)

router = Router()


@router.register("issues", "opened", "edited", "reopened")
def on_issue_changed(ctx: JobContext, payload: dict[str, Any]) -> None:
    """The request was filed or changed: plan it and say what will happen."""
    process_issue(ctx, payload["issue"]["number"])


@router.register("issues", "labeled")
def on_labeled(ctx: JobContext, payload: dict[str, Any]) -> None:
    """The approval label is an approval by whoever added it, if they have triage
    permission or higher (asked from GitHub). The bot's own labels are ignored."""
    if (payload.get("label") or {}).get("name") != ctx.config.approval_label:
        return
    sender = payload.get("sender") or {}
    if ctx.is_bot(sender):
        return
    login = sender.get("login", "")
    role = ctx.repo.collaborator_role(login)
    if not role_at_least(role, "triage"):  # GitHub should not allow it; do not trust it
        log.warning("ignored the approval label from %s (role %s)", login, role)
        return
    number = payload["issue"]["number"]
    outcome = process_issue(ctx, number, approval=Approval(by=login))
    if outcome.refusal:  # the label must not say "approved" when nothing was
        ctx.repo.remove_label(number, ctx.config.approval_label)


@router.register("issues", "unlabeled")
def on_unlabeled(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Removing the approval label withdraws the approval, like `cancel`."""
    if (payload.get("label") or {}).get("name") != ctx.config.approval_label:
        return
    if ctx.is_bot(payload.get("sender")):
        return
    process_issue(
        ctx,
        payload["issue"]["number"],
        change_state=lambda s: s.but(approved=None, approved_by=None, cancelled=True),
    )


@router.register("issue_comment", "created")
def on_comment(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Commands addressed to the bot."""
    handle_comment(ctx, payload)


@router.register("pull_request", "closed")
def on_pull_closed(ctx: JobContext, payload: dict[str, Any]) -> None:
    """A merge into the default branch may make the bot's open pull requests stale or
    inapplicable: re-plan each on the new default branch (rebuilt, or withdrawn with an
    explanation when the request no longer applies)."""
    pull = payload["pull_request"]
    if not pull.get("merged"):
        return
    if pull["base"]["ref"] != ctx.repo.default_branch():
        return
    pattern = re.compile(re.escape(ctx.config.branch_prefix) + r"(\d+)$")
    for other in ctx.repo.list_open_pulls():
        m = pattern.match(other["head"]["ref"])
        if m and other["number"] != pull["number"]:
            log.info("default branch moved: re-planning issue #%s", m.group(1))
            process_issue(ctx, int(m.group(1)))
