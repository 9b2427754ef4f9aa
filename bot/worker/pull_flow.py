"""The bot's pull requests as maintainers use them: commands in comments and reviews,
and what closing or merging one means for its issues.

- `@authorbot refresh` (triage or higher) rebuilds the pull request from its issues and
  the current default branch; `@authorbot help` lists the commands. They work in a
  conversation comment, a review comment (answered in its thread) and a review's text.
- Anything else a maintainer writes in a review is theirs: the bot ignores it. A review
  the bot cannot answer (deleted, locked) is logged and ignored; it never fails a job.
- Closed without merging by a person: the issues in it keep their approval and wait
  ("approved, waiting"), each told so in a comment, until a maintainer approves again.
- Merged into the default branch: the other open pull requests are rebuilt on it.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.github.client import role_at_least
from bot.github.errors import PermanentError
from bot.worker.batch import find_batch, sync_batch
from bot.worker.batchtext import read_record
from bot.worker.commands import PULL_VERBS, Command, parse_commands, pull_help_text
from bot.worker.context import JobContext
from bot.worker.status import render_reply, reply_marker

log = logging.getLogger(__name__)


def bot_issues_of(ctx: JobContext, pull: dict[str, Any]) -> tuple[str, list[int]] | None:
    """`("batch", members)` or `("issue", [n])` for a pull request of the bot, from its
    head branch (and, for a batch, its record); None for anyone else's."""
    ref = str((pull.get("head") or {}).get("ref") or "")
    if ctx.config.is_batch_branch(ref):
        record = read_record(pull.get("body"))
        return "batch", list(record.members) if record else []
    number = ctx.config.issue_of_branch(ref)
    return ("issue", [number]) if number is not None else None


class _Answer:
    """Where the answers to one comment or review go (conversation or review thread)."""

    def __init__(self, ctx: JobContext, pull: int, source_id: int, via: str) -> None:
        self.ctx, self.pull, self.source_id, self.via = ctx, pull, source_id, via

    def react(self, content: str) -> None:
        if self.via == "review":
            return  # reviews have no reactions
        if self.via == "review-comment":
            self.ctx.repo.react_to_review_comment(self.source_id, content)
        else:
            self.ctx.repo.react(self.pull, self.source_id, content)

    def reply(self, verb: str, text: str) -> None:
        key = f"review-{self.source_id}" if self.via == "review" else self.source_id
        marker, body = reply_marker(key, verb), render_reply(key, verb, text)
        if self.via == "review-comment":
            existing = self.ctx.repo.list_review_comments(self.pull)
        else:
            existing = self.ctx.repo.list_comments(self.pull)
        if any(
            marker in (c.get("body") or "") and self.ctx.is_bot(c.get("user")) for c in existing
        ):
            return
        if self.via == "review-comment":
            self.ctx.repo.reply_to_review_comment(self.pull, self.source_id, body)
        else:
            self.ctx.repo.create_comment(self.pull, body)


def handle_pull_commands(
    ctx: JobContext,
    pull_number: int,
    source_id: int,
    login: str,
    commands: list[Command],
    via: str,
) -> bool:
    """Run commands written on pull request `pull_number` (in a comment, `via`
    `comment`; a review comment, `review-comment`; a review, `review`).

    Returns:
        False when the pull request is not the bot's (the caller answers as for any
        other), True when the commands were handled here.
    """
    try:
        pull = ctx.repo.get_pull(pull_number)
    except PermanentError as exc:  # gone, or never was: nothing to answer on
        log.warning("cannot read pull request #%s: %s", pull_number, exc)
        return True
    mine = bot_issues_of(ctx, pull)
    if mine is None:
        return False
    answer = _Answer(ctx, pull_number, source_id, via)
    try:
        for command in commands:
            _run(ctx, pull, mine, answer, login, command)
    except PermanentError as exc:  # the comment or review is gone, locked...: say nothing
        log.warning("could not answer on pull request #%s: %s", pull_number, exc)
    return True


def _run(
    ctx: JobContext,
    pull: dict[str, Any],
    mine: tuple[str, list[int]],
    answer: _Answer,
    login: str,
    command: Command,
) -> None:
    handle = ctx.config.handle
    verb = command.verb
    if command.error or verb not in PULL_VERBS:
        answer.react("confused")
        where = " and ".join(f"#{n}" for n in mine[1]) or "its issues"
        why = command.error or f"`{verb}` is not a command of pull requests."
        answer.reply(
            verb,
            f"@{login} {why} Approving, cancelling, `batch` and `solo` happen on the "
            f"issues ({where}).\n\n{pull_help_text(handle)}",
        )
        return
    if verb == "help":
        answer.reply(verb, pull_help_text(handle))
        answer.react("+1")
        return
    if not role_at_least(ctx.repo.collaborator_role(login), "triage"):
        answer.react("-1")
        answer.reply(
            verb,
            f"@{login} only maintainers of this repository (triage permission or higher) "
            f"can use `{verb}`, so I did not do it.",
        )
        return
    if pull.get("state") != "open":
        answer.react("-1")
        answer.reply(verb, f"@{login} this pull request is closed, so I did nothing.")
        return
    kind, issues = mine
    if kind == "batch":
        default_branch = ctx.repo.default_branch()
        with ctx.workspace.clone.locked():
            base = ctx.workspace.checkout(default_branch)
            result = sync_batch(ctx, default_branch, base)
        text = (
            f"@{login} rebuilt on the default branch: {len(result.members)} request"
            f"{'s' if len(result.members) != 1 else ''} in it."
        )
        if result.left:
            text += " Taken out: " + "; ".join(f"#{n} ({why})" for n, why in result.left.items())
        answer.reply(verb, text)
    else:
        for number in issues:  # worked as that issue's own job, in its turn
            ctx.follow_up(f"refresh:{number}", "replan", number, {})
        answer.reply(verb, f"@{login} I will rebuild it from #{issues[0]} and the default branch.")
    answer.react("+1")


def handle_review_comment(ctx: JobContext, payload: dict[str, Any]) -> None:
    """A review comment on a pull request: commands are answered in its thread; any
    other review comment is the maintainers' own and ignored."""
    comment = payload.get("comment") or {}
    pull = payload.get("pull_request") or {}
    body = comment.get("body") or ""
    if ctx.is_bot(comment.get("user")) or "<!-- authorbot:" in body or not pull.get("number"):
        return
    commands = parse_commands(body, ctx.config.handle)
    if commands:
        login = (comment.get("user") or {}).get("login", "")
        handle_pull_commands(ctx, pull["number"], comment["id"], login, commands, "review-comment")


def handle_review(ctx: JobContext, payload: dict[str, Any]) -> None:
    """A submitted review: commands in its text are answered in the conversation."""
    review = payload.get("review") or {}
    pull = payload.get("pull_request") or {}
    body = review.get("body") or ""
    if ctx.is_bot(review.get("user")) or not pull.get("number") or not review.get("id"):
        return
    commands = parse_commands(body, ctx.config.handle)
    if commands:
        login = (review.get("user") or {}).get("login", "")
        handle_pull_commands(ctx, pull["number"], review["id"], login, commands, "review")


def on_pull_closed(ctx: JobContext, payload: dict[str, Any]) -> None:
    """A pull request was closed.

    Merged into the default branch: every other open pull request of the bot is
    rebuilt on it (per-issue ones by their issue's job, the batch right here).
    Closed unmerged by a person: its issues wait, approved (see the module docstring).
    """
    pull = payload["pull_request"]
    if pull.get("merged"):
        if pull["base"]["ref"] != ctx.repo.default_branch():
            return
        for other in ctx.repo.list_open_pulls():
            number = ctx.config.issue_of_branch(other["head"]["ref"])
            if number is not None and other["number"] != pull["number"]:
                log.info("default branch moved: re-planning issue #%s", number)
                ctx.follow_up(f"merged:{number}", "replan", number, {})
        if find_batch(ctx) is not None:
            default_branch = ctx.repo.default_branch()
            with ctx.workspace.clone.locked():
                base = ctx.workspace.checkout(default_branch)
                sync_batch(ctx, default_branch, base)
        return
    if ctx.is_bot(payload.get("sender")):
        return  # the bot closed it itself (withdrawn, or the batch emptied)
    mine = bot_issues_of(ctx, pull)
    if mine is None:
        return
    for number in mine[1]:
        ctx.follow_up(f"wait:{number}", "wait", number, {"pr": pull["number"]})
