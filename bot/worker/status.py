"""Rendering what the bot says: the status comment, the pull request, command answers.

Pure functions from values (the plan's JSON, the ORCID verdict, the bot's state) to
markdown. The status comment starts with a hidden marker so the bot finds and edits
the same comment every time, and ends with the hidden state line (`state.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.anthology.ids import item_url, page_url
from bot.engine.request import Notice  # the engine's (code, message), shared
from bot.worker.commands import help_text
from bot.worker.orcidcheck import OrcidVerdict
from bot.worker.state import STATUS_MARKER, IssueState

HEADLINES = {
    "ready": "✅ Ready: this request can be done as asked",
    "needs-info": "✋ Needs information: please edit the issue",
    "rejected": "❌ This request cannot be done as asked",
}


@dataclass(frozen=True)
class Verdict:
    """The plan's status after the bot's own checks (ORCID), with every problem."""

    status: str
    problems: tuple[Notice, ...]
    warnings: tuple[Notice, ...]
    notes: tuple[Notice, ...]


def judge(plan: dict[str, Any], orcid: OrcidVerdict) -> Verdict:
    """Combine the engine's plan with the ORCID check.

    A ready plan whose ORCID record is missing, private or deactivated needs
    information; a rejected plan stays rejected.
    """

    def notices(key: str) -> list[Notice]:
        return [Notice(p.get("code", ""), p.get("message", "")) for p in plan.get(key) or []]

    problems, warnings = notices("problems"), notices("warnings")
    status = plan.get("status", "rejected")
    if orcid.problem:
        problems.append(Notice(f"orcid-{orcid.outcome}", orcid.problem))
        if status == "ready":
            status = "needs-info"
    if orcid.warning:
        warnings.append(Notice("orcid-name-differs", orcid.warning))
    return Verdict(status, tuple(problems), tuple(warnings), tuple(notices("notes")))


@dataclass(frozen=True)
class StatusView:
    """Everything the status comment shows.

    Attributes:
        plan: the engine's plan JSON.
        verdict: `judge(plan, orcid)`.
        orcid: the ORCID check.
        state: the bot's memory of the issue (stored in the comment).
        handle, approval_label: from the configuration, for the instructions.
        pr_url: the pull request, once opened.
        notices: extra lines for this update (e.g. why an approval was withdrawn).
    """

    plan: dict[str, Any]
    verdict: Verdict
    orcid: OrcidVerdict
    state: IssueState
    handle: str = "authorbot"
    approval_label: str = "approved"
    pr_url: str | None = None
    notices: tuple[str, ...] = field(default_factory=tuple)


def page_link(page_id: str | None) -> str:
    """A markdown link to an author page (`x` or `x/unverified`)."""
    if not page_id:
        return "(none)"
    return f"[{page_id}]({page_url(page_id)})"


def paper_link(paper_id: str) -> str:
    """A markdown link to a paper or volume on the Anthology."""
    return f"[{paper_id}]({item_url(paper_id)})"


def _cell(text: Any) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def moves_table(plan: dict[str, Any]) -> str:
    """The markdown table of moves: paper, name on it, from page, to page."""
    moves = plan.get("moves") or []
    if not moves:
        return "_No paper moves._"
    lines = ["| Paper | Name on the paper | From page | To page |", "| --- | --- | --- | --- |"]
    for m in moves:
        role = m.get("role", "author")
        paper = paper_link(m.get("paper", "?"))
        if role != "author":
            paper += f" ({role.replace('-', ' ')})"
        lines.append(
            f"| {paper} | {_cell(m.get('name'))} | {page_link(m.get('from'))} "
            f"| {page_link(m.get('to'))} |"
        )
    return "\n".join(lines)


def check_line(plan: dict[str, Any]) -> str:
    """The oracle-style check: papers moved and other occurrences changed."""
    check = plan.get("check") or {}
    return (
        f"papers moved: {check.get('papers_moved', len(plan.get('moves') or []))}; "
        f"other occurrences changed: {check.get('other_occurrences_changed', '?')}"
    )


def _entry_block(plan: dict[str, Any]) -> str:
    entry = (plan.get("entry") or "").rstrip("\n")
    if not entry:
        return ""
    target = plan.get("target") or {}
    what = "New entry" if target.get("new") else "Changed entry"
    # The engine names the data's people file; the code block takes its syntax
    # from the file's extension (json, yaml), as GitHub highlights the file itself.
    path = plan.get("people_file") or ""
    where = f"`{path}`" if path else "the people file"
    syntax = path.rsplit(".", 1)[-1] if "." in path else ""
    return f"{what} in {where}:\n\n```{syntax}\n{entry}\n```"


def summary_line(plan: dict[str, Any]) -> str:
    """One sentence: how many papers go where."""
    target = plan.get("target") or {}
    n = len(plan.get("moves") or [])
    papers = "1 occurrence moves" if n == 1 else f"{n} occurrences move"
    tid = target.get("id")
    if not tid:
        return f"{papers}."
    page = "the new author page" if target.get("new") else "the author page"
    extra = f" (ORCID {target['orcid']})" if target.get("orcid") else ""
    return f"{papers} to {page} {page_link(tid)}{extra}."


def _bullets(items: tuple[Notice, ...]) -> str:
    return "\n".join(f"- {n.message} <sub>`{n.code}`</sub>" for n in items)


def render_status(view: StatusView) -> str:
    """The status comment's markdown (marker first, state line last)."""
    plan, verdict, state = view.plan, view.verdict, view.state
    out = [STATUS_MARKER, f"### {HEADLINES.get(verdict.status, verdict.status)}", ""]
    out += [f"> {line}" for line in view.notices]
    if view.notices:
        out.append("")
    if verdict.status == "ready":
        out += [f"**What will change.** {summary_line(plan)}", "", moves_table(plan), ""]
        entry = _entry_block(plan)
        if entry:
            out += [entry, ""]
        out += [f"**Check:** {check_line(plan)}.", ""]
    else:
        out += ["**What to fix:**", "", _bullets(verdict.problems) or "- (no details)", ""]
        if verdict.status == "needs-info":
            out += ["Edit the issue (the `...` menu, *Edit*), and I will read it again.", ""]
        else:
            out += ["A maintainer will look at this issue.", ""]
    if view.orcid.summary:
        out += [view.orcid.summary, ""]
    if verdict.warnings:
        out += ["**Warnings** (for the maintainer):", "", _bullets(verdict.warnings), ""]
    if verdict.notes:
        out += ["**Notes:**", "", _bullets(verdict.notes), ""]
    out += [_next_step(view), ""]
    out += [
        "<details><summary>Commands</summary>",
        "",
        help_text(view.handle, view.approval_label),
        "",
        "</details>",
        "",
        state.to_comment_line(),
    ]
    return "\n".join(out)


def _next_step(view: StatusView) -> str:
    state, handle = view.state, view.handle
    if view.pr_url and state.approved:
        by = f" by @{state.approved_by}" if state.approved_by else ""
        return f"**Approved{by}.** Pull request: {view.pr_url}"
    if state.cancelled:
        return (
            f"**Cancelled by a maintainer.** A maintainer can approve again with "
            f"`@{handle} approve`."
        )
    if view.verdict.status == "ready":
        return (
            f"**Next step:** a maintainer approves with `@{handle} approve` (or the "
            f"`{view.approval_label}` label); I then open the pull request."
        )
    return "**Next step:** once the request is complete, I will say here what will change."


def render_pr_title(plan: dict[str, Any], issue_number: int) -> str:
    """The pull request's title."""
    target = (plan.get("target") or {}).get("id") or "?"
    kinds = ", ".join(plan.get("kinds") or []) or "fix"
    return f"Author page {target}: {kinds} (#{issue_number})"


def render_pr_body(plan: dict[str, Any], issue_number: int, approved_by: str | None) -> str:
    """The pull request's body: summary, table, entry, check, `Closes #n`."""
    by = f", approved by @{approved_by}" if approved_by else ""
    out = [
        f"<!-- authorbot:pr issue={issue_number} -->",
        f"Requested in #{issue_number}{by}. {summary_line(plan)}",
        "",
        moves_table(plan),
        "",
    ]
    entry = _entry_block(plan)
    if entry:
        out += [entry, ""]
    out += [
        f"**Check:** {check_line(plan)}.",
        "",
        f"Files: {', '.join(f'`{f}`' for f in plan.get('files') or [])}",
        "",
        f"Closes #{issue_number}",
    ]
    return "\n".join(out)


def render_commit_message(plan: dict[str, Any], issue_number: int) -> str:
    """The commit message of the pull request's one commit."""
    target = (plan.get("target") or {}).get("id") or "?"
    n = len(plan.get("moves") or [])
    return (
        f"Author page {target}: move {n} occurrence{'s' if n != 1 else ''} (#{issue_number})\n\n"
        f"{check_line(plan)}\n\nMade by authorbot from issue #{issue_number}.\n"
    )


def render_reply(comment_id: int, verb: str, text: str) -> str:
    """An answer to one command comment; the hidden marker lets a re-run find it."""
    return f"<!-- authorbot:reply {comment_id} {verb} -->\n{text}"


def reply_marker(comment_id: int, verb: str) -> str:
    """The marker `render_reply` puts first."""
    return f"<!-- authorbot:reply {comment_id} {verb} -->"


def render_config_error(problems: list[str], path: str) -> str:
    """The status comment when the configuration file is invalid."""
    items = "\n".join(f"- {p}" for p in problems)
    return (
        f"{STATUS_MARKER}\n### ⚠️ The bot's configuration is invalid\n\n"
        f"`{path}` in this repository does not fit the schema, so I cannot work on this "
        f"issue yet. A maintainer must fix:\n\n{items}\n\nThen comment `@authorbot retry`."
    )


def render_engine_error(error: str) -> str:
    """The status comment when the engine failed on this issue (a bug, not the user's)."""
    return (
        f"{STATUS_MARKER}\n### ⚠️ I could not read this request\n\n"
        f"Something went wrong on my side ({_cell(error)}). The maintainers have been told "
        "in the logs; a maintainer can comment `@authorbot retry` after it is fixed."
    )


def render_data_error(problem: str) -> str:
    """The status comment when the data on the default branch cannot be worked on (not
    readable, or not whole: bot/anthology/integrity.py)."""
    return (
        f"{STATUS_MARKER}\n### ⚠️ The data repository needs a maintainer first\n\n"
        "Before planning I check the data on the default branch, and it does not pass: "
        f"{_cell(problem)}. I planned and changed nothing. A maintainer must fix the data; "
        "then comment `@authorbot retry`."
    )
