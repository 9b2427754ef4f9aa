"""Names, institutions and IDs that could break the files: YAML and XML specials,
zero-width and right-to-left characters, very long values, and path tricks.

Every change is applied to a copy of the sample data of each era and judged by that
era's own library (tests/oracle.py): exactly the requested occurrences change
person, and the people file still reads back the same through our parser, the
format's own parser (json, PyYAML) and the library.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.anthology.index import DataIndex
from bot.anthology.orcid import checksum_char
from bot.anthology.people import PEOPLE_JSON, PEOPLE_YAML
from bot.anthology.peoplestore import read_people_file
from bot.cli import main
from bot.engine.api import apply_plan, plan_issue
from bot.engine.plan import Plan, _new_person_id
from tests.conftest import SAMPLE_ROOTS
from tests.issues import anthology_issue, our_issue
from tests.oracle import library_snapshot, snapshot

VALENTIN_KEYS = {
    "2022.wassa-1.20|author|0",
    "2022.wassa-1|volume-editor|2",
    "2024.wassa-1.30|author|2",
    "2024.wassa-1|volume-editor|1",
}
VALENTIN_ORCID = "0000-0002-4345-7946"


_BEFORE: dict[str, tuple[dict[str, str], dict[str, dict]]] = {}


@pytest.fixture
def before(era: str) -> tuple[dict[str, str], dict[str, dict]]:
    """The era's library reading of the untouched sample data (once per era)."""
    if era not in _BEFORE:
        _BEFORE[era] = snapshot(SAMPLE_ROOTS[era])
    return _BEFORE[era]


def make_orcid(n: int) -> str:
    """A valid ORCID iD (correct checksum) built from a number."""
    digits = f"{n:015d}"
    whole = digits + checksum_char(digits)
    return "-".join(whole[i : i + 4] for i in range(0, 16, 4))


def people_round_trip(root: Path) -> dict[str, Any]:
    """The people file parses and is written back byte-identically (every entry
    through our writer); returns the format's own parser's reading (json, PyYAML)."""
    rel = PEOPLE_JSON if (root / PEOPLE_JSON).exists() else PEOPLE_YAML
    text = (root / rel).read_text("utf-8")
    parsed = read_people_file(rel, text)
    assert parsed.render(dict(parsed.entries)) == text
    loaded = json.loads(text) if rel == PEOPLE_JSON else yaml.safe_load(text)
    assert list(loaded) == parsed.order
    return loaded


def apply_ready(root: Path, issue: dict[str, Any], new_id: str | None = None) -> Plan:
    """Plan an issue on `root` and apply it; the plan must be ready."""
    index = DataIndex.load(root)
    plan = plan_issue(index, issue, new_id=new_id)
    assert plan.status == "ready", plan.problems
    assert plan.to_json()["check"]["other_occurrences_changed"] == 0
    apply_plan(index, plan)
    return plan


def changed_since(before: dict[str, str], root: Path) -> tuple[dict[str, str], dict[str, dict]]:
    """The occurrences whose person the library sees changed, and the people after."""
    after, people = snapshot(root)
    assert set(after) == set(before)
    return {k: v for k, v in after.items() if v != before[k]}, people


# ---------------------------------------------- (a) specials in people.yaml values

# Preferred names and institutions as people type them, each holding characters
# that mean something to YAML or XML, or are invisible, or run right to left.
SPECIAL_VALUES = [
    pytest.param(
        "Valentin {Barriere}", "- Télécom: Paris #2 {x} & <b> 'q' \"dq\"", id="yaml-flow-and-xml"
    ),
    pytest.param("!!python/object Valentin", "!!python/object:os.system", id="yaml-tags"),
    pytest.param("Valentin 'Barriere'", "? key: [a], b, *c &d %e @f `g` |h >i", id="quotes"),
    pytest.param("Valentin Bar\u200driere", "\u202eT\u00e9l\u00e9com\u202c Paris", id="zwj-rtl"),
    pytest.param("Valentin &amp; <Barriere>", "U" * 5000, id="entities-and-long"),
]


@pytest.mark.parametrize(("name", "institution"), SPECIAL_VALUES)
def test_special_characters_in_names_and_institutions(
    era, era_root, era_copy, before, name, institution
):
    data_copy = era_copy
    issue = anthology_issue(
        ["valentin-barriere/unverified"], {"verify"}, VALENTIN_ORCID, institution, name=name
    )
    plan = apply_ready(data_copy, issue)
    target = plan.target
    assert target is not None and target.degree and target.names[0].last
    # The parser kept the specials (it may drop a wrapper such as quotes, no more).
    typed = name.split()[-1].strip("'")
    assert typed in target.names[0].last
    loaded = people_round_trip(data_copy)
    entry = loaded[target.id]
    assert entry["degree"] == target.degree
    assert entry["names"][0] == target.names[0].as_dict()
    assert entry["orcid"] == VALENTIN_ORCID
    changed, people = changed_since(before[0], data_copy)
    assert changed == {key: target.id for key in VALENTIN_KEYS}
    assert people[target.id]["degree"] == target.degree
    assert people[target.id]["names"][0] == target.names[0].full
    # Nothing but the new entry in the people file changed.
    rel = plan.people_file.path if plan.people_file else ""
    old = read_people_file(rel, (era_root / rel).read_text("utf-8"))
    new = read_people_file(rel, (data_copy / rel).read_text("utf-8"))
    assert set(new.order) - set(old.order) == {target.id}
    assert all(new.entries[p] == old.entries[p] for p in old.order)


@pytest.mark.parametrize("era", ["yaml"])
def test_an_id_yaml_would_quote_is_not_generated(era, data_copy, before):
    # `yes` is a slug (of a mononym "Yes"), which PyYAML writes quoted ('yes':): the
    # generator takes the ORCID iD's digits instead, and a maintainer's `id yes` is
    # refused by name; the file stays readable.
    index = DataIndex.load(data_copy)
    assert _new_person_id(index, "yes", VALENTIN_ORCID) == "yes-7946"
    issue = anthology_issue(["valentin-barriere/unverified"], {"verify"}, VALENTIN_ORCID, "Paris")
    refused = plan_issue(index, issue, new_id="yes")
    assert refused.status == "needs-info"
    assert [p.code for p in refused.problems] == ["id-invalid"]
    plan = apply_ready(data_copy, issue, new_id="yes-7946")
    assert plan.target is not None and plan.target.id == "yes-7946"
    assert people_round_trip(data_copy)["yes-7946"]["orcid"] == VALENTIN_ORCID
    changed, _ = changed_since(before[0], data_copy)
    assert changed == {key: "yes-7946" for key in VALENTIN_KEYS}


@pytest.mark.parametrize("era", ["json"])
def test_json_holds_the_ids_yaml_would_quote(era, era_copy, before):
    # people.json holds `yes` as it is: generated and asked for alike.
    index = DataIndex.load(era_copy)
    assert _new_person_id(index, "yes", VALENTIN_ORCID) == "yes"
    issue = anthology_issue(["valentin-barriere/unverified"], {"verify"}, VALENTIN_ORCID, "Paris")
    plan = apply_ready(era_copy, issue, new_id="yes")
    assert plan.target is not None and plan.target.id == "yes"
    assert people_round_trip(era_copy)["yes"]["orcid"] == VALENTIN_ORCID
    changed, _ = changed_since(before[0], era_copy)
    assert changed == {key: "yes" for key in VALENTIN_KEYS}


@pytest.mark.parametrize("new_id", ["a" * 129, "a-" + "b" * 200])
def test_an_overlong_id_is_refused(era_index, new_id):
    issue = anthology_issue(["valentin-barriere/unverified"], {"verify"}, VALENTIN_ORCID, "Paris")
    plan = plan_issue(era_index, issue, new_id=new_id)
    assert plan.status == "needs-info"
    assert [p.code for p in plan.problems] == ["id-invalid"]
    assert plan.files == {}


@pytest.mark.parametrize("new_id", ["null", "yes", "off", "true", "a" * 129, "a-" + "b" * 200])
def test_an_id_yaml_cannot_write_plainly_is_refused(sample_index, new_id):
    issue = anthology_issue(["valentin-barriere/unverified"], {"verify"}, VALENTIN_ORCID, "Paris")
    plan = plan_issue(sample_index, issue, new_id=new_id)
    assert plan.status == "needs-info"
    assert [p.code for p in plan.problems] == ["id-invalid"]
    assert new_id in plan.problems[0].message
    assert plan.files == {}


def test_a_name_too_long_for_an_id_is_refused(era_index):
    sample_index = era_index
    issue = anthology_issue(
        ["valentin-barriere/unverified"],
        {"verify"},
        VALENTIN_ORCID,
        "Paris",
        name="Valentin " + "B" * 3000,
    )
    plan = plan_issue(sample_index, issue)
    assert plan.status == "needs-info"
    assert [p.code for p in plan.problems] == ["id-unavailable"]
    assert plan.files == {}


# ----------------------------------------------- (b) specials in the XML's names

# (first, last) as the XML holds them (escaped the way the Anthology writes them).
ODD_XML_NAMES = [
    ("Tom &amp; Jerry", "O'Neil"),
    ("Ann &lt;b&gt;", "Smith-&amp;-Jones"),
    ("Key: #1", "{Brace}"),
    ("Zeyn", "Ab\u200ddi"),
    ("Zara", "Ka&#x200D;hn"),
    ("\u0645\u062d\u0645\u062f", "\u0639\u0644\u064a"),
    ("Dana", "\u202eLevi\u202c"),
    ("- Jean", "!!str D&apos;Arcy &quot;JL&quot;"),
]


def library_names(root: Path) -> dict[str, tuple[str | None, str]]:
    """Every author occurrence's (first, last) as the era's library reads them."""
    names = library_snapshot(root).names
    return {k: (v[0], v[1]) for k, v in names.items() if "|author|" in k}


@pytest.fixture
def odd_names_copy(era_copy: Path, era_index: DataIndex) -> tuple[Path, list[str]]:
    """A data copy where authors alone on their unverified pages (one per paper)
    carry the odd names; returns the root and the occurrence keys renamed."""
    data_copy, sample_index = era_copy, era_index
    counts: dict[str, int] = {}
    for occ in sample_index.occurrences():
        page = sample_index.resolve(occ)
        counts[page] = counts.get(page, 0) + 1
    chosen, papers = [], set()
    for occ in sample_index.occurrences():
        page = sample_index.resolve(occ)
        if occ.role == "author" and page.endswith("/unverified") and counts[page] == 1:
            if occ.item not in papers and occ.collection == "2024.ccl":
                chosen.append(occ)
                papers.add(occ.item)
        if len(chosen) == len(ODD_XML_NAMES):
            break
    path = data_copy / "data/xml/2024.ccl.xml"
    text = path.read_text("utf-8")
    for occ, (first, last) in sorted(
        zip(chosen, ODD_XML_NAMES, strict=True), key=lambda p: -p[0].start
    ):
        line = text[occ.start : occ.end]
        indent = line[: len(line) - len(line.lstrip())]
        new = f"{indent}<author><first>{first}</first><last>{last}</last></author>"
        text = text[: occ.start] + new + text[occ.end :]
    path.write_text(text, "utf-8")
    return data_copy, [o.key for o in chosen]


def test_odd_xml_names_read_and_verify_like_the_library(odd_names_copy):
    root, keys = odd_names_copy
    index = DataIndex.load(root)
    theirs = library_names(root)
    by_key = {o.key: o for o in index.occurrences()}
    for key in keys:
        assert (by_key[key].name.first, by_key[key].name.last) == theirs[key], key
    base, _ = snapshot(root)
    assert {o.key: index.resolve(o) for o in index.occurrences()} == base
    # Verify every odd-named page; the library must see exactly those move.
    expected = {}
    for n, key in enumerate(keys):
        page = index.resolve(by_key[key])
        assert page.endswith("/unverified")
        issue = anthology_issue([page], {"verify"}, make_orcid(n + 1), "Uni: #1 & <x>")
        plan = apply_ready(root, issue)
        assert plan.target is not None
        assert [m.occurrence.key for m in plan.moves] == [key]
        expected[key] = plan.target.id
    changed, people = changed_since(base, root)
    assert changed == expected
    loaded = people_round_trip(root)
    for key, pid in expected.items():
        first, last = theirs[key]
        assert people[pid]["names"] == [f"{first} {last}" if first else last]
        assert loaded[pid]["names"] == [{"first": first, "last": last}]


# ---------------------------------------------------- (c) path tricks in every field

PATH_TRICKS = [
    "../../../etc/passwd",
    "/etc/passwd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "..\\..\\windows\\win.ini",
    "2024.ccl-1.3/../../../../tmp/x",
    "data/xml/../../../x",
    "~/.ssh/id_rsa",
    "file:///etc/passwd",
    "https://aclanthology.org/%2e%2e/%2e%2e/etc/passwd",
    "https://aclanthology.org/people/..%2f..%2fetc/",
    "..",
    "2024.ccl-1.3%2f..%2f..",
    "\\\\server\\share",
]
BASE = {
    "page": "yang-liu/unverified",
    "papers": ["2024.ccl-1.3"],
    "target": "new",
    "orcid": "0000-0002-1234-5677",
    "institution": "Tsinghua University",
}


def tree(root: Path) -> dict[str, str]:
    """Every file under `root` (relative path -> SHA-256 of its bytes)."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def assert_notices_well_formed(plan: Plan) -> None:
    """Every problem, warning and note has a stable code and a message."""
    for notice in [*plan.problems, *plan.warnings, *plan.notes]:
        assert re.fullmatch(r"[a-z][a-z0-9-]*", notice.code), notice
        assert notice.message.strip(), notice


@pytest.mark.parametrize("trick", PATH_TRICKS)
def test_path_tricks_in_any_field_are_refused_and_write_nothing(tmp_path, era_copy, trick):
    data_copy = era_copy
    index = DataIndex.load(data_copy)
    files_before = tree(tmp_path)
    plans = {
        "papers": plan_issue(index, our_issue(**{**BASE, "papers": [trick]})),
        "page": plan_issue(index, our_issue(**{**BASE, "page": trick})),
        "anthology-page": plan_issue(
            index, anthology_issue([trick], {"verify"}, BASE["orcid"], "Tsinghua University")
        ),
        "target": plan_issue(index, our_issue(**{**BASE, "target": trick})),
        "id": plan_issue(index, our_issue(**BASE), new_id=trick),
    }
    for field, plan in plans.items():
        assert plan.status != "ready", field
        assert plan.files == {} and plan.to_json()["diff"] == "", field
        assert_notices_well_formed(plan)
        request = plan.request
        assert all(".." not in p.id and "\\" not in p.id for p in request.pages), field
        assert all(".." not in p.value for p in request.papers if p.kind == "anthology-id"), field
    assert "papers-missing" in [p.code for p in plans["papers"].problems]
    assert [p.code for p in plans["target"].problems] == ["target-missing"]
    assert plans["target"].request.target.id is None
    assert [p.code for p in plans["id"].problems] == ["id-invalid"]
    for field in ("page", "anthology-page"):
        pages = [p.id for p in plans[field].request.pages]
        assert pages in ([], ["etc"], ["data"]), (field, pages)
    assert tree(tmp_path) == files_before


@pytest.mark.parametrize("trick", ["../../../x", "/tmp/x", "..%2f..%2fx", "a\\..\\b"])
def test_path_tricks_through_the_command_line(tmp_path, era_copy, trick, capsys):
    data_copy = era_copy
    issue_path = tmp_path / "issue.json"
    issue_path.write_text(json.dumps(our_issue(**BASE)), "utf-8")
    files_before = tree(tmp_path)
    code = main(["apply", str(data_copy), str(issue_path), "--json", "--id", trick])
    out = json.loads(capsys.readouterr().out)
    assert code == 2
    assert [p["code"] for p in out["problems"]] == ["id-invalid"]
    assert out["written"] == [] and out["files"] == []
    assert tree(tmp_path) == files_before


def test_an_ignored_page_trick_leaves_a_ready_change_inside_data(tmp_path, era_copy, capsys):
    data_copy = era_copy
    # The page cannot be read, so the papers are taken from wherever they are: the
    # change is ready, and it writes only its own files under data/.
    issue = our_issue("../../../etc/passwd", ["2024.wassa-1.45"], "wei-wang-8076")
    issue_path = tmp_path / "issue.json"
    issue_path.write_text(json.dumps(issue), "utf-8")
    files_before = tree(tmp_path)
    code = main(["apply", str(data_copy), str(issue_path), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0, out["problems"]
    assert {w["code"] for w in out["warnings"]} >= {"page-unreadable", "source-missing"}
    assert out["written"] == ["data/xml/2024.wassa.xml"]
    after = tree(tmp_path)
    changed = {p for p in set(after) | set(files_before) if after.get(p) != files_before.get(p)}
    assert changed == {"data-repo/" + p for p in out["written"]}


# ----------------------------------------- line separators other than the newline


def test_unicode_line_separators_in_a_file_do_not_shift_the_diff(era_copy):
    data_copy = era_copy
    # U+2028, U+2029, NEL, form feed and the information separators are line breaks
    # to str.splitlines but not to the XML or to git: a title holding them must not
    # move the diff's lines away from the line that changes.
    path = data_copy / "data/xml/2024.wassa.xml"
    text = path.read_text("utf-8")
    at = text.index("<title>", 200) + len("<title>")
    path.write_text(text[:at] + "A\u2028B\u2029C\x85D\x0cE\x1cF\x1dG\x1eH " + text[at:], "utf-8")
    index = DataIndex.load(data_copy)
    plan = plan_issue(index, our_issue("wei-wang/unverified", ["2024.wassa-1.45"], "wei-wang-8076"))
    assert plan.status == "ready", plan.problems
    change = plan.files["data/xml/2024.wassa.xml"]
    (edit,) = change.edits
    line_no = change.old.count("\n", 0, edit.start) + 1
    old_line = change.old[edit.start : edit.end]
    lines = plan.diff.split("\n")
    assert [x[1:] for x in lines if x.startswith("-") and not x.startswith("---")] == [old_line]
    assert [x[1:] for x in lines if x.startswith("+") and not x.startswith("+++")] == [edit.new]
    assert f"@@ -{line_no - 3},7 +{line_no - 3},7 @@" in lines
