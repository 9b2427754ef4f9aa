"""DataIndex: the data repository held in memory, for answering a request in
milliseconds.

It reads the people file (`data/json/people.json`, or `data/yaml/people.yaml` in
a repository of the era before) and every `data/xml/*.xml` once, keeps what the
engine and the page need (people, items, occurrences, lookups by person, slug,
ORCID iD, bibkey), and afterwards re-reads only the files whose size or
modification time changed (`refresh`).

Loaded through a snapshot (bot/anthology/snapshot.py), it reads only the files that
changed since the snapshot was written, and builds the rest when asked: the lines of a
person ID or a name slug, the items of a collection, the lines on an item; a question
about the whole archive builds everything first. Either way every answer is the one a
full load gives (tests/test_snapshot_lazy.py).
"""

from __future__ import annotations

import gc
import itertools
import os
import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.anthology.ids import collection_file
from bot.anthology.names import Name
from bot.anthology.people import PEOPLE_FILES, PeopleFile, PersonEntry
from bot.anthology.peoplestore import find_people_file, read_people_file
from bot.anthology.resolve import is_unverified_page, page_slug, resolve_occurrence
from bot.anthology.textfile import read_text
from bot.anthology.xmlscan import (
    CollectionScan,
    Item,
    Occurrence,
    XMLScanError,
    plain_text,
    scan_collection,
    start_tag_attributes,
)

XML_DIR = "data/xml"
_EMPTY: frozenset[str] = frozenset()


class DataRootError(FileNotFoundError):
    """The folder is not a data repository (no data/xml or no people file)."""


@dataclass
class _FileState:
    stamp: tuple[int, int]
    scan: CollectionScan


class _LazyMap(Mapping[str, Any]):
    """A read-only view of one of the index's dicts that first builds what a key needs
    from the snapshot (`DataIndex._settle_*`), and everything before it is iterated."""

    __slots__ = ("_raw", "_settle", "_settle_all")

    def __init__(self, raw: dict[str, Any], settle: Any, settle_all: Any) -> None:
        self._raw, self._settle, self._settle_all = raw, settle, settle_all

    def __getitem__(self, key: str) -> Any:
        self._settle(key)
        return self._raw[key]

    def get(self, key: str, default: Any = None) -> Any:
        self._settle(key)
        return self._raw.get(key, default)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        self._settle(key)
        return key in self._raw

    def __iter__(self) -> Iterator[str]:
        self._settle_all()
        return iter(self._raw)

    def __len__(self) -> int:
        self._settle_all()
        return len(self._raw)


@dataclass
class DataIndex:
    """The data repository in memory. Build it with `DataIndex.load(root)`.

    Loaded through a snapshot (bot/anthology/snapshot.py), the collections whose files
    are unchanged stay *stored*: their items and occurrences are built when a lookup
    first needs them (an occurrence by person ID or name slug, an item by ID), each
    once, so that every answer is the one a full load gives. What iterates the whole
    archive (`occurrences()`, `files`, iterating `items` or `by_pid`) builds everything
    first. Building changes the index, so threads that share an index loaded through a
    snapshot take turns, as they must for `refresh` and `note_written` (the worker holds
    its clone's lock; the web processes load in full, where a lookup changes nothing).
    """

    root: Path
    people_file: PeopleFile
    people_stamp: tuple[int, int]
    # The collections read in full (scanned, or built whole from the snapshot).
    _files: dict[str, _FileState] = field(default_factory=dict)
    # The collections still stored in the snapshot (`snapshot.StoredCollection`).
    _stored: dict[str, Any] = field(default_factory=dict)
    _snapshot: Any = field(default=None, repr=False)
    # What is built so far: every item and occurrence of `_files`, and of the stored
    # collections the items of opened collections and the occurrences of settled keys.
    _items: dict[str, Item] = field(default_factory=dict)
    _on_item: dict[str, list[Occurrence]] = field(default_factory=dict)
    _by_pid: dict[str, list[Occurrence]] = field(default_factory=lambda: defaultdict(list))
    _by_slug: dict[str, list[Occurrence]] = field(default_factory=lambda: defaultdict(list))
    _opened: set[str] = field(default_factory=set)  # stored collections whose items are in
    _settled_items: set[str] = field(default_factory=set)
    _settled_pids: set[str] = field(default_factory=set)
    _settled_slugs: set[str] = field(default_factory=set)
    # True while every collection is the snapshot's as it was written: its whole-archive
    # tables (family names, titles, bibkeys) are then this index's too.
    _exact: bool = False
    slug_ids: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    by_orcid: dict[str, str] = field(default_factory=dict)
    _names: dict[tuple[str | None, str], Name] = field(default_factory=dict)
    _bibkeys: dict[str, str] | None = None
    _titles: dict[str, list[str]] | None = None
    _families: Counter[str] | None = None

    # ----------------------------------------------------------------- loading

    @classmethod
    def load(
        cls, root: Path | str, scan_cache: Any = None, *, only_scan: bool = False
    ) -> DataIndex:
        """Read a data repository.

        Parameters:
            root: the folder that holds `data/xml/` and the people file
                (`data/json/people.json` or `data/yaml/people.yaml`).
            scan_cache: a snapshot (`snapshot.Snapshot`; see `snapshot.load_index`):
                the collections whose files have the stamps it holds are taken from it
                (built when needed), and so is the parsed people file if its text is
                the one it holds; everything else is read.
            only_scan: read the files without making the lookups (by person, slug,
                item): for writing a snapshot (`snapshot.load_index`) and nothing else;
                `build_lookups` makes them.

        Raises:
            DataRootError: if `data/xml/` or the people file is missing.
            PeopleFileError: if the people file is not in the Anthology's shape, or
                the folder has both people files (TwoPeopleFilesError).
            XMLScanError: if a collection is not in the Anthology's shape.
        """
        root = Path(root)
        people_rel = find_people_file(root)
        if not (root / XML_DIR).is_dir() or people_rel is None:
            raise DataRootError(f"{root} holds no {XML_DIR}/ and {' or '.join(PEOPLE_FILES)}")
        people_path = root / people_rel
        # Loading makes about a million small objects and no cycles: the cyclic
        # collector would walk the growing heap again and again (a third of the time).
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            people_text = read_text(people_path)
            people_file = None
            if scan_cache is not None:
                people_file = scan_cache.people_file(people_rel, people_text)
            if people_file is None:
                index = cls(root, read_people_file(people_rel, people_text), _stamp(people_path))
                index._index_people()
            else:  # with its lookups, as `_index_people` makes them
                index = cls(root, people_file, _stamp(people_path))
                slug_ids, index.by_orcid = scan_cache.people_lookups
                index.slug_ids = defaultdict(set, {k: set(v) for k, v in slug_ids.items()})
            index._snapshot = scan_cache
            for coll, stamp in sorted(collection_stamps(root).items()):
                stored = scan_cache.stored(coll, stamp) if scan_cache is not None else None
                if stored is not None:
                    index._stored[coll] = stored
                else:
                    index._read_collection(coll, stamp, lookups=not only_scan)
            index._exact = (
                scan_cache is not None and not index._files and scan_cache.is_exactly(index._stored)
            )
        finally:
            if was_enabled:
                gc.enable()
        gc.freeze()  # what was loaded lives as long as the process: keep it out of later scans
        return index

    # ------------------------------------------------------ the lazy parts

    @property
    def files(self) -> dict[str, _FileState]:
        """Every collection file, read in full (builds the stored ones first)."""
        self.build_all()
        return self._files

    @property
    def collections(self) -> list[str]:
        """The IDs of the collections, without building any."""
        return sorted(set(self._files) | set(self._stored))

    def collection_stamp(self, coll: str) -> tuple[int, int] | None:
        """The stamp (size, modification time) collection `coll` was read at, or None
        for an unknown collection; builds nothing."""
        state = self._files.get(coll)
        if state is not None:
            return state.stamp
        stored = self._stored.get(coll)
        return stored.stamp if stored is not None else None

    def line_count(self) -> int:
        """How many author/editor lines the collection files hold (builds nothing)."""
        stored = sum(s.count for s in self._stored.values())
        return stored + sum(len(f.scan.occurrences) for f in self._files.values())

    @property
    def items(self) -> Mapping[str, Item]:
        """Every paper, front matter and volume by full ID."""
        return _LazyMap(self._items, self._settle_item, self.build_all)

    @property
    def on_item(self) -> Mapping[str, list[Occurrence]]:
        """The occurrences on each item (a volume's: its volume editors), in file order."""
        return _LazyMap(self._on_item, self._settle_on_item, self.build_all)

    @property
    def by_pid(self) -> Mapping[str, list[Occurrence]]:
        """The occurrences with an explicit person ID, by ID."""
        return _LazyMap(self._by_pid, self._settle_pid, self.build_all)

    @property
    def by_slug(self) -> Mapping[str, list[Occurrence]]:
        """The occurrences without an explicit ID, by the slug of their name."""
        return _LazyMap(self._by_slug, self._settle_slug, self.build_all)

    def build_all(self) -> None:
        """Build every stored collection (what a whole-archive question needs), and
        order the lookups as a full load orders them: by collection, then file order."""
        if not self._stored:
            return
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            for coll in sorted(self._stored):
                stored = self._stored.pop(coll)
                self._files[coll] = _FileState(stored.stamp, stored.scan())
            self._opened.clear()
            files = self._files
            self._files = {c: files[c] for c in sorted(files)}
            # Emptied in place: a view handed out before (`items`, ...) keeps working.
            for table in (self._items, self._on_item, self._by_pid, self._by_slug):
                table.clear()
            for state in self._files.values():
                self._add_scan(state.scan)
        finally:
            if was_enabled:
                gc.enable()

    def build_some(self, count: int = 1) -> int:
        """Build up to `count` stored collections (in collection order); returns how
        many are still stored. A worker with nothing to do calls it, so that a later
        job's edit of a collection does not pay for building it (40-150 ms for the
        largest). Once none is left the index is the one a full load gives, in its order.
        """
        for coll in sorted(self._stored)[: max(count, 0)]:
            self._build(coll)
        if not self._stored and list(self._files) != sorted(self._files):
            files = self._files
            self._files = {c: files[c] for c in sorted(files)}
        return len(self._stored)

    def _build(self, coll: str) -> None:
        """Move a stored collection to `_files`, whole (keeping what was built of it)."""
        stored = self._stored.pop(coll)
        scan = stored.scan()
        self._files[coll] = _FileState(stored.stamp, scan)
        if coll not in self._opened:
            for item in scan.items:
                self._items[item.id] = item
        self._opened.discard(coll)
        for item in scan.items:
            if item.id not in self._settled_items:
                self._on_item[item.id] = []
        on_item, by_pid, by_slug = self._on_item, self._by_pid, self._by_slug
        settled_items, settled_pids, settled_slugs = (
            self._settled_items,
            self._settled_pids,
            self._settled_slugs,
        )
        behind: list[list[Occurrence]] = []  # lists that held other collections' lines
        for occ in scan.occurrences:
            # An occurrence whose key was settled is in that list already.
            if occ.item not in settled_items:
                on_item[occ.item].append(occ)
            if occ.pid is not None:
                if occ.pid not in settled_pids:
                    target = by_pid[occ.pid]
                    if target and target[-1].collection != coll:
                        behind.append(target)
                    target.append(occ)
            elif occ.name.slug not in settled_slugs:
                target = by_slug[occ.name.slug]
                if target and target[-1].collection != coll:
                    behind.append(target)
                target.append(occ)
        for target in behind:  # in a full load's order: by collection, then file order
            target.sort(key=lambda o: (o.collection, o.start))

    def _stored_of_item(self, item_id: str) -> list[str]:
        """The stored, unopened collections that may hold this item: an item's ID is
        its collection's ID and a hyphen, then the rest."""
        head = item_id.split("-", 1)[0]
        if head in self._stored:
            return [head] if head not in self._opened else []
        return [c for c in self._stored if c not in self._opened and item_id.startswith(c + "-")]

    def _settle_item(self, item_id: str) -> None:
        if item_id in self._items or not self._stored:
            return
        for coll in self._stored_of_item(item_id):
            self._opened.add(coll)
            for item in self._stored[coll].items():
                self._items[item.id] = item

    def _settle_on_item(self, item_id: str) -> None:
        if item_id in self._settled_items or not self._stored:
            return
        self._settle_item(item_id)
        item = self._items.get(item_id)
        if item is None or item.collection not in self._stored:
            return
        stored = self._stored[item.collection]
        self._on_item[item_id] = [stored.occurrence(i) for i in stored.ordinals_of_item(item_id)]
        self._settled_items.add(item_id)

    def _settle_pid(self, pid: str) -> None:
        if pid in self._settled_pids or not self._stored:
            return
        self._settle_key(self._by_pid, pid, self._snapshot.lines_for_pid(pid))
        self._settled_pids.add(pid)

    def _settle_slug(self, slug: str) -> None:
        if slug in self._settled_slugs or not self._stored:
            return
        self._settle_key(self._by_slug, slug, self._snapshot.lines_for_slug(slug))
        self._settled_slugs.add(slug)

    def _settle_key(
        self, lists: dict[str, list[Occurrence]], key: str, lines: Iterable[tuple[str, int]]
    ) -> None:
        stored = self._stored
        found = [stored[c].occurrence(i) for c, i in lines if c in stored]
        if not found:
            return
        if key in lists and lists[key]:
            # Beside occurrences of collections read in full: in a full load's order.
            merged = lists[key] + found
            merged.sort(key=lambda o: (o.collection, o.start))
            lists[key] = merged
        else:
            lists[key] = found

    def explicit_id_lines(self) -> dict[str, int]:
        """How many author/editor lines carry each explicit person ID (builds nothing:
        the stored collections' counts come from the snapshot)."""
        # An ID's list holds the lines of the collections read in full, and those of
        # the stored ones once the ID is settled.
        counts = {pid: len(occs) for pid, occs in self._by_pid.items() if occs}
        if self._stored:
            for pid, n in self._snapshot.pid_line_counts(self._stored).items():
                if pid not in self._settled_pids:
                    counts[pid] = counts.get(pid, 0) + n
        return counts

    # ---------------------------------------------------------------- refresh

    def refresh(self) -> set[str]:
        """Re-read the files that changed on disk since they were read (and the other
        people file, if the repository moved to it).

        Returns:
            The changed files, relative to the root.

        Raises:
            DataRootError, PeopleFileError, XMLScanError: as `load` does.
        """
        changed: set[str] = set()
        # The repository may have moved to the other people file (the Anthology did).
        people_rel = find_people_file(self.root)
        if people_rel is None:
            raise DataRootError(f"{self.root} holds no {' or '.join(PEOPLE_FILES)}")
        people_path = self.root / people_rel
        if people_rel != self.people_file.path or _stamp(people_path) != self.people_stamp:
            if people_rel != self.people_file.path:
                changed.add(self.people_file.path)
            self.people_file = read_people_file(people_rel, read_text(people_path))
            self.people_stamp = _stamp(people_path)
            self._index_people()
            changed.add(people_rel)
        on_disk = collection_stamps(self.root)
        for coll in sorted(set(self._files) | set(self._stored) | set(on_disk)):
            state = self._files.get(coll) or self._stored.get(coll)
            if coll not in on_disk:
                self._forget_collection(coll)
                changed.add(collection_file(coll))
            elif state is None or state.stamp != on_disk[coll]:
                self._forget_collection(coll)
                self._read_collection(coll, on_disk[coll])
                changed.add(collection_file(coll))
        if changed:
            self._bibkeys = self._titles = self._families = None
            if any(c != self.people_file.path and c not in PEOPLE_FILES for c in changed):
                self._exact = False
        return changed

    def _index_people(self) -> None:
        self.slug_ids = defaultdict(set)
        self.by_orcid = {}
        for entry in self.people_file.entries.values():
            self._add_person(entry)

    def _add_person(self, entry: PersonEntry) -> None:
        for name in entry.names:
            self.slug_ids[name.slug].add(entry.id)
        if entry.orcid:
            self.by_orcid[entry.orcid] = entry.id

    def _remove_person(self, entry: PersonEntry) -> None:
        for name in entry.names:
            self.slug_ids[name.slug].discard(entry.id)
        if entry.orcid and self.by_orcid.get(entry.orcid) == entry.id:
            del self.by_orcid[entry.orcid]

    def note_written(
        self,
        people_changes: Mapping[str, PersonEntry | None],
        people_text: str | None,
        xml_edits: Mapping[str, Sequence[tuple[int, int, str]]],
    ) -> None:
        """Bring the index up to date with files this process has just written,
        without reading them again.

        Parameters:
            people_changes: the entries changed in the people file (None: removed).
            people_text: the people file's new text, or None if it was not written.
            xml_edits: for each collection written, its `(start, end, new_line)`
                line replacements in the old text (lines keep their count).
        """
        if people_text is not None:
            for pid in people_changes:
                old = self.people_file.entries.get(pid)
                if old is not None:
                    self._remove_person(old)
            self.people_file = self.people_file.changed(people_changes, people_text)
            for entry in people_changes.values():
                if entry is not None:
                    self._add_person(entry)
            self.people_stamp = _stamp(self.root / self.people_file.path)
        reread = [self._shift_collection(coll, sorted(edits)) for coll, edits in xml_edits.items()]
        if any(reread):
            # Titles, bibkeys and names change only when a file is read again: an
            # edit of author lines keeps them (and rebuilding them costs a warm
            # request a second).
            self._bibkeys = self._titles = self._families = None
            self._exact = False

    def _shift_collection(self, coll: str, edits: Sequence[tuple[int, int, str]]) -> bool:
        """Apply one file's line replacements to its occurrences: offsets after an
        edit move by its length change; an edited element's id and orcid are read
        again from its new line. Returns True when the file was read again instead
        (the edits were not only of author/editor lines)."""
        if coll in self._stored:
            self._build(coll)  # the snapshot holds the text before the edits
        state = self._files[coll]
        occurrences = state.scan.occurrences  # in file order
        by_start = {start: (end, new) for start, end, new in edits}
        # Occurrences before the first edit keep their offsets: start there (a big
        # collection holds 20,000 of them, and this runs after every write).
        first = bisect_left(occurrences, min(by_start, default=0), key=lambda o: o.start)
        found = {
            occurrences[i].start
            for i in (
                bisect_left(occurrences, s, lo=first, key=lambda o: o.start) for s in by_start
            )
            if i < len(occurrences) and occurrences[i].start in by_start
        }
        if len(by_start) != len(edits) or found != by_start.keys():
            # Not only author/editor lines: read the file again.
            self._forget_collection(coll)
            self._read_collection(coll, _stamp(self.root / collection_file(coll)))
            return True
        shift = 0
        for occ in itertools.islice(occurrences, first, None):
            edit = by_start.get(occ.start)
            occ.start += shift
            if edit is None:
                occ.end += shift
                continue
            end, new = edit
            shift += len(new) - (end - occ.start + shift)
            occ.end = occ.start + len(new)
            attrs = start_tag_attributes(new)
            self._reindex_occurrence(occ, attrs.get("id"), attrs.get("orcid"))
        state.stamp = _stamp(self.root / collection_file(coll))
        return False

    def _reindex_occurrence(self, occ: Occurrence, pid: str | None, orcid: str | None) -> None:
        if occ.pid == pid:
            occ.orcid = orcid
            return
        # Both keys' lists must hold every occurrence before one moves between them.
        self._settle_pid(occ.pid) if occ.pid is not None else self._settle_slug(occ.name.slug)
        self._settle_pid(pid) if pid is not None else self._settle_slug(occ.name.slug)
        old = self._by_pid[occ.pid] if occ.pid is not None else self._by_slug[occ.name.slug]
        old[:] = [o for o in old if o is not occ]
        occ.pid, occ.orcid = pid, orcid
        (self._by_pid[pid] if pid is not None else self._by_slug[occ.name.slug]).append(occ)

    def build_lookups(self) -> None:
        """Make the lookups of the collections read by `load(..., only_scan=True)`."""
        for state in self._files.values():
            self._add_scan(state.scan)

    def _read_collection(self, coll: str, stamp: tuple[int, int], lookups: bool = True) -> None:
        path = self.root / collection_file(coll)
        try:
            text = read_text(path)
        except UnicodeDecodeError:
            raise XMLScanError(f"{collection_file(coll)} is not UTF-8 text") from None
        scan = scan_collection(coll, text, self._names)
        self._files[coll] = _FileState(stamp, scan)
        if lookups:
            self._add_scan(scan)

    def _add_scan(self, scan: CollectionScan) -> None:
        for item in scan.items:
            self._items[item.id] = item
            self._on_item[item.id] = []
        on_item, by_pid, by_slug = self._on_item, self._by_pid, self._by_slug
        for occ in scan.occurrences:
            on_item[occ.item].append(occ)
            if occ.pid is not None:
                by_pid[occ.pid].append(occ)
            else:
                by_slug[occ.name.slug].append(occ)

    def _forget_collection(self, coll: str) -> None:
        stored = self._stored.pop(coll, None)
        if stored is not None:
            # Only what was built of it is in the lookups.
            occurrences: Sequence[Occurrence] = stored.built()
            items: Sequence[Item] = stored.items() if coll in self._opened else ()
            self._opened.discard(coll)
        else:
            state = self._files.pop(coll, None)
            if state is None:
                return
            occurrences, items = state.scan.occurrences, state.scan.items
        for item in items:
            self._items.pop(item.id, None)
            self._on_item.pop(item.id, None)
        for occ in occurrences:
            self._on_item.pop(occ.item, None)
        pids = {o.pid for o in occurrences if o.pid is not None}
        slugs = {o.name.slug for o in occurrences if o.pid is None}
        for pid in pids:
            self._by_pid[pid] = [o for o in self._by_pid[pid] if o.collection != coll]
        for slug in slugs:
            self._by_slug[slug] = [o for o in self._by_slug[slug] if o.collection != coll]

    # ------------------------------------------------------ PeopleView (now)

    def entry(self, pid: str) -> PersonEntry | None:
        """The people file's entry of a verified person, or None."""
        return self.people_file.entries.get(pid)

    def ids_for_slug(self, slug: str) -> Set[str]:
        """The verified people having a name with this slug."""
        return self.slug_ids.get(slug, _EMPTY)

    # ------------------------------------------------------------- queries

    @property
    def people(self) -> dict[str, PersonEntry]:
        """Every verified person by ID."""
        return self.people_file.entries

    def resolve(self, occ: Occurrence) -> str:
        """The page an occurrence lands on now."""
        return resolve_occurrence(occ.name, occ.pid, self)

    def occurrences(self) -> Iterator[Occurrence]:
        """Every author/editor occurrence, collection by collection."""
        for state in self.files.values():
            yield from state.scan.occurrences

    def occurrences_for_slugs(self, slugs: Iterable[str]) -> list[Occurrence]:
        """The occurrences without an explicit id whose name has one of these slugs."""
        out: list[Occurrence] = []
        for slug in set(slugs):
            out.extend(self.by_slug.get(slug, ()))
        return out

    def page_occurrences(self, page_id: str) -> list[Occurrence]:
        """Every occurrence that lands on a page (a verified ID or `slug/unverified`)."""
        if is_unverified_page(page_id):
            candidates = self.by_slug.get(page_slug(page_id), [])
        else:
            entry = self.entry(page_id)
            explicit = list(self.by_pid.get(page_id, ()))
            if entry is None:
                return explicit
            slugs = {n.slug for n in entry.names}
            candidates = explicit + self.occurrences_for_slugs(slugs)
        return [o for o in candidates if self.resolve(o) == page_id]

    def page_exists(self, page_id: str) -> bool:
        """True for a verified person, or an unverified page holding at least one paper."""
        if is_unverified_page(page_id):
            return bool(self.page_occurrences(page_id))
        return page_id in self.people

    def item(self, item_id: str) -> Item | None:
        """A paper, front matter or volume by full ID."""
        return self.items.get(item_id)

    def title(self, item: Item) -> str:
        """An item's title as plain text."""
        return plain_text(item.title)

    def by_bibkey(self, bibkey: str) -> str | None:
        """The full ID of the paper with this bibkey."""
        if self._bibkeys is None and self._exact:
            self._bibkeys = self._snapshot.bibkeys()
        if self._bibkeys is None:
            self._bibkeys = bibkey_table(self.items.values())
        return self._bibkeys.get(bibkey)

    def by_title(self, title: str) -> list[str]:
        """The full IDs of the papers whose title is this one (compared without case,
        punctuation or markup)."""
        if self._titles is None and self._exact:
            self._titles = self._snapshot.titles()
        if self._titles is None:
            self._titles = title_table(self.items.values())
        return list(self._titles.get(title_key(title), ()))

    def family_name_count(self, last: str) -> int:
        """How many different names on the papers have this family name (compared
        without case): how common the family name is in the archive."""
        if self._families is None and self._exact:
            self._families = self._snapshot.families()
        if self._families is None:
            self._families = family_table({o.name for o in self.occurrences()})
        return self._families.get(last.casefold(), 0)


def bibkey_table(items: Iterable[Item]) -> dict[str, str]:
    """The full ID of each bibkey (`DataIndex.by_bibkey`), from every item in load order."""
    return {i.bibkey: i.id for i in items if i.bibkey}


def title_table(items: Iterable[Item]) -> dict[str, list[str]]:
    """The papers' full IDs by `title_key` of their title (`DataIndex.by_title`)."""
    titles: dict[str, list[str]] = defaultdict(list)
    for i in items:
        if i.kind == "paper" and i.title:
            titles[title_key(plain_text(i.title))].append(i.id)
    return dict(titles)


def family_table(names: Iterable[Name]) -> Counter[str]:
    """How many of these (distinct) names have each family name, without case
    (`DataIndex.family_name_count`)."""
    return Counter(name.last.casefold() for name in names)


_TITLE_NOISE = re.compile(r"[\W_]+")


def title_key(title: str) -> str:
    """A title reduced for comparison: lowercase words joined by single spaces."""
    return _TITLE_NOISE.sub(" ", title.casefold()).strip()


def collection_stamps(root: Path) -> dict[str, tuple[int, int]]:
    """Each collection file's stamp (size, modification time), by collection ID: one
    scandir and a stat per file, no Path objects (this runs before every job, over
    1,500 files)."""
    out: dict[str, tuple[int, int]] = {}
    with os.scandir(root / XML_DIR) as entries:
        for entry in entries:
            if entry.name.endswith(".xml"):
                st = entry.stat()
                out[entry.name[:-4]] = (st.st_size, st.st_mtime_ns)
    return out


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return (st.st_size, st.st_mtime_ns)
