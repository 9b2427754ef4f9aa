"""What the bot remembers about an issue, kept in its status comment (no database).

The status comment ends with a hidden line `<!-- authorbot:state {json} -->`. Keeping
the state there means the bot's memory lives next to what people read, survives a
lost disk, and is found the same way the comment is found: by its marker.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, replace
from typing import Any

STATUS_MARKER = "<!-- authorbot:status -->"
_STATE_LINE = re.compile(r"<!-- authorbot:state (\{.*?\}) -->")


@dataclass(frozen=True)
class IssueState:
    """The bot's memory of one issue.

    Attributes:
        new_id: the person ID a maintainer chose with `id <person-id>`.
        approved: fingerprint of the plan a maintainer approved (None: not approved).
        approved_by: who approved it.
        cancelled: a maintainer said `cancel`; nothing happens until a new approval.
        pr: number of the bot's pull request for this issue, once opened.
    """

    new_id: str | None = None
    approved: str | None = None
    approved_by: str | None = None
    cancelled: bool = False
    pr: int | None = None

    def but(self, **changes: Any) -> IssueState:
        """A copy with some fields changed."""
        return replace(self, **changes)

    def to_comment_line(self) -> str:
        """The hidden line that stores this state in the status comment."""
        data = {k: v for k, v in asdict(self).items() if v not in (None, False)}
        # `--` may not appear inside an HTML comment; person IDs may contain it.
        text = json.dumps(data, sort_keys=True, separators=(",", ":")).replace("--", "-\\u002d")
        return f"<!-- authorbot:state {text} -->"


def read_state(comment_body: str | None) -> IssueState:
    """The state stored in a status comment (the empty state if there is none or it is
    unreadable: the bot then starts afresh rather than failing)."""
    if not comment_body:
        return IssueState()
    m = _STATE_LINE.search(comment_body)
    if not m:
        return IssueState()
    try:
        data = json.loads(m.group(1))
    except json.JSONDecodeError:
        return IssueState()
    fields = IssueState.__dataclass_fields__
    return IssueState(**{k: v for k, v in data.items() if k in fields})


def is_status_comment(body: str | None) -> bool:
    """True for the bot's status comment."""
    return bool(body) and STATUS_MARKER in body  # type: ignore[operator]


def plan_fingerprint(plan: dict[str, Any]) -> str:
    """What an approval approves: the moves and the target person, not the diff text.

    The diff's context lines change when the default branch moves, which does not
    change what was approved; a different paper, target or people entry does.
    """
    target = plan.get("target") or {}
    core = {
        "moves": sorted(
            (m.get("paper"), m.get("role"), m.get("position"), m.get("to"))
            for m in plan.get("moves") or []
        ),
        "target": {k: target.get(k) for k in ("id", "new", "orcid", "degree", "names")},
        "entry": plan.get("entry"),
    }
    blob = json.dumps(core, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:16]
