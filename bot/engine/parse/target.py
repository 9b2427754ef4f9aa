"""Where the papers go: our form's `Assign them to` field.

The Anthology's forms have no such field; for them the target stays unset and the
engine decides it from the kinds, the pages and the ORCID iD against the data.
"""

from __future__ import annotations

import re

from bot.engine.parse.links import PERSON_ID, find_urls, page_id_from_url
from bot.engine.parse.markdown import is_empty_answer, meaningful_lines, quote
from bot.engine.request import Notice, Target

# "new", "a new author page", "new page", "new person", "create a new page".
_NEW = re.compile(
    r"^(?:please\s+)?(?:create\s+)?(?:an?\s+)?new(?:\s+(?:verified|author|person))*"
    r"(?:\s+(?:page|profile|person|one|id))?\.?$",
    re.IGNORECASE,
)
# "new: jin-liu-edinburgh", "new (jin-liu-edinburgh)": a new page with a wished ID.
_NEW_WITH_ID = re.compile(
    r"^new(?:\s*[:(\u2013]\s*|\s+-?\s*)([a-z][-a-z0-9]*)\s*\)?$", re.IGNORECASE
)


def _missing() -> Notice:
    return Notice(
        "target-missing",
        "The \u201cAssign them to\u201d field is empty: please give the ID of the author "
        "page the papers belong on (e.g. jin-liu-4161), or new for a new page.",
    )


def read_target(text: str | None) -> tuple[Target, list[Notice]]:
    """Read the `Assign them to` field.

    Parameters:
        text: the field's text, or None when the body has no such section.

    Returns:
        `Target(new=True)` for "new" (also "a new author page", "new page");
        `Target(id=..., new=True)` for "new: <wished id>"; `Target(id=...)` for an
        existing person's ID or page URL; otherwise an unset Target with a notice:
        `target-missing`, `target-unverified` (an unverified page cannot receive
        papers by request), `target-unreadable`.
    """
    if text is None or is_empty_answer(text):
        return Target(), [_missing()]
    lines = meaningful_lines(text)
    if not lines:
        return Target(), [_missing()]
    value = lines[0]
    if _NEW.fullmatch(value):
        return Target(new=True), []
    wished = _NEW_WITH_ID.fullmatch(value)
    # The patterns ignore case, and then `[a-z]` also matches a few non-ASCII
    # letters (the Kelvin sign, long s): check the lowered ID again without it.
    if wished and PERSON_ID.fullmatch(wished_id := wished.group(1).lower()):
        if wished_id != "page":
            return Target(wished_id, new=True), []
    urls = find_urls(value)
    page_id = page_id_from_url(urls[0].url) if urls else value.strip("/ ").lower()
    if page_id is not None and page_id.endswith("/unverified"):
        return Target(), [
            Notice(
                "target-unverified",
                f"{page_id} is an unverified page: papers can be assigned to an existing "
                "verified page (its ID, e.g. jin-liu-4161) or to a new one (new).",
            )
        ]
    if page_id is not None and PERSON_ID.fullmatch(page_id) and value.isascii():
        return Target(page_id), []
    return Target(), [
        Notice(
            "target-unreadable",
            f"I could not read {quote(value)} in \u201cAssign them to\u201d: please give "
            "the ID of the author page (e.g. jin-liu-4161), or new for a new page.",
        )
    ]
