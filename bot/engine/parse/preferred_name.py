"""The preferred name, split into given names (`first`) and family name (`last`) the
Anthology's way.

The rule, in order:
1. `Family, Given` (one comma): the part before the comma is the family name
   ("Wang, MingWen" -> first "MingWen", last "Wang").
2. One word written in capitals among words that are not ("WANG Mingwen",
   "Mingwen WANG"): the capitalised word is the family name, as the convention of
   writing the family name in capitals says; it is kept as written ("WANG"), since
   the parser does not change spellings.
3. Otherwise given names come first, as our form asks: the last word is the family
   name, together with the lower-case particles before it ("Jan van der Berg" ->
   first "Jan", last "van der Berg").
4. A single word is a family name alone (first None).
Text in parentheses (often the name in another script), titles ("Dr.", "Prof.")
and degrees (", PhD") are left out.
"""

from __future__ import annotations

import re

from bot.engine.parse.markdown import collapse_spaces, is_empty_answer, meaningful_lines, quote
from bot.engine.request import NameValue, Notice

_PARENTHESES = re.compile(r"\s*[(\uff08][^()\uff08\uff09]*[)\uff09]")
_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du"}
    | {"la", "le", "bin", "binti", "ibn", "al", "el", "ter", "ten", "zu"}
)
_MAX_WORDS = 8
# Titles and degrees around a name are not part of it ("Dr. Jin Liu", "Jin Liu, PhD").
_HONORIFIC = re.compile(r"^(?:dr|prof|professor|mr|mrs|ms|miss)\.?\s+", re.IGNORECASE)
_DEGREE_SUFFIX = re.compile(r"[,\s]+(?:ph\.?\s?d|m\.?\s?sc|m\.?d)\.?$", re.IGNORECASE)


def _is_capitalised(word: str) -> bool:
    """True for a word in capitals ("WANG"; two letters at least, so "A." is not)."""
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def split_name(text: str) -> NameValue | None:
    """Split a written name into first and last (see the module's rule).

    Parameters:
        text: one name, e.g. "MingWen Wang", "Wang, MingWen", "WANG Mingwen".

    Returns:
        The name, or None when nothing name-like is left.
    """
    value = collapse_spaces(_PARENTHESES.sub("", text)).strip(" ,;")
    value = _DEGREE_SUFFIX.sub("", _HONORIFIC.sub("", value)).strip(" ,;")
    if not value:
        return None
    if value.count(",") == 1:
        family, given = (collapse_spaces(part) for part in value.split(","))
        if family and given:
            return NameValue(given, family)
        value = family or given
    words = value.replace(",", " ").split()
    if not words:
        return None
    if len(words) == 1:
        return NameValue(None, words[0])
    capitalised = [i for i, word in enumerate(words) if _is_capitalised(word)]
    if len(capitalised) == 1:
        family_at = capitalised[0]
        given_words = words[:family_at] + words[family_at + 1 :]
        return NameValue(" ".join(given_words), words[family_at])
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in _PARTICLES:
        start -= 1
    return NameValue(" ".join(words[:start]), " ".join(words[start:]))


def read_preferred_name(text: str | None) -> tuple[NameValue | None, list[Notice]]:
    """Read the preferred-name field.

    Parameters:
        text: the field's text, or None when the body has no such section.

    Returns:
        The name (None when empty), and `name-unreadable` when the field holds
        something that is not a name (a URL, an e-mail address, a sentence).
    """
    if text is None or is_empty_answer(text):
        return None, []
    lines = meaningful_lines(text)
    if not lines:
        return None, []
    line = lines[0]
    if "://" in line or "@" in line or any(ch.isdigit() for ch in line):
        name = None
    elif len(line.split()) > _MAX_WORDS:
        name = None
    else:
        name = split_name(line)
    if name is None:
        return None, [
            Notice(
                "name-unreadable",
                f"I could not read a name in {quote(text.strip())}: please write the "
                "name only, given names first (e.g. Jin Liu).",
            )
        ]
    return name, []


# "I changed my name from A B to C D", "my new name is C D", "New name: C D",
# "A B -> C D": the new name is what follows.
_NEW_NAME = (
    re.compile(
        r"\bchang\w*\s+(?:of\s+)?(?:\w+\s+){0,2}?name\b(?:\s+(?!from\b|to\b)\w+){0,3}?"
        r"(?:\s+(?:from|was)\s+.{1,60}?)?\s+(?:to|into|is\s+now)\s+(?P<new>[^.,;:\n()]+)",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:my|the|his|her|their)\s+(?:new|current|correct|legal|preferred|updated)\s+"
        r"(?:\w+\s+)?name\s+(?:is|will\s+be|should\s+be|now\s+is)\s*:?\s*(?P<new>[^.,;\n()]+)",
        re.IGNORECASE,
    ),
    re.compile(
        r"\bname\s+change\w*\s*:?\s*(?:from\s+.{1,60}?\s+)?to\s+(?P<new>[^.,;\n()]+)",
        re.IGNORECASE,
    ),
    re.compile(r"\bnew\s+name\s*[:\-\u2013]\s*(?P<new>[^.,;\n()]+)", re.IGNORECASE),
    re.compile(r"[^\n]{2,60}?\s*(?:->|\u2192|=>)\s*(?P<new>[^.,;\n()]+)"),
    # "Could you show it as "Thomas Stephan Juzek"?", "listed under the name X".
    re.compile(
        r"\b(?:show|shown|display|displayed|list|listed|appear|appears|written)\s+"
        r"(?:\w+\s+){0,3}?(?:as|under(?:\s+the\s+name)?)\s+(?P<new>[\"\u201c][^\"\u201d\n]+[\"\u201d])",
        re.IGNORECASE,
    ),
)
# "Preferred name: X" written in the prose of a form that has no field for it.
_PREFERRED_IN_TEXT = re.compile(
    r"^[^\w\n]*preferred[ \t]+(?:author[ \t]+)?name[^\w\n]*?[:\-\u2013][ \t]*(?P<name>[^\n]+)$",
    re.IGNORECASE | re.MULTILINE,
)
_NAME_WORD = re.compile(r"^[^\W\d_][\w'\u2019.-]*$")


def _name_words(value: str, fewest: int, most: int) -> bool:
    """True when `value` reads as a name: `fewest` to `most` words, each starting with
    a letter and a capital, apart from particles ("van", "de")."""
    words = value.split()
    if not fewest <= len(words) <= most or not all(_NAME_WORD.match(w) for w in words):
        return False
    return not any(w[0].islower() and w.lower() not in _PARTICLES for w in words)


def find_new_name(text: str) -> NameValue | None:
    """The new name a name change gives in prose, when the field is left empty.

    Parameters:
        text: Supporting Information, e.g. "I changed my name from Jane Doe to
            Jane Smith."

    Returns:
        The new name (split like the field, given names first), or None when no
        sentence gives one that reads as a name (two to six words, each starting
        with a capital, apart from particles).
    """
    for pattern in _NEW_NAME:
        for match in pattern.finditer(text):
            value = match.group("new").strip(" \"'\u201c\u201d*_`")
            if not _name_words(value, 2, 6):
                continue
            name = split_name(value)
            if name is not None:
                return name
    return None


def find_preferred_name(text: str) -> NameValue | None:
    """A preferred name written in prose as "Preferred name: X" (the form of early
    2026 had no field for it).

    Returns:
        The name, or None when no such line gives a readable one.
    """
    match = _PREFERRED_IN_TEXT.search(text)
    if match is None:
        return None
    name, notices = read_preferred_name(match.group("name"))
    return None if notices else name


# "My given name is "Haraldur Orri" and my family name "Hauksson"", "given name -
# Keren" / "family name - Gruteke Klein": the person says how their name splits.
# The value is a quoted text, or the words up to the end of the clause.
_PART_VALUE = (
    # words and marks between the part and its value, in any order ("given name: it is")
    r"(?:\s*(?:[:=\-\u2013]|\b(?:it\s+is|it's|is|are|should\s+be|must\s+be|as)\b))*\s*"
    r"(?:[\"\u201c\u2018'](?P<quoted>[^\"\u201d\u2019'\n]{1,60})[\"\u201d\u2019']"
    r"|(?P<plain>[^\W\d_][^\n,;.()\"]{0,60}?)(?=\s*(?:$|[\n,;.()]|\s+and\b)))"
)
_GIVEN_PART = re.compile(
    r"\b(?:given|first|fore)[ \t-]*names?\b" + _PART_VALUE, re.IGNORECASE | re.MULTILINE
)
_FAMILY_PART = re.compile(
    r"\b(?:(?:family|last)[ \t-]*names?|surname)\b" + _PART_VALUE, re.IGNORECASE | re.MULTILINE
)


def _name_part(pattern: re.Pattern[str], text: str) -> str | None:
    """The first value of a name part the text gives that reads as name words."""
    for match in pattern.finditer(text):
        value = (match.group("quoted") or match.group("plain") or "").strip(" *_`")
        if _name_words(value, 1, 4):
            return value
    return None


def find_name_parts(text: str) -> NameValue | None:
    """A name given in prose part by part: the given names and the family name
    (\"My given name is 'Haraldur Orri' and my family name 'Hauksson'\", or the
    lines "given name - Keren" and "family name - Gruteke Klein").

    Parameters:
        text: Supporting Information.

    Returns:
        The name as the person split it, or None unless both parts are given.
    """
    given = _name_part(_GIVEN_PART, text)
    family = _name_part(_FAMILY_PART, text)
    if given is None or family is None:
        return None
    return NameValue(given, family)
