"""Answering commands in issue comments: check who may, do it, answer visibly.

Every command gets an answer: a reaction (+1 done, -1 refused, confused not
understood) and, where words are needed, one reply comment. A reply carries a hidden
marker naming the comment and verb it answers, so a re-run finds it instead of
answering twice.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.github.client import role_at_least
from bot.worker.commands import ISSUE_VERBS, Command, help_text, parse_commands
from bot.worker.context import JobContext
from bot.worker.issue_flow import Approval, process_issue
from bot.worker.state import STATUS_MARKER
from bot.worker.status import render_reply, reply_marker

log = logging.getLogger(__name__)


def reply_once(ctx: JobContext, number: int, comment_id: int, verb: str, text: str) -> None:
    """Post the answer to one command unless it was posted already."""
    marker = reply_marker(comment_id, verb)
    for existing in ctx.repo.list_comments(number):
        if marker in (existing.get("body") or "") and ctx.is_bot(existing.get("user")):
            return
    ctx.repo.create_comment(number, render_reply(comment_id, verb, text))


def handle_comment(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Run the commands in a new issue comment."""
    comment, issue = payload["comment"], payload["issue"]
    body = comment.get("body") or ""
    if ctx.is_bot(comment.get("user")) or STATUS_MARKER in body or "<!-- authorbot:" in body:
        return  # never answer the bot's own comments
    commands = parse_commands(body, ctx.config.handle)
    if not commands:
        return
    number, comment_id = issue["number"], comment["id"]
    login = comment["user"]["login"]
    if "pull_request" in issue:
        from bot.worker.pull_flow import handle_pull_commands

        if handle_pull_commands(ctx, number, comment_id, login, commands, via="comment"):
            return
    if "pull_request" in issue or not ctx.config.handles(issue):
        ctx.repo.react(number, comment_id, "confused")
        reply_once(
            ctx,
            number,
            comment_id,
            "not-mine",
            f"@{login} I only work on author-page requests, and this issue is not one.",
        )
        return
    for command in commands:
        _run(ctx, number, comment_id, login, command)


def _run(ctx: JobContext, number: int, comment_id: int, login: str, command: Command) -> None:
    handle, label = ctx.config.handle, ctx.config.approval_label
    if command.error:
        ctx.repo.react(number, comment_id, "confused")
        reply_once(
            ctx,
            number,
            comment_id,
            command.verb,
            f"@{login} {command.error}\n\n{help_text(handle, label)}",
        )
        return
    if command.needs_maintainer:
        role = ctx.repo.collaborator_role(login)
        if not role_at_least(role, "triage"):
            log.info("refused %s from %s (role %s)", command.verb, login, role)
            ctx.repo.react(number, comment_id, "-1")
            reply_once(
                ctx,
                number,
                comment_id,
                command.verb,
                f"@{login} thank you! Only maintainers of this repository (triage "
                f"permission or higher) can use `{command.verb}`, so I did not do it. "
                "A maintainer will look at this request.",
            )
            return
    verb = command.verb
    if verb not in ISSUE_VERBS:
        ctx.repo.react(number, comment_id, "confused")
        reply_once(
            ctx,
            number,
            comment_id,
            verb,
            f"@{login} `{verb}` works on the bot's pull requests; on an issue, "
            f"`@{handle} retry` runs again whatever is due.",
        )
        return
    if verb == "help":
        reply_once(ctx, number, comment_id, verb, help_text(handle, label))
        ctx.repo.react(number, comment_id, "+1")
        return
    if verb == "approve":
        outcome = process_issue(ctx, number, approval=Approval(by=login))
    elif verb == "id":
        new_id = command.args[0]
        outcome = process_issue(ctx, number, change_state=lambda s: s.but(new_id=new_id))
    elif verb == "cancel":
        outcome = process_issue(
            ctx,
            number,
            change_state=lambda s: s.but(approved=None, approved_by=None, cancelled=True),
        )
    elif verb in ("batch", "solo"):
        outcome = process_issue(ctx, number, change_state=lambda s: s.but(mode=verb, waiting=False))
    elif verb == "preview":
        outcome = process_issue(ctx, number, publish=False)
    else:  # retry
        outcome = process_issue(ctx, number)
    if outcome.status == "closed":
        ctx.repo.react(number, comment_id, "-1")
        reply_once(
            ctx,
            number,
            comment_id,
            verb,
            f"@{login} this issue is closed, so I did nothing. Reopen it first.",
        )
        return
    if outcome.refusal:
        ctx.repo.react(number, comment_id, "-1")
        reply_once(ctx, number, comment_id, verb, f"@{login} {outcome.refusal}")
        return
    if verb == "cancel":
        ctx.repo.remove_label(number, label)
    ctx.repo.react(number, comment_id, "+1")
