"""Requests the engine must send back, each with a stable code and a message that
names what is wrong; nothing is written."""

from __future__ import annotations

import pytest

from bot.anthology.index import DataIndex
from bot.engine.api import plan_issue
from bot.engine.plan import set_person_id
from tests.issues import anthology_issue, our_issue


def codes(plan) -> list[str]:
    return [p.code for p in plan.problems]


def messages(plan) -> str:
    return " ".join(p.message for p in plan.problems)


def test_bad_checksum_names_the_orcid(era_index: DataIndex):
    plan = plan_issue(
        era_index,
        anthology_issue(
            ["valentin-barriere/unverified"], {"verify"}, "0000-0002-4345-7947", "Télécom Paris"
        ),
    )
    assert plan.status == "needs-info"
    assert "orcid-checksum" in codes(plan)
    assert "0000-0002-4345-7947" in messages(plan)
    assert plan.files == {}


def test_unknown_paper_is_named(era_index: DataIndex):
    plan = plan_issue(
        era_index,
        our_issue(
            "yang-liu/unverified",
            ["2024.ccl-1.3", "2024.ccl-9.1"],
            "new",
            "0000-0002-1234-5677",
            "X",
        ),
    )
    assert codes(plan) == ["unknown-paper"]
    assert "2024.ccl-9.1" in messages(plan)


def test_orcid_of_another_person_names_that_person(era_index: DataIndex):
    plan = plan_issue(
        era_index,
        anthology_issue(
            ["valentin-barriere/unverified"], {"verify"}, "0000-0003-4924-3743", "Télécom Paris"
        ),
    )
    assert plan.status == "rejected"
    assert codes(plan) == ["orcid-owned"]
    assert "yue-chen" in messages(plan)


def test_person_not_on_paper_lists_the_names_that_are(era_index: DataIndex):
    plan = plan_issue(
        era_index,
        our_issue("yang-liu/unverified", ["2022.wassa-1.1"], "new", "0000-0002-1234-5677", "X"),
    )
    assert codes(plan) == ["person-not-on-paper"]
    assert "Anna Khlyzova" in messages(plan) and "Roman Klinger (roman-klinger)" in messages(plan)


def test_person_twice_on_a_paper_is_asked(era_index: DataIndex):
    pages = {
        era_index.resolve(o)
        for o in era_index.on_item["2025.finnlp-2.18"]
        if o.name.slug == "weijie-yang"
    }
    (page,) = pages
    plan = plan_issue(
        era_index, our_issue(page, ["2025.finnlp-2.18"], "new", "0000-0002-1234-5677", "X")
    )
    assert codes(plan) == ["person-twice-on-paper"]


def test_new_person_needs_orcid_and_institution(era_index: DataIndex):
    plan = plan_issue(era_index, our_issue("yang-liu/unverified", ["2024.ccl-1.3"], "new"))
    assert codes(plan) == ["orcid-missing", "degree-missing"]
    assert plan.status == "needs-info"


def test_unknown_target_and_unknown_page(era_index: DataIndex):
    plan = plan_issue(
        era_index, our_issue("nobody-here/unverified", ["2024.ccl-1.3"], "no-such-person")
    )
    assert set(codes(plan)) == {"unknown-page", "unknown-target"}


def test_old_form_with_placeholders_needs_info(era_index: DataIndex):
    issue = {
        "number": 9,
        "title": "Author Page: {replace with author name}",
        "body": "### Author Pages\r\n\r\nhttps://aclanthology.org/people/w/wei-li/\r\n\r\n### Author ORCID\r\n\r\n"
        "-Add ORCID here-\r\n\r\n### Institution of highest (anticipated) degree\r\n\r\n-Add insitution here-\r\n\r\n"
        "### Your papers (if required, see comment below)\r\n\r\n-Provide Anthology IDs or Anthology URLs here-\r\n\r\n"
        "### Type of Author Metadata Correction\r\n\r\n- [x] The author page wrongly conflates different people "
        "with the same name.\r\n- [ ] This author has multiple pages with different spellings of their name.\r\n",
        "labels": [{"name": "correction"}],
        "user": {"login": "x"},
    }
    plan = plan_issue(era_index, issue)
    assert plan.status == "needs-info"
    assert "papers-missing" in codes(plan)


def test_title_matching_one_paper_is_accepted_and_said(era_index: DataIndex):
    title = era_index.title(era_index.items["2024.ccl-1.3"])
    plan = plan_issue(
        era_index,
        our_issue(
            "yang-liu/unverified", [title], "new", "0000-0002-1234-5677", "Tsinghua University"
        ),
    )
    assert plan.status == "ready", plan.problems
    assert [n.code for n in plan.notes] == ["paper-by-title"]
    assert [m.occurrence.item for m in plan.moves] == ["2024.ccl-1.3"]


def test_bibkey_is_looked_up(era_index: DataIndex):
    bibkey = era_index.items["2024.ccl-1.3"].bibkey
    plan = plan_issue(
        era_index,
        our_issue(
            "yang-liu/unverified", [bibkey], "new", "0000-0002-1234-5677", "Tsinghua University"
        ),
    )
    assert plan.status == "ready", plan.problems
    assert [n.code for n in plan.notes] == ["paper-by-bibkey"]


def test_moving_to_the_person_already_there_is_nothing_to_do(era_index: DataIndex):
    plan = plan_issue(era_index, our_issue("yue-chen", ["2022.wassa-1.21"], "yue-chen"))
    assert plan.status in ("rejected", "needs-info")
    assert plan.files == {}


@pytest.mark.parametrize(
    ("line", "pid", "expected"),
    [
        (
            "      <author><first>A</first><last>B</last></author>",
            "a-b",
            '      <author id="a-b"><first>A</first><last>B</last></author>',
        ),
        (
            '      <author id="x" orcid="0000-0002-1234-5677"><first>A</first><last>B</last></author>',
            "a-b",
            '      <author id="a-b" orcid="0000-0002-1234-5677"><first>A</first><last>B</last></author>',
        ),
        (
            '      <author orcid="0000-0002-1234-5677" id="x"><first>A</first><last>B</last></author>',
            "a-b",
            '      <author orcid="0000-0002-1234-5677" id="a-b"><first>A</first><last>B</last></author>',
        ),
        (
            '      <editor id="x" orcid="0000-0002-1234-5677"><first>A</first><last>B</last></editor>',
            None,
            "      <editor><first>A</first><last>B</last></editor>",
        ),
    ],
)
def test_set_person_id_changes_only_the_attribute(line, pid, expected):
    assert set_person_id(line, pid) == expected
