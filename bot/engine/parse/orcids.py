"""Reading the ORCID iD of the person the papers belong to.

People paste `https://orcid.org/...`, the old placeholder's
`orcid.org/my-orcid?orcid=...`, markdown links, spaces or no hyphens, a lower-case
`x`, sometimes two iDs, sometimes the form's example, sometimes nothing in the field
but an iD in the title or the prose.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.anthology.orcid import find_orcids, is_valid_orcid
from bot.engine.parse.markdown import (
    drop_struck_through,
    has_placeholder,
    is_empty_answer,
    quote,
    remove_placeholders,
)
from bot.engine.request import Notice

# iDs shown as examples by the forms (ours shows ORCID's own test record, Josiah
# Carberry; the Anthology's 2024 placeholder shows another): copying one is not
# giving one's own.
EXAMPLE_ORCIDS = frozenset({"0000-0002-1825-0097", "0009-0003-8868-7504"})

# Outside the ORCID field a 16-digit number is only taken for an iD if it lies in
# a block ORCID issues from (0000-0001..0000-0003 and 0009-); the field itself is
# trusted with any iD-shaped value.
_ISSUED_PREFIXES = ("0000-", "0009-")


@dataclass(frozen=True)
class OrcidReading:
    """What was read for the ORCID iD: the iD (None when there is none, or more than
    one), the raw text it came from, and notices for the person who filed."""

    orcid: str | None = None
    raw: str | None = None
    notices: tuple[Notice, ...] = ()

    @property
    def found(self) -> bool:
        """True when some iD was written, even if it could not be used."""
        return self.orcid is not None or any(
            notice.code in {"orcid-several", "orcid-example"} for notice in self.notices
        )


def _reading(found: list[str], raw: str, where: str | None) -> OrcidReading:
    """Turn the iDs found in one text into a reading (see read_orcid_field)."""
    if len(found) > 1:
        listed = " and ".join(found)
        return OrcidReading(
            None,
            raw,
            (
                Notice(
                    "orcid-several",
                    f"I found several ORCID iDs ({listed}). A page belongs to one "
                    "person: please give only the iD of the person these papers belong "
                    "to.",
                ),
            ),
        )
    orcid = found[0]
    if orcid in EXAMPLE_ORCIDS:
        return OrcidReading(
            None,
            raw,
            (
                Notice(
                    "orcid-example",
                    f"{orcid} is the example iD shown by the form, not yours: please "
                    "give your own ORCID iD.",
                ),
            ),
        )
    notices: list[Notice] = []
    if where is not None:
        notices.append(
            Notice(
                "orcid-from-text",
                f"I took the ORCID iD {orcid} from the {where}, since the ORCID field "
                "did not give one.",
            )
        )
    if not is_valid_orcid(orcid):
        notices.append(
            Notice(
                "orcid-checksum",
                f"{orcid} is not a valid ORCID iD: its last character (the checksum) "
                "does not match. Please copy the iD from your ORCID record.",
            )
        )
    return OrcidReading(orcid, raw, tuple(notices))


def read_orcid_field(text: str | None) -> OrcidReading:
    """Read the ORCID field of a form.

    Parameters:
        text: the field's text, or None when the body has no ORCID section.

    Returns:
        One iD (checksum not required: a bad one is kept and flagged
        `orcid-checksum`), or None with `orcid-several` (two different iDs, both
        listed), `orcid-example` (the form's example), `placeholder` (an old form's
        placeholder left in) or `orcid-unreadable` (text but no iD). An empty field
        gives None and no notice. `raw` is the field's text, stripped.
    """
    if text is None or is_empty_answer(text):
        return OrcidReading()
    raw = text.strip()
    cleaned = drop_struck_through(remove_placeholders(raw))
    found = find_orcids(cleaned)
    if found:
        return _reading(found, raw, None)
    if has_placeholder(raw) and is_empty_answer(cleaned):
        return OrcidReading(
            None,
            raw,
            (
                Notice(
                    "placeholder",
                    "The ORCID field still says "
                    f"{quote(raw)}: please replace it with your ORCID iD "
                    "(https://orcid.org/0000-...).",
                ),
            ),
        )
    return OrcidReading(
        None,
        raw,
        (
            Notice(
                "orcid-unreadable",
                f"I could not find an ORCID iD in {quote(raw)}: an iD looks like "
                "0000-0002-1825-0097.",
            ),
        ),
    )


def read_orcid_in_text(
    places: Sequence[tuple[str, str]], *, from_elsewhere: bool = True
) -> OrcidReading:
    """Look for an iD outside the ORCID field (the title, the prose), for when the
    field gave none.

    Parameters:
        places: (where, text) pairs in the order to search, e.g.
            `[("title", title), ("supporting information", notes)]`.
        from_elsewhere: True when a form's ORCID field gave no iD (the reading
            then says where the iD came from, `orcid-from-text`); False for an
            issue without a form.

    Returns:
        The iDs of the first place that has any (with `orcid-from-text`, and the
        checks of read_orcid_field), or an empty reading. `raw` lists the iDs found
        there.
    """
    for where, text in places:
        cleaned = drop_struck_through(text)
        found = [orcid for orcid in find_orcids(cleaned) if orcid.startswith(_ISSUED_PREFIXES)]
        if found:
            return _reading(found, ", ".join(found), where if from_elsewhere else None)
    return OrcidReading()
