"""`data/json/people.json`, the people file of the Anthology since 2026
(acl-anthology 1.3.x): reading it, and writing a change so that it touches only the
lines of the entries it changes.

The library's `PeopleIndex.save()` writes the file like this (facts from its code,
checked byte for byte by the tests): one JSON object, IDs sorted, two-space
indentation, `": "` and `",\\n"` between items, each entry's keys in the order
`names, comment, degree, disable_name_matching, orcid, similar` with empty ones left
out, each name collapsed onto one line (`{"first": "Jin", "last": "Liu"}`), strings
escaped as JSON requires and nothing more (UTF-8 as is), and a final newline:

    {
      "jin-liu-4161": {
        "names": [
          {"first": "Jin", "last": "Liu"}
        ],
        "orcid": "0000-0003-2157-4161"
      },
      ...
    }

Each entry starts a line of its own (`  "id": {`), so the file is cut into one span
per entry, and a change replaces, inserts or deletes whole spans. The last entry has
no comma after it, which is the one place where a change touches a neighbour: adding
an entry after the last one gives that one its comma, as the library's save does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from bot.anthology.names import Name
from bot.anthology.people import (
    NO_NAMES,
    PEOPLE_JSON,
    PeopleFile,
    PeopleFileError,
    PersonEntry,
    entry_from_mapping,
)

_INDENT = "  "
# An entry's first line: its ID (a JSON string) at the file's first level.
_ENTRY_START = re.compile(r'^  ("[^"\\\n]*(?:\\.[^"\\\n]*)*"): ', re.M)


def _string(value: str) -> str:
    # json.dumps without ASCII escaping escapes exactly what the library's encoder
    # (msgspec) escapes: quote, backslash and control characters (a test checks
    # every code point below U+0100 and the line separators).
    return json.dumps(value, ensure_ascii=False)


def _value(value: Any, depth: int) -> str:
    """Any JSON value in the library's layout, for keys the Anthology does not define
    (kept as they were read). `depth` is the indentation level of its key."""
    pad = _INDENT * (depth + 1)
    if isinstance(value, dict) and value:
        items = [f"{pad}{_string(str(k))}: {_value(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + _INDENT * depth + "}"
    if isinstance(value, list) and value:
        items = [pad + _value(v, depth + 1) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + _INDENT * depth + "]"
    if isinstance(value, str):
        return _string(value)
    return json.dumps(value)


def dump_entry(entry: PersonEntry) -> str:
    """The entry's lines in people.json, from `  "id": {` to `  }`, without the
    comma or newline that follows."""
    names = []
    for name in entry.names:
        first = ""
        if name.first is not None or name in entry.blank_first:
            first = f'"first": {_string(name.first or "")}, '
        names.append(f'      {{{first}"last": {_string(name.last)}}}')
    fields = ['    "names": [\n' + ",\n".join(names) + "\n    ]"]
    if entry.comment:
        fields.append(f'    "comment": {_string(entry.comment)}')
    if entry.degree:
        fields.append(f'    "degree": {_string(entry.degree)}')
    if entry.disable_name_matching:
        fields.append('    "disable_name_matching": true')
    if entry.orcid:
        fields.append(f'    "orcid": {_string(entry.orcid)}')
    if entry.similar:
        similar = ",\n".join(f"      {_string(s)}" for s in entry.similar)
        fields.append(f'    "similar": [\n{similar}\n    ]')
    for key, value in entry.extra:
        fields.append(f"    {_string(key)}: {_value(value, 2)}")
    return f"  {_string(entry.id)}: {{\n" + ",\n".join(fields) + "\n  }"


def dump_file(entries: list[PersonEntry]) -> str:
    """A whole people.json holding `entries` (in the given order)."""
    if not entries:
        return "{}\n"
    return "{\n" + ",\n".join(dump_entry(e) for e in entries) + "\n}\n"


# An entry exactly as the library writes it, with no escape in its strings: read
# without the json module (most entries; anything else takes json.loads).
_STR = r'"([^"\\\n]*)"'
_NAME = r'\{(?:"first": "[^"\\\n]*", )?"last": "[^"\\\n]+"\}'
_FAST_ENTRY = re.compile(
    r'\{\n    "names": \[\n      (' + _NAME + r"(?:,\n      " + _NAME + r")*)\n    \]"
    r'(?:,\n    "comment": ' + _STR + ")?"
    r'(?:,\n    "degree": ' + _STR + ")?"
    r'(?:,\n    "disable_name_matching": (true))?'
    r'(?:,\n    "orcid": ' + _STR + ")?"
    r'(?:,\n    "similar": \[\n      ("[^"\\\n]*"(?:,\n      "[^"\\\n]*")*)\n    \])?'
    r"\n  \}(,?)\n"
)
_FAST_NAME = re.compile(r'\{(?:"first": "([^"\\\n]*)"(, ))?"last": "([^"\\\n]+)"\}')
_FAST_SIMILAR = re.compile(r'"([^"\\\n]*)"')


def _fast_entry(pid: str, text: str, start: int, end: int, last: bool) -> PersonEntry | None:
    """The entry whose value is `text[start:end]` if it is in the library's exact
    layout (with the comma after it that its place asks for); None otherwise."""
    m = _FAST_ENTRY.fullmatch(text, start, end)
    if m is None or (m[7] == ",") == last:
        return None
    names = []
    blank = []
    for first, has_first, last_name in _FAST_NAME.findall(m[1]):
        name = Name(first or None, last_name)
        names.append(name)
        if has_first and not first:
            blank.append(name)
    return PersonEntry(
        pid,
        tuple(names),
        m[5],
        m[3],
        m[2],
        tuple(_FAST_SIMILAR.findall(m[6])) if m[6] is not None else (),
        m[4] is not None,
        (),
        frozenset(blank) if blank else NO_NAMES,
    )


def _cut(text: str) -> tuple[list[str], dict[str, tuple[int, int]], int]:
    """The IDs in file order, the span of each one's lines (through the line that
    ends it, comma and newline included), and where the closing `}` line starts.

    IDs may repeat in `order`; the caller checks. The spans are only meaningful when
    each first-level key of the text starts a line (checked by `JsonPeopleFile.parse`).
    """
    starts = [(m.start(), _key(m.group(1))) for m in _ENTRY_START.finditer(text)]
    close = text.rfind("\n}") + 1 if starts else len(text)
    spans: dict[str, tuple[int, int]] = {}
    order: list[str] = []
    for i, (start, pid) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else close
        spans.setdefault(pid, (start, end))
        order.append(pid)
    return order, spans, close


def _key(quoted: str) -> str:
    return json.loads(quoted) if "\\" in quoted else quoted[1:-1]


class JsonPeopleFile(PeopleFile):
    """people.json as text cut into entry spans (see PeopleFile)."""

    path = PEOPLE_JSON

    @classmethod
    def parse(cls, text: str) -> JsonPeopleFile:
        """Read people.json text.

        Any JSON object of entries is read if its first-level keys each start a line,
        indented by two spaces, as the library writes them: that is what lets a change
        rewrite one entry and leave every other byte alone. Each entry is parsed on
        its own, so the message for a broken one names it and its line.

        Raises:
            PeopleFileError: if the text is not valid JSON, not an object of entries,
                lists an ID twice, has an entry in another shape, or is laid out
                otherwise.
        """
        order, spans, close = _cut(text)
        if not order:
            if text.strip() in ("{}", "{\n}"):
                return cls(text, {}, [], {})
            raise PeopleFileError(_layout_problem(text))
        if len(spans) != len(order):
            twice = next(pid for i, pid in enumerate(order) if pid in order[:i])
            raise PeopleFileError(f"{PEOPLE_JSON} lists {twice!r} twice")
        if text[: spans[order[0]][0]].strip() != "{" or text[close:].strip() != "}":
            raise PeopleFileError(_layout_problem(text))
        entries: dict[str, PersonEntry] = {}
        last = order[-1]
        for pid in order:
            start, end = spans[pid]
            key = _ENTRY_START.match(text, start)
            assert key is not None  # `start` is where _cut found one
            fast = _fast_entry(pid, text, key.end(), end, pid == last)
            if fast is not None:
                entries[pid] = fast
                continue
            value = text[key.end() : end].rstrip()
            if pid != last:
                if not value.endswith(","):
                    raise PeopleFileError(_layout_problem(text, pid))
                value = value[:-1]
            try:
                loaded = json.loads(value)
            except ValueError as exc:
                line = text.count("\n", 0, start) + 1
                raise PeopleFileError(
                    f"{PEOPLE_JSON}: the entry {pid!r} (line {line}) is not valid JSON: {exc}"
                ) from None
            entries[pid] = entry_from_mapping(pid, loaded, PEOPLE_JSON)
        return cls(text, entries, order, spans)

    def cut(self, text: str) -> tuple[list[str], dict[str, tuple[int, int]]]:
        """The IDs and entry spans of people.json text."""
        order, spans, _ = _cut(text)
        return order, spans

    def entry_starts(self, text: str, start: int, end: int) -> list[tuple[int, str]] | None:
        """Where each first-level key of `text[start:end]` starts (see PeopleFile)."""
        return [(m.start(), _key(m.group(1))) for m in _ENTRY_START.finditer(text, start, end)]

    def entry_text(self, entry: PersonEntry) -> str:
        """The entry's lines as the library writes them."""
        return dump_entry(entry)

    def holds_id(self, pid: str) -> bool:
        """Any string can be a JSON key: the caller's ID rule is the only one."""
        return True

    def edits(self, changes: Mapping[str, PersonEntry | None]) -> list[tuple[int, int, str]]:
        """The smallest text edits that apply `changes` (see PeopleFile.edits)."""
        old = self.order
        inserted = sorted(p for p, e in changes.items() if p not in self.spans and e is not None)
        changed = [p for p in changes if p in self.spans]
        if not inserted and not changed:
            return []
        deleted = {p for p in changed if changes[p] is None}
        survivors = [p for p in old if p not in deleted]
        if not survivors:
            # Nothing of the old text stays: the file is the new entries alone.
            new = dump_file([changes[p] for p in inserted])  # type: ignore[misc]
            return [(0, len(self.text), new)]
        # New entries go before the first old ID that sorts after them (or at the end).
        groups: dict[int, list[str]] = {}
        for pid in inserted:
            groups.setdefault(self.insertion_point(pid), []).append(pid)
        # The entry that will be last, the one with no comma after it: the latest
        # survivor, unless a new entry comes after it.
        places = {pid: (at, 0, pid) for at, pids in groups.items() for pid in pids}
        places[survivors[-1]] = (old.index(survivors[-1]), 1, survivors[-1])
        last = max(places, key=places.__getitem__)
        out: list[tuple[int, int, str]] = []
        for pid in changed:
            start, end = self.spans[pid]
            entry = changes[pid]
            new = "" if entry is None else dump_entry(entry) + ("\n" if pid == last else ",\n")
            out.append((start, end, new))
        for at, pids in groups.items():
            pos = self.spans[old[at]][0] if at < len(old) else self.spans[old[-1]][1]
            text = "".join(
                dump_entry(changes[p]) + ("\n" if p == last else ",\n")  # type: ignore[arg-type]
                for p in pids
            )
            out.append((pos, pos, text))
        # An unchanged entry that gains or loses the last place gains or loses its comma.
        for pid in {old[-1], last}:
            if pid in self.spans and pid not in changes:
                edit = self._comma(pid, wanted=pid != last)
                if edit is not None:
                    out.append(edit)
        out.sort(key=lambda e: (e[0], e[1]))
        return out

    def _comma(self, pid: str, wanted: bool) -> tuple[int, int, str] | None:
        """The edit of the line that ends `pid`'s span so that a comma follows the
        entry (`wanted`) or not; None when it is so already."""
        start, end = self.spans[pid]
        line_start = self.text.rfind("\n", start, end - 1) + 1
        line = self.text[line_start:end]
        body = line.rstrip()
        has = body.endswith(",")
        if has == wanted:
            return None
        new = body + "," if wanted else body[:-1].rstrip()
        return (line_start, end, new + "\n" if new.strip() else "")


def _layout_problem(text: str, pid: str | None = None) -> str:
    """Why a text cannot be cut into entries, said for the person who edits it."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        return f"{PEOPLE_JSON} is not valid JSON: {exc}"
    if not isinstance(data, dict):
        return f"{PEOPLE_JSON} is not a JSON object of person IDs"
    where = f" (near the entry {pid!r})" if pid else ""
    return (
        f"{PEOPLE_JSON} is not laid out as the Anthology's library writes it{where}: each "
        'entry must start a line of its own, indented by two spaces (`  "person-id": {`). '
        "Loading and saving it with acl-anthology (PeopleIndex.save) lays it out so."
    )
