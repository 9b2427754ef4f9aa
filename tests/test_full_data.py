"""Checks on the full Anthology fixture (../shared/data; skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.anthology.index import DataIndex
from bot.anthology.names import name_slug
from bot.anthology.people import PeopleFile, dump_entries, entry_from_mapping

pytestmark = pytest.mark.full


@pytest.fixture(scope="module")
def full_index(full_root: Path) -> DataIndex:
    return DataIndex.load(full_root)


def test_full_people_yaml_round_trips_and_fast_reader_agrees(full_root: Path):
    text = (full_root / "data/yaml/people.yaml").read_text("utf-8")
    people = PeopleFile.parse(text)
    assert dump_entries(people.entries[p] for p in people.order) == text
    loaded = yaml.load(text, Loader=yaml.CSafeLoader)
    assert len(loaded) == len(people.entries) == 11226
    for pid, value in loaded.items():
        assert entry_from_mapping(pid, value) == people.entries[pid], pid


def test_every_name_slug_equals_the_library_slug(full_index: DataIndex):
    from acl_anthology.people.name import Name as LibName

    names = {o.name for o in full_index.occurrences()}
    names |= {n for e in full_index.people.values() for n in e.names}
    assert len(names) > 100_000
    mismatches = [n for n in names if name_slug(n.full) != LibName(n.first, n.last).slugify()]
    assert mismatches == []


def test_full_counts(full_index: DataIndex):
    occs = list(full_index.occurrences())
    assert sum(o.role == "author" for o in occs) == 388_934
    assert sum(o.role == "volume-editor" for o in occs) == 10_194
    assert sum(i.kind != "volume" for i in full_index.items.values()) == 111_953


def test_the_full_archive_is_whole(full_index: DataIndex):
    from bot.anthology.integrity import require_integrity

    report = require_integrity(full_index)
    assert report.people == 11_226 and report.ids_used == 11_226 and report.unknown == ()
