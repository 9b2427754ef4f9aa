"""Checks on the full Anthology fixture of both eras (../shared/data; skipped when
absent): the people file's round trip, the counts, slugs, and every one of the
399,140 occurrences resolved as each era's own library resolves it, the same in
both eras."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot.anthology.index import DataIndex
from bot.anthology.names import name_slug
from bot.anthology.people import PEOPLE_JSON, PEOPLE_YAML, entry_from_mapping
from tests.conftest import ERAS
from tests.oracle import library_snapshot

pytestmark = pytest.mark.full

_INDEXES: dict[str, DataIndex] = {}


@pytest.fixture
def full_index(era: str, full_era_root: Path) -> DataIndex:
    """The era's full fixture loaded once (read-only)."""
    if era not in _INDEXES:
        _INDEXES[era] = DataIndex.load(full_era_root)
    return _INDEXES[era]


@pytest.fixture(scope="module")
def both(full_root: Path, full_json_root: Path) -> dict[str, DataIndex]:
    for era, root in (("yaml", full_root), ("json", full_json_root)):
        if era not in _INDEXES:
            _INDEXES[era] = DataIndex.load(root)
    return _INDEXES


@pytest.fixture(scope="module", autouse=True)
def _forget_indexes():
    yield
    _INDEXES.clear()  # about 300 MB each: not for the rest of the session


def test_full_people_file_round_trips_and_its_parser_agrees(era: str, full_era_root: Path):
    rel = PEOPLE_JSON if era == "json" else PEOPLE_YAML
    text = (full_era_root / rel).read_text("utf-8")
    from bot.anthology.peoplestore import read_people_file

    people = read_people_file(rel, text)
    assert people.render({}) == text
    # Every entry written again by our writer: byte-identical, file and entries.
    assert people.render(dict(people.entries)) == text
    loaded = json.loads(text) if era == "json" else yaml.load(text, Loader=yaml.CSafeLoader)
    assert list(loaded) == people.order
    assert len(loaded) == len(people.entries) == 11226
    for pid, value in loaded.items():
        assert entry_from_mapping(pid, value, rel) == people.entries[pid], pid


def test_full_counts(full_index: DataIndex):
    occs = list(full_index.occurrences())
    assert len(occs) == 399_140
    assert sum(o.role == "author" for o in occs) == 388_934
    assert sum(o.role == "volume-editor" for o in occs) == 10_194
    assert sum(i.kind != "volume" for i in full_index.items.values()) == 111_953
    assert len(full_index.people) == 11_226


@pytest.mark.parametrize("era", ["yaml"])
def test_every_name_slug_equals_the_library_slug(full_index: DataIndex):
    from acl_anthology.people.name import Name as LibName

    names = {o.name for o in full_index.occurrences()}
    names |= {n for e in full_index.people.values() for n in e.names}
    assert len(names) > 100_000
    mismatches = [n for n in names if name_slug(n.full) != LibName(n.first, n.last).slugify()]
    assert mismatches == []


def test_both_eras_hold_the_same_archive(both: dict[str, DataIndex]):
    yaml_index, json_index = both["yaml"], both["json"]
    assert yaml_index.people == json_index.people
    assert yaml_index.items == json_index.items
    ours = {
        era: [(o.key, o.name, o.pid, o.orcid, index.resolve(o)) for o in index.occurrences()]
        for era, index in both.items()
    }
    assert len(ours["json"]) == 399_140
    assert ours["json"] == ours["yaml"]


@pytest.mark.parametrize("era", ERAS)
def test_every_occurrence_resolves_as_the_eras_library_says(
    era: str, full_era_root: Path, full_index: DataIndex
):
    library = library_snapshot(full_era_root)
    assert library.version == ("1.3.4" if era == "json" else "1.2.0")
    ours = {o.key: full_index.resolve(o) for o in full_index.occurrences()}
    assert len(ours) == 399_140
    assert ours == library.occ
    assert set(library.people) == set(full_index.people)
    # The data's own warnings only (an unverified name twice on one item), and the
    # library writes the people file back as it is.
    assert library.people_roundtrip
    assert len(library.warnings) == 28
    assert all(w.startswith("NameSpecResolutionWarning") for w in library.warnings)


def test_the_full_archive_is_whole(full_index: DataIndex):
    from bot.anthology.integrity import require_integrity

    report = require_integrity(full_index)
    assert report.people == 11_226 and report.ids_used == 11_226 and report.unknown == ()
