"""A snapshot of the XML scan, so that a new process need not read 133 MB of XML again.

Loading the index costs one regular-expression pass over every collection file (about
4 s on the full archive); everything else it reads is small. `load_index(root,
cache_dir)` keeps what that pass found, per collection file, in one file under
`cache_dir`, each with the file's stamp (size and modification time): the next load
takes a collection from the snapshot when its stamp is unchanged and scans it again
when it changed (a changed file is read alone). Whatever else the index reads (the
people file, in whichever format the data repository has) it reads as always, so the
snapshot does not depend on it.

The snapshot is a `marshal` stream of plain values (strings, numbers, tuples), written
to a temporary file and renamed over the old one (a reader sees the old or the new
one, never half of one). It is keyed by the source of the scanner and of this module
and by the Python version: after an upgrade it is ignored and written again. It is a
cache this program writes for itself in a folder of its own; it is never read from a
data repository.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import sys
import tempfile
from array import array
from collections.abc import Iterable
from itertools import repeat
from pathlib import Path
from typing import Any

from bot.anthology.index import DataIndex
from bot.anthology.names import Name, known_slugs, remember_slug
from bot.anthology.xmlscan import (
    ROLE_AUTHOR,
    ROLE_EDITOR,
    ROLE_VOLUME_EDITOR,
    CollectionScan,
    Item,
    Occurrence,
)

log = logging.getLogger(__name__)

FORMAT = 2
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


_SOURCES = ("xmlscan.py", "ids.py", "names.py", "snapshot.py")
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


class ScanCache:
    """The collections of a snapshot, handed to `DataIndex.load` one by one.

    `get` gives a collection's scan when the file's stamp is the one it was scanned
    at (building its objects then, with the index's shared names), and counts the
    collections it could not give.
    """

    def __init__(self, names: list[tuple[str | None, str, str]], collections: dict[str, Any]):
        # Every name with its slug: slugifying 120,000 names (the papers' and the people
        # file's) costs more than the scan, so the slugs come from here too.
        self._built = [Name(first, last) for first, last, _ in names]
        for name, (_, _, slug) in zip(self._built, names, strict=True):
            remember_slug(name, slug)
        self._collections = collections
        self._shared = False
        self.hits = 0
        self.misses = 0

    def get(
        self, coll: str, stamp: tuple[int, int], shared: dict[tuple[str | None, str], Name]
    ) -> CollectionScan | None:
        """The scan of collection `coll` if its file still has `stamp`, else None."""
        entry = self._collections.get(coll)
        if entry is None or (entry[0], entry[1]) != stamp:
            self.misses += 1
            return None
        self.hits += 1
        if not self._shared:  # the index's files share one object per name
            for name in self._built:
                shared.setdefault((name.first, name.last), name)
            self._shared = True
        _, _, items, columns = entry
        item_numbers, role_numbers, positions, name_ids, pids, orcids, starts, ends = columns
        item_ids = [item[0] for item in items]
        occurrences = tuple(
            map(
                Occurrence,
                map(item_ids.__getitem__, _ints(item_numbers)),
                map(ROLES.__getitem__, role_numbers),
                _ints(positions),
                map(self._built.__getitem__, _ints(name_ids)),
                pids,
                orcids,
                repeat(coll),
                _ints(starts),
                _ints(ends),
            )
        )
        return CollectionScan(coll, tuple(Item(*item) for item in items), occurrences)

    def covers(self, collections: set[str]) -> bool:
        """True when the snapshot holds exactly these collections."""
        return set(self._collections) == collections


def read_snapshot(path: Path) -> ScanCache | None:
    """The snapshot at `path`, or None when there is none or it is not ours (another
    version of the scanner, or unreadable: it is then ignored, never trusted)."""
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("code") != code_key():
        return None
    return ScanCache(data["names"], data["collections"])


def write_snapshot(index: DataIndex, path: Path) -> None:
    """Write the index's scans to `path` (atomically: a temporary file renamed over it)."""
    names: dict[Name, int] = {}
    collections: dict[str, Any] = {}
    for coll, state in index.files.items():
        scan = state.scan
        occs = scan.occurrences
        name_ids = []
        for occ in occs:
            number = names.get(occ.name)
            if number is None:
                number = names[occ.name] = len(names)
            name_ids.append(number)
        number_of_item = {item.id: i for i, item in enumerate(scan.items)}
        columns = (
            _packed(number_of_item[o.item] for o in occs),
            bytes(ROLES.index(o.role) for o in occs),
            _packed(o.position for o in occs),
            _packed(name_ids),
            tuple(o.pid for o in occs),
            tuple(o.orcid for o in occs),
            _packed(o.start for o in occs),
            _packed(o.end for o in occs),
        )
        items = tuple(tuple(item) for item in scan.items)
        collections[coll] = (state.stamp[0], state.stamp[1], items, columns)
    for name, _ in known_slugs():  # the people file's names too
        names.setdefault(name, len(names))
    data = {
        "code": code_key(),
        "names": [(name.first, name.last, name.slug) for name in names],
        "collections": collections,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            marshal.dump(data, handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_index(root: Path | str, cache_dir: Path | str | None = None) -> DataIndex:
    """`DataIndex.load(root)`, taking unchanged collections from the snapshot under
    `cache_dir` (default: `default_cache_dir()`), and writing the snapshot again when
    a collection had to be read (or there was none).

    A snapshot that cannot be written (a read-only cache folder) is only logged: the
    index is right either way.
    """
    if not layout_known():
        log.warning("the scan has fields the snapshot does not store: no snapshot used")
        return DataIndex.load(root)
    path = snapshot_path(root, cache_dir or default_cache_dir())
    cache = read_snapshot(path)
    index = DataIndex.load(root, scan_cache=cache)
    if cache is None or cache.misses or not cache.covers(set(index.files)):
        try:
            write_snapshot(index, path)
        except OSError as exc:
            log.warning("could not write the index snapshot %s: %s", path, exc)
    return index
