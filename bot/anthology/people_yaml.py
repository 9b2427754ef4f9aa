"""`data/yaml/people.yaml`, the people file of the Anthology before 2026
(acl-anthology 1.0-1.2): reading it fast, and writing it back so that a change
touches only the lines of the entries it changes.

The file is written the way PyYAML dumps it (keys sorted, each name in flow style,
unicode kept). We never re-dump the whole file: we cut it into one block of lines per
entry, and replace, insert or delete whole blocks, each dumped by PyYAML alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import yaml

from bot.anthology.names import Name
from bot.anthology.people import (
    PEOPLE_YAML,
    PeopleFile,
    PeopleFileError,
    PersonEntry,
    entry_from_mapping,
)

try:  # libyaml's emitter, as the Anthology's own tools use
    from yaml import CDumper as _BaseDumper
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import Dumper as _BaseDumper  # type: ignore[assignment]
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


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


def _yaml_value(entry: PersonEntry) -> dict[str, Any]:
    """The entry's mapping as people.yaml holds it (empty keys left out)."""
    out: dict[str, Any] = {"names": [_FlowName(n, n in entry.blank_first) for n in entry.names]}
    if entry.comment:
        out["comment"] = entry.comment
    if entry.degree:
        out["degree"] = entry.degree
    if entry.disable_name_matching:
        out["disable_name_matching"] = True
    if entry.orcid:
        out["orcid"] = entry.orcid
    if entry.similar:
        out["similar"] = list(entry.similar)
    out.update(dict(entry.extra))
    return out


def dump_entries(entries: Iterable[PersonEntry]) -> str:
    """The people.yaml text of these entries, in the file's exact style."""
    data = {e.id: _yaml_value(e) for e in entries}
    if not data:
        return ""
    return yaml.dump(data, Dumper=_PeopleDumper, allow_unicode=True)


def is_plain_key(pid: str) -> bool:
    """True when PyYAML writes `pid` as a plain key (`pid:` at the start of its
    line), the only shape `PeopleFile` reads: not a word YAML reads as something
    else (`null`, `yes`, `off`), not longer than a simple key may be (128)."""
    return yaml.dump({pid: 0}, Dumper=_PeopleDumper) == f"{pid}: 0\n"


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


def _cut(text: str) -> tuple[list[str], dict[str, tuple[int, int]]]:
    """The IDs in file order and the span of each one's block (IDs may repeat in
    `order`; the caller checks)."""
    starts = [(m.start(), m.group(1)) for m in _KEY_LINE.finditer(text)]
    spans: dict[str, tuple[int, int]] = {}
    order: list[str] = []
    for i, (start, pid) in enumerate(starts):
        spans.setdefault(pid, (start, starts[i + 1][0] if i + 1 < len(starts) else len(text)))
        order.append(pid)
    return order, spans


class YamlPeopleFile(PeopleFile):
    """people.yaml as text cut into entry blocks (see PeopleFile)."""

    path = PEOPLE_YAML

    @classmethod
    def parse(cls, text: str) -> YamlPeopleFile:
        """Read people.yaml text.

        Raises:
            PeopleFileError: if the text is not a mapping of person IDs in the
                Anthology's style (an ID twice, text before the first ID, ...).
        """
        order, spans = _cut(text)
        if text and (not order or spans[order[0]][0] != 0):
            raise PeopleFileError(f"{PEOPLE_YAML} does not start with a person ID")
        if len(order) != len(spans):
            twice = next(pid for i, pid in enumerate(order) if pid in order[:i])
            raise PeopleFileError(f"{PEOPLE_YAML} lists {twice!r} twice")
        entries: dict[str, PersonEntry] = {}
        for pid in order:
            start, end = spans[pid]
            block = text[start:end]
            entry = _fast_entry(pid, block)
            if entry is None:
                entry = _slow_entry(pid, block)
            entries[pid] = entry
        return cls(text, entries, order, spans)

    def cut(self, text: str) -> tuple[list[str], dict[str, tuple[int, int]]]:
        """The IDs and entry blocks of people.yaml text."""
        return _cut(text)

    def entry_starts(self, text: str, start: int, end: int) -> list[tuple[int, str]] | None:
        """Where each ID line of `text[start:end]` starts (see PeopleFile)."""
        return [(m.start(), m.group(1)) for m in _KEY_LINE.finditer(text, start, end)]

    def entry_text(self, entry: PersonEntry) -> str:
        """The entry's block, as PyYAML dumps it."""
        return dump_entries([entry])

    def holds_id(self, pid: str) -> bool:
        """True when PyYAML writes the ID as a plain key (see `is_plain_key`)."""
        return is_plain_key(pid)

    def edits(self, changes: Mapping[str, PersonEntry | None]) -> list[tuple[int, int, str]]:
        """The smallest text edits that apply `changes` (see PeopleFile.edits)."""
        out: list[tuple[int, int, str]] = []
        inserted: dict[int, list[str]] = {}
        for pid, entry in changes.items():
            if pid in self.spans:
                start, end = self.spans[pid]
                out.append((start, end, "" if entry is None else dump_entries([entry])))
            elif entry is not None:
                at = self.insertion_point(pid)
                pos = self.spans[self.order[at]][0] if at < len(self.order) else len(self.text)
                inserted.setdefault(pos, []).append(pid)
        for pos, pids in inserted.items():
            out.append((pos, pos, dump_entries(changes[p] for p in sorted(pids))))  # type: ignore[misc]
        out.sort(key=lambda e: (e[0], e[1]))
        return out


def _slow_entry(pid: str, block: str) -> PersonEntry:
    try:
        loaded = yaml.load(block, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise PeopleFileError(f"{PEOPLE_YAML}: entry {pid!r} is not valid YAML: {exc}") from exc
    if not isinstance(loaded, dict) or list(loaded) != [pid] or not isinstance(loaded[pid], dict):
        raise PeopleFileError(f"{PEOPLE_YAML}: entry {pid!r} is not a mapping")
    return entry_from_mapping(pid, loaded[pid], PEOPLE_YAML)
