"""The problems a request can have: a stable code for the machine, a message for
the person who filed the issue, and whether they can fix it by editing the issue
(`needs-info`) or the request cannot be done as asked (`rejected`)."""

from __future__ import annotations

from bot.engine.request import Notice

# Codes whose problem means the request cannot be done as asked; every other
# problem asks the person for something they can give by editing the issue.
REJECTING_CODES = frozenset(
    {
        "orcid-owned",
        "nothing-to-do",
        "name-already-shown",
        "merge-already-done",
        "metadata-correction",
        "target-already-on-paper",
        "would-move-others",
        "invalid-data",
    }
)


def problem(code: str, message: str) -> Notice:
    """A problem with a code and a message written for the person who filed."""
    return Notice(code, message)


def status_for(problems: list[Notice]) -> str:
    """`ready` without problems, `rejected` if any problem rejects, else `needs-info`."""
    if not problems:
        return "ready"
    if any(p.code in REJECTING_CODES for p in problems):
        return "rejected"
    return "needs-info"
