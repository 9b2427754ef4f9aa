"""The bundled sample data: both eras are the shared mini fixtures without their
abstracts (tests/sample_twin.py), and they hold the same archive."""

from __future__ import annotations

import pytest

from bot.anthology.index import DataIndex
from tests.conftest import MINI_ROOTS, SAMPLE_ROOTS
from tests.sample_twin import sample_files


@pytest.mark.parametrize("era", ["json", "yaml"])
def test_the_sample_is_the_mini_fixture_without_abstracts(era: str):
    if not MINI_ROOTS[era].exists():
        pytest.skip(f"{MINI_ROOTS[era]} not found")
    expected = sample_files(MINI_ROOTS[era])
    root = SAMPLE_ROOTS[era]
    bundled = {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted((root / "data").rglob("*"))
        if p.is_file()
    }
    assert sorted(bundled) == sorted(expected)
    for rel, data in expected.items():
        assert bundled[rel] == data, rel


def test_no_abstract_is_bundled():
    for root in SAMPLE_ROOTS.values():
        for path in (root / "data" / "xml").glob("*.xml"):
            assert "<abstract" not in path.read_text("utf-8"), path


def test_both_eras_resolve_every_occurrence_to_the_same_person():
    yaml_index, json_index = (DataIndex.load(SAMPLE_ROOTS[e]) for e in ("yaml", "json"))
    assert yaml_index.people_file.path == "data/yaml/people.yaml"
    assert json_index.people_file.path == "data/json/people.json"
    ours = {
        era: {o.key: index.resolve(o) for o in index.occurrences()}
        for era, index in (("yaml", yaml_index), ("json", json_index))
    }
    assert len(ours["json"]) == 2761
    assert ours["json"] == ours["yaml"]
    assert json_index.people == yaml_index.people


def test_the_json_era_is_what_the_demo_shows_by_default():
    from bot.demo import DEFAULT_ERA, SAMPLE_ERAS

    assert DEFAULT_ERA == "json"
    assert SAMPLE_ERAS["json"] == SAMPLE_ROOTS["json"]
    assert SAMPLE_ERAS["yaml"] == SAMPLE_ROOTS["yaml"]
