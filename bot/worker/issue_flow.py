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
from bot.worker.batch import Candidate, find_batch, sync_batch, wants_batch
from bot.worker.context import JobContext
from bot.worker.orcidcheck import OrcidVerdict, check_orcid
from bot.worker.pulls import close_pull, ensure_pull, reopen_closed_pull
from bot.worker.state import IssueState, find_status_comment, plan_fingerprint, read_state
from bot.worker.status import (
    StatusView,
    judge,
    render_commit_message,
    render_config_error,
    render_data_error,
    render_engine_error,
    render_pr_body,
    render_pr_title,
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
    request if one is open (`batch`: it is the batch one), and `refusal` when an
    approval could not be given."""

    status: str
    pull: dict[str, Any] | None = None
    refusal: str | None = None
    state: IssueState = field(default_factory=IssueState)
    batch: bool = False


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
    notice: str | None = None,
) -> Outcome:
    """Bring issue `number` in line with its request.

    Parameters:
        approval: a maintainer approves now (command or label).
        change_state: applied to the stored state first (`id`, `cancel`, `batch`...).
        publish: False for `preview`: update the comment, leave the pull request alone.
        notice: a line for the status comment, shown when `change_state` changed the
            state (or always, without `change_state`).

    Returns:
        What happened; `status` is `skipped`, `closed`, `config-error` or `data-error`
        when it stopped early.
    """
    issue = ctx.repo.get_issue(number)
    if "pull_request" in issue or not ctx.config.handles(issue):
        log.info("not one of the bot's issues; skipped")
        return Outcome("skipped")
    notices: list[str] = []
    # The state is read, changed and written back under the clone's lock: a batch
    # rebuild by another job reads this issue's state, and must see it whole.
    with ctx.workspace.clone.locked():
        comments = ctx.repo.list_comments(number)
        status_comment = find_status_comment(comments, ctx.is_bot)
        stored = read_state(status_comment["body"] if status_comment else None)
        state = change_state(stored) if change_state is not None else stored
        if notice and (change_state is None or state != stored):
            notices.append(notice)
        if issue.get("state") == "closed":
            log.info("the issue is closed; stopped")
            if stored.batch is not None:  # closed by hand: its change leaves the batch
                default_branch = ctx.repo.default_branch()
                base = ctx.workspace.checkout(default_branch)
                sync_batch(ctx, default_branch, base, Candidate(number, issue, state), want=False)
            return Outcome("closed", state=state)
        if ctx.config_problems:
            body = render_config_error(ctx.config_problems, CONFIG_PATH)
            body += "\n" + state.to_comment_line()
            write_status(ctx, number, status_comment, body)
            return Outcome("config-error", state=state)
        return _bring_in_line(ctx, issue, status_comment, state, approval, publish, notices)


def _bring_in_line(
    ctx: JobContext,
    issue: dict[str, Any],
    status_comment: dict[str, Any] | None,
    state: IssueState,
    approval: Approval | None,
    publish: bool,
    notices: list[str],
) -> Outcome:
    number = int(issue["number"])
    default_branch = ctx.repo.default_branch()
    own_branch = ctx.config.branch_for(number)
    pull: dict[str, Any] | None = None
    refusal: str | None = None
    counts: dict[str, tuple[int, int]] = {}
    branch: str | None = None
    in_batch = False
    also_labels: tuple[str, ...] = ()
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
    batched = wants_batch(ctx, state, planned.json)

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
            state = state.but(
                approved=fingerprint, approved_by=approval.by, cancelled=False, waiting=False
            )
    if state.approved and (state.approved != fingerprint or verdict.status != "ready"):
        who = f"@{state.approved_by}" if state.approved_by else "a maintainer"
        notices.append(
            f"The request changed after {who} approved it (or no longer applies to the "
            "current data), so that approval no longer holds: a maintainer needs to "
            "approve again."
        )
        state = state.but(approved=None, approved_by=None, waiting=False)
        if ctx.config.approval_label in _label_names(issue):
            ctx.repo.remove_label(number, ctx.config.approval_label)
        if close_pull(ctx, own_branch) is not None:
            notices.append("I closed the pull request made for the approved version.")
    if state.cancelled and close_pull(ctx, own_branch) is not None:
        notices.append("I closed the pull request.")

    candidate = Candidate(number, issue, state)
    active = bool(state.approved) and not state.waiting
    if active and publish and batched:
        if close_pull(ctx, own_branch) is not None:
            notices.append("This request now goes in the batch; I closed its own pull request.")
        result = sync_batch(ctx, default_branch, base, candidate, want=True)
        if number in result.left:
            why = result.left[number]
            notices.append(
                f"I could not put this request in the batch pull request: {why}. Its approval "
                "no longer holds; a maintainer can approve again."
            )
            if approval is not None:
                refusal = f"I could not add this request to the batch pull request: {why}."
            state = state.but(approved=None, approved_by=None, batch=None, pr=None)
            if ctx.config.approval_label in _label_names(issue):
                ctx.repo.remove_label(number, ctx.config.approval_label)
            approval = None
        elif result.pull is not None:
            pull, branch, in_batch = result.pull, result.branch, True
            counts = _mine(result.counts, planned.json)
            state = state.but(pr=int(pull["number"]), batch=branch)
    elif active and publish:
        if state.batch is not None:
            left = sync_batch(ctx, default_branch, base, candidate, want=False)
            if left.was_member:
                notices.append(
                    "This request now gets a pull request of its own; I took it out of the batch."
                )
            state = state.but(batch=None)
        if state.pr is None and ctx.workspace.clone.remote_head(own_branch) is None:
            # Never published (no pull request noted, no branch): nothing to find or
            # reopen, and `ensure_pull` creates at once (one GitHub request fewer).
            pull = None
        else:
            pull = ctx.repo.find_open_pull(own_branch) or reopen_closed_pull(ctx, own_branch)
        published = ctx.workspace.publish(
            planned, own_branch, render_commit_message(planned.json, number)
        )
        result_head = published.result.head
        log.info(
            "branch %s at %s (pushed: %s)",
            own_branch,
            result_head[:12],
            published.result.pushed,
        )
        if ctx.previews is not None:
            ctx.previews.record(
                own_branch,
                result_head,
                ctx.workspace.clone.path / ".git",
                ctx.workspace.data_root,
            )
        counts, branch = published.counts, own_branch
        body = render_pr_body(
            planned.json, number, state.approved_by, counts, branch, ctx.public_url
        )
        pull = ensure_pull(
            ctx, own_branch, render_pr_title(planned.json, number), body, default_branch, pull
        )
        state = state.but(pr=int(pull["number"]))
    elif active:  # preview: show what is there, change nothing
        if state.batch is not None:
            pull, branch, in_batch = find_batch(ctx), state.batch, True
        elif state.pr:
            pull, branch = ctx.repo.find_open_pull(own_branch), own_branch
        if pull is not None and verdict.status == "ready":
            counts = ctx.workspace.measure(planned)
    elif state.batch is not None:  # approval withdrawn, cancelled or waiting
        left = sync_batch(ctx, default_branch, base, candidate, want=False)
        if left.was_member:
            notices.append("I took this request out of the batch pull request.")
        state = state.but(batch=None, pr=None)
    if approval is not None and state.approved and pull is not None:
        also_labels = (ctx.config.approval_label,)  # added with the status labels, below

    view = StatusView(
        plan=planned.json,
        verdict=verdict,
        orcid=orcid,
        state=state,
        handle=ctx.config.handle,
        approval_label=ctx.config.approval_label,
        pr_url=pull["html_url"] if pull else None,
        notices=tuple(notices),
        counts=counts,
        branch=branch,
        public_url=ctx.public_url,
        batch=in_batch,
    )
    write_status(ctx, number, status_comment, render_status(view))
    sync_labels(ctx, issue, verdict.status, pr_open=pull is not None, also=also_labels)
    log.info("issue processed: %s", verdict.status, extra={"status": verdict.status})
    return Outcome(verdict.status, pull=pull, refusal=refusal, state=state, batch=in_batch)


def _mine(counts: dict[str, tuple[int, int]], plan: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """The batch's before/after counts of the pages this issue's change touches."""
    from bot.engine.counts import affected_pages

    return {page: counts[page] for page in affected_pages(plan) if page in counts}


def _label_names(issue: dict[str, Any]) -> set[str]:
    return {label["name"] for label in issue.get("labels") or []}
