"""The batch pull request: approved requests of the kinds configured `batch` go onto one
open branch, `authorbot/batch-YYYY-MM-DD`, one commit per issue, in approval order.

The batch is always rebuilt whole from the default branch (`sync_batch`): when a member
joins or leaves, when a member's issue changes, when the default branch moves, and on
`@authorbot refresh`. Each member is planned on top of the members before it, so two
requests about the same person or paper are applied one after the other. A member
stays only while that plan is ready and is the very change a maintainer approved (its
fingerprint: the same papers, person and entry); otherwise it is taken out, and a
follow-up job withdraws its approval and says why on its issue.

Memory: the batch pull request's body holds the members in order (a hidden line,
`batchtext.BatchRecord`); each member's status comment holds its approval. A rebuild
reads both, so it is the same whoever runs it, and running it twice pushes nothing the
second time (equal commit chains are not pushed again).

One batch is open at a time. Approvals on a later day join the open batch (its title
keeps the day it was opened); once it is merged, the next approval opens a new one
dated that day. Holding the clone's lock (the caller does) makes rebuilds one at a time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from bot.config import BATCH
from bot.engine.counts import affected_pages
from bot.worker.batchtext import (
    BatchRecord,
    MemberView,
    batch_body,
    batch_title,
    closes_lines,
    member_commit_message,
    read_record,
)
from bot.worker.context import JobContext
from bot.worker.pulls import ensure_pull, reopen_closed_pull
from bot.worker.state import IssueState, find_status_comment, plan_fingerprint, read_state
from bot.worker.status import summary_line

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Candidate:
    """The issue a job is working on, as that job knows it now (its new state may not
    be stored in its status comment yet)."""

    number: int
    issue: dict[str, Any]
    state: IssueState


@dataclass
class BatchResult:
    """The batch after a sync.

    Attributes:
        pull: the open batch pull request (None: there is no batch now).
        branch: its branch.
        members: the issues in it, in commit order.
        counts: each affected page's paper count (before, after the whole batch).
        left: issues taken out by this sync because their approved change no longer
            applies, with the reason (their approvals are withdrawn).
        left_approvals: the approval fingerprint each of those had.
        was_member: whether the candidate was in the batch before this sync.
    """

    pull: dict[str, Any] | None = None
    branch: str | None = None
    members: list[int] = field(default_factory=list)
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)
    left: dict[int, str] = field(default_factory=dict)
    left_approvals: dict[int, str | None] = field(default_factory=dict)
    was_member: bool = False


def find_batch(ctx: JobContext) -> dict[str, Any] | None:
    """The open batch pull request (the oldest, should a crash ever leave two)."""
    pulls = [p for p in ctx.repo.list_open_pulls() if ctx.config.is_batch_branch(p["head"]["ref"])]
    return min(pulls, key=lambda p: int(p["number"])) if pulls else None


def wants_batch(ctx: JobContext, state: IssueState, plan: dict[str, Any]) -> bool:
    """True when the issue's change goes in the batch: a maintainer's `batch` / `solo`
    decides, else the configuration by the request's kinds."""
    if state.mode in ("batch", "solo"):
        return state.mode == "batch"
    return ctx.config.mode_for(list(plan.get("kinds") or [])) == BATCH


def _read_member(ctx: JobContext, number: int) -> tuple[dict[str, Any], IssueState]:
    issue = ctx.repo.get_issue(number)
    status = find_status_comment(ctx.repo.list_comments(number), ctx.is_bot)
    return issue, read_state(status["body"] if status else None)


def _not_in_batch(ctx: JobContext, issue: dict[str, Any], state: IssueState) -> str | None:
    """Why an issue listed in the batch is no longer one of its members (its own job
    said so on the issue already), or None."""
    if issue.get("state") == "closed":
        return "the issue is closed"
    if "pull_request" in issue or not ctx.config.handles(issue):
        return "not an author-page request"
    if not state.approved:
        return "no longer approved"
    if state.waiting:
        return "waiting after its pull request was closed"
    if state.mode == "solo":
        return "it has a pull request of its own"
    return None


def _why_out(plan: dict[str, Any], earlier: list[int]) -> str:
    on = "the current default branch"
    if earlier:
        on += " and " + ", ".join(f"#{n}" for n in earlier) + " (earlier in the batch)"
    if plan.get("status") != "ready":
        problems = "; ".join(p.get("message", "") for p in plan.get("problems") or [])
        return f"planned on {on}, it is {plan.get('status')}: {problems}"
    return (
        f"planned on {on}, it is no longer the change that was approved (it would now be: "
        f"{summary_line(plan)})"
    )


def sync_batch(
    ctx: JobContext,
    default_branch: str,
    base: str,
    candidate: Candidate | None = None,
    want: bool | None = None,
) -> BatchResult:
    """Rebuild the batch from `base` (the default branch's head, checked out) and bring
    its pull request in line. Hold the clone's lock.

    Parameters:
        candidate: the issue of the job, with its current state.
        want: True: the candidate joins (at the end, if it is not in yet); False: it
            leaves; None: the members stay as they are (refresh, base moved).

    Returns:
        The batch as it is now. Members taken out are in `left`; for members other than
        the candidate a follow-up job withdraws their approval and tells their issue.
    """
    pull = find_batch(ctx)
    record = read_record(pull.get("body") if pull else None)
    if pull is not None and record is None:  # someone rewrote the body: its closes lines
        record = BatchRecord("", tuple(closes_lines(pull.get("body") or "")))
    members = list(record.members) if record else []
    result = BatchResult()
    if candidate is not None:
        result.was_member = candidate.number in members
        if want is False:
            if not result.was_member:
                return result  # not in the batch: nothing to rebuild
            members.remove(candidate.number)
        elif want is True and not result.was_member:
            members.append(candidate.number)
    if not members and pull is None:
        return result
    if pull is not None:
        branch = str(pull["head"]["ref"])
    else:
        branch = ctx.config.batch_branch(ctx.today())
    day = branch[len(ctx.config.batch_branch_prefix) :]

    views, pages, head = _build(ctx, base, members, candidate, result)
    if not views:
        if pull is not None:
            body = BatchRecord(day).to_line() + "\nEvery request left this batch, so I closed it."
            ctx.repo.edit_pull(pull["number"], state="closed", body=body)
            log.info("closed the empty batch #%s", pull["number"], extra={"pr": pull["number"]})
        _tell_the_ones_out(ctx, result, candidate, None)
        return result

    if pull is None:
        pull = reopen_closed_pull(ctx, branch)
    pushed = ctx.workspace.clone.push_commits(branch, base, head)
    log.info("batch %s at %s (pushed: %s)", branch, pushed.head[:12], pushed.pushed)
    if ctx.previews is not None:
        ctx.previews.record(
            branch, pushed.head, ctx.workspace.clone.path / ".git", ctx.workspace.data_root
        )
    record = BatchRecord(day, tuple(v.number for v in views))
    body = batch_body(
        record,
        views,
        result.counts,
        branch,
        ctx.public_url,
        ctx.config.handle,
        left=sorted(result.left.items()),
    )
    title = batch_title(day, [v.plan for v in views])
    pull = ensure_pull(ctx, branch, title, body, default_branch, pull)
    result.pull, result.branch, result.members = pull, branch, list(record.members)
    _tell_the_ones_out(ctx, result, candidate, int(pull["number"]))
    return result


def _build(
    ctx: JobContext,
    base: str,
    members: list[int],
    candidate: Candidate | None,
    result: BatchResult,
) -> tuple[list[MemberView], list[str], str]:
    """Commit the members one on top of the other; fills `result.counts` and
    `result.left`. Returns the members kept, the pages touched, and the head commit;
    the clone is back on `base` afterwards."""
    ws = ctx.workspace
    views: list[MemberView] = []
    pages: list[str] = []
    touched: dict[str, list[int]] = {}
    head = base
    after: dict[str, int] = {}
    try:
        for number in members:
            if candidate is not None and number == candidate.number:
                issue, state = candidate.issue, candidate.state
            else:
                issue, state = _read_member(ctx, number)
            why_not = _not_in_batch(ctx, issue, state)
            if why_not is not None:
                log.info("#%s is not in the batch any more: %s", number, why_not)
                continue
            planned = ws.plan(issue, base, state.new_id)
            if (
                planned.json.get("status") != "ready"
                or plan_fingerprint(planned.json) != state.approved
            ):
                result.left[number] = _why_out(planned.json, [v.number for v in views])
                result.left_approvals[number] = state.approved
                continue
            head = ws.apply_and_commit(planned, member_commit_message(planned.json, number))
            mine = affected_pages(planned.json)
            earlier = sorted({k for page in mine for k in touched.get(page, [])})
            for page in mine:
                touched.setdefault(page, []).append(number)
                if page not in pages:
                    pages.append(page)
            views.append(MemberView(number, planned.json, state.approved_by, tuple(earlier)))
        after = ws.counts(pages)
    finally:
        ws.restore(base)
    before = ws.counts(pages)
    result.counts = {page: (before[page], after[page]) for page in pages}
    return views, pages, head


def _tell_the_ones_out(
    ctx: JobContext, result: BatchResult, candidate: Candidate | None, pr: int | None
) -> None:
    """Queue, for each member taken out (but the job's own issue, which its job tells
    itself), a follow-up job that withdraws its approval and says why on the issue."""
    for number, reason in sorted(result.left.items()):
        if candidate is not None and number == candidate.number:
            continue
        approval = result.left_approvals.get(number)
        ctx.follow_up(
            f"left-batch:{number}:{approval}",
            "left-batch",
            number,
            {"fingerprint": approval, "reason": reason, "pr": pr},
        )
