"""DataIndex: the data repository held in memory, for answering a request in
milliseconds.

It reads the people file (`data/json/people.json`, or `data/yaml/people.yaml` in
a repository of the era before) and every `data/xml/*.xml` once, keeps what the
engine and the page need (people, items, occurrences, lookups by person, slug,
ORCID iD, bibkey), and afterwards re-reads only the files whose size or
modification time changed (`refresh`).
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


@dataclass
class DataIndex:
    """The data repository in memory. Build it with `DataIndex.load(root)`."""

    root: Path
    people_file: PeopleFile
    people_stamp: tuple[int, int]
    files: dict[str, _FileState] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    on_item: dict[str, list[Occurrence]] = field(default_factory=dict)
    by_pid: dict[str, list[Occurrence]] = field(default_factory=lambda: defaultdict(list))
    by_slug: dict[str, list[Occurrence]] = field(default_factory=lambda: defaultdict(list))
    slug_ids: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    by_orcid: dict[str, str] = field(default_factory=dict)
    _names: dict[tuple[str | None, str], Name] = field(default_factory=dict)
    _bibkeys: dict[str, str] | None = None
    _titles: dict[str, list[str]] | None = None
    _families: Counter[str] | None = None
    # While loading: the snapshot's scans (bot/anthology/snapshot.py), or None.
    _scan_cache: Any = field(default=None, repr=False)

    # ----------------------------------------------------------------- loading

    @classmethod
    def load(cls, root: Path | str, scan_cache: Any = None) -> DataIndex:
        """Read a data repository.

        Parameters:
            root: the folder that holds `data/xml/` and the people file
                (`data/json/people.json` or `data/yaml/people.yaml`).
            scan_cache: gives a collection's scan for an unchanged file instead of
                reading it (`snapshot.ScanCache`; see `snapshot.load_index`).

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
            people_file = read_people_file(people_rel, read_text(people_path))
            index = cls(root, people_file, _stamp(people_path))
            index._index_people()
            index._scan_cache = scan_cache
            for name in sorted(os.listdir(root / XML_DIR)):
                if name.endswith(".xml"):
                    index._read_collection(name[:-4])
            index._scan_cache = None  # only for the load: it holds a copy of it all
        finally:
            if was_enabled:
                gc.enable()
        gc.freeze()  # what was loaded lives as long as the process: keep it out of later scans
        return index

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
        # One scandir and a stat per file, no Path objects: this runs before every job,
        # over 1,500 files.
        on_disk: dict[str, tuple[int, int]] = {}
        with os.scandir(self.root / XML_DIR) as entries:
            for entry in entries:
                if entry.name.endswith(".xml"):
                    st = entry.stat()
                    on_disk[entry.name[:-4]] = (st.st_size, st.st_mtime_ns)
        for coll in sorted(set(self.files) | set(on_disk)):
            if coll not in on_disk:
                self._forget_collection(coll)
                changed.add(collection_file(coll))
            elif coll not in self.files or self.files[coll].stamp != on_disk[coll]:
                self._forget_collection(coll)
                self._read_collection(coll)
                changed.add(collection_file(coll))
        if changed:
            self._bibkeys = self._titles = self._families = None
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

    def _shift_collection(self, coll: str, edits: Sequence[tuple[int, int, str]]) -> bool:
        """Apply one file's line replacements to its occurrences: offsets after an
        edit move by its length change; an edited element's id and orcid are read
        again from its new line. Returns True when the file was read again instead
        (the edits were not only of author/editor lines)."""
        state = self.files[coll]
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
            self._read_collection(coll)
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
        old = self.by_pid[occ.pid] if occ.pid is not None else self.by_slug[occ.name.slug]
        old[:] = [o for o in old if o is not occ]
        occ.pid, occ.orcid = pid, orcid
        (self.by_pid[pid] if pid is not None else self.by_slug[occ.name.slug]).append(occ)

    def _read_collection(self, coll: str) -> None:
        path = self.root / collection_file(coll)
        stamp = _stamp(path)
        cached = self._scan_cache
        scan = cached.get(coll, stamp, self._names) if cached is not None else None
        if scan is None:
            try:
                text = read_text(path)
            except UnicodeDecodeError:
                raise XMLScanError(f"{collection_file(coll)} is not UTF-8 text") from None
            scan = scan_collection(coll, text, self._names)
        self.files[coll] = _FileState(stamp, scan)
        for item in scan.items:
            self.items[item.id] = item
            self.on_item[item.id] = []
        on_item, by_pid, by_slug = self.on_item, self.by_pid, self.by_slug
        for occ in scan.occurrences:
            on_item[occ.item].append(occ)
            if occ.pid is not None:
                by_pid[occ.pid].append(occ)
            else:
                by_slug[occ.name.slug].append(occ)

    def _forget_collection(self, coll: str) -> None:
        state = self.files.pop(coll, None)
        if state is None:
            return
        for item in state.scan.items:
            self.items.pop(item.id, None)
            self.on_item.pop(item.id, None)
        pids = {o.pid for o in state.scan.occurrences if o.pid is not None}
        slugs = {o.name.slug for o in state.scan.occurrences if o.pid is None}
        for pid in pids:
            self.by_pid[pid] = [o for o in self.by_pid[pid] if o.collection != coll]
        for slug in slugs:
            self.by_slug[slug] = [o for o in self.by_slug[slug] if o.collection != coll]

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
        if self._bibkeys is None:
            self._bibkeys = {i.bibkey: i.id for i in self.items.values() if i.bibkey}
        return self._bibkeys.get(bibkey)

    def by_title(self, title: str) -> list[str]:
        """The full IDs of the papers whose title is this one (compared without case,
        punctuation or markup)."""
        if self._titles is None:
            titles: dict[str, list[str]] = defaultdict(list)
            for i in self.items.values():
                if i.kind == "paper" and i.title:
                    titles[title_key(plain_text(i.title))].append(i.id)
            self._titles = titles
        return list(self._titles.get(title_key(title), ()))

    def family_name_count(self, last: str) -> int:
        """How many different names on the papers have this family name (compared
        without case): how common the family name is in the archive."""
        if self._families is None:
            self._families = Counter(
                name.last.casefold() for name in {o.name for o in self.occurrences()}
            )
        return self._families.get(last.casefold(), 0)


_TITLE_NOISE = re.compile(r"[\W_]+")


def title_key(title: str) -> str:
    """A title reduced for comparison: lowercase words joined by single spaces."""
    return _TITLE_NOISE.sub(" ", title.casefold()).strip()


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return (st.st_size, st.st_mtime_ns)
