"""The people file: every verified person, by ID.

The Anthology keeps it in one of two formats, by era: `data/json/people.json` since
the summer of 2026 (acl-anthology 1.3.x), `data/yaml/people.yaml` before (1.0-1.2).
This module is the seam between them: `PersonEntry` (one person, whatever the
format) and `PeopleFile` (the file as text cut into one span per entry, read and
written with the smallest edits); `peoplestore.py` picks the format from the file
the repository has (`find_people_file`, `read_people_file`). Nothing above this layer names a
format; whatever it tells a person names `PeopleFile.path`, the real file.

The formats themselves live in `people_json.py` and `people_yaml.py`.
"""

from __future__ import annotations

import bisect
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from bot.anthology.names import Name

PEOPLE_JSON = "data/json/people.json"
PEOPLE_YAML = "data/yaml/people.yaml"
# The current era first: when a repository has neither, this is the one to name.
PEOPLE_FILES = (PEOPLE_JSON, PEOPLE_YAML)


# Shared by every entry that writes no name with an empty `first` (nearly all): an
# empty frozenset of its own would cost 216 bytes for each of ~11,000 entries.
NO_NAMES: frozenset[Name] = frozenset()


class PeopleFileError(ValueError):
    """A people file could not be read: it is not the shape the Anthology writes.
    The message names the file and, where there is one, the entry."""


class TwoPeopleFilesError(PeopleFileError):
    """The repository has both people files: which one holds the truth is unknown."""


@dataclass(frozen=True)
class PersonEntry:
    """One verified person. `names[0]` is the canonical name."""

    id: str
    names: tuple[Name, ...]
    orcid: str | None = None
    degree: str | None = None
    comment: str | None = None
    similar: tuple[str, ...] = ()
    disable_name_matching: bool = False
    # Keys the Anthology does not define, kept so that nothing is lost on a rewrite.
    extra: tuple[tuple[str, Any], ...] = ()
    # Names written with an empty `first` (the same as no given names, but written
    # back as they were so an unchanged name stays byte-identical).
    blank_first: frozenset[Name] = NO_NAMES

    def has_name(self, name: Name) -> bool:
        """True when `name` is one of this person's names."""
        return name in self.names


_KEYS = frozenset({"names", "orcid", "degree", "comment", "similar", "disable_name_matching"})


def entry_from_mapping(pid: str, value: Mapping[str, Any], path: str) -> PersonEntry:
    """Build a PersonEntry from the entry's loaded mapping (either format).

    Parameters:
        pid: the person's ID.
        value: the entry as the file's parser gives it.
        path: the file it was read from, for messages.

    Raises:
        PeopleFileError: if the entry has no names or a name has no `last`.
    """
    # Called for every entry of the file at start-up: plain dicts take the short way.
    if type(value) is not dict:
        if not isinstance(value, Mapping):
            raise PeopleFileError(f"{path}: entry {pid!r} is not a mapping")
        value = dict(value)
    raw_names = value.get("names")
    if not raw_names or type(raw_names) is not list:
        raise PeopleFileError(f"{path}: entry {pid!r} has no names")
    names = []
    blank = []
    for n in raw_names:
        last = n.get("last") if isinstance(n, Mapping) else None
        if not last:
            raise PeopleFileError(f"{path}: entry {pid!r} has a name without 'last'")
        first = n.get("first")
        name = Name(str(first) if first else None, str(last))
        names.append(name)
        if first == "":
            blank.append(name)
    similar = value.get("similar") or ()
    if not isinstance(similar, list | tuple):
        raise PeopleFileError(f"{path}: entry {pid!r} has 'similar' that is not a list")
    extra: tuple[tuple[str, Any], ...] = ()
    if not value.keys() <= _KEYS:
        extra = tuple(sorted((k, v) for k, v in value.items() if k not in _KEYS))
    return PersonEntry(
        pid,
        tuple(names),
        _opt_str(value.get("orcid")),
        _opt_str(value.get("degree")),
        _opt_str(value.get("comment")),
        tuple(str(s) for s in similar) if similar else (),
        bool(value.get("disable_name_matching", False)),
        extra,
        frozenset(blank) if blank else NO_NAMES,
    )


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


class PeopleFile(ABC):
    """A people file as text cut into one span per entry, plus the entries it holds.

    `order` is the IDs in file order; `spans[pid]` the (start, end) character
    offsets of the entry's lines in `text` (each span starts and ends a line).
    A change re-writes only the spans of the entries it changes (`edits`), each in
    the exact layout the Anthology's own tools write; every other byte stays.
    """

    path: ClassVar[str]  # where the file is in the data repository

    def __init__(
        self,
        text: str,
        entries: dict[str, PersonEntry],
        order: list[str],
        spans: dict[str, tuple[int, int]],
    ) -> None:
        self.text = text
        self.entries = entries
        self.order = order
        self.spans = spans

    @classmethod
    @abstractmethod
    def parse(cls, text: str) -> PeopleFile:
        """Read the file's text.

        Raises:
            PeopleFileError: if the text is not in the Anthology's shape (the
                message names the file and the entry).
        """

    @abstractmethod
    def entry_text(self, entry: PersonEntry) -> str:
        """The entry as this file writes it (its lines, as a reviewer sees them)."""

    @abstractmethod
    def holds_id(self, pid: str) -> bool:
        """True when this file can hold `pid` as the Anthology writes it."""

    @abstractmethod
    def edits(self, changes: Mapping[str, PersonEntry | None]) -> list[tuple[int, int, str]]:
        """The smallest text edits that apply `changes`: an entry replaces the span of
        its ID (or is inserted where sorting puts it), None deletes the span.

        Returns:
            `(start, end, new_text)` replacements of `self.text[start:end]`, sorted,
            each of whole lines; every other byte stays as it was.
        """

    @abstractmethod
    def cut(self, text: str) -> tuple[list[str], dict[str, tuple[int, int]]]:
        """The IDs and spans of a text this class wrote (see `changed`)."""

    def render(self, changes: Mapping[str, PersonEntry | None]) -> str:
        """The file's new text with `changes` applied (see `edits`)."""
        pieces: list[str] = []
        pos = 0
        for start, end, new in self.edits(changes):
            pieces.append(self.text[pos:start])
            pieces.append(new)
            pos = end
        pieces.append(self.text[pos:])
        return "".join(pieces)

    def entry_starts(self, text: str, start: int, end: int) -> list[tuple[int, str]] | None:
        """Where each entry of `text[start:end]` starts, and its ID (None: this format
        cannot say it of a part of the text; `changed` then cuts the whole)."""
        return None

    def changed(self, changes: Mapping[str, PersonEntry | None], text: str) -> PeopleFile:
        """This file after `changes`, whose rendering is `text` (as `render` gave it):
        only the changed entries are taken from `changes`, the rest are shared.

        Raises:
            PeopleFileError: if `text` does not hold exactly the changed entries.
        """
        cut = self._cut_around(self.edits(changes), text)
        order, spans = cut if cut is not None else self.cut(text)
        entries = dict(self.entries)
        for pid, entry in changes.items():
            if entry is None:
                entries.pop(pid, None)
            else:
                entries[pid] = entry
        if set(entries) != set(spans) or len(order) != len(spans):
            raise PeopleFileError(f"{self.path}: the new text does not hold the changed entries")
        return type(self)(text, {pid: entries[pid] for pid in order}, order, spans)

    def _cut_around(
        self, edits: list[tuple[int, int, str]], text: str
    ) -> tuple[list[str], dict[str, tuple[int, int]]] | None:
        """The IDs and spans of `text`, this file's text after `edits`, found by cutting
        only the entries around the edits again (a whole people file takes 30-70 ms to
        cut, on every write); None when that cannot be done here."""
        if not edits or len(self.order) != len(self.spans):
            return None
        pieces, pos = [], 0
        for start, end, new in edits:
            pieces += [self.text[pos:start], new]
            pos = end
        pieces.append(self.text[pos:])
        if "".join(pieces) != text:
            return None  # not the rendering of these changes
        starts = [self.spans[pid][0] for pid in self.order]
        lo, hi = min(start for start, _, _ in edits), max(end for _, end, _ in edits)
        # One untouched entry on each side of the edits.
        first = max(0, bisect.bisect_right(starts, lo) - 2)
        after = bisect.bisect_right(starts, hi) + 1
        if after >= len(starts) or starts[first] > lo:
            return None  # the edits reach the file's first or last entries
        shift = len(text) - len(self.text)
        window_start, window_end = starts[first], starts[after] + shift
        found = self.entry_starts(text, window_start, window_end)
        if not found or found[0][0] != window_start:
            return None
        order = self.order[:first] + [pid for _, pid in found] + self.order[after:]
        spans = {pid: self.spans[pid] for pid in self.order[:first]}
        for i, (start, pid) in enumerate(found):
            spans.setdefault(pid, (start, found[i + 1][0] if i + 1 < len(found) else window_end))
        for pid in self.order[after:]:
            start, end = self.spans[pid]
            spans.setdefault(pid, (start + shift, end + shift))
        return order, spans

    def insertion_point(self, pid: str) -> int:
        """Where in `order` a new ID goes: the file is sorted by ID."""
        return bisect.bisect_left(self.order, pid)
