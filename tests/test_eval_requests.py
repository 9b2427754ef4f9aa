"""The real-request evaluation set (tests/requests) and its script
(benchmarks/eval_requests.py): the cases are well-formed, everything they name is
in the full fixture and means what the case says, and the script's figures add up.

No accuracy threshold is asserted here: the figures are the engine's to improve.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.anthology.orcid import is_valid_orcid
from bot.schemas import validator

REPO = Path(__file__).resolve().parent.parent
CASES_DIR = REPO / "tests" / "requests"
SCRIPT = REPO / "benchmarks" / "eval_requests.py"

PEOPLE_URL = re.compile(r"aclanthology\.org/people/(?:[a-z]/)?([a-z0-9][a-z0-9-]*(?:/unverified)?)")
PAPER_URL = re.compile(
    r"aclanthology\.org/(?!people/)([A-Za-z0-9][A-Za-z0-9.-]*?)(?:\.pdf)?(?=[/)\s#\]]|$)"
)
BARE_ID = re.compile(r"(?<![\w./-])(\d{4}\.[a-z0-9]+-[a-z0-9]+\.\d+|[A-Z]\d{2}-\d{4})(?![\w-])")
BIBKEY = re.compile(r"\b[a-z]+-etal-\d{4}-[a-z]+\b")
TITLE_PAGE = re.compile(r"^Author Page: ([a-z][a-z0-9-]*(?:/unverified)?)(?=\s|$)")


def _load_script() -> Any:
    spec = importlib.util.spec_from_file_location("eval_requests", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # The dataclasses in it look their module up by name.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _cases(folder: Path = CASES_DIR) -> list[dict[str, Any]]:
    return [json.loads(p.read_text("utf-8")) for p in sorted(folder.glob("*.json"))]


def _sibling(page: str) -> str:
    return (
        page.removesuffix("/unverified") if page.endswith("/unverified") else page + "/unverified"
    )


# ------------------------------------------------------------- without the fixture


def test_cases_validate_against_the_schema() -> None:
    assert len(_cases()) >= 70
    check_cases_validate(CASES_DIR)


def check_cases_validate(folder: Path) -> None:
    """Every case of `folder` fits the schema and is named and linked as it says."""
    cases = _cases(folder)
    for path, case in zip(sorted(folder.glob("*.json")), cases, strict=True):
        validator("request-case").validate(case)
        assert case["id"] == path.stem
        assert str(case["modelled_on"]["issue"]) in case["modelled_on"]["url"]


def test_expected_orcids_are_valid_and_papers_do_not_contradict() -> None:
    check_expectations_consistent(CASES_DIR)


def check_expectations_consistent(folder: Path) -> None:
    """Expected ORCID iDs are valid; no paper is both moved and excluded."""
    for case in _cases(folder):
        expect = case["expect"]
        orcid = (expect.get("target") or {}).get("orcid")
        if orcid:
            assert is_valid_orcid(orcid), case["id"]
        both = set(expect.get("papers") or ()) & set(expect.get("excluded") or ())
        assert not both, (case["id"], both)
        if expect.get("scope") == "none":
            assert expect["papers"] == [], case["id"]


def test_scoring_flags_a_ready_plan_that_moves_an_excluded_paper() -> None:
    score_case = _load_script().score_case
    case = json.loads((CASES_DIR / "063-verify-split-mine-and-not-mine.json").read_text("utf-8"))
    target = case["expect"]["target"]
    plan = {
        "status": "ready",
        "kinds": ["verify", "split"],
        "source": ["heyuan-huang/unverified"],
        "target": {
            "id": target["id_any"][0],
            "new": True,
            "orcid": target["orcid"],
            "degree": target["degree_any"][0],
        },
        "moves": [{"paper": "2023.findings-emnlp.322"}, {"paper": "2025.findings-acl.254"}],
    }
    result = score_case(case, plan, "ready", [])
    assert result.fields["papers"] is False and result.fields["target"] is True
    assert set(result.safety) == {"moves_excluded", "moves_unlisted"}
    assert not result.reached
    plan["moves"] = plan["moves"][:1]
    right = score_case(case, plan, "ready", [])
    assert right.reached and right.safety == []


def test_scoring_judges_the_question_of_a_needs_info_answer() -> None:
    score_case = _load_script().score_case
    case = json.loads((CASES_DIR / "022-verify-common-name-asks-which.json").read_text("utf-8"))
    plan = {"status": "needs-info", "kinds": ["verify"], "target": None, "moves": []}
    vague = score_case(
        case, plan, "needs-info", [{"code": "x", "message": "Please check the issue."}]
    )
    assert vague.fields["question"] is False and vague.safety == ["vague_question"]
    clear = score_case(
        case,
        plan,
        "needs-info",
        [{"code": "x", "message": "This page has 4 papers: which of them are yours?"}],
    )
    assert clear.reached
    wrong_ready = score_case(case, plan | {"status": "ready"}, "ready", [])
    assert wrong_ready.safety == ["ready_not_ready"] and wrong_ready.fields["question"] is False


# ---------------------------------------------------------------- with the fixture



@pytest.mark.full
def test_everything_the_cases_name_is_in_the_fixture(full_index: Any) -> None:
    check_named_in_fixture(CASES_DIR, full_index)


def check_named_in_fixture(folder: Path, index: Any) -> None:
    """Every page, paper and bibkey a case of `folder` names is in the fixture (or
    marked absent on purpose), and its expectation fits what the fixture holds."""
    for case in _cases(folder):
        cid, expect, issue = case["id"], case["expect"], case["issue"]
        absent = case.get("absent") or {}
        absent_pages = {a["page"]: a["means"] for a in absent.get("pages") or ()}
        absent_papers = set(absent.get("papers") or ())

        for page, means in absent_pages.items():
            assert not index.page_exists(page), (cid, page, "is there")
            if means is None:
                assert not index.page_exists(_sibling(page)), (cid, page, "has a sibling")
            else:
                assert means == _sibling(page) and index.page_exists(means), (cid, page, means)
        for paper in absent_papers:
            assert index.item(paper) is None, (cid, paper, "is there")

        text = issue["title"] + "\n" + issue["body"]
        named_pages = set(PEOPLE_URL.findall(text))
        if m := TITLE_PAGE.match(issue["title"]):
            named_pages.add(m.group(1))
        for page in named_pages:
            assert index.page_exists(page) or page in absent_pages, (cid, page)
        for paper in set(PAPER_URL.findall(text)) | set(BARE_ID.findall(text)):
            assert index.item(paper) is not None or paper in absent_papers, (cid, paper)
        for key in BIBKEY.findall(text):
            assert index.by_bibkey(key) is not None, (cid, key)

        for paper in list(expect.get("papers") or ()) + list(expect.get("excluded") or ()):
            assert index.item(paper) is not None, (cid, paper)
        sources = expect.get("source") or []
        for page in sources:
            assert index.page_exists(page), (cid, page)
        on_sources = {o.item for page in sources for o in index.page_occurrences(page)}
        if sources:
            # Every paper that moves is on one of the pages it is said to leave.
            assert set(expect.get("papers") or ()) <= on_sources, (cid, "paper not on source")
        if expect.get("scope") == "page":
            assert set(expect["papers"]) == on_sources, (cid, "not the whole page")

        target = expect.get("target")
        if target is None:
            continue
        if target["new"]:
            for pid in target["id_any"]:
                assert index.entry(pid) is None, (cid, pid, "is taken")
            if "orcid" in target:
                owners = [p.id for p in index.people.values() if p.orcid == target["orcid"]]
                assert owners == [], (cid, owners)
        else:
            entry = index.entry(target["id_any"][0])
            assert entry is not None, (cid, target["id_any"][0])
            assert entry.orcid in (None, target.get("orcid")), (cid, entry.orcid)


@pytest.mark.full
def test_the_script_runs_and_its_figures_add_up(full_root: Path) -> None:
    module = _load_script()
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--data", str(full_root), "--json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    summary = json.loads(out.stdout)
    ids = [c["id"] for c in _cases()]
    results = summary["results"]
    assert summary["cases"] == len(ids) == len(results)
    assert [r["id"] for r in results] == ids
    assert summary["fields"]["status"]["scored"] == len(ids)
    for name, counts in summary["fields"].items():
        assert 0 <= counts["right"] <= counts["scored"], name
        assert counts["scored"] == sum(name in r["fields"] for r in results), name
        assert counts["right"] == sum(r["fields"].get(name) is True for r in results), name
    reached = [r["id"] for r in results if r["reached"]]
    assert summary["reached"] == len(reached)
    assert [m["id"] for m in summary["misses"]] == [r["id"] for r in results if not r["reached"]]
    assert all(m["reason"] for m in summary["misses"])
    for key, flagged in summary["safety"].items():
        assert set(flagged) <= set(ids) and not set(flagged) & set(reached), key
    assert sum(c["cases"] for c in summary["by_form"].values()) == len(ids)
    text = module.render(summary, full_root, summary["load_seconds"], summary["plan_seconds"])
    assert f"reached the maintainers' outcome: {summary['reached']} / {len(ids)}" in text
