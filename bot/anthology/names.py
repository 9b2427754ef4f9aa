"""Person names and their slugs, the Anthology's way.

A name is a `first` (given names, may be absent) and a `last` (family name). Two
names are the same when both parts are equal, an empty `first` counting as absent.
The *slug* of a name ("Aarón Galiano-Jiménez" -> `aaron-galiano-jimenez`) decides
slug matching (see resolve.py).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from slugify import slugify

# The Anthology turns these apostrophes into hyphens before slugifying
# (acl_anthology.people.name.SLUGIFY_REPLACEMENTS); a fact we must agree on.
_SLUG_REPLACEMENTS = (("ʼ", "-"), ("’", "-"))


class Name(NamedTuple):
    """An immutable name. `first` is None when there are no given names (an empty
    `first` is read as None)."""

    first: str | None
    last: str

    @property
    def full(self) -> str:
        """`first last`, or just `last` when there are no given names."""
        return f"{self.first} {self.last}" if self.first else self.last

    @property
    def slug(self) -> str:
        """The name's slug, as the Anthology computes it."""
        slug = _SLUGS.get(self)
        if slug is None:
            slug = _SLUGS[self] = name_slug(self.full)
        return slug

    def as_dict(self) -> dict[str, str]:
        """The name as the people file maps it (`first` omitted when absent)."""
        if self.first is None:
            return {"last": self.last}
        return {"first": self.first, "last": self.last}


def make_name(first: str | None, last: str) -> Name:
    """A Name from the texts as written; an empty `first` means none."""
    return Name(first or None, last)


_SLUGS: dict[Name, str] = {}


def known_slugs() -> list[tuple[Name, str]]:
    """Every slug computed (or remembered) so far in this process."""
    return list(_SLUGS.items())


def remember_slug(name: Name, slug: str) -> None:
    """Take a slug computed earlier for `name` (a snapshot's: bot/anthology/snapshot.py),
    so that it is not computed again."""
    _SLUGS[name] = slug


_PLAIN_ASCII = re.compile(r"[A-Za-z0-9 .-]+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=300_000)
def name_slug(full_name: str) -> str:
    """Slugify a full name (`first last`) exactly as the Anthology does:
    transliterate to ASCII, lowercase, every run of other characters to one hyphen.

    Names of plain ASCII letters, digits, spaces, dots and hyphens take a short path
    (python-slugify gives the same for them, and tests check it on every name of the
    full archive); all others go through python-slugify itself.
    """
    if _PLAIN_ASCII.fullmatch(full_name):
        return _NOT_SLUG.sub("-", full_name.lower()).strip("-")
    return slugify(full_name, replacements=_SLUG_REPLACEMENTS)


def name_score(name: Name) -> float:
    """How likely a spelling is the best written form among names with one slug:
    longer is better, diacritics and hyphens are better, odd capitals are worse.
    Used only to choose a canonical name when nothing else decides."""
    full = name.full
    score = float(len(full)) + sum(1 for c in full if ord(c) > 127 or c == "-")
    words = [w for w in re.split(r"\W+", full) if w]
    score -= sum(1 for w in words if any(c.isupper() for c in w[1:]))
    score -= sum(1 for w in words if w[0].islower())
    return score
