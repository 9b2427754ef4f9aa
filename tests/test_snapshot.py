"""The index snapshot (bot/anthology/snapshot.py): an index loaded through it equals a
full load; an unchanged file is not read again, a changed one is read alone; a snapshot
of another scanner, or a broken one, is ignored."""

from __future__ import annotations

import marshal
import os

import pytest

from bot.anthology.index import DataIndex
from bot.anthology.snapshot import load_index, read_snapshot, snapshot_path, write_snapshot


def fingerprint(index: DataIndex) -> dict:
    """Everything the engine reads of an index, as plain values."""

    def occ(o):
        return (o.key, o.name, o.pid, o.orcid, o.collection, o.start, o.end)

    return {
        "items": dict(index.items),
        "files": {
            c: (s.stamp, [occ(o) for o in s.scan.occurrences]) for c, s in index.files.items()
        },
        "on_item": {k: [occ(o) for o in v] for k, v in index.on_item.items()},
        "by_pid": {k: [occ(o) for o in v] for k, v in index.by_pid.items() if v},
        "by_slug": {k: [occ(o) for o in v] for k, v in index.by_slug.items() if v},
        "slug_ids": {k: v for k, v in index.slug_ids.items() if v},
        "by_orcid": dict(index.by_orcid),
        "people": sorted(index.people_file.entries),
    }


def test_a_snapshot_load_equals_a_full_load_and_reads_no_xml(data_copy, tmp_path):
    cache = tmp_path / "cache"
    first = load_index(data_copy, cache)  # no snapshot yet: reads everything, writes one
    path = snapshot_path(data_copy, cache)
    assert path.exists()
    snap = read_snapshot(path)
    again = DataIndex.load(data_copy, scan_cache=snap)
    assert (snap.hits, snap.misses) == (len(first.files), 0)
    assert fingerprint(again) == fingerprint(first) == fingerprint(DataIndex.load(data_copy))


def test_a_new_and_a_removed_collection(data_copy, tmp_path):
    cache = tmp_path / "cache"
    load_index(data_copy, cache)
    xml_dir = data_copy / "data" / "xml"
    files = sorted(xml_dir.glob("*.xml"))
    files[0].unlink()
    (xml_dir / "2099.new.xml").write_text(
        files[1].read_text("utf-8").replace(files[1].stem, "2099.new"), "utf-8"
    )
    index = load_index(data_copy, cache)
    assert files[0].stem not in index.files and "2099.new" in index.files
    assert fingerprint(index) == fingerprint(DataIndex.load(data_copy))


@pytest.mark.parametrize("damage", ["garbage", "other-scanner", "truncated"])
def test_a_snapshot_that_is_not_ours_is_ignored(data_copy, tmp_path, damage):
    cache = tmp_path / "cache"
    load_index(data_copy, cache)
    path = snapshot_path(data_copy, cache)
    if damage == "garbage":
        path.write_bytes(b"\x00not a snapshot")
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    else:
        # The file: a magic line, the header's length (8 bytes), the header, the parts.
        raw = path.read_bytes()
        magic = raw[: raw.index(b"\n") + 1]
        size = int.from_bytes(raw[len(magic) : len(magic) + 8], "little")
        header = marshal.loads(raw[len(magic) + 8 : len(magic) + 8 + size])
        header["code"] = "written by another version"
        head = marshal.dumps(header)
        rest = raw[len(magic) + 8 + size :]
        path.write_bytes(magic + len(head).to_bytes(8, "little") + head + rest)
    assert read_snapshot(path) is None
    index = load_index(data_copy, cache)  # reads everything, writes a good one
    assert fingerprint(index) == fingerprint(DataIndex.load(data_copy))
    assert read_snapshot(path) is not None


def test_a_cache_folder_that_cannot_be_written_is_no_error(data_copy, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    index = load_index(data_copy, blocked / "cache")
    assert fingerprint(index) == fingerprint(DataIndex.load(data_copy))


def test_the_snapshot_is_replaced_whole(data_copy, tmp_path):
    index = DataIndex.load(data_copy)
    path = tmp_path / "cache" / "s.snapshot"
    write_snapshot(index, path)
    assert [p.name for p in path.parent.iterdir()] == ["s.snapshot"]  # no temporary left
    assert os.stat(path).st_size > 0


def test_the_snapshot_stores_every_field_of_a_scan():
    # An Occurrence or Item with a field the snapshot does not store would come back
    # without it; layout_known() is what turns the snapshot off then.
    from bot.anthology.snapshot import layout_known

    assert layout_known()
