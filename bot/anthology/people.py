"""`data/yaml/people.yaml`: every verified person. Reading it fast, and writing it
back so that a change touches only the lines of the entries it changes.

The file is written the way PyYAML dumps it (keys sorted, each name in flow style,
unicode kept). We never re-dump the whole file: we cut it into one block of lines per
entry, and replace, insert or delete whole blocks, each dumped by PyYAML alone.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from bot.anthology.names import Name, make_name

try:  # libyaml's emitter, as the Anthology's own tools use
    from yaml import CDumper as _BaseDumper
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import Dumper as _BaseDumper  # type: ignore[assignment]
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

PEOPLE_YAML = "data/yaml/people.yaml"


class PeopleFileError(ValueError):
    """people.yaml could not be read: it is not the shape the Anthology writes."""


@dataclass(frozen=True)
class PersonEntry:
    """One people.yaml entry. `names[0]` is the canonical name."""

    id: str
    names: tuple[Name, ...]
    orcid: str | None = None
    degree: str | None = None
    comment: str | None = None
    similar: tuple[str, ...] = ()
    disable_name_matching: bool = False
    extra: tuple[tuple[str, Any], ...] = ()
    # Names written with `first: ''` in the file (the same as no given names, but
    # written back as they were so an unchanged name stays byte-identical).
    blank_first: frozenset[Name] = frozenset()

    def has_name(self, name: Name) -> bool:
        """True when `name` is one of this person's names."""
        return name in self.names

    def to_yaml_value(self) -> dict[str, Any]:
        """The entry's mapping as people.yaml holds it (empty keys left out)."""
        out: dict[str, Any] = {"names": [_FlowName(n, n in self.blank_first) for n in self.names]}
        if self.comment:
            out["comment"] = self.comment
        if self.degree:
            out["degree"] = self.degree
        if self.disable_name_matching:
            out["disable_name_matching"] = True
        if self.orcid:
            out["orcid"] = self.orcid
        if self.similar:
            out["similar"] = list(self.similar)
        out.update(dict(self.extra))
        return out


class _FlowName:
    """A name that PyYAML writes in flow style (`{first: Jin, last: Liu}`)."""

    __slots__ = ("name", "blank_first")

    def __init__(self, name: Name, blank_first: bool = False) -> None:
        self.name = name
        self.blank_first = blank_first


class _PeopleDumper(_BaseDumper):  # type: ignore[misc, valid-type]
    """A dumper that writes names in flow style and everything else in block style."""


def _represent_flow_name(dumper: _PeopleDumper, value: _FlowName) -> yaml.Node:
    mapping: dict[str, str] = {}
    if value.name.first is not None or value.blank_first:
        mapping["first"] = value.name.first or ""
    mapping["last"] = value.name.last
    return dumper.represent_mapping("tag:yaml.org,2002:map", mapping, flow_style=True)


_PeopleDumper.add_representer(_FlowName, _represent_flow_name)


def dump_entries(entries: Iterable[PersonEntry]) -> str:
    """The people.yaml text of these entries, in the file's exact style."""
    data = {e.id: e.to_yaml_value() for e in entries}
    if not data:
        return ""
    return yaml.dump(data, Dumper=_PeopleDumper, allow_unicode=True)


def is_plain_key(pid: str) -> bool:
    """True when PyYAML writes `pid` as a plain key (`pid:` at the start of its
    line), the only shape `PeopleFile` reads: not a word YAML reads as something
    else (`null`, `yes`, `off`), not longer than a simple key may be (128)."""
    return yaml.dump({pid: 0}, Dumper=_PeopleDumper) == f"{pid}: 0\n"


def entry_from_mapping(pid: str, value: Mapping[str, Any]) -> PersonEntry:
    """Build a PersonEntry from its loaded YAML mapping.

    Raises:
        PeopleFileError: if the entry has no names or a name has no `last`.
    """
    value = dict(value)
    raw_names = value.pop("names", None)
    if not raw_names or not isinstance(raw_names, list):
        raise PeopleFileError(f"people.yaml: entry {pid!r} has no names")
    similar = value.pop("similar", None) or ()
    if not isinstance(similar, list | tuple):
        raise PeopleFileError(f"people.yaml: entry {pid!r} has 'similar' that is not a list")
    names = []
    blank = set()
    for n in raw_names:
        if not isinstance(n, Mapping) or not n.get("last"):
            raise PeopleFileError(f"people.yaml: entry {pid!r} has a name without 'last'")
        first = n.get("first")
        name = make_name(None if first is None else str(first), str(n["last"]))
        names.append(name)
        if first == "":
            blank.add(name)
    return PersonEntry(
        id=pid,
        names=tuple(names),
        orcid=_opt_str(value.pop("orcid", None)),
        degree=_opt_str(value.pop("degree", None)),
        comment=_opt_str(value.pop("comment", None)),
        similar=tuple(str(s) for s in similar),
        disable_name_matching=bool(value.pop("disable_name_matching", False)),
        extra=tuple(sorted(value.items())),
        blank_first=frozenset(blank),
    )


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


# The shapes PyYAML gives the overwhelming majority of lines; anything else in a
# block (quotes, wrapped long strings, unknown keys) sends that block to PyYAML.
_KEY_LINE = re.compile(r"^([a-z][-a-z0-9]*):\n", re.M)
_PLAIN = r"[^\s'\"{}\[\],#&*!|>%@`:-][^{}\[\],#:]*?"
_FAST_LINES = re.compile(
    r"  names:\n"
    r"|  - \{first: (?P<first>" + _PLAIN + r"), last: (?P<last>" + _PLAIN + r")\}\n"
    r"|  - \{last: (?P<lastonly>" + _PLAIN + r")\}\n"
    r"|  orcid: (?P<orcid>[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X])\n"
    r"|  degree: (?P<degree>" + _PLAIN + r")\n"
    r"|  disable_name_matching: (?P<dnm>true)\n"
    r"|  similar:\n"
    r"|  - (?P<similar>[a-z][-a-z0-9]*)\n"
)
# Plain scalars PyYAML would read as something other than a string.
_NOT_A_STRING = re.compile(
    r"^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON"
    r"|off|Off|OFF|y|Y|n|N|[-+]?[0-9][0-9_.:eE+-]*|[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN))$"
)


def _fast_entry(pid: str, block: str) -> PersonEntry | None:
    """Read one block of the common shapes without PyYAML; None if it is unusual."""
    names: list[Name] = []
    orcid = degree = None
    similar: list[str] = []
    dnm = False
    pos = block.index("\n") + 1
    section = None
    while pos < len(block):
        m = _FAST_LINES.match(block, pos)
        if m is None:
            return None
        pos = m.end()
        text = m.group(0)
        if text == "  names:\n" or text == "  similar:\n":
            section = text.strip()[:-1]
        elif m["last"] is not None or m["lastonly"] is not None:
            if section != "names":
                return None
            first, last = m["first"], m["last"] or m["lastonly"]
            if _NOT_A_STRING.match(last) or (first is not None and _NOT_A_STRING.match(first)):
                return None
            names.append(Name(first, last))
        elif m["similar"] is not None:
            if section != "similar":
                return None
            similar.append(m["similar"])
        else:
            section = None
            if m["orcid"]:
                orcid = m["orcid"]
            elif m["degree"] is not None:
                if _NOT_A_STRING.match(m["degree"]):
                    return None
                degree = m["degree"]
            elif m["dnm"]:
                dnm = True
    if not names:
        return None
    return PersonEntry(pid, tuple(names), orcid, degree, None, tuple(similar), dnm)


@dataclass
class PeopleFile:
    """people.yaml as text cut into entry blocks, plus the entries it holds.

    `order` is the IDs in file order; `spans[pid]` the (start, end) character
    offsets of the entry's block in `text`.
    """

    text: str
    entries: dict[str, PersonEntry]
    order: list[str]
    spans: dict[str, tuple[int, int]]

    @classmethod
    def parse(cls, text: str) -> PeopleFile:
        """Read people.yaml text.

        Raises:
            PeopleFileError: if the text is not a mapping of person IDs in the
                Anthology's style (an ID twice, text before the first ID, ...).
        """
        starts = [(m.start(), m.group(1)) for m in _KEY_LINE.finditer(text)]
        if text and (not starts or starts[0][0] != 0):
            raise PeopleFileError("people.yaml does not start with a person ID")
        entries: dict[str, PersonEntry] = {}
        spans: dict[str, tuple[int, int]] = {}
        order: list[str] = []
        for i, (start, pid) in enumerate(starts):
            end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
            if pid in spans:
                raise PeopleFileError(f"people.yaml lists {pid!r} twice")
            block = text[start:end]
            entry = _fast_entry(pid, block)
            if entry is None:
                entry = _slow_entry(pid, block)
            entries[pid] = entry
            spans[pid] = (start, end)
            order.append(pid)
        return cls(text, entries, order, spans)

    def changed(self, changes: Mapping[str, PersonEntry | None], text: str) -> PeopleFile:
        """This file after `changes`, whose rendering is `text` (as `render` gave it):
        only the changed entries are taken from `changes`, the rest are shared."""
        starts = [(m.start(), m.group(1)) for m in _KEY_LINE.finditer(text)]
        spans = {}
        order = []
        for i, (start, pid) in enumerate(starts):
            spans[pid] = (start, starts[i + 1][0] if i + 1 < len(starts) else len(text))
            order.append(pid)
        entries = dict(self.entries)
        for pid, entry in changes.items():
            if entry is None:
                entries.pop(pid, None)
            else:
                entries[pid] = entry
        if set(entries) != set(spans):
            raise PeopleFileError("people.yaml text does not hold the changed entries")
        return PeopleFile(text, {pid: entries[pid] for pid in order}, order, spans)

    def edits(self, changes: Mapping[str, PersonEntry | None]) -> list[tuple[int, int, str]]:
        """The smallest text edits that apply `changes`: an entry replaces the block of
        its ID (or is inserted where sorting puts it), None deletes the block.

        Returns:
            `(start, end, new_text)` replacements of `self.text[start:end]`, in order;
            every other byte stays as it was.
        """
        out: list[tuple[int, int, str]] = []
        new_ids = sorted(pid for pid in changes if pid not in self.spans)
        for pid, entry in changes.items():
            if pid in self.spans:
                start, end = self.spans[pid]
                out.append((start, end, "" if entry is None else _dump_one(entry)))
        for pid in new_ids:
            entry = changes[pid]
            if entry is None:
                continue
            at = bisect.bisect_left(self.order, pid)
            pos = self.spans[self.order[at]][0] if at < len(self.order) else len(self.text)
            out.append((pos, pos, _dump_one(entry)))
        out.sort(key=lambda e: (e[0], e[1]))
        return out

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


def _dump_one(entry: PersonEntry | None) -> str:
    assert entry is not None
    return dump_entries([entry])


def _slow_entry(pid: str, block: str) -> PersonEntry:
    try:
        loaded = yaml.load(block, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise PeopleFileError(f"people.yaml: entry {pid!r} is not valid YAML: {exc}") from exc
    if not isinstance(loaded, dict) or list(loaded) != [pid] or not isinstance(loaded[pid], dict):
        raise PeopleFileError(f"people.yaml: entry {pid!r} is not a mapping")
    return entry_from_mapping(pid, loaded[pid])
