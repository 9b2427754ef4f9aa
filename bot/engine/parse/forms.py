"""Which form an issue was filed with, and which of its sections holds which field.

Three forms are known: ours (`bot/forms/fix-paper-assignments.yml`), the Anthology's
"Author Page" form of 2026, and its 2024-2025 predecessor. They share some headings
(`Institution of highest (anticipated) degree`), so a form is recognised by the
headings only one of them has, by the kind boxes, and by the title and labels.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot.engine.parse.sections import Section
from bot.engine.request import FormName

FieldName = Literal[
    "pages",
    "papers",
    "target",
    "orcid",
    "degree",
    "name",
    "notes",
    "kinds",
    "confirm",
    "openreview",
    "script-name",
    "script-direction",
]

# Which form a heading points to; "anthology" is shared by the 2024 and 2026 forms.
FormHint = Literal["authorbot", "anthology", "anthology-2024", "anthology-2026"]


@dataclass(frozen=True)
class HeadingRule:
    """A heading the forms render: `exact` headings match whole, others by prefix
    (so an edited `Your papers (see below)` is still the papers section)."""

    text: str
    field: FieldName
    hint: FormHint | None
    exact: bool = False


# Compared with normalise_heading(); longer prefixes first where they overlap.
HEADING_RULES: tuple[HeadingRule, ...] = (
    # Ours (docs/DESIGN.md).
    HeadingRule("author page", "pages", "authorbot", exact=True),
    HeadingRule("papers", "papers", "authorbot", exact=True),
    HeadingRule("assign them to", "target", "authorbot"),
    HeadingRule("orcid id", "orcid", "authorbot", exact=True),
    HeadingRule("orcid", "orcid", None, exact=True),
    HeadingRule("preferred name", "name", "authorbot", exact=True),
    HeadingRule("notes", "notes", "authorbot", exact=True),
    HeadingRule("confirmation", "confirm", "authorbot", exact=True),
    # The Anthology's forms.
    HeadingRule("author pages in the anthology", "pages", "anthology-2026"),
    HeadingRule("author pages", "pages", "anthology"),
    HeadingRule("author orcid", "orcid", "anthology"),
    HeadingRule("type of author metadata correction", "kinds", "anthology"),
    HeadingRule("supporting information", "notes", "anthology"),
    HeadingRule("preferred author name", "name", "anthology-2026"),
    HeadingRule("openreview profile", "openreview", "anthology-2026"),
    HeadingRule("confirming that author is published", "confirm", "anthology-2026"),
    HeadingRule("confirming that paper metadata", "confirm", "anthology"),
    HeadingRule("your papers", "papers", "anthology-2024"),
    HeadingRule("author name (only if", "script-name", "anthology-2024"),
    HeadingRule("is the author", "script-direction", "anthology-2024"),
    # Shared by all three.
    HeadingRule("institution of highest", "degree", None),
    HeadingRule("institution", "degree", None),
)

# The 2026 form's kind boxes begin with these; the 2024-2025 form's do not.
KIND_BOX_PREFIXES_2026 = ("verification:", "split/disambiguate:", "merge profiles:", "name change:")

_OUR_TITLE = re.compile(r"^\s*fix paper assignments\b", re.IGNORECASE)
_ANTHOLOGY_TITLE = re.compile(r"^\s*author (?:page|metadata)\b", re.IGNORECASE)
_OUR_LABELS = frozenset({"authorbot", "fix-paper-assignments"})
_ANTHOLOGY_LABELS = frozenset({"author-page"})


def normalise_heading(heading: str) -> str:
    """A heading as compared with HEADING_RULES: lower case, no emphasis marks,
    single spaces, no trailing colon.

    Parameters:
        heading: `**Author ORCID:**`.

    Returns:
        `author orcid`.
    """
    text = heading.replace("*", "").replace("`", "").strip().strip("_").lower()
    return " ".join(text.split()).rstrip(":").strip()


def heading_rule(heading: str) -> HeadingRule | None:
    """The rule a heading matches, or None for a heading no form has.

    Parameters:
        heading: a section's heading as written.

    Returns:
        The matching HeadingRule.
    """
    text = normalise_heading(heading)
    for rule in HEADING_RULES:
        if text == rule.text or (not rule.exact and text.startswith(rule.text)):
            return rule
    return None


@dataclass
class FormFields:
    """The sections of a recognised form, by field.

    `texts` maps a field to the text of its section (sections with the same field
    joined by a blank line); `extra` is text before the first known heading (kept,
    and read as prose).
    """

    texts: dict[FieldName, str] = field(default_factory=dict)
    extra: list[str] = field(default_factory=list)

    def get(self, name: FieldName) -> str | None:
        """The text of a field; None when the form has no such section."""
        return self.texts.get(name)


def collect_fields(sections: Sequence[Section]) -> FormFields:
    """Gather a form's sections by field.

    A heading no form has (someone typed `### My papers` into a field) does not end
    the field it appears in: its line and text are added to that field, because a
    textarea may well contain markdown headings.

    Parameters:
        sections: the body's sections, from split_sections().

    Returns:
        The fields found.
    """
    fields = FormFields()
    current: FieldName | None = None
    for section in sections:
        rule = heading_rule(section.heading) if section.heading else None
        if rule is None:
            text = "\n".join(part for part in (section.line, section.text) if part)
            if current is None:
                fields.extra.append(text)
            else:
                fields.texts[current] = fields.texts[current] + "\n" + text
            continue
        current = rule.field
        if current in fields.texts:
            fields.texts[current] = fields.texts[current] + "\n\n" + section.text
        else:
            fields.texts[current] = section.text
    return fields


def _kind_box_labels(kinds_text: str | None) -> list[str]:
    """The lower-cased labels of the boxes of the kinds section."""
    return [
        line.split("]", 1)[1].strip().lower()
        for line in (kinds_text or "").split("\n")
        if re.match(r"^\s*[-*+]\s+\[[^\]]?\]", line)
    ]


def _has_only_old_kind_boxes(kinds_text: str | None) -> bool:
    """True when the kinds section has boxes and none begins like the 2026 form's."""
    labels = _kind_box_labels(kinds_text)
    return bool(labels) and not any(label.startswith(KIND_BOX_PREFIXES_2026) for label in labels)


def _has_new_kind_boxes(kinds_text: str | None) -> bool:
    """True when a box of the kinds section begins like the 2026 form's."""
    return any(label.startswith(KIND_BOX_PREFIXES_2026) for label in _kind_box_labels(kinds_text))


def recognise_form(title: str, labels: Sequence[str], sections: Sequence[Section]) -> FormName:
    """Decide which form an issue was filed with.

    Each heading votes for the form(s) that have it; our title
    (`Fix paper assignments: ...`) and labels (`authorbot`,
    `fix-paper-assignments`) vote for ours, the Anthology's title (`Author Page:`)
    and label (`author-page`) for theirs. Without any heading a form has, the issue
    is free text whatever its title (and so it is when only headings every form
    shares are there). An Anthology form is the 2026 one when a heading only it
    has is there or a kind box has the 2026 prefixes (`Verification:` ...), even
    beside a heading of the older form (January-February 2026 kept one); else the
    2024-2025 one when a heading only that has is there (`Your papers ...`) or its
    kind boxes lack the 2026 prefixes.

    Parameters:
        title: the issue's title.
        labels: the names of its labels.
        sections: the body's sections.

    Returns:
        `authorbot`, `anthology-2026`, `anthology-2024` or `free-text`.
    """
    hints: list[FormHint | None] = []
    kinds_text: str | None = None
    for section in sections:
        rule = heading_rule(section.heading) if section.heading else None
        if rule is None:
            continue
        hints.append(rule.hint)
        if rule.field == "kinds":
            kinds_text = section.text
    if not hints:
        return "free-text"
    ours = hints.count("authorbot")
    theirs = sum(1 for hint in hints if hint is not None and hint != "authorbot")
    label_set = {label.lower() for label in labels}
    ours += bool(_OUR_TITLE.match(title)) + bool(label_set & _OUR_LABELS)
    theirs += bool(_ANTHOLOGY_TITLE.match(title)) + bool(label_set & _ANTHOLOGY_LABELS)
    if ours == 0 and theirs == 0:
        # Only headings every form shares (an institution section alone): too
        # little to say which form; reading it all as prose loses least.
        return "free-text"
    if ours > theirs:
        return "authorbot"
    # The form of January and February 2026 kept the 2024 form's question about
    # right-to-left scripts beside the new kind boxes: the boxes (and the headings
    # only 2026 has) tell the era, an old heading left in does not.
    if "anthology-2026" in hints or _has_new_kind_boxes(kinds_text):
        return "anthology-2026"
    if "anthology-2024" in hints or _has_only_old_kind_boxes(kinds_text):
        return "anthology-2024"
    return "anthology-2026"
