"""A snapshot of the index, so that a new process need not read 133 MB of XML again,
nor build what it does not ask about.

Loading the index costs one regular-expression pass over every collection file (about
4 s on the full archive), and building its 400,000 occurrences costs 2 s more; a plan
looks at a few thousand of them. `load_index(root, cache_dir)` keeps, in one file under
`cache_dir`:

- per collection file, its stamp (size and modification time) and what the scan found,
  packed in a blob of its own (columns of numbers, its names with their slugs);
- which lines carry each person ID and each name slug (lines without an ID), as
  (collection, line number) pairs: the lookups a plan makes by person and by slug;
- the whole-archive tables (family names, titles, bibkeys) as they were when written;
- the people file as parsed, with the digest of its text.

The next load takes a collection from the snapshot when its stamp is unchanged and
scans it again when it changed (a changed file is read alone); a stored collection's
items and occurrences are built when a lookup first needs them (`DataIndex`), so a cold
plan builds only what it reads. The people file is read as always, and its parsed form
taken from the snapshot only when its text is the one the snapshot holds. The tables
are used only while every collection is the snapshot's.

The snapshot is a `marshal` stream of plain values (strings, numbers, tuples, bytes),
written to a temporary file and renamed over the old one (a reader sees the old or the
new one, never half of one). It is keyed by the source of the scanner, of the people
files' readers and of this module and by the Python version: after an upgrade it is
ignored and written again. It is a cache this program writes for itself in a folder of
its own; it is never read from a data repository.

Writing it costs 4-5 s of CPU on the full archive (the columns, the lookups by key, the
title, bibkey and family-name tables), more than a third of a full load: the first load
need not wait for it (`load_index`'s `defer`; bot/snapshot_writers.py has the command
line's writer, a detached fork, and the worker's, `python -m bot.anthology.snapshot ROOT
CACHE_DIR`, which reads the files again). Writers of one snapshot take turns by a lock
file beside it (one that finds it taken writes nothing) and, holding it, remove the
temporary files a killed writer left. When the files read again keep their items and
names (an edit of author lines, as the bot's), the new snapshot patches the old one's
lookups by the keys those files have and keeps its tables, instead of reading every
collection again.
"""

from __future__ import annotations

import fcntl
import gc
import hashlib
import logging
import marshal
import mmap
import os
import sys
import tempfile
import zlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from itertools import repeat
from pathlib import Path
from typing import Any

from bot.anthology.index import (
    DataIndex,
    bibkey_table,
    collection_stamps,
    family_table,
    title_table,
)
from bot.anthology.names import Name, remember_slug
from bot.anthology.people import NO_NAMES, PeopleFile, PersonEntry
from bot.anthology.peoplestore import people_file_class
from bot.anthology.xmlscan import (
    ROLE_AUTHOR,
    ROLE_EDITOR,
    ROLE_VOLUME_EDITOR,
    CollectionScan,
    Item,
    Occurrence,
)

log = logging.getLogger(__name__)

FORMAT = 3
# How much lower a snapshot writer's priority is than the process that started it: it
# runs beside the worker's jobs (or the next command) and can wait for a core.
WRITER_NICENESS = 10
# The roles an occurrence can have, stored as their number here.
ROLES = (ROLE_AUTHOR, ROLE_EDITOR, ROLE_VOLUME_EDITOR)
# Columns of numbers are stored as the bytes of an array of this type: `marshal` reads
# them in one copy instead of one object per number (a third of the load time).
_INT = "i"


def _packed(values: Iterable[int]) -> bytes:
    return array(_INT, values).tobytes()


def _ints(data: bytes) -> array[int]:
    numbers = array(_INT)
    numbers.frombytes(data)
    return numbers


_SOURCES = (
    "xmlscan.py",
    "ids.py",
    "names.py",
    "people.py",
    "people_json.py",
    "people_yaml.py",
    "index.py",
    "snapshot.py",
)
# What this module stores of a scan. Were a field added to either, the snapshot would
# lose it: then no snapshot is used at all (see `layout_known`) until this is updated.
OCCURRENCE_FIELDS = (
    "item",
    "role",
    "position",
    "name",
    "pid",
    "orcid",
    "collection",
    "start",
    "end",
)
ITEM_FIELDS = ("id", "kind", "collection", "volume", "title", "bibkey", "year")


def layout_known() -> bool:
    """True when Occurrence and Item hold exactly the fields this module stores."""
    return tuple(Occurrence.__slots__) == OCCURRENCE_FIELDS and Item._fields == ITEM_FIELDS


def code_key() -> str:
    """What a snapshot must have been written by: this scanner and this Python."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version}".encode())
    here = Path(__file__).resolve().parent
    for name in _SOURCES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def snapshot_path(root: Path | str, cache_dir: Path | str) -> Path:
    """The snapshot file of the data repository at `root` (one per checkout)."""
    where = hashlib.sha256(str(Path(root).resolve()).encode()).hexdigest()[:20]
    return Path(cache_dir) / f"index-{where}.snapshot"


def snapshots_enabled() -> bool:
    """False when `AUTHORBOT_SNAPSHOT` is `off` (or `0`, `no`): every load reads it all."""
    return os.environ.get("AUTHORBOT_SNAPSHOT", "on").lower() not in ("off", "0", "no", "false")


def default_cache_dir() -> Path:
    """`AUTHORBOT_CACHE_DIR`, else `$XDG_CACHE_HOME/authorbot`, else `~/.cache/authorbot`."""
    if os.environ.get("AUTHORBOT_CACHE_DIR"):
        return Path(os.environ["AUTHORBOT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "authorbot"


class StoredCollection:
    """One collection as the snapshot holds it, built piece by piece: each occurrence
    when first asked for (always the same object for the same line: occurrences are
    compared by identity), its items all at once (they are few). Its lines and its
    items are two parts of the snapshot, each read when first needed."""

    __slots__ = ("coll", "stamp", "count", "_read", "_shared", "_items", "_cols", "_names",
                 "_built", "_by_item")  # fmt: skip

    def __init__(
        self,
        coll: str,
        stamp: tuple[int, int],
        count: int,
        read: Callable[[str], bytes],
        shared: dict[tuple[str | None, str], Name],
    ) -> None:
        self.coll, self.stamp, self.count = coll, stamp, count
        self._read = read  # gives the part "lines" or "items" of the snapshot
        self._shared = shared  # one Name object per name, across collections
        self._items: tuple[Item, ...] | None = None
        self._cols: tuple[Any, ...] = ()
        self._names: list[Name | None] = []
        self._built: list[Occurrence | None] = [None] * count
        self._by_item: dict[str, list[int]] | None = None

    def part(self, which: str) -> bytes:
        """The part `lines` or `items` as stored (copied as it is into a new snapshot)."""
        return self._read(which)

    def columns(self) -> tuple[Any, ...]:
        """The lines as columns: item numbers, roles, positions, name numbers, ids,
        orcids, starts, ends; then the names (first, last, slug, first, ...) and the
        items' IDs (see `_columns`)."""
        if not self._cols:
            self._cols = _decode_lines(self._read("lines"))
            self._names = [None] * (len(self._cols[8]) // 3)
        return self._cols

    def items(self) -> tuple[Item, ...]:
        """The collection's items, in file order."""
        if self._items is None:
            self._items = tuple(Item(*item) for item in marshal.loads(self._read("items")))
        return self._items

    def _name(self, number: int) -> Name:
        name = self._names[number]
        if name is None:
            first, last, slug = self._cols[8][3 * number : 3 * number + 3]
            name = self._names[number] = _shared_name(self._shared, first, last, slug)
        return name

    def occurrence(self, ordinal: int) -> Occurrence:
        """The collection's `ordinal`-th author/editor line (from 0, in file order)."""
        occ = self._built[ordinal]
        if occ is None:
            numbers, roles, positions, name_ids, pids, orcids, starts, ends, _, ids = self.columns()
            occ = self._built[ordinal] = Occurrence(
                ids[numbers[ordinal]],
                ROLES[roles[ordinal]],
                positions[ordinal],
                self._name(name_ids[ordinal]),
                pids[ordinal],
                orcids[ordinal],
                self.coll,
                starts[ordinal],
                ends[ordinal],
            )
        return occ

    def ordinals_of_item(self, item_id: str) -> list[int]:
        """The lines on an item (a volume's: its volume editors), in file order."""
        if self._by_item is None:
            ids = self.columns()[9]
            by_item: dict[str, list[int]] = {}
            for ordinal, number in enumerate(self._cols[0]):
                by_item.setdefault(ids[number], []).append(ordinal)
            self._by_item = by_item
        return self._by_item.get(item_id, [])

    def built(self) -> list[Occurrence]:
        """The occurrences built so far."""
        return [occ for occ in self._built if occ is not None]

    def scan(self) -> CollectionScan:
        """The whole collection, as `scan_collection` reads it from the file."""
        items = self.items()
        if any(self._built):
            occurrences = tuple(map(self.occurrence, range(self.count)))
        else:  # nothing built yet: build it all column by column (a third faster)
            numbers, roles, positions, name_ids, pids, orcids, starts, ends, _, ids = self.columns()
            names = [self._name(i) for i in range(len(self._names))]
            occurrences = tuple(
                map(
                    Occurrence,
                    map(ids.__getitem__, numbers),
                    map(ROLES.__getitem__, roles),
                    positions,
                    map(names.__getitem__, name_ids),
                    pids,
                    orcids,
                    repeat(self.coll),
                    starts,
                    ends,
                )
            )
            self._built = list(occurrences)
        return CollectionScan(self.coll, items, occurrences)


def _decode_lines(blob: bytes) -> tuple[Any, ...]:
    """A collection's part "lines" as columns (see `StoredCollection.columns`)."""
    numbers, roles, positions, name_ids, pids, orcids, starts, ends, names, ids = marshal.loads(
        blob
    )
    return (
        _ints(numbers), roles, _ints(positions), _ints(name_ids), pids, orcids,
        _ints(starts), _ints(ends), names, ids,
    )  # fmt: skip


def _shared_name(
    shared: dict[tuple[str | None, str], Name], first: str | None, last: str, slug: str
) -> Name:
    name = shared.get((first, last))
    if name is None:
        name = shared[(first, last)] = Name(first, last)
        remember_slug(name, slug)  # slugifying costs more than building the rest
    return name


# The lookups by slug and by person ID are cut into this many parts by a hash of the
# key, so that a lookup reads one part of the snapshot (a few thousand lines).
BUCKETS = 256


def _bucket(key: str) -> int:
    return zlib.crc32(key.encode("utf-8")) % BUCKETS


class Snapshot:
    """A snapshot as read (`read_snapshot`), handed to `DataIndex.load`.

    Only its header is read at once; each part (a collection, a part of a lookup, the
    people file, the tables) is read from the mapped file when first asked for.
    `stored` gives a collection when its file still has the stamp it was scanned at
    and counts the collections it could not give (`hits`, `misses`).
    """

    def __init__(self, header: dict[str, Any], data: Any, start: int) -> None:
        self._header = header
        self._data = data  # the file, mapped; parts are at `start + offset`
        self._start = start
        # size, mtime, lines, and where its lines and its items are (offset, length)
        self._collections: dict[str, tuple[int, ...]] = header["collections"]
        self._order: tuple[str, ...] = header["order"]
        self._buckets: dict[tuple[str, int], dict[str, bytes]] = {}
        self._pid_lines: dict[str, bytes] | None = None
        self._shared: dict[tuple[str | None, str], Name] = {}
        self.hits = 0
        self.misses = 0
        # With the people file it gives: the people's slugs and ORCID iDs, as
        # (slug -> IDs, ORCID iD -> ID).
        self.people_lookups: tuple[dict[str, tuple[str, ...]], dict[str, str]] | None = None

    def _part(self, where: tuple[int, int]) -> bytes:
        offset, length = where
        return self._data[self._start + offset : self._start + offset + length]

    def _load(self, where: tuple[int, int]) -> Any:
        return marshal.loads(self._part(where))

    def stored(self, coll: str, stamp: tuple[int, int]) -> StoredCollection | None:
        """Collection `coll` if its file still has `stamp`, else None."""
        entry = self._collections.get(coll)
        if entry is None or (entry[0], entry[1]) != stamp:
            self.misses += 1
            return None
        self.hits += 1
        parts = {"lines": (entry[3], entry[4]), "items": (entry[5], entry[6])}
        return StoredCollection(
            coll, stamp, entry[2], lambda which: self._part(parts[which]), self._shared
        )

    def is_exactly(self, stored: Mapping[str, Any]) -> bool:
        """True when `stored` is every collection of the snapshot, and only those."""
        return stored.keys() == self._collections.keys()

    def covers(self, collections: set[str]) -> bool:
        """True when the snapshot holds exactly these collections."""
        return set(self._collections) == collections

    def people_file(self, rel: str, text: str) -> PeopleFile | None:
        """The people file at `rel` as parsed, if its text is the one stored."""
        path, digest, where = self._header["people"]
        if (path, digest) != (rel, _digest(text)) or where is None:
            return None
        people, self.people_lookups = _decode_people(rel, text, self._part(where))
        return people

    def holds_people(self, people: PeopleFile) -> bool:
        """True when the snapshot was written with this people file's text."""
        path, digest, _ = self._header["people"]
        return (path, digest) == (people.path, _digest(people.text))

    def _lines(self, kind: str, key: str) -> list[tuple[str, int]]:
        number = _bucket(key)
        bucket = self._buckets.get((kind, number))
        if bucket is None:
            bucket = self._buckets[kind, number] = self._load(self._header[kind][number])
        found = bucket.get(key)
        if found is None:
            return []
        numbers, order = _ints(found), self._order
        return [(order[numbers[i]], numbers[i + 1]) for i in range(0, len(numbers), 2)]

    def lines_for_slug(self, slug: str) -> list[tuple[str, int]]:
        """(collection, line number) of each line without an ID whose name has `slug`,
        in the order a full load reads them."""
        return self._lines("slugs", slug)

    def lines_for_pid(self, pid: str) -> list[tuple[str, int]]:
        """(collection, line number) of each line with the person ID `pid`."""
        return self._lines("pids", pid)

    def pid_line_counts(self, stored: Mapping[str, Any]) -> dict[str, int]:
        """How many lines of the `stored` collections carry each person ID."""
        if self.is_exactly(stored):
            totals: dict[str, int] = self._load(self._header["pid_totals"])
            return totals
        if self._pid_lines is None:
            self._pid_lines = self._load(self._header["pid_lines"])
        order, counts = self._order, {}
        for pid, packed in self._pid_lines.items():
            numbers = _ints(packed)
            pairs = range(0, len(numbers), 2)
            n = sum(numbers[i + 1] for i in pairs if order[numbers[i]] in stored)
            if n:
                counts[pid] = n
        return counts

    def copy_lookups(self, out: _Writer, header: dict[str, Any]) -> None:
        """Add this snapshot's lookups and tables to a new one's parts, as they are."""
        for kind in ("slugs", "pids"):
            header[kind] = tuple(out.add(self._part(where)) for where in self._header[kind])
        for table in ("pid_lines", "pid_totals", "families", "titles", "bibkeys"):
            header[table] = out.add(self._part(self._header[table]))

    def families(self) -> Counter[str]:
        """`DataIndex.family_name_count`'s table, as it was when written."""
        return Counter(self._load(self._header["families"]))

    def titles(self) -> dict[str, list[str]]:
        """`DataIndex.by_title`'s table, as it was when written."""
        return {k: list(v) for k, v in self._load(self._header["titles"]).items()}

    def bibkeys(self) -> dict[str, str]:
        """`DataIndex.by_bibkey`'s table, as it was when written."""
        result: dict[str, str] = self._load(self._header["bibkeys"])
        return result


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=20).hexdigest()


_ENTRY_FIELDS = (
    "id",
    "names",
    "orcid",
    "degree",
    "comment",
    "similar",
    "disable_name_matching",
    "extra",
    "blank_first",
)


def _encode_people(people: PeopleFile) -> bytes | None:
    """The parsed people file as plain values (None: it holds a value marshal cannot
    write, such as a date in an unknown key of people.yaml)."""
    entries = []
    for e in people.entries.values():
        names = tuple(part for n in e.names for part in (n.first, n.last))
        blank = tuple(e.names.index(n) for n in e.blank_first)
        entries.append(
            (
                e.id,
                names,
                e.orcid,
                e.degree,
                e.comment,
                e.similar,
                e.disable_name_matching,
                e.extra,
                blank,
            )  # fmt: skip
        )
    # The index's lookups of the people (DataIndex._index_people), made the same way.
    slug_ids: dict[str, list[str]] = defaultdict(list)
    by_orcid: dict[str, str] = {}
    for e in people.entries.values():
        for n in e.names:
            slug_ids[n.slug].append(e.id)
        if e.orcid:
            by_orcid[e.orcid] = e.id
    lookups = ({k: tuple(v) for k, v in slug_ids.items()}, by_orcid)
    try:
        return marshal.dumps((tuple(entries), tuple(people.order), people.spans, lookups))
    except ValueError:
        return None


def _decode_people(
    rel: str, text: str, blob: bytes
) -> tuple[PeopleFile, tuple[dict[str, tuple[str, ...]], dict[str, str]]]:
    entries_data, order, spans, lookups = marshal.loads(blob)
    entries: dict[str, PersonEntry] = {}
    new, set_attr = object.__new__, object.__setattr__
    for pid, flat, orcid, degree, comment, similar, dnm, extra, blank in entries_data:
        names = tuple([Name(flat[i], flat[i + 1]) for i in range(0, len(flat), 2)])
        entry = new(PersonEntry)
        # A frozen dataclass's __init__ sets each field through object.__setattr__;
        # giving the instance its dict at once makes the same object, much faster.
        set_attr(
            entry,
            "__dict__",
            {
                "id": pid,
                "names": names,
                "orcid": orcid,
                "degree": degree,
                "comment": comment,
                "similar": similar,
                "disable_name_matching": dnm,
                "extra": extra,
                "blank_first": frozenset(names[i] for i in blank) if blank else NO_NAMES,
            },
        )
        entries[pid] = entry
    return people_file_class(rel)(text, entries, list(order), spans), lookups


_MAGIC = b"authorbot-index\n"


def read_snapshot(path: Path) -> Snapshot | None:
    """The snapshot at `path`, or None when there is none or it is not ours (another
    version of the scanner, or unreadable, or cut short: it is then ignored, never
    trusted). Only its header is read now; the file is mapped for the rest."""
    try:
        with open(path, "rb") as handle:
            if handle.read(len(_MAGIC)) != _MAGIC:
                return None
            size = int.from_bytes(handle.read(8), "little")
            header = marshal.loads(handle.read(size))
            if not isinstance(header, dict) or header.get("code") != code_key():
                return None
            start = len(_MAGIC) + 8 + size
            if os.fstat(handle.fileno()).st_size != start + header["length"]:
                return None  # cut short (or grown): not what was written
            data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, EOFError, ValueError, TypeError, KeyError):
        return None
    return Snapshot(header, data, start)


def _columns(scan: CollectionScan) -> tuple[Any, ...]:
    """A scan's lines as columns (see `StoredCollection.columns`)."""
    occs = scan.occurrences
    names: dict[Name, int] = {}
    # (setdefault numbers each name by its first line: the count when it is added)
    name_ids = [names.setdefault(o.name, len(names)) for o in occs]
    flat = tuple(part for n in names for part in (n.first, n.last, n.slug))
    number_of_item = {item.id: i for i, item in enumerate(scan.items)}
    role_number = {role: i for i, role in enumerate(ROLES)}
    return (
        [number_of_item[o.item] for o in occs],
        [role_number[o.role] for o in occs],
        [o.position for o in occs],
        name_ids,
        [o.pid for o in occs],
        [o.orcid for o in occs],
        [o.start for o in occs],
        [o.end for o in occs],
        flat,
        [item.id for item in scan.items],
    )


def _encode(items: tuple[Item, ...], columns: tuple[Any, ...]) -> tuple[bytes, bytes]:
    """A collection's two parts: its lines and its items."""
    numbers, roles, positions, name_ids, pids, orcids, starts, ends, flat, ids = columns
    lines = (
        _packed(numbers),
        bytes(roles),
        _packed(positions),
        _packed(name_ids),
        tuple(pids),
        tuple(orcids),
        _packed(starts),
        _packed(ends),
        flat,
        tuple(ids),
    )
    return marshal.dumps(lines), marshal.dumps(tuple(tuple(item) for item in items))


class _Writer:
    """The parts of a new snapshot, one after another, and where each one is."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.length = 0

    def add(self, part: bytes) -> tuple[int, int]:
        where = (self.length, len(part))
        self.parts.append(part)
        self.length += len(part)
        return where


def write_snapshot(index: DataIndex, path: Path) -> str:
    """Write the index to `path` (atomically: a temporary file renamed over it).

    The stored collections the index has not built are copied as they are. The lookups
    and tables are copied from the snapshot the index was loaded from when every
    collection is as it holds them ("copied"); patched when the collections read again
    are its collections with their items and names unchanged, only their lines' IDs or
    order (an edit of author lines: "patched"); else computed from every collection's
    lines and items, building no occurrence of a stored collection ("computed").

    Returns:
        Which of the three it was.
    """
    # It makes a million small objects and no cycles (see DataIndex.load).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _write_snapshot(index, path)
    finally:
        if was_enabled:
            gc.enable()


def _write_snapshot(index: DataIndex, path: Path) -> str:
    out = _Writer()
    collections: dict[str, tuple[int, ...]] = {}
    lookups = _Lookups()
    old: Snapshot | None = index._snapshot
    # Every collection as the snapshot the index came from has it (only the people file
    # changed): its lookups and tables are copied as they are.
    same = old if index._exact and not index._files else None
    # The collections read in full: their columns and their two parts, encoded.
    fresh = {
        coll: (columns, *_encode(state.scan.items, columns))
        for coll, state in index._files.items()
        for columns in (_columns(state.scan),)
    }
    patch = None if same is not None or old is None else _Patch.of(old, index.collections, fresh)
    for number, coll in enumerate(index.collections):
        stored = index._stored.get(coll)
        if stored is not None:
            count, stamp = stored.count, stored.stamp
            lines, items = stored.part("lines"), stored.part("items")
            if same is None and patch is None:
                lookups.add(number, stored.columns(), stored.items)
        else:
            state = index._files[coll]
            count, stamp = len(state.scan.occurrences), state.stamp
            columns, lines, items = fresh[coll]
            adding = patch.now if patch is not None else lookups
            adding.add(number, columns, partial(tuple, state.scan.items))
        collections[coll] = (stamp[0], stamp[1], count, *out.add(lines), *out.add(items))
    pf = index.people_file
    people = _encode_people(pf)
    header: dict[str, Any] = {
        "code": code_key(),
        "order": tuple(collections),
        "collections": collections,
        "people": (pf.path, _digest(pf.text), None if people is None else out.add(people)),
    }
    if same is not None:
        same.copy_lookups(out, header)
        how = "copied"
    elif patch is not None:
        patch.write(out, header)
        how = "patched"
    else:
        lookups.write(out, header)
        how = "computed"
    header["length"] = out.length
    head = marshal.dumps(header)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(_MAGIC)
            handle.write(len(head).to_bytes(8, "little"))
            handle.write(head)
            handle.writelines(out.parts)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return how


# Beyond this many collections read again, a patch saves little: compute it all.
PATCH_LIMIT = 64


class _Patch:
    """The lookups and tables of a new snapshot made from an old one, when the
    collections read again are among its collections (none added or removed: the
    collection numbers stay) and each has the items and the names it had there: then
    the tables (family names, titles, bibkeys) are the old ones, and of the lookups only
    the keys those collections have, had or have now are computed again, from their old
    and new lines. The other collections are not read at all."""

    def __init__(self, old: Snapshot, numbers: set[int]) -> None:
        self.old = old
        self.numbers = numbers  # the collections read again, by number
        self.before = _Lookups()  # their lines' keys in the old snapshot
        self.now = _Lookups()  # and now (added by `_write_snapshot`)

    @classmethod
    def of(
        cls, old: Snapshot, order: list[str], fresh: Mapping[str, tuple[Any, bytes, bytes]]
    ) -> _Patch | None:
        """The patch of `old` for the collections `fresh` (columns, lines, items) read
        again, or None when one cannot be made."""
        if tuple(order) != old._order or len(fresh) > PATCH_LIMIT:
            return None
        number_of = {coll: n for n, coll in enumerate(order)}
        patch = cls(old, {number_of[coll] for coll in fresh})
        for coll, (columns, _, items) in fresh.items():
            entry = old._collections[coll]
            if old._part((entry[5], entry[6])) != items:
                return None  # its items changed: titles or bibkeys may have
            before = _decode_lines(old._part((entry[3], entry[4])))
            if _name_set(before) != _name_set(columns):
                return None  # its names changed: the family names may have
            patch.before.add(number_of[coll], before, tuple)
        return patch

    def write(self, out: _Writer, header: dict[str, Any]) -> None:
        """Add the patched lookups and the old tables to `out`, and where to `header`."""
        old, numbers = self.old, self.numbers
        for kind in ("slugs", "pids"):
            now: dict[str, list[int]] = getattr(self.now, kind)
            touched: dict[int, set[str]] = defaultdict(set)
            for key in (*getattr(self.before, kind), *now):
                touched[_bucket(key)].add(key)
            parts = []
            for number, where in enumerate(old._header[kind]):
                if number not in touched:
                    parts.append(out.add(old._part(where)))
                    continue
                bucket: dict[str, bytes] = old._load(where)
                for key in touched[number]:
                    pairs = _merged(bucket.get(key), now.get(key, []), numbers)
                    if pairs:
                        bucket[key] = _packed(pairs)
                    else:
                        bucket.pop(key, None)
                parts.append(out.add(marshal.dumps(bucket)))
            header[kind] = tuple(parts)
        pid_lines: dict[str, bytes] = old._load(old._header["pid_lines"])
        totals: dict[str, int] = old._load(old._header["pid_totals"])
        for pid in {*self.before.pid_lines, *self.now.pid_lines}:
            pairs = _merged(pid_lines.get(pid), self.now.pid_lines.get(pid, []), numbers)
            if pairs:
                pid_lines[pid], totals[pid] = _packed(pairs), sum(pairs[1::2])
            else:
                pid_lines.pop(pid, None)
                totals.pop(pid, None)
        header["pid_lines"] = out.add(marshal.dumps(pid_lines))
        header["pid_totals"] = out.add(marshal.dumps(totals))
        for table in ("families", "titles", "bibkeys"):
            header[table] = out.add(old._part(old._header[table]))


def _name_set(columns: tuple[Any, ...]) -> set[tuple[str | None, str]]:
    flat = columns[8]
    return set(zip(flat[0::3], flat[1::3], strict=True))


def _merged(packed: bytes | None, new: list[int], numbers: set[int]) -> list[int]:
    """A key's (collection, number) pairs: the old ones (`packed`) but those of the
    collections read again, and theirs now (`new`), in a full load's order."""
    pairs = []
    if packed is not None:
        old = _ints(packed)
        pairs = [(old[i], old[i + 1]) for i in range(0, len(old), 2) if old[i] not in numbers]
    pairs += [(new[i], new[i + 1]) for i in range(0, len(new), 2)]
    pairs.sort()
    return [n for pair in pairs for n in pair]


class _Lookups:
    """The lookups by slug and by person ID, and the whole-archive tables, gathered
    collection by collection in the order a full load reads them."""

    def __init__(self) -> None:
        # (collection number, line number, collection number, line number, ...) by key
        self.slugs: dict[str, list[int]] = defaultdict(list)
        self.pids: dict[str, list[int]] = defaultdict(list)
        self.pid_lines: dict[str, list[int]] = defaultdict(list)
        self.names: set[tuple[str | None, str]] = set()
        self.item_parts: list[Callable[[], tuple[Item, ...]]] = []

    def add(
        self, number: int, columns: tuple[Any, ...], items: Callable[[], tuple[Item, ...]]
    ) -> None:
        """Add a collection: its lines as columns (`_columns`) and its items."""
        self.item_parts.append(items)
        name_ids, pids, flat = columns[3], columns[4], columns[8]
        self.names.update(zip(flat[0::3], flat[1::3], strict=True))
        slug_of = flat[2::3]
        slugs, by_pid = self.slugs, self.pids
        keys = [slug_of[n] if pid is None else None for pid, n in zip(pids, name_ids, strict=True)]
        for i, slug in enumerate(keys):
            if slug is not None:
                slugs[slug] += (number, i)
        here: Counter[str] = Counter()
        for i, pid in enumerate(pids):
            if pid is not None:
                by_pid[pid] += (number, i)
                here[pid] += 1
        for pid, n in here.items():
            self.pid_lines[pid] += (number, n)

    def write(self, out: _Writer, header: dict[str, Any]) -> None:
        """Add the lookups and tables to `out`, and where they are to `header`."""
        for kind, table in (("slugs", self.slugs), ("pids", self.pids)):
            buckets: list[dict[str, bytes]] = [{} for _ in range(BUCKETS)]
            for key, pairs in table.items():
                buckets[_bucket(key)][key] = _packed(pairs)
            header[kind] = tuple(out.add(marshal.dumps(b)) for b in buckets)
        header["pid_lines"] = out.add(
            marshal.dumps({pid: _packed(v) for pid, v in self.pid_lines.items()})
        )
        header["pid_totals"] = out.add(
            marshal.dumps({pid: sum(v[1::2]) for pid, v in self.pid_lines.items()})
        )
        names = (Name(first, last) for first, last in self.names)
        header["families"] = out.add(marshal.dumps(dict(family_table(names))))
        items = [item for part in self.item_parts for item in part()]
        titles = {k: tuple(v) for k, v in title_table(items).items()}
        header["titles"] = out.add(marshal.dumps(titles))
        header["bibkeys"] = out.add(marshal.dumps(bibkey_table(items)))


def load_index(
    root: Path | str,
    cache_dir: Path | str | None = None,
    *,
    defer: Callable[[DataIndex, Path], None] | None = None,
) -> DataIndex:
    """`DataIndex.load(root)`, taking unchanged collections from the snapshot under
    `cache_dir` (default: `default_cache_dir()`), and writing the snapshot again when
    a collection had to be read (or there was none).

    Parameters:
        defer: None to write that snapshot before returning (the index is then loaded
            lazily from it); else what writes it off the answer's path, called with the
            index as read (a full load's, which it must not change) and the snapshot's
            path (bot/snapshot_writers.py: a fork of the command line, a process of the
            worker's).

    A snapshot that cannot be written (a read-only cache folder) is only logged: the
    index is right either way. Writers take turns by a lock file beside the snapshot
    (`write_locked`), and a file is replaced only by a whole one.
    """
    if not layout_known():
        log.warning("the scan has fields the snapshot does not store: no snapshot used")
        return DataIndex.load(root)
    path = snapshot_path(root, cache_dir or default_cache_dir())
    cache = read_snapshot(path)
    # The files the snapshot lacks are only scanned: once it holds them, the index is
    # loaded from it (lazily) instead of making every lookup of the whole archive here.
    index = DataIndex.load(root, scan_cache=cache, only_scan=True)
    if not _needs_writing(index, cache):
        index.build_lookups()
        return index
    if defer is None:
        if write_locked(index, path):
            written = read_snapshot(path)
            if written is not None:
                return DataIndex.load(root, scan_cache=written)
        index.build_lookups()
        return index
    # The index is finished first: a writer that shares it must not see it half built.
    index.build_lookups()
    defer(index, path)
    return index


def _needs_writing(index: DataIndex, cache: Snapshot | None) -> bool:
    """True unless the snapshot read holds every file of `index` as it is."""
    return cache is None or not index._exact or not cache.holds_people(index.people_file)


@contextmanager
def writer_turn(path: Path) -> Iterator[bool]:
    """Hold the lock file of the snapshot at `path` (yields False when another writer
    holds it: this one then writes nothing). While it is held, no other writer has a
    temporary file: any left (by a writer that was killed) is removed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.parent / f"{path.name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        for left in path.parent.glob(f".{path.name}.*"):
            left.unlink(missing_ok=True)
        yield True
    finally:
        os.close(fd)  # releases the lock


def write_locked(index: DataIndex, path: Path) -> bool:
    """Write the snapshot of `index` unless another writer is at it; False when nothing
    was written (the reason is logged)."""
    try:
        with writer_turn(path) as mine:
            if not mine:
                log.info("another process is writing the index snapshot %s", path)
                return False
            write_snapshot(index, path)
    except OSError as exc:
        log.warning("could not write the index snapshot %s: %s", path, exc)
        return False
    return True


def write_current(root: Path, cache_dir: Path) -> bool:
    """Load the data repository at `root` (through its snapshot) and write the snapshot
    if it does not hold the files as they are; True when one was written. Writes
    nothing when another writer is at it, or when a file changed while it was read."""
    path = snapshot_path(root, cache_dir)
    with writer_turn(path) as mine:
        if not mine:
            return False
        cache = read_snapshot(path)
        index = DataIndex.load(root, scan_cache=cache, only_scan=True)
        if not _needs_writing(index, cache):
            return False
        # A file stamped before it was read and changed since would be stored with
        # the old stamp and the new text: compare the stamps once more, after reading.
        if _stamps_now(root, index) != _stamps_read(index):
            log.info("the files changed while they were read: no snapshot written")
            return False
        write_snapshot(index, path)
    return True


def _stamps_read(index: DataIndex) -> dict[str, tuple[int, int] | None]:
    stamps = {c: index.collection_stamp(c) for c in index.collections}
    return {**stamps, "": index.people_stamp}


def _stamps_now(root: Path, index: DataIndex) -> dict[str, tuple[int, int] | None]:
    stamps: dict[str, tuple[int, int] | None] = dict(collection_stamps(root))
    try:
        st = os.stat(Path(root) / index.people_file.path)
        stamps[""] = (st.st_size, st.st_mtime_ns)
    except OSError:
        stamps[""] = None
    return stamps


def _main(argv: list[str]) -> int:
    """`python -m bot.anthology.snapshot ROOT CACHE_DIR`: write the snapshot of the data
    repository at ROOT under CACHE_DIR (what the worker starts: bot/snapshot_writers.py).
    Exit code 0 written or not needed, 1 an error (printed)."""
    if len(argv) != 2:
        print("usage: python -m bot.anthology.snapshot ROOT CACHE_DIR", file=sys.stderr)
        return 2
    os.nice(WRITER_NICENESS)  # background work: the worker's jobs go first for a core
    try:
        write_current(Path(argv[0]), Path(argv[1]))
    except Exception as exc:  # noqa: BLE001 - a cache: say why, never more
        print(f"no index snapshot written: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
