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
