"""The example issues of ../shared/corpus/cases, parsed: what each one asks for.

The cases are read from the shared folder beside the repository when it is there;
four representative bodies are also copied here so the test runs without it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.engine.parse import parse_issue
from bot.engine.request import validate_fix_request
from tests.conftest import CASES

# What parse_issue must read from each case: (form, kinds, pages, papers, orcid,
# degree, preferred name, warning codes).
EXPECTED: dict[str, dict[str, Any]] = {
    "v01-verify-all-free-slug": {
        "form": "anthology-2026",
        "kinds": ["verify"],
        "pages": ["valentin-barriere/unverified"],
        "papers": [],
        "orcid": "0000-0002-4345-7946",
        "degree": "Télécom Paris",
        "preferred_name": None,
        "warnings": [],
    },
    "v02-vermove-new-id-taken": {
        "form": "anthology-2026",
        "kinds": ["verify", "split"],
        "pages": ["min-zhang/unverified"],
        "papers": ["2024.ccl-3.15", "2024.ccl-3.41"],
        "orcid": "0000-0002-3019-5174",
        "degree": "Soochow University",
        "preferred_name": None,
        "warnings": [],
    },
    "v03-move-to-existing": {
        "form": "anthology-2026",
        "kinds": ["split"],
        "pages": ["wei-li-5911"],
        "papers": ["2024.ccl-3.22"],
        "orcid": "0000-0002-4776-5911",
        "degree": "Peking University",
        "preferred_name": None,
        "warnings": [],
    },
    "v04-merge-swapped-name": {
        "form": "anthology-2026",
        "kinds": ["merge"],
        "pages": ["kehai-chen", "chen-kehai/unverified"],
        "papers": [],
        "orcid": "0000-0002-4346-7618",
        "degree": "Harbin Institute of Technology",
        "preferred_name": None,
        "warnings": [],
    },
    "v05-canonical-name": {
        "form": "anthology-2026",
        "kinds": ["name-change"],
        "pages": ["mingwen-wang"],
        "papers": [],
        "orcid": "0000-0002-8874-2636",
        "degree": "Jiangxi Normal University",
        "preferred_name": {"first": "MingWen", "last": "Wang"},
        "warnings": [],
    },
    "v06-orcid-bad-checksum": {
        "form": "anthology-2026",
        "kinds": ["verify"],
        "pages": ["valentin-barriere/unverified"],
        "papers": [],
        "orcid": "0000-0002-1694-2330",
        "degree": "Télécom Paris",
        "preferred_name": None,
        "warnings": ["orcid-checksum"],
    },
    "v07-unknown-paper": {
        "form": "anthology-2026",
        "kinds": ["verify", "split"],
        "pages": ["min-zhang/unverified"],
        "papers": ["2024.ccl-3.15", "2024.ccl-9.1"],
        "orcid": "0000-0002-4115-0940",
        "degree": "Soochow University",
        "preferred_name": None,
        "warnings": [],
    },
    "v08-old-form-placeholders": {
        "form": "anthology-2024",
        "kinds": ["split"],
        "pages": ["wei-li"],
        "papers": [],
        "orcid": None,
        "degree": None,
        "preferred_name": None,
        "warnings": ["placeholder", "placeholder", "placeholder"],
    },
    "v09-orcid-owned-by-other": {
        "form": "anthology-2026",
        "kinds": ["verify"],
        "pages": ["shabnam-tafreshi/unverified"],
        "papers": [],
        "orcid": "0000-0002-4346-7618",
        "degree": "George Mason University",
        "preferred_name": None,
        "warnings": [],
    },
    "v10-split-from-name-matched": {
        "form": "anthology-2026",
        "kinds": ["verify", "split"],
        "pages": ["dong-yu"],
        "papers": ["2024.ccl-1.75"],
        "orcid": "0000-0002-0912-083X",
        "degree": "Beijing Language and Culture University",
        "preferred_name": None,
        "warnings": [],
    },
}

_CONFIRMS = (
    "### Confirming that Author is Published in the Anthology\n\n"
    "- [X] I confirm that this concerns an author who already has at least one "
    "publication in the Anthology.\n\n"
    "### Confirming that Paper Metadata is Correct\n\n"
    "- [X] I confirm that all affected papers show the exact same names on the website "
    "as on the PDF.\n\n"
)
_BOXES = (
    "- [{}] Verification: The author wishes to add an ORCID iD to their author page.\n"
    "- [{}] Split/disambiguate: The author page includes papers from two or more "
    "different people.\n"
    "- [{}] Merge profiles: A single author has multiple profiles with different "
    "spellings or variants of their name.\n"
    "- [{}] Name change: This author has permanently changed their name."
)

# Copies of four case bodies (v02, v04, v06, v08), so this runs without ../shared.
INLINE_CASES: dict[str, dict[str, Any]] = {
    "v02-vermove-new-id-taken": {
        "number": 8102,
        "title": "Author Page: min-zhang/unverified",
        "labels": [{"name": "correction"}, {"name": "author-page"}],
        "user": {"login": "someone"},
        "body": _CONFIRMS + "### Author Pages in the Anthology\n\n"
        "https://aclanthology.org/people/min-zhang/unverified/\n\n"
        "### Author ORCID\n\nhttps://orcid.org/0000-0002-3019-5174\n\n"
        "### Institution of highest (anticipated) degree\n\nSoochow University\n\n"
        "### Type of Author Metadata Correction\n\n" + _BOXES.format("X", "X", " ", " ") + "\n\n"
        "### Supporting Information\n\n"
        "Mine: https://aclanthology.org/2024.ccl-3.15/ and "
        "https://aclanthology.org/2024.ccl-3.41/. The others are by different people.\n\n"
        "### Preferred author name\n\n_No response_\n\n"
        "### OpenReview profile page URL\n\n_No response_",
    },
    "v04-merge-swapped-name": {
        "number": 8104,
        "title": "Author Page: kehai-chen",
        "labels": [{"name": "correction"}, {"name": "author-page"}],
        "user": {"login": "someone"},
        "body": _CONFIRMS + "### Author Pages in the Anthology\n\n"
        "https://aclanthology.org/people/kehai-chen/\n"
        "https://aclanthology.org/people/chen-kehai/unverified/\n\n"
        "### Author ORCID\n\nhttps://orcid.org/0000-0002-4346-7618\n\n"
        "### Institution of highest (anticipated) degree\n\nHarbin Institute of Technology\n\n"
        "### Type of Author Metadata Correction\n\n" + _BOXES.format(" ", " ", "X", " ") + "\n\n"
        "### Supporting Information\n\nBoth pages are me.\n\n"
        "### Preferred author name\n\n_No response_\n\n"
        "### OpenReview profile page URL\n\n_No response_",
    },
    "v06-orcid-bad-checksum": {
        "number": 8106,
        "title": "Author Page: valentin-barriere/unverified",
        "labels": [{"name": "correction"}, {"name": "author-page"}],
        "user": {"login": "someone"},
        "body": _CONFIRMS + "### Author Pages in the Anthology\n\n"
        "https://aclanthology.org/people/valentin-barriere/unverified/\n\n"
        "### Author ORCID\n\nhttps://orcid.org/0000-0002-1694-2330\n\n"
        "### Institution of highest (anticipated) degree\n\nTélécom Paris\n\n"
        "### Type of Author Metadata Correction\n\n" + _BOXES.format("X", " ", " ", " ") + "\n\n"
        "### Supporting Information\n\nverification\n\n"
        "### Preferred author name\n\n_No response_\n\n"
        "### OpenReview profile page URL\n\n_No response_",
    },
    "v08-old-form-placeholders": {
        "number": 8108,
        "title": "Author Page: {replace with author name}",
        "labels": [{"name": "correction"}, {"name": "author-page"}],
        "user": {"login": "someone"},
        "body": "### Author Pages\n\nhttps://aclanthology.org/people/w/wei-li/\n\n"
        "### Author ORCID\n\n-Add ORCID here-\n\n"
        "### Institution of highest (anticipated) degree\n\n-Add insitution here-\n\n"
        "### Your papers (if required, see comment below)\n\n"
        "-Provide Anthology IDs or Anthology URLs here-\n\n"
        "### Type of Author Metadata Correction\n\n"
        "- [x] The author page wrongly conflates different people with the same name.\n"
        "- [ ] This author has multiple pages with different spellings of their name.\n"
        "- [ ] This author has permanently changed their name.\n\n"
        "### Supporting Information\n\nMy page mixes my papers with someone else's.",
    },
}


def summary(issue: dict[str, Any]) -> dict[str, Any]:
    """The parts of the parsed request the expectations speak about."""
    request = parse_issue(issue)
    validate_fix_request(request)
    data = request.to_dict()
    assert data["target"] == {"id": None, "new": False}  # the engine decides
    return {
        "form": data["form"],
        "kinds": data["kinds"],
        "pages": [page["id"] for page in data["pages"]],
        "papers": [paper["value"] for paper in data["papers"]],
        "orcid": data["orcid"],
        "degree": data["degree"],
        "preferred_name": data["preferred_name"],
        "warnings": [notice["code"] for notice in data["warnings"]],
    }


@pytest.mark.parametrize("name", sorted(INLINE_CASES))
def test_inline_copies_of_the_cases(name: str) -> None:
    assert summary(INLINE_CASES[name]) == EXPECTED[name]


def test_inline_copies_match_the_shared_cases() -> None:
    if not CASES.is_dir():
        pytest.skip(f"no shared corpus at {CASES} (it lies beside the repository)")
    for name, issue in INLINE_CASES.items():
        shared = json.loads((CASES / f"{name}.issue.json").read_text("utf-8"))
        assert issue["body"] == shared["body"], name
        assert issue["title"] == shared["title"], name


def _shared_case_names() -> list[str]:
    return sorted(path.name.removesuffix(".issue.json") for path in CASES.glob("*.issue.json"))


@pytest.mark.parametrize("name", _shared_case_names() or ["(none)"])
def test_shared_corpus_case(name: str) -> None:
    if not CASES.is_dir() or name == "(none)":
        pytest.skip(f"no shared corpus at {CASES} (it lies beside the repository)")
    issue = json.loads((CASES / f"{name}.issue.json").read_text("utf-8"))
    if name not in EXPECTED:
        # A case added since: it must at least read as a form, with a page.
        got = summary(issue)
        assert got["form"] != "free-text", name
        assert got["pages"], name
        return
    assert summary(issue) == EXPECTED[name]


def test_bad_checksum_case_mentions_the_id() -> None:
    request = parse_issue(INLINE_CASES["v06-orcid-bad-checksum"])
    assert request.orcid == "0000-0002-1694-2330"
    assert "0000-0002-1694-2330" in request.warnings[0].message
