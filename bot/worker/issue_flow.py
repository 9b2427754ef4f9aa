"""Working on one issue: plan it, check ORCID, publish if approved, say so on the issue.

`process_issue` is the one path every event about an issue goes through (opened,
edited, labelled, a command). It reads the issue and the bot's state afresh from
GitHub, plans on the current default branch, and brings everything in line: the branch
and pull request (when approved), the status comment, the labels. Each step looks
before it writes, so running it twice changes nothing the second time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.anthology.integrity import DATA_ERRORS
from bot.anthology.orcid import is_valid_orcid
from bot.config import CONFIG_PATH
from bot.worker.context import JobContext
from bot.worker.orcidcheck import OrcidVerdict, check_orcid
from bot.worker.pulls import close_pull, ensure_pull
from bot.worker.state import IssueState, is_status_comment, plan_fingerprint, read_state
from bot.worker.status import (
    StatusView,
    judge,
    render_commit_message,
    render_config_error,
    render_data_error,
    render_engine_error,
    render_status,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Approval:
    """A maintainer's approval being given now (`by` is their login)."""

    by: str


@dataclass
class Outcome:
    """What `process_issue` did: `status` of the plan (or why it stopped), the pull
    request if one is open, and `refusal` when an approval could not be given."""

    status: str
    pull: dict[str, Any] | None = None
    refusal: str | None = None
    state: IssueState = field(default_factory=IssueState)


def find_status_comment(ctx: JobContext, comments: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The bot's status comment among an issue's comments (by its marker)."""
    for comment in comments:
        if is_status_comment(comment.get("body")) and ctx.is_bot(comment.get("user")):
            return comment
    return None


def write_status(ctx: JobContext, number: int, existing: dict[str, Any] | None, body: str) -> None:
    """Create the status comment, or edit it when its text changed."""
    if existing is None:
        ctx.repo.create_comment(number, body)
        log.info("posted the status comment")
    elif existing.get("body") != body:
        ctx.repo.edit_comment(number, existing["id"], body)
        log.info("updated the status comment")


def sync_labels(
    ctx: JobContext, issue: dict[str, Any], status: str, pr_open: bool, also: tuple[str, ...] = ()
) -> None:
    """Set the status label (ready / needs-info / rejected) and the pull-request label,
    and add the labels `also` (one request adds them all)."""
    labels = ctx.config.labels
    have = {label["name"] for label in issue.get("labels") or []}
    want = {
        "ready": labels["ready"],
        "needs-info": labels["needs_info"],
        "rejected": labels["rejected"],
    }.get(status)
    for name in ctx.config.status_labels:
        if name in have and name != want:
            ctx.repo.remove_label(issue["number"], name)
    wanted = (want, labels["pr_open"] if pr_open else None, *also)
    add = list(dict.fromkeys(n for n in wanted if n and n not in have))
    ctx.repo.add_labels(issue["number"], add)
    if not pr_open and labels["pr_open"] in have:
        ctx.repo.remove_label(issue["number"], labels["pr_open"])


def _orcid_verdict(ctx: JobContext, plan: dict[str, Any]) -> OrcidVerdict:
    """Ask ORCID about the target's iD when there is a well-formed one to ask about."""
    orcid = (plan.get("target") or {}).get("orcid")
    if not orcid or not is_valid_orcid(orcid) or plan.get("status") == "rejected":
        return OrcidVerdict("not-needed", orcid, "")
    if not ctx.config.orcid_check or ctx.orcid is None:
        return OrcidVerdict("off", orcid, "")
    return check_orcid(plan, ctx.orcid.lookup(orcid))


def process_issue(
    ctx: JobContext,
    number: int,
    *,
    approval: Approval | None = None,
    change_state: Callable[[IssueState], IssueState] | None = None,
    publish: bool = True,
) -> Outcome:
    """Bring issue `number` in line with its request.

    Parameters:
        approval: a maintainer approves now (command or label).
        change_state: applied to the stored state first (`id`, `cancel`).
        publish: False for `preview`: update the comment, leave the pull request alone.

    Returns:
        What happened; `status` is `skipped`, `closed`, `config-error` or `data-error`
        when it stopped early.
    """
    issue = ctx.repo.get_issue(number)
    if "pull_request" in issue or not ctx.config.handles(issue):
        log.info("not one of the bot's issues; skipped")
        return Outcome("skipped")
    comments = ctx.repo.list_comments(number)
    status_comment = find_status_comment(ctx, comments)
    state = read_state(status_comment["body"] if status_comment else None)
    if change_state is not None:
        state = change_state(state)
    if issue.get("state") == "closed":
        log.info("the issue is closed; stopped")
        return Outcome("closed", state=state)
    if ctx.config_problems:
        body = render_config_error(ctx.config_problems, CONFIG_PATH)
        body += "\n" + state.to_comment_line()
        write_status(ctx, number, status_comment, body)
        return Outcome("config-error", state=state)

    default_branch = ctx.repo.default_branch()
    notices: list[str] = []
    pull: dict[str, Any] | None = None
    refusal: str | None = None
    also_labels: tuple[str, ...] = ()
    with ctx.workspace.clone.locked():
        try:
            base = ctx.workspace.checkout(default_branch)
        except DATA_ERRORS as exc:  # the maintainers must fix the data: say so, stop
            log.error("the data cannot be worked on: %s", exc)
            body = render_data_error(str(exc)) + "\n" + state.to_comment_line()
            write_status(ctx, number, status_comment, body)
            refusal = (
                "I cannot work on this request until a maintainer fixes the data "
                "repository (see the status comment)."
            )
            return Outcome("data-error", refusal=refusal, state=state)
        try:
            planned = ctx.workspace.plan(issue, base, state.new_id)
        except Exception as exc:  # a bug in the engine: say so on the issue, keep the job
            body = render_engine_error(f"{exc.__class__.__name__}: {exc}")
            write_status(ctx, number, status_comment, body + "\n" + state.to_comment_line())
            raise
        orcid = _orcid_verdict(ctx, planned.json)
        verdict = judge(planned.json, orcid)
        fingerprint = plan_fingerprint(planned.json)

        if approval is not None:
            if verdict.status != "ready":
                refusal = (
                    f"I cannot open a pull request yet: the request is "
                    f"**{verdict.status}** (see the status comment)."
                )
                notices.append(
                    f"@{approval.by} approved, but I cannot open a pull request "
                    f"while the request is {verdict.status}."
                )
            else:
                state = state.but(approved=fingerprint, approved_by=approval.by, cancelled=False)
        if state.approved and (state.approved != fingerprint or verdict.status != "ready"):
            who = f"@{state.approved_by}" if state.approved_by else "a maintainer"
            notices.append(
                f"The request changed after {who} approved it (or no longer applies to the "
                "current data), so that approval no longer holds: a maintainer needs to "
                "approve again."
            )
            state = state.but(approved=None, approved_by=None)
            if ctx.config.approval_label in _label_names(issue):
                ctx.repo.remove_label(number, ctx.config.approval_label)
            if close_pull(ctx, number) is not None:
                notices.append("I closed the pull request made for the approved version.")
        if state.cancelled and close_pull(ctx, number) is not None:
            notices.append("I closed the pull request.")

        if state.approved and publish:
            branch = ctx.config.branch_for(number)
            result = ctx.workspace.publish(
                planned, branch, render_commit_message(planned.json, number)
            )
            log.info("branch %s at %s (pushed: %s)", branch, result.head[:12], result.pushed)
            pull = ensure_pull(
                ctx, number, planned.json, state.approved_by, default_branch, known=state.pr
            )
            state = state.but(pr=pull["number"])
            if approval is not None:  # added with the status labels, below
                also_labels = (ctx.config.approval_label,)
        elif state.approved and state.pr:
            pull = ctx.repo.find_open_pull(ctx.config.branch_for(number))

    view = StatusView(
        plan=planned.json,
        verdict=verdict,
        orcid=orcid,
        state=state,
        handle=ctx.config.handle,
        approval_label=ctx.config.approval_label,
        pr_url=pull["html_url"] if pull else None,
        notices=tuple(notices),
    )
    write_status(ctx, number, status_comment, render_status(view))
    sync_labels(ctx, issue, verdict.status, pr_open=pull is not None, also=also_labels)
    log.info("issue processed: %s", verdict.status, extra={"status": verdict.status})
    return Outcome(verdict.status, pull=pull, refusal=refusal, state=state)


def _label_names(issue: dict[str, Any]) -> set[str]:
    return {label["name"] for label in issue.get("labels") or []}
