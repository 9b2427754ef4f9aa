"""Which events the bot answers, and how: the routes of the worker.

issues opened / edited / reopened   plan again, update the status comment (and the
                                    pull request, when approved)
issues closed                       its change leaves the batch
issues labeled <approval label>     a maintainer approves
issues unlabeled <approval label>   a maintainer withdraws the approval
issue_comment created               commands (`@authorbot approve`, ...), on issues
                                    and on the bot's pull requests (`refresh`, `help`)
pull_request closed                 merged: another change reached the default branch,
                                    re-plan the bot's open pull requests on it; closed
                                    unmerged by a person: its issues wait, approved
pull_request_review_comment created commands in a review comment (answered in its thread)
pull_request_review submitted       commands in a review's text
authorbot <action>                  follow-up jobs the worker queues itself, about one
                                    issue each: `replan`, `left-batch`, `wait`
"""

from __future__ import annotations

import logging
from typing import Any

from bot.github.client import role_at_least
from bot.worker.command_flow import handle_comment
from bot.worker.context import JobContext
from bot.worker.issue_flow import Approval, process_issue
from bot.worker.pull_flow import handle_review, handle_review_comment, on_pull_closed
from bot.worker.router import Router
from bot.worker.state import IssueState
from bot.worker.status import render_reply, reply_marker

log = logging.getLogger(__name__)

router = Router()


@router.register("issues", "opened", "edited", "reopened")
def on_issue_changed(ctx: JobContext, payload: dict[str, Any]) -> None:
    """The request was filed or changed: plan it and say what will happen."""
    process_issue(ctx, payload["issue"]["number"])


@router.register("issues", "closed")
def on_issue_closed(ctx: JobContext, payload: dict[str, Any]) -> None:
    """A closed issue's change leaves the batch (nothing else happens on it)."""
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
def on_closed(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Merged: re-plan the bot's other pull requests on the new default branch (rebuilt,
    or withdrawn with an explanation when a request no longer applies). Closed unmerged
    by a person: the issues in it wait, approved."""
    on_pull_closed(ctx, payload)


@router.register("pull_request_review_comment", "created")
def on_review_comment(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Commands in a review comment; other review comments are left to the people."""
    handle_review_comment(ctx, payload)


@router.register("pull_request_review", "submitted")
def on_review(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Commands in a review's text."""
    handle_review(ctx, payload)


@router.register("authorbot", "replan")
def on_replan(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Plan the issue again (its pull request was refreshed, or the default branch moved)."""
    process_issue(ctx, payload["issue"]["number"])


@router.register("authorbot", "left-batch")
def on_left_batch(ctx: JobContext, payload: dict[str, Any]) -> None:
    """A rebuild took the issue out of the batch because its approved change no longer
    applies: withdraw that approval (unless it changed meanwhile) and say why."""
    number, approval = payload["issue"]["number"], payload.get("fingerprint")
    pr = payload.get("pr")
    where = f"the batch pull request #{pr}" if pr else "the batch pull request"
    text = (
        f"I took this request out of {where}: {payload.get('reason', '')}. Its approval no "
        "longer holds; a maintainer can approve again."
    )

    def withdraw(state: IssueState) -> IssueState:
        if approval is None or state.approved != approval:
            return state
        return state.but(approved=None, approved_by=None, batch=None, pr=None)

    outcome = process_issue(ctx, number, change_state=withdraw, notice=text)
    if outcome.status not in ("closed", "skipped") and outcome.state.approved is None:
        ctx.repo.remove_label(number, ctx.config.approval_label)
        _say_once(ctx, number, f"left-batch-{approval}", text)


@router.register("authorbot", "wait")
def on_wait(ctx: JobContext, payload: dict[str, Any]) -> None:
    """The pull request with the issue's change was closed without merging: keep the
    approval, publish nothing until a maintainer approves again."""
    number, pr = payload["issue"]["number"], payload.get("pr")
    text = (
        f"The pull request #{pr} with this change was closed without merging. The request "
        f"stays approved and waits: `@{ctx.config.handle} approve` (or `batch` / `solo`) "
        "puts it in a pull request again."
    )

    def wait(state: IssueState) -> IssueState:
        if not state.approved or state.pr != pr:
            return state
        return state.but(waiting=True, batch=None, pr=None)

    outcome = process_issue(ctx, number, change_state=wait, notice=text)
    if outcome.status not in ("closed", "skipped") and outcome.state.waiting:
        _say_once(ctx, number, f"wait-{pr}", text)


def _say_once(ctx: JobContext, number: int, key: str, text: str) -> None:
    """A comment that notifies the people on the issue (an edited status comment does
    not), posted once whatever the re-runs."""
    marker = reply_marker(key, "note")
    for comment in ctx.repo.list_comments(number):
        if marker in (comment.get("body") or "") and ctx.is_bot(comment.get("user")):
            return
    ctx.repo.create_comment(number, render_reply(key, "note", text))
