"""The institution of the person's highest (anticipated) degree, cleaned the way
maintainers store it: the institution's name only.

People write "Universität Stuttgart (https://www.uni-stuttgart.de)" (the old form's
example had the URL), "Ph.D candidate, Tsinghua University", "PhD student at TUM",
"N/A", trailing or double spaces.
"""

from __future__ import annotations

import re

from bot.engine.parse.links import find_urls
from bot.engine.parse.markdown import (
    collapse_spaces,
    drop_struck_through,
    has_placeholder,
    is_empty_answer,
    meaningful_lines,
    quote,
    remove_placeholders,
    unwrap_value,
)
from bot.engine.request import Notice

# "Ph.D candidate, X", "PhD student at X", "MSc from X", "Doctorate: X": the role
# says which degree, the rest is the institution.
_ROLE = (
    r"(?:ph\.?\s?d\.?|doctorate|doctoral|dphil|master'?s?|m\.?\s?sc\.?|m\.?s\.?|m\.?a\.?"
    r"|b\.?\s?sc\.?|b\.?s\.?|b\.?a\.?|bachelor'?s?|undergraduate|graduate|postdoc(?:toral)?)"
)
_ROLE_NOUN = r"(?:\s+(?:candidate|student|researcher|degree|fellow|program(?:me)?|in\s+\S+))*"
_ROLE_SEPARATOR = r"\s*(?:,|:|-|\u2013|\u2014|@|\bat\b|\bfrom\b|\bin\b)\s*"
_LEADING_ROLE = re.compile(
    r"^(?:(?:an?|my)\s+)?" + _ROLE + _ROLE_NOUN + _ROLE_SEPARATOR, re.IGNORECASE
)
_TRAILING_ROLE = re.compile(
    r"\s*(?:,|-|\u2013|\u2014|\()\s*" + _ROLE + _ROLE_NOUN + r"\s*\)?$", re.IGNORECASE
)
# A parenthesis that only dates the degree: "(2026)", "(expected 2027)".
_DATE_NOTE = re.compile(
    r"\s*\((?:(?:expected|anticipated|est\.?|since|graduat\w*)\s*)?(?:(?:19|20)[0-9]{2})?\s*\)",
    re.IGNORECASE,
)
# The look-behind lets only the first of a run of separators start a match: without
# it a line of a million commas is tried from every comma, to the end (quadratic).
_TRAILING_YEAR = re.compile(
    r"(?<![,;\s])[,;\s]+(?:(?:expected|anticipated|since|class of)\s+)?(?:19|20)[0-9]{2}$",
    re.IGNORECASE,
)
_EMPTY_PARENS = re.compile(r"\(\s*\)")
# "have completed Ph. D, X", "I obtained my PhD at X", "graduated from X": the verb
# before the role (or before the institution) is not part of the name.
_LEADING_VERB = re.compile(
    r"^(?:i\s+|i'm\s+|i\u2019m\s+)?(?:have\s+|had\s+|am\s+|was\s+|currently\s+|will\s+)*"
    r"(?:completed|finished|obtained|received|earned|got|did|doing|pursuing|graduated|studying"
    r"|enrolled|awarded|holding|hold)\b(?:\s+(?:my|a|an|the))?"
    r"(?:\s+(?:from|at|in)\b)?\s*",
    re.IGNORECASE,
)
# What names a school that grants degrees (as against a department or a lab).
_SCHOOL = re.compile(
    r"univ|college|polytechn|politecnic|polit\u00e9cnic|hochschule|\u00e9cole|\becole\b"
    r"|institute\s+of\s+technology|\bETH\b|\bEPFL\b|\bMIT\b|\bKAIST\b",
    re.IGNORECASE,
)
# A line that ends in one of these words continues on the next ("University of\nX").
_CONTINUES = re.compile(r"\b(?:of|for|at|and|de|der|des|di|del|du|la|le)\s*$|[&-]\s*$", re.I)


def _without_urls(text: str) -> str:
    """The text with every URL cut out (the parentheses around one left empty)."""
    pieces: list[str] = []
    position = 0
    for url in find_urls(text):
        pieces.append(text[position : url.start])
        position = url.end
    pieces.append(text[position:])
    return "".join(pieces)


def clean_institution(text: str) -> str:
    """Reduce one line to the institution's name.

    Parameters:
        text: "Ph.D candidate, Universität Stuttgart (https://www.uni-stuttgart.de)".

    Returns:
        "Universität Stuttgart"; abbreviations are kept as written ("TUM");
        `""` when nothing is left.
    """
    value = _EMPTY_PARENS.sub("", _without_urls(unwrap_value(text)))
    value = _TRAILING_YEAR.sub("", _DATE_NOTE.sub("", value))
    value = _LEADING_VERB.sub("", value, count=1)
    value = _LEADING_ROLE.sub("", value, count=1)
    value = _TRAILING_ROLE.sub("", value, count=1)
    return unwrap_value(collapse_spaces(value).strip(" ,;:.-\u2013\u2014"))


def read_degree(text: str | None) -> tuple[str | None, list[Notice]]:
    """Read the `Institution of highest (anticipated) degree` field.

    Parameters:
        text: the field's text, or None when the body has no such section.

    Returns:
        The institution's name, or None for an empty answer ("N/A", "none", "-",
        `_No response_`), and notices: `placeholder` (the old form's placeholder
        left in), `degree-unreadable` (only a URL or a role, no name).
    """
    if text is None or is_empty_answer(text):
        return None, []
    lines = _join_broken_lines(meaningful_lines(text))
    cleaned = [name for name in (clean_institution(line) for line in lines) if name]
    if len(cleaned) > 1:
        school = _school_of_affiliations(cleaned)
        if school is not None:
            return school, []
    if cleaned:
        # The field is one line on every form; more lines without a school named
        # are the name and its place ("Tsinghua University" / "Beijing, China").
        return collapse_spaces(", ".join(cleaned)), []
    if has_placeholder(text) and not remove_placeholders(drop_struck_through(text)):
        return None, [
            Notice(
                "placeholder",
                "The institution field still says "
                f"{quote(text.strip())}: please replace it with the name of the school "
                "of your highest (anticipated) degree.",
            )
        ]
    if not lines:
        return None, []
    return None, [
        Notice(
            "degree-unreadable",
            f"I could not read an institution name in {quote(text.strip())}: please "
            "give the name of the school of your highest (anticipated) degree.",
        )
    ]


def _join_broken_lines(lines: list[str]) -> list[str]:
    """Lines with a name broken after "of" or "and" joined again."""
    joined: list[str] = []
    for line in lines:
        if joined and _CONTINUES.search(joined[-1]):
            joined[-1] = joined[-1].rstrip() + " " + line
        else:
            joined.append(line)
    return joined


def _school_of_affiliations(lines: list[str]) -> str | None:
    """The school of a block of affiliations, one a line (a lab, a department, a
    university): the first part, of the first line, that names a school, as the
    maintainers store it ("School of AI, University of X, Beijing" -> "University
    of X"); None when no line names one."""
    for line in lines:
        if not _SCHOOL.search(line):
            continue
        parts = [part.strip() for part in line.split(",") if part.strip()]
        for part in parts:
            if _SCHOOL.search(part):
                return part
    return None


# "my PhD is from the University of X", "I got my doctorate at X".
_DEGREE_IN_TEXT = re.compile(
    r"\b(?:ph\.?\s?d\.?|doctorate|doctoral\s+degree|(?:highest\s+)?degree|master'?s?"
    r"(?:\s+degree)?)\s+(?:is\s+|was\s+|will\s+be\s+|comes?\s+)?(?:from|at)\s+(?:the\s+)?"
    r"(?P<school>[^.\n;!?()]+)",
    re.IGNORECASE,
)


def find_degree(text: str) -> str | None:
    """The institution of the degree when prose names it ("my PhD is from the
    University of California, San Diego"), for issues whose form has no field for
    it; only a name that reads as a school's is taken.

    Returns:
        The institution's name, or None.
    """
    for match in _DEGREE_IN_TEXT.finditer(text):
        school = clean_institution(match.group("school"))
        if school and _SCHOOL.search(school):
            return school
    return None
