"""The data layer on real data, in both eras: the people file's round trip, the XML
scan, slugs, and the resolution rule compared with the era's own library."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot.anthology.index import DataIndex
from bot.anthology.names import Name, name_slug
from bot.anthology.people import PEOPLE_JSON, PEOPLE_YAML, entry_from_mapping
from bot.anthology.people_json import JsonPeopleFile, dump_file
from bot.anthology.people_yaml import YamlPeopleFile, dump_entries
from tests.conftest import SAMPLE_JSON_ROOT, SAMPLE_ROOT, SAMPLE_ROOTS
from tests.oracle import snapshot

PEOPLE = SAMPLE_ROOT / PEOPLE_YAML
PEOPLE_JSON_FILE = SAMPLE_JSON_ROOT / PEOPLE_JSON


def test_people_file_round_trips_byte_for_byte(era_index: DataIndex, era_root: Path):
    people = era_index.people_file
    text = (era_root / people.path).read_text("utf-8")
    assert people.text == text
    assert people.render({}) == text
    # Writing every entry again (each through the writer) changes nothing either.
    assert people.render(dict(people.entries)) == text


def test_both_eras_hold_the_same_people():
    yaml_people = YamlPeopleFile.parse(PEOPLE.read_text("utf-8"))
    json_people = JsonPeopleFile.parse(PEOPLE_JSON_FILE.read_text("utf-8"))
    assert yaml_people.entries == json_people.entries
    assert yaml_people.order == json_people.order


def test_yaml_dump_is_the_file():
    text = PEOPLE.read_text("utf-8")
    people = YamlPeopleFile.parse(text)
    assert dump_entries(people.entries[pid] for pid in people.order) == text


def test_json_dump_is_the_file():
    text = PEOPLE_JSON_FILE.read_text("utf-8")
    people = JsonPeopleFile.parse(text)
    assert dump_file([people.entries[pid] for pid in people.order]) == text


def test_fast_yaml_reader_agrees_with_pyyaml_on_every_entry():
    text = PEOPLE.read_text("utf-8")
    people = YamlPeopleFile.parse(text)
    loaded = yaml.load(text, Loader=yaml.CSafeLoader)
    assert list(loaded) == people.order
    for pid, value in loaded.items():
        assert entry_from_mapping(pid, value, PEOPLE_YAML) == people.entries[pid], pid


def test_json_reader_agrees_with_the_json_module_on_every_entry():
    text = PEOPLE_JSON_FILE.read_text("utf-8")
    people = JsonPeopleFile.parse(text)
    loaded = json.loads(text)
    assert list(loaded) == people.order
    for pid, value in loaded.items():
        assert entry_from_mapping(pid, value, PEOPLE_JSON) == people.entries[pid], pid


def test_unusual_yaml_entries_are_read_by_pyyaml_and_written_back_unchanged():
    text = (
        "a-jr:\n  names:\n  - {first: Arnaldo, last: 'Candido, Jr.'}\n"
        "govind:\n  names:\n  - {first: '', last: Govind}\n"
        "long-degree:\n  degree: "
        + "A very long institution name " * 4
        + "\n  names:\n  - {first: L, last: D}\n"
    )
    text = dump_entries(
        YamlPeopleFile.parse(
            dump_entries(
                entry_from_mapping(k, v, PEOPLE_YAML) for k, v in yaml.safe_load(text).items()
            )
        ).entries.values()
    )
    people = YamlPeopleFile.parse(text)
    assert people.entries["a-jr"].names == (Name("Arnaldo", "Candido, Jr."),)
    assert people.entries["govind"].names == (Name(None, "Govind"),)
    assert dump_entries(people.entries[p] for p in people.order) == text
    assert "{first: '', last: Govind}" in text


def test_a_change_touches_only_its_entry_in_yaml():
    text = PEOPLE.read_text("utf-8")
    people = YamlPeopleFile.parse(text)
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


def test_a_change_touches_only_its_entry_in_json():
    text = PEOPLE_JSON_FILE.read_text("utf-8")
    people = JsonPeopleFile.parse(text)
    entry = people.entries["dong-yu"]
    changed = entry.__class__(**{**entry.__dict__, "degree": "Somewhere"})
    new = people.render({"dong-yu": changed, "aaron-maladry": None})
    old_lines, new_lines = text.splitlines(), new.splitlines()
    removed = [line for line in old_lines if line not in new_lines]
    assert removed == [
        '  "aaron-maladry": {',
        '      {"first": "Aaron", "last": "Maladry"}',
        '    "orcid": "0000-0003-2857-5132"',
    ]
    assert [line for line in new_lines if line not in old_lines] == ['    "degree": "Somewhere",']
    assert len(old_lines) - len(new_lines) == 6 - 1
    # The library's own layout: degree between names and orcid.
    at = new_lines.index('  "dong-yu": {')
    assert new_lines[at + 3 : at + 6] == [
        "    ],",
        '    "degree": "Somewhere",',
        '    "orcid": "0000-0003-0520-6844"',
    ]
    assert json.loads(new)["dong-yu"]["degree"] == "Somewhere"


def test_scan_counts_match_the_fixture_description(era_index: DataIndex):
    occs = list(era_index.occurrences())
    assert sum(o.role == "author" for o in occs) == 2673
    assert sum(o.role == "volume-editor" for o in occs) == 88
    assert sum(i.kind == "paper" for i in era_index.items.values()) == 808 - 17
    assert sum(i.kind == "frontmatter" for i in era_index.items.values()) == 17
    assert sum(i.kind == "volume" for i in era_index.items.values()) == 21


def test_both_eras_scan_the_same_items_and_occurrences():
    yaml_index, json_index = (DataIndex.load(SAMPLE_ROOTS[e]) for e in ("yaml", "json"))
    assert yaml_index.items == json_index.items
    assert [(o.key, o.name, o.pid, o.orcid) for o in yaml_index.occurrences()] == [
        (o.key, o.name, o.pid, o.orcid) for o in json_index.occurrences()
    ]
    # The JSON era's items start with a URL comment: the title is still the title.
    assert json_index.items["2022.wassa-1.1"].title.startswith("On the Complementarity")


def test_occurrence_spans_are_the_element_lines(era_index: DataIndex, era_root: Path):
    texts = {}
    for occ in era_index.occurrences():
        if occ.collection not in texts:
            texts[occ.collection] = (era_root / "data" / "xml" / f"{occ.collection}.xml").read_text(
                "utf-8"
            )
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


def test_every_occurrence_resolves_as_the_library_says(era_index: DataIndex, era_root: Path):
    expected, people = snapshot(era_root)
    ours = {o.key: era_index.resolve(o) for o in era_index.occurrences()}
    assert ours == expected
    assert set(people) == set(era_index.people)


def test_page_occurrences_are_exactly_the_resolved_ones(era_index: DataIndex):
    pages: dict[str, set[str]] = {}
    for o in era_index.occurrences():
        pages.setdefault(era_index.resolve(o), set()).add(o.key)
    for page, keys in pages.items():
        assert {o.key for o in era_index.page_occurrences(page)} == keys, page
    assert {o.key for o in era_index.page_occurrences("yang-liu/unverified")} == {
        "2024.ccl-1.3|author|1",
        "2024.ccl-1.96|author|5",
        "2025.finnlp-2.26|author|1",
    }


@pytest.mark.parametrize("keep", ["json", "yaml"])
def test_a_repository_with_both_people_files_is_refused(tmp_path: Path, keep: str):
    from bot.anthology.people import PeopleFileError, TwoPeopleFilesError

    root = tmp_path / "repo"
    for rel, sample in ((PEOPLE_JSON, SAMPLE_JSON_ROOT), (PEOPLE_YAML, SAMPLE_ROOT)):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes((sample / rel).read_bytes())
    (root / "data" / "xml").mkdir()
    with pytest.raises(TwoPeopleFilesError) as info:
        DataIndex.load(root)
    assert isinstance(info.value, PeopleFileError)
    message = str(info.value)
    assert PEOPLE_JSON in message and PEOPLE_YAML in message and "both" in message
    # With one of them removed, it loads.
    (root / (PEOPLE_YAML if keep == "json" else PEOPLE_JSON)).unlink()
    assert DataIndex.load(root).people_file.path == (PEOPLE_JSON if keep == "json" else PEOPLE_YAML)


def test_an_index_follows_the_repository_to_the_other_people_file(tmp_path: Path):
    """The Anthology moved from people.yaml to people.json in one commit: an index
    that was loaded before reads the new file on its next refresh."""
    import shutil

    root = tmp_path / "repo"
    shutil.copytree(SAMPLE_ROOT / "data", root / "data")
    index = DataIndex.load(root)
    assert index.people_file.path == PEOPLE_YAML
    shutil.rmtree(root / "data" / "yaml")
    shutil.rmtree(root / "data" / "xml")
    shutil.copytree(SAMPLE_JSON_ROOT / "data", root / "data", dirs_exist_ok=True)
    changed = index.refresh()
    assert PEOPLE_JSON in changed and PEOPLE_YAML in changed
    assert index.people_file.path == PEOPLE_JSON
    fresh = DataIndex.load(root)
    assert index.people == fresh.people
    assert [(o.key, o.start, o.end) for o in index.occurrences()] == [
        (o.key, o.start, o.end) for o in fresh.occurrences()
    ]


def test_the_scan_reads_names_in_either_order_and_beside_variants():
    from bot.anthology.xmlscan import scan_collection

    text = """<collection id="P99">
  <volume id="1">
    <!-- https://aclanthology.org/P99-1/ -->
    <meta>
      <booktitle>B</booktitle>
      <editor><last>Lee</last><first>Lillian</first></editor>
      <sig>sigdat</sig>
    </meta>
    <paper id="1">
      <!-- https://aclanthology.org/P99-1001/ -->
      <title>T</title>
      <author><last>Liu</last><first>Xiaohu</first></author>
      <author id="luu-anh-tuan"><last>Luu</last> <first>Anh Tuan</first></author>
      <author><first>Jin</first><last>Liu</last><variant script="hani"><first>金</first><last>刘</last></variant></author>
      <author><last>Mausam</last></author>
      <pdf hash="0f54576a"/>
      <award name="Best Paper"/>
    </paper>
  </volume>
</collection>
"""
    scan = scan_collection("P99", text)
    assert [(o.key, o.name, o.pid) for o in scan.occurrences] == [
        ("P99-1|volume-editor|0", Name("Lillian", "Lee"), None),
        ("P99-1001|author|0", Name("Xiaohu", "Liu"), None),
        ("P99-1001|author|1", Name("Anh Tuan", "Luu"), "luu-anh-tuan"),
        ("P99-1001|author|2", Name("Jin", "Liu"), None),
        ("P99-1001|author|3", Name(None, "Mausam"), None),
    ]
    assert [(i.id, i.kind, i.title) for i in scan.items] == [
        ("P99-1001", "paper", "T"),
        ("P99-1", "volume", "B"),
    ]
