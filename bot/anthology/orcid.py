"""ORCID iDs: `NNNN-NNNN-NNNN-NNNC`, the last character an ISO 7064 MOD 11-2 checksum."""

from __future__ import annotations

import re

ORCID_SHAPE = re.compile(r"[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]")


def checksum_char(first15: str) -> str:
    """The check character for the first fifteen digits of an ORCID iD."""
    total = 0
    for digit in first15:
        total = (total + int(digit)) * 2
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def is_valid_orcid(orcid: str) -> bool:
    """True when `orcid` is well-formed (hyphenated, upper-case X) with a correct checksum."""
    if not ORCID_SHAPE.fullmatch(orcid):
        return False
    digits = orcid.replace("-", "")
    return checksum_char(digits[:15]) == digits[15]


# How people write an iD: hyphens, Unicode dashes, spaces or nothing between the
# four groups, and a lower-case x. The look-arounds keep it from matching inside a
# longer run of digits or letters.
_SEPARATOR = "[-\u2010-\u2015\u2212 \u00a0]?"
ORCID_WRITTEN = re.compile(
    r"(?<![0-9A-Za-z])([0-9]{4})"
    + _SEPARATOR
    + "([0-9]{4})"
    + _SEPARATOR
    + "([0-9]{4})"
    + _SEPARATOR
    + r"([0-9]{3}[0-9Xx])(?![0-9A-Za-z])"
)
_ORCID_URL_PREFIX = re.compile(r"^(?:https?://)?(?:www\.)?orcid\.org/", re.IGNORECASE)


def _canonical(match: re.Match[str]) -> str:
    """The hyphenated, upper-case form of a matched iD."""
    return "-".join(match.groups()).upper()


def find_orcids(text: str) -> list[str]:
    """Every ORCID iD written in `text`, in order, each once, in canonical form.

    Well-formed iDs with a wrong checksum are returned too: whoever reads them
    reports the bad checksum by value rather than pretending nothing was given.

    Parameters:
        text: free text, a URL (`https://orcid.org/my-orcid?orcid=0000-...`), a
            markdown link, `0000 0002 1825 0097`, `000000021825009x`.

    Returns:
        The iDs as `NNNN-NNNN-NNNN-NNNC`, first occurrence first.
    """
    found: list[str] = []
    for match in ORCID_WRITTEN.finditer(text):
        orcid = _canonical(match)
        if orcid not in found:
            found.append(orcid)
    return found


def normalise_orcid(text: str) -> str | None:
    """Read `text` as exactly one ORCID iD, however it is written; None otherwise.

    Parameters:
        text: `0000-0002-1825-0097`, `https://orcid.org/0000-0002-1825-0097`,
            `0000 0002 1825 009x`, `0000000218250097`.

    Returns:
        The canonical iD (the checksum is not checked), or None if `text` is
        anything more or less than one iD.
    """
    stripped = _ORCID_URL_PREFIX.sub("", text.strip()).rstrip("/")
    match = ORCID_WRITTEN.fullmatch(stripped)
    return _canonical(match) if match else None
