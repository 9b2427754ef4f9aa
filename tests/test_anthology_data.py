"""The data layer on real data: people.yaml round trip, the XML scan, slugs, and
the resolution rule compared with the field's own library."""

from __future__ import annotations

import yaml

from bot.anthology.index import DataIndex
from bot.anthology.names import Name, name_slug
from bot.anthology.people import PeopleFile, dump_entries, entry_from_mapping
from tests.conftest import SAMPLE_ROOT
from tests.oracle import snapshot

PEOPLE = SAMPLE_ROOT / "data" / "yaml" / "people.yaml"


def test_people_yaml_round_trips_byte_for_byte():
    text = PEOPLE.read_text("utf-8")
    people = PeopleFile.parse(text)
    assert dump_entries(people.entries[pid] for pid in people.order) == text
    assert people.render({}) == text


def test_fast_reader_agrees_with_pyyaml_on_every_entry():
    text = PEOPLE.read_text("utf-8")
    people = PeopleFile.parse(text)
    loaded = yaml.load(text, Loader=yaml.CSafeLoader)
    assert list(loaded) == people.order
    for pid, value in loaded.items():
        assert entry_from_mapping(pid, value) == people.entries[pid], pid


def test_unusual_entries_are_read_by_pyyaml_and_written_back_unchanged():
    text = (
        "a-jr:\n  names:\n  - {first: Arnaldo, last: 'Candido, Jr.'}\n"
        "govind:\n  names:\n  - {first: '', last: Govind}\n"
        "long-degree:\n  degree: "
        + "A very long institution name " * 4
        + "\n  names:\n  - {first: L, last: D}\n"
    )
    text = dump_entries(
        PeopleFile.parse(
            dump_entries(entry_from_mapping(k, v) for k, v in yaml.safe_load(text).items())
        ).entries.values()
    )
    people = PeopleFile.parse(text)
    assert people.entries["a-jr"].names == (Name("Arnaldo", "Candido, Jr."),)
    assert people.entries["govind"].names == (Name(None, "Govind"),)
    assert dump_entries(people.entries[p] for p in people.order) == text
    assert "{first: '', last: Govind}" in text


def test_a_change_touches_only_its_entry():
    text = PEOPLE.read_text("utf-8")
    people = PeopleFile.parse(text)
    entry = people.entries["dong-yu"]
    changed = entry.__class__(**{**entry.__dict__, "degree": "Somewhere"})
    new = people.render({"dong-yu": changed, "aaron-maladry": None})
    old_lines, new_lines = text.splitlines(), new.splitlines()
    gone = set(old_lines) - set(new_lines)
    assert gone == {
        "aaron-maladry:",
        "  - {first: Aaron, last: Maladry}",
        "  orcid: 0000-0003-2857-5132",
    }
    assert set(new_lines) - set(old_lines) == {"  degree: Somewhere"}
    assert yaml.safe_load(new)["dong-yu"]["degree"] == "Somewhere"


def test_scan_counts_match_the_fixture_description(sample_index: DataIndex):
    occs = list(sample_index.occurrences())
    assert sum(o.role == "author" for o in occs) == 2673
    assert sum(o.role == "volume-editor" for o in occs) == 88
    assert sum(i.kind == "paper" for i in sample_index.items.values()) == 808 - 17
    assert sum(i.kind == "frontmatter" for i in sample_index.items.values()) == 17
    assert sum(i.kind == "volume" for i in sample_index.items.values()) == 21


def test_occurrence_spans_are_the_element_lines(sample_index: DataIndex):
    texts = {}
    for occ in sample_index.occurrences():
        if occ.collection not in texts:
            texts[occ.collection] = (
                SAMPLE_ROOT / "data" / "xml" / f"{occ.collection}.xml"
            ).read_text("utf-8")
        line = texts[occ.collection][occ.start : occ.end]
        tag = "editor" if occ.role != "author" else "author"
        assert line.strip().startswith(f"<{tag}") and line.endswith(f"</{tag}>"), line


def test_slugs_match_the_library():
    from acl_anthology.people.name import Name as LibName

    for full, first, last in [
        ("Aarón Galiano-Jiménez", "Aarón", "Galiano-Jiménez"),
        ("Emily Prud’hommeaux", "Emily", "Prud’hommeaux"),
        ("Mausam", None, "Mausam"),
        ("李 明", "李", "明"),
    ]:
        assert name_slug(full) == LibName(first, last).slugify()
    assert Name("Aarón", "Galiano-Jiménez").slug == "aaron-galiano-jimenez"


def test_every_occurrence_resolves_as_the_library_says(sample_index: DataIndex):
    expected, people = snapshot(SAMPLE_ROOT)
    ours = {o.key: sample_index.resolve(o) for o in sample_index.occurrences()}
    assert ours == expected
    assert set(people) == set(sample_index.people)


def test_page_occurrences_are_exactly_the_resolved_ones(sample_index: DataIndex):
    pages: dict[str, set[str]] = {}
    for o in sample_index.occurrences():
        pages.setdefault(sample_index.resolve(o), set()).add(o.key)
    for page, keys in pages.items():
        assert {o.key for o in sample_index.page_occurrences(page)} == keys, page
    assert {o.key for o in sample_index.page_occurrences("yang-liu/unverified")} == {
        "2024.ccl-1.3|author|1",
        "2024.ccl-1.96|author|5",
        "2025.finnlp-2.26|author|1",
    }
