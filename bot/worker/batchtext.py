"""What a batch pull request says: its title, body and commit messages, and the record
of its members hidden in the body. Pure functions from values to text.

The habit they follow is the Anthology maintainers' own: one pull request a day titled
"Bulk verifications YYYY-MM-DD" (or "Author/metadata corrections YYYY-MM-DD" when
other kinds are in it), one commit per issue, "Process verification for <id>
(closes #N)", and a body of `closes #N` lines, so merging it closes every issue.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.worker.beforeafter import before_after_table
from bot.worker.status import check_line, page_link

_RECORD = re.compile(r"<!-- authorbot:batch (\{.*?\}) -->")

_VERBS = {
    "verify": "verification",
    "split": "split",
    "merge": "merge",
    "name-change": "name change",
}


@dataclass(frozen=True)
class BatchRecord:
    """The batch's memory, kept in its pull request body: the day it was opened and its
    members (issue numbers) in approval order."""

    day: str
    members: tuple[int, ...] = ()

    def to_line(self) -> str:
        """The hidden line stored in the pull request body."""
        data = {"day": self.day, "members": list(self.members)}
        return f"<!-- authorbot:batch {json.dumps(data, separators=(',', ':'))} -->"


def read_record(body: str | None) -> BatchRecord | None:
    """The record in a batch pull request's body (None: none, or unreadable)."""
    m = _RECORD.search(body or "")
    if not m:
        return None
    try:
        data = json.loads(m.group(1))
        members = tuple(int(n) for n in data.get("members") or [])
        return BatchRecord(str(data.get("day", "")), members)
    except (ValueError, TypeError, AttributeError):
        return None


def closes_lines(body: str) -> list[int]:
    """The issues a body's `closes #N` lines name, in order (each once)."""
    seen: dict[int, None] = {}
    for m in re.finditer(r"^closes #(\d+)\s*$", body, re.MULTILINE | re.IGNORECASE):
        seen.setdefault(int(m.group(1)), None)
    return list(seen)


@dataclass(frozen=True)
class MemberView:
    """One member as the pull request shows it: the issue, its plan (made on top of the
    members before it), who approved it, and whether that plan's diff differs from
    the one made on the default branch alone (it was re-planned on top of others)."""

    number: int
    plan: dict[str, Any]
    approved_by: str | None
    replanned_after: tuple[int, ...] = ()


def _kind_words(plan: Mapping[str, Any]) -> str:
    kinds = [_VERBS.get(k, k) for k in plan.get("kinds") or []]
    return " and ".join(kinds) or "correction"


def member_commit_message(plan: dict[str, Any], number: int) -> str:
    """One member's commit: `Process verification for <id> (closes #N)` and the check."""
    target = (plan.get("target") or {}).get("id") or "?"
    return (
        f"Process {_kind_words(plan)} for {target} (closes #{number})\n\n"
        f"{check_line(plan)}\n\nMade by authorbot from issue #{number}.\n"
    )


def batch_title(day: str, plans: Sequence[Mapping[str, Any]]) -> str:
    """`Bulk verifications <day>` when every member is a verification only, else
    `Author/metadata corrections <day>`."""
    if plans and all(list(p.get("kinds") or []) == ["verify"] for p in plans):
        return f"Bulk verifications {day}"
    return f"Author/metadata corrections {day}"


def batch_body(
    record: BatchRecord,
    members: Sequence[MemberView],
    counts: Mapping[str, tuple[int, int]],
    branch: str,
    public_url: str | None,
    handle: str = "authorbot",
    left: Sequence[tuple[int, str]] = (),
) -> str:
    """The batch pull request's body.

    Parameters:
        record: the batch's record (stored hidden at the top).
        members: the members in commit order.
        counts: each affected page's paper count before and after the whole batch.
        branch: the batch branch (for the preview links).
        public_url: authorbot's public address (None: no preview links).
        handle: the bot's handle, for the commands.
        left: members taken out by this rebuild, with the reason.
    """
    n = len(members)
    out = [
        record.to_line(),
        f"{n} author-page request{'s' if n != 1 else ''} approved by maintainers, one commit "
        "each, in the order they were approved. Merging this pull request closes "
        f"{'them all' if n != 1 else 'it'}.",
        "",
        "| Issue | Request | Page | Papers moved | Approved by |",
        "| --- | --- | --- | --- | --- |",
    ]
    for m in members:
        target = (m.plan.get("target") or {}).get("id")
        by = f"@{m.approved_by}" if m.approved_by else ""
        out.append(
            f"| #{m.number} | {_kind_words(m.plan)} | {page_link(target)} "
            f"| {len(m.plan.get('moves') or [])} | {by} |"
        )
    replanned = [m for m in members if m.replanned_after]
    if replanned:
        out += [""]
        for m in replanned:
            after = ", ".join(f"#{k}" for k in m.replanned_after)
            out.append(
                f"- #{m.number} touches the same people as {after}, earlier in this batch: "
                "its change is made on top of theirs (the same papers and person as "
                "approved)."
            )
    if left:
        out += ["", "Taken out of this batch:", ""]
        out += [f"- #{number}: {reason}" for number, reason in left]
    out += [
        "",
        "### Status quo and preview",
        "",
        "Each page this batch changes, with its paper count on the default branch and "
        "after the whole batch:",
        "",
        before_after_table(counts, branch, public_url),
        "",
        f"Commands (in a comment here): `@{handle} refresh` rebuilds this pull request from "
        f"the issues and the current default branch; `@{handle} help` lists the commands.",
        "",
    ]
    out += [f"closes #{m.number}" for m in members]
    return "\n".join(out)
