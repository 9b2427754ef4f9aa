"""Property tests of the planner on the sample data of each era: requests built from real page
IDs, paper IDs and ORCID iDs (valid, mistyped, someone else's) with random kinds,
forms and targets, planned directly and through issues. Whatever they ask, the
planner never raises, every refusal has a stable code and a message, a ready plan
moves nothing it was not asked to, and the plan fits its schema."""

from __future__ import annotations

import re
from functools import cache
from pathlib import PurePosixPath
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot import schemas
from bot.anthology.index import DataIndex
from bot.anthology.orcid import checksum_char
from bot.anthology.peoplestore import read_people_file
from bot.engine.api import plan_issue
from bot.engine.plan import Plan, plan_request
from bot.engine.request import (
    KINDS,
    FixRequest,
    NameValue,
    PageRef,
    PaperRef,
    Target,
    validate_fix_request,
)
from tests.conftest import ERAS, SAMPLE_ROOTS
from tests.issues import anthology_issue, our_issue

CODE = re.compile(r"[a-z][a-z0-9-]*")
FORMS = ("authorbot", "anthology-2026", "anthology-2024", "free-text")
SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@cache
def sample(era: str = "yaml") -> DataIndex:
    """The era's sample data, loaded once for this module (read-only). Both eras
    hold the same archive, so the strategies draw their IDs from one of them."""
    return DataIndex.load(SAMPLE_ROOTS[era])


@cache
def values() -> dict[str, list[str]]:
    """Real IDs of the sample data to build requests from (computed once)."""
    index = sample()
    pages = sorted({index.resolve(o) for o in index.occurrences()} | set(index.people))
    return {
        "pages": pages,
        "items": sorted(index.items),
        "orcids": sorted(index.by_orcid),
        "people": sorted(index.people),
        "bibkeys": sorted(i.bibkey for i in index.items.values() if i.bibkey),
    }


@st.composite
def orcids(draw: st.DrawFn) -> str:
    """An ORCID iD: someone's in the data, a fresh valid one, or a mistyped one."""
    choice = draw(st.sampled_from(["owned", "fresh", "mistyped"]))
    if choice == "owned":
        return draw(st.sampled_from(values()["orcids"]))
    digits = f"{draw(st.integers(0, 10**15 - 1)):015d}"
    check = checksum_char(digits)
    if choice == "mistyped":
        check = draw(st.sampled_from([c for c in "0123456789X" if c != check]))
    whole = digits + check
    return "-".join(whole[i : i + 4] for i in range(0, 16, 4))


@st.composite
def papers_for(draw: st.DrawFn, pages: list[str]) -> list[PaperRef]:
    """Papers: mostly from the pages named (so plans can be ready), some anywhere,
    some by bibkey, title, or a link that cannot be used."""
    index = sample()
    out: list[PaperRef] = []
    for _ in range(draw(st.integers(0, 4))):
        how = draw(st.sampled_from(["page", "page", "any", "bibkey", "title", "link", "unknown"]))
        on_page = [o.item for p in pages[:1] for o in index.page_occurrences(p)]
        if how == "page" and on_page:
            out.append(PaperRef("anthology-id", draw(st.sampled_from(on_page)), "x"))
        elif how == "bibkey":
            out.append(PaperRef("bibkey", draw(st.sampled_from(values()["bibkeys"])), "x"))
        elif how == "title":
            out.append(PaperRef("title", draw(st.text(min_size=1, max_size=30)), "x"))
        elif how == "link":
            out.append(PaperRef("unusable-link", "https://arxiv.org/abs/1", "x"))
        elif how == "unknown":
            out.append(PaperRef("anthology-id", "2024.ccl-9.99", "x"))
        else:
            out.append(PaperRef("anthology-id", draw(st.sampled_from(values()["items"])), "x"))
    return out


names = st.one_of(
    st.none(),
    st.builds(
        NameValue,
        st.one_of(st.none(), st.text(min_size=1, max_size=15)),
        st.text(min_size=1, max_size=15),
    ),
)
degrees = st.one_of(st.none(), st.text(min_size=1, max_size=40))


@st.composite
def requests(draw: st.DrawFn) -> tuple[FixRequest, str | None]:
    """A request made of real and made-up values, and a new ID (or None)."""
    real = values()
    page_ids = draw(st.lists(st.sampled_from(real["pages"]), max_size=3, unique=True))
    if draw(st.integers(0, 9)) == 0:
        page_ids.append("nobody-here/unverified")
    target = draw(
        st.one_of(
            st.just(Target()),
            st.just(Target(new=True)),
            st.builds(Target, st.sampled_from(real["people"])),
            st.just(Target("nobody-here")),
            st.just(Target("wished-id", new=True)),
        )
    )
    request = FixRequest(
        form=draw(st.sampled_from(FORMS)),
        kinds=tuple(k for k in KINDS if draw(st.booleans())),
        pages=tuple(PageRef(p, p) for p in page_ids),
        papers=tuple(draw(papers_for(page_ids))),
        target=target,
        orcid=draw(st.one_of(st.none(), orcids())),
        degree=draw(degrees),
        preferred_name=draw(names),
    )
    new_id = draw(st.sampled_from([None, None, None, "fresh-person-id", "null", "../x", "Bad"]))
    return request, new_id


@st.composite
def coherent_requests(draw: st.DrawFn) -> tuple[FixRequest, str | None]:
    """A request that can be done (one real page, papers on it, a fresh valid iD,
    an institution), with at most one thing changed at random."""
    index, real = sample(), values()
    unverified = [p for p in real["pages"] if p.endswith("/unverified")]
    page = draw(st.sampled_from(unverified) | st.sampled_from(real["people"]))
    on_page = sorted({o.item for o in index.page_occurrences(page)}) or real["items"]
    papers = draw(st.lists(st.sampled_from(on_page), min_size=1, max_size=4, unique=True))
    digits = f"{draw(st.integers(0, 10**15 - 1)):015d}"
    whole = digits + checksum_char(digits)
    request = FixRequest(
        form=draw(st.sampled_from(FORMS)),
        kinds=draw(st.sampled_from([(), ("verify",), ("split",), ("verify", "split")])),
        pages=(PageRef(page, page),),
        papers=tuple(PaperRef("anthology-id", p, p) for p in papers),
        target=draw(
            st.sampled_from([Target(new=True), Target()])
            | st.builds(Target, st.sampled_from(real["people"]))
        ),
        orcid="-".join(whole[i : i + 4] for i in range(0, 16, 4)),
        degree=draw(st.sampled_from(["Uni", "Uni: #1 {x} & <y>", "- 'q' \"dq\"", "!!str"])),
        preferred_name=draw(names),
    )
    return request, draw(st.sampled_from([None, None, "fresh-person-id", "yes"]))


def check_plan(plan: Plan) -> dict[str, Any]:
    """What every plan must satisfy; returns its JSON."""
    out = plan.to_json()
    event(out["status"])
    schemas.validate(out, "plan")
    for notice in [*plan.problems, *plan.warnings, *plan.notes]:
        assert CODE.fullmatch(notice.code), notice
        assert notice.message.strip(), notice
    assert (out["status"] == "ready") == (not out["problems"])
    if out["status"] != "ready":
        assert out["files"] == [] and out["diff"] == ""
        return out
    assert out["check"]["other_occurrences_changed"] == 0
    assert out["files"], out
    target = out["target"]["id"]
    assert all(move["to"] == target for move in out["moves"])
    for path in out["files"]:
        parts = PurePosixPath(path).parts
        assert parts[0] == "data" and ".." not in parts, path
    assert plan.people_file is not None
    people = plan.files.get(plan.people_file.path)
    if people is not None:
        after = read_people_file(people.path, people.new)
        for pid, entry in plan.people_changes.items():
            assert after.entries.get(pid) == entry, pid
    return out


@pytest.mark.parametrize("era", ERAS)
@SETTINGS
@given(data=st.data())
def test_any_request_gets_a_plan_that_keeps_the_one_rule(era: str, data: st.DataObject) -> None:
    sample_index = sample(era)
    request, new_id = data.draw(requests() | coherent_requests())
    validate_fix_request(request)
    check_plan(plan_request(sample_index, request, new_id=new_id))


@pytest.mark.parametrize("era", ERAS)
@SETTINGS
@given(data=st.data())
def test_any_issue_gets_a_plan_that_keeps_the_one_rule(era: str, data: st.DataObject) -> None:
    sample_index = sample(era)
    real = values()
    pages = data.draw(st.lists(st.sampled_from(real["pages"]), min_size=1, max_size=3))
    page_papers = [o.item for o in sample_index.page_occurrences(pages[0])]
    papers = data.draw(
        st.lists(st.sampled_from(page_papers or real["items"]), max_size=3)
        | st.lists(st.sampled_from(real["items"]), max_size=2)
    )
    orcid = data.draw(st.one_of(st.just(""), orcids()))
    institution = data.draw(st.sampled_from(["", "Uni: #1 {x} & <y>", "- 'q'", "\u202eRTL"]))
    name = data.draw(st.sampled_from(["", "Jin Liu", "Liu, Jin", "WANG Mingwen", "O'Brien: #1"]))
    if data.draw(st.booleans()):
        target = data.draw(
            st.sampled_from(["new", "new: fresh-person-id", "../x", *real["people"]])
        )
        issue = our_issue(pages[0], papers, target, orcid, institution, name)
    else:
        kinds = data.draw(st.sets(st.sampled_from(KINDS)))
        info = " ".join(f"https://aclanthology.org/{p}/" for p in papers)
        issue = anthology_issue(pages, set(kinds), orcid, institution, info, name)
    new_id = data.draw(st.sampled_from([None, None, "fresh-person-id", "yes", "/tmp/x"]))
    check_plan(plan_issue(sample_index, issue, new_id=new_id))
