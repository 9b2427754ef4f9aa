"""Checkboxes: which boxes were ticked, and which kind of request each kind box means.

GitHub renders a checkboxes field as one `- [X] label` or `- [ ] label` line per
option. The kind boxes of the 2026 form begin `Verification:`, `Split/disambiguate:`,
`Merge profiles:`, `Name change:`; the 2024-2025 form said the same in sentences
("The author page wrongly conflates different people with the same name.").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.engine.parse.markdown import drop_struck_through, quote
from bot.engine.request import Kind, Notice

_BOX = re.compile(r"^\s*(?:[-*+]|[0-9]{1,3}[.)])\s+\[([^\]]?)\]\s*(.*)$")
_TICKS = frozenset({"x", "X", "\u2713", "\u2714", "\u2715", "\u2717"})

# Label text that says which kind a box asks for; checked in order, first match wins.
# The 2026 prefixes come first, so `Merge profiles: ... multiple profiles ...` is a
# merge and `Split/disambiguate: ... two or more different people` a split.
_KIND_WORDS: tuple[tuple[str, Kind], ...] = (
    ("verification", "verify"),
    ("verify", "verify"),
    ("split", "split"),
    ("disambiguate", "split"),
    ("merge", "merge"),
    ("name change", "name-change"),
    ("add an orcid", "verify"),
    ("conflates different people", "split"),
    ("two or more different people", "split"),
    ("multiple pages", "merge"),
    ("multiple profiles", "merge"),
    ("different spellings", "merge"),
    ("changed their name", "name-change"),
    ("changed my name", "name-change"),
)


@dataclass(frozen=True)
class Checkbox:
    """One rendered checkbox option."""

    checked: bool
    label: str


def read_checkboxes(text: str) -> list[Checkbox]:
    """The checkbox lines of a section, in order; struck-through lines left out.

    Parameters:
        text: a section's text.

    Returns:
        Each `- [X] label` / `- [ ] label` line as a Checkbox (`x`, `X`, `✓`, `✔`
        count as ticked).
    """
    boxes: list[Checkbox] = []
    for line in drop_struck_through(text).split("\n"):
        match = _BOX.match(line)
        if match:
            boxes.append(Checkbox(match.group(1) in _TICKS, match.group(2).strip()))
    return boxes


def kind_of_label(label: str) -> Kind | None:
    """The kind of request a kind box's label asks for.

    Parameters:
        label: `Merge profiles: A single author has multiple profiles ...` or the old
            `This author has multiple pages with different spellings of their name.`

    Returns:
        `verify`, `split`, `merge`, `name-change`, or None for a label we do not know.
    """
    text = " ".join(label.lower().split())
    head = text.split(":", 1)[0] if ":" in text else ""
    # The part before a colon is the box's name in the 2026 form; it decides alone
    # (its description may mention words of another kind).
    for haystack in (head, text):
        for words, kind in _KIND_WORDS:
            if words in haystack:
                return kind
    return None


def read_kinds(text: str | None) -> tuple[tuple[Kind, ...], list[Notice]]:
    """The kinds ticked in a kinds section, exactly as ticked.

    Nothing is inferred: no box, every box, or a box that contradicts the rest is
    returned as it is (the engine decides), with a warning for none and for all.

    Parameters:
        text: the `Type of Author Metadata Correction` section's text, or None when
            the body has no such section.

    Returns:
        The ticked kinds in the order of the boxes (each once), and notices:
        `kinds-none`, `kinds-all`, `kind-unknown`.
    """
    boxes = read_checkboxes(text or "")
    kinds: list[Kind] = []
    notices: list[Notice] = []
    for box in boxes:
        if not box.checked:
            continue
        kind = kind_of_label(box.label)
        if kind is None:
            notices.append(
                Notice(
                    "kind-unknown",
                    f"I do not know the ticked box {quote(box.label)}, so I left it out.",
                )
            )
        elif kind not in kinds:
            kinds.append(kind)
    known = {kind_of_label(box.label) for box in boxes} - {None}
    if not kinds:
        notices.append(
            Notice(
                "kinds-none",
                "No box is ticked under \u201cType of Author Metadata Correction\u201d: "
                "please tick what you are asking for (verification, split, merge or "
                "name change).",
            )
        )
    elif len(known) > 1 and all(box.checked for box in boxes if kind_of_label(box.label)):
        notices.append(
            Notice(
                "kinds-all",
                "Every box is ticked under \u201cType of Author Metadata Correction\u201d: "
                "please untick the ones that do not apply.",
            )
        )
    return tuple(kinds), notices
