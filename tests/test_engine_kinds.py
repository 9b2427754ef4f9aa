"""Every kind of request, planned and applied on a copy of the sample data of each
era (people.json and people.yaml), judged by that era's own library: exactly the
requested occurrences change person, to the requested person, and the diff touches
only what it must."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

from bot.anthology.index import DataIndex
from bot.anthology.peoplestore import read_people_file
from bot.engine.api import apply_plan, plan_issue
from tests.conftest import SAMPLE_ROOTS
from tests.issues import anthology_issue, our_issue
from tests.oracle import snapshot

_BEFORE: dict[str, tuple[dict[str, str], dict[str, dict]]] = {}


@pytest.fixture
def before(era: str) -> tuple[dict[str, str], dict[str, dict]]:
    """The era's library reading of the untouched sample (once per era)."""
    if era not in _BEFORE:
        _BEFORE[era] = snapshot(SAMPLE_ROOTS[era])
    return _BEFORE[era]


def apply_and_judge(root: Path, issue: dict, before, new_id: str | None = None):
    """Apply the issue; return (plan json, occurrences that changed person -> new person,
    people after)."""
    index = DataIndex.load(root)
    plan = plan_issue(index, issue, new_id=new_id)
    result = plan.to_json()
    assert result["status"] == "ready", result["problems"]
    written = apply_plan(index, plan)
    assert sorted(written) == result["files"]
    after_occ, after_people = snapshot(root)
    occ_before, _ = before
    changed = {k: after_occ[k] for k in after_occ if after_occ[k] != occ_before.get(k)}
    assert set(after_occ) == set(occ_before)
    assert_minimal_diff(root, index.people_file.path)
    return result, changed, after_people


def assert_minimal_diff(root: Path, people_rel: str) -> None:
    """XML: only author/editor lines changed; the people file: only the entries the
    plan changed (the oracle checked that the library would write it as it is)."""
    sample = SAMPLE_ROOTS["json" if people_rel.endswith(".json") else "yaml"]
    for path in sorted((root / "data" / "xml").glob("*.xml")):
        old = (sample / "data" / "xml" / path.name).read_text("utf-8")
        new = path.read_text("utf-8")
        for line in difflib.unified_diff(old.splitlines(), new.splitlines(), n=0, lineterm=""):
            if line[:1] in "+-" and not line.startswith(("+++", "---")):
                assert re.match(r"^[+-]\s*<(author|editor)[ >]", line), line
    old_people = read_people_file(people_rel, (sample / people_rel).read_text("utf-8"))
    new_people = read_people_file(people_rel, (root / people_rel).read_text("utf-8"))
    changes = {
        pid: new_people.entries.get(pid)
        for pid in set(old_people.entries) | set(new_people.entries)
        if old_people.entries.get(pid) != new_people.entries.get(pid)
    }
    assert old_people.render(changes) == new_people.text


def test_verify_moves_every_paper_of_the_unverified_page(era_copy, before):
    issue = anthology_issue(
        ["valentin-barriere/unverified"],
        {"verify"},
        "https://orcid.org/0000-0002-4345-7946",
        "Télécom Paris",
    )
    result, changed, people = apply_and_judge(era_copy, issue, before)
    assert changed == {
        "2022.wassa-1.20|author|0": "valentin-barriere",
        "2022.wassa-1|volume-editor|2": "valentin-barriere",
        "2024.wassa-1.30|author|2": "valentin-barriere",
        "2024.wassa-1|volume-editor|1": "valentin-barriere",
    }
    assert people["valentin-barriere"] == {
        "names": ["Valentin Barriere"],
        "orcid": "0000-0002-4345-7946",
        "degree": "Télécom Paris",
        "dnm": False,
    }
    assert result["target"]["new"] is True
    assert result["check"] == {"papers_moved": 4, "other_occurrences_changed": 0}


def test_split_part_of_a_page_to_a_new_person_disables_name_matching(era_copy, before):
    # Moving one of four papers: the new verified Valentin Barriere would take the
    # other three by slug matching unless name matching is off.
    issue = our_issue(
        "valentin-barriere/unverified",
        ["2024.wassa-1.30"],
        "new",
        "0000-0002-4345-7946",
        "Télécom Paris",
    )
    result, changed, people = apply_and_judge(era_copy, issue, before)
    assert changed == {"2024.wassa-1.30|author|2": "valentin-barriere"}
    assert people["valentin-barriere"]["dnm"] is True
    assert result["target"]["disable_name_matching"] is True


def test_split_to_an_existing_person(era_copy, before):
    issue = our_issue(
        "wei-wang/unverified", ["https://aclanthology.org/2024.wassa-1.45.pdf"], "wei-wang-8076"
    )
    result, changed, people = apply_and_judge(era_copy, issue, before)
    assert changed == {"2024.wassa-1.45|author|3": "wei-wang-8076"}
    assert result["target"] == {**result["target"], "id": "wei-wang-8076", "new": False}


def test_split_to_a_new_person_when_the_slug_is_taken_uses_the_orcid(era_copy, before):
    issue = our_issue(
        "yang-liu/unverified",
        ["2024.ccl-1.3", "2025.finnlp-2.26"],
        "new",
        "0000-0002-1234-5677",
        "Tsinghua University",
    )
    result, changed, people = apply_and_judge(era_copy, issue, before)
    assert changed == {
        "2024.ccl-1.3|author|1": "yang-liu-5677",
        "2025.finnlp-2.26|author|1": "yang-liu-5677",
    }
    assert people["yang-liu-5677"]["orcid"] == "0000-0002-1234-5677"
    assert result["target"]["id"] == "yang-liu-5677"


def test_the_caller_may_choose_the_new_id(era_copy, before):
    issue = our_issue(
        "yang-liu/unverified", ["2024.ccl-1.3"], "new", "0000-0002-1234-5677", "Tsinghua University"
    )
    result, changed, _ = apply_and_judge(era_copy, issue, before, new_id="yang-liu-tsinghua")
    assert changed == {"2024.ccl-1.3|author|1": "yang-liu-tsinghua"}


def test_split_from_a_name_matched_person_pins_the_papers_that_stay(
    era_copy, before, era_index
):
    # dong-yu holds most of its papers by slug matching only; a second verified
    # Dong Yu makes that slug ambiguous, so they get explicit ids to stay.
    stay = [o.key for o in era_index.page_occurrences("dong-yu") if o.pid is None]
    stay.remove("2024.ccl-1.75|author|4")
    issue = anthology_issue(
        ["dong-yu"],
        {"verify", "split"},
        "0000-0001-5555-8886",
        "Peking University",
        info="Only https://aclanthology.org/2024.ccl-1.75/ is mine.",
    )
    result, changed, people = apply_and_judge(era_copy, issue, before)
    assert changed == {"2024.ccl-1.75|author|4": "dong-yu-8886"}
    assert sorted(result["pinned"]) == sorted(stay) and len(stay) > 5
    assert people["dong-yu-8886"]["dnm"] is False


def test_a_paper_whose_orcid_is_someone_elses_is_refused(era_copy):
    issue = anthology_issue(
        ["yue-chen"],
        {"verify", "split"},
        "0000-0001-5555-8886",
        "Peking University",
        info="Only https://aclanthology.org/2022.wassa-1.21/ is mine.",
    )
    plan = plan_issue(DataIndex.load(era_copy), issue)
    assert plan.status == "needs-info"
    assert [p.code for p in plan.problems] == ["paper-orcid-conflict"]
    assert "0000-0003-4924-3743" in plan.problems[0].message
    assert plan.to_json()["files"] == []


def test_merge_unverified_into_verified_adds_the_variant_name(era_copy, before):
    issue = anthology_issue(
        ["kehai-chen", "chen-kehai/unverified"],
        {"merge"},
        "0000-0002-4346-7618",
        "Harbin Institute of Technology",
    )
    result, changed, people = apply_and_judge(era_copy, issue, before)
    assert changed == {"2020.autosimtrans-1.2|author|1": "kehai-chen"}
    assert people["kehai-chen"]["names"][0] == "Kehai Chen"
    assert people["kehai-chen"]["names"][:2] == ["Kehai Chen", "Chen Kehai"]


def test_merge_verified_into_verified_rewrites_ids_and_removes_the_entry(era_copy, before):
    issue = anthology_issue(["yang-liu-ict", "yang-liu-icsi"], {"merge"}, info="Both are me.")
    issue["title"] = "Author Page: yang-liu-ict"
    index = DataIndex.load(era_copy)
    plan = plan_issue(index, issue)
    # Two verified pages and no ORCID iD: which one stays is asked, not guessed.
    assert plan.status == "needs-info"
    assert [p.code for p in plan.problems] == ["merge-which"]


def test_merge_verified_into_verified_with_orcid(era_copy, before):
    # Give yang-liu-ict an ORCID iD first, then merge yang-liu-icsi into it.
    from dataclasses import replace

    people_file = DataIndex.load(era_copy).people_file
    path = era_copy / people_file.path
    ict = replace(people_file.entries["yang-liu-ict"], orcid="0000-0003-4444-1230")
    path.write_text(people_file.render({"yang-liu-ict": ict}), "utf-8")
    base = snapshot(era_copy)
    issue = anthology_issue(
        ["yang-liu-ict", "yang-liu-icsi"], {"merge"}, "0000-0003-4444-1230", info="Both are me."
    )
    index = DataIndex.load(era_copy)
    plan = plan_issue(index, issue)
    assert plan.status == "ready", plan.problems
    apply_plan(index, plan)
    after, people = snapshot(era_copy)
    changed = {k: v for k, v in after.items() if v != base[0][k]}
    assert changed == {
        "2020.deelio-1.9|author|1": "yang-liu-ict",
        "D08-1102|author|1": "yang-liu-ict",
        "D08-1110|author|1": "yang-liu-ict",
    }
    assert "yang-liu-icsi" not in people
    assert people["yang-liu-ict"]["names"] == ["Yang Liu", "Y. Liu"]
    assert 'id="yang-liu-icsi"' not in (era_copy / "data/xml/D08.xml").read_text("utf-8")


def test_name_change_sets_the_canonical_name_and_moves_nothing(era, era_copy, before):
    issue = anthology_issue(["mingwen-wang"], {"name-change"}, name="MingWen Wang")
    result, changed, people = apply_and_judge(era_copy, issue, before)
    assert changed == {}
    assert people["mingwen-wang"]["names"][:3] == ["MingWen Wang", "Mingwen Wang", "Ming-Wei Wang"]
    # Only the names lines of that entry changed.
    changed_lines = [
        line
        for line in result["diff"].splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    name_line = r"[+-]  - \{first: M[-a-zA-Z]+, last: Wang\}" if era == "yaml" else (
        r'[+-]      \{"first": "M[-a-zA-Z]+", "last": "Wang"\},?'
    )
    assert changed_lines and all(re.fullmatch(name_line, line) for line in changed_lines)
    assert len(changed_lines) == 2  # the name moves to the front


def test_preferred_name_family_name_first_becomes_the_canonical_name(era_copy, before):
    issue = anthology_issue(
        ["valentin-barriere/unverified"],
        {"verify"},
        "0000-0002-4345-7946",
        "Télécom Paris",
        name="Barrière, Valentin",
    )
    result, changed, people = apply_and_judge(era_copy, issue, before)
    assert people["valentin-barriere"]["names"] == ["Valentin Barrière", "Valentin Barriere"]
    assert len(changed) == 4


def test_index_after_apply_equals_a_fresh_load(era_copy):
    """apply_plan updates the index in place; it must equal reading the files again."""
    index = DataIndex.load(era_copy)
    for issue in (
        our_issue(
            "yang-liu/unverified",
            ["2024.ccl-1.3", "2025.finnlp-2.26"],
            "new",
            "0000-0002-1234-5677",
            "T U",
        ),
        anthology_issue(
            ["dong-yu"],
            {"verify", "split"},
            "0000-0001-5555-8886",
            "P U",
            info="Only https://aclanthology.org/2024.ccl-1.75/ is mine.",
        ),
        anthology_issue(
            ["kehai-chen", "chen-kehai/unverified"], {"merge"}, "0000-0002-4346-7618", "H"
        ),
    ):
        plan = plan_issue(index, issue)
        assert plan.status == "ready", plan.problems
        apply_plan(index, plan)
        fresh = DataIndex.load(era_copy)
        assert index.people == fresh.people
        assert index.people_file.spans == fresh.people_file.spans
        assert {k: v for k, v in index.slug_ids.items() if v} == {
            k: v for k, v in fresh.slug_ids.items() if v
        }
        assert index.by_orcid == fresh.by_orcid
        ours = [(o.key, o.pid, o.orcid, o.start, o.end) for o in index.occurrences()]
        theirs = [(o.key, o.pid, o.orcid, o.start, o.end) for o in fresh.occurrences()]
        assert ours == theirs
        for table in ("by_pid", "by_slug"):
            mine = {k: sorted(o.key for o in v) for k, v in getattr(index, table).items() if v}
            other = {k: sorted(o.key for o in v) for k, v in getattr(fresh, table).items() if v}
            assert mine == other, table
        assert index.refresh() == set()


def test_our_form_may_ask_for_the_new_id(era_copy, before):
    issue = our_issue("yang-liu/unverified", ["2024.ccl-1.3"], "new: yang-liu-thu", "0000-0002-1234-5677", "T U")
    result, changed, _ = apply_and_judge(era_copy, issue, before)
    assert changed == {"2024.ccl-1.3|author|1": "yang-liu-thu"}
    assert result["target"]["id"] == "yang-liu-thu" and result["target"]["new"] is True
