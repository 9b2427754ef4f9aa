"""Our form: rendered the way GitHub renders it, then parsed back field by field."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.anthology.orcid import checksum_char
from bot.engine.parse import (
    OUR_FORM_PATH,
    load_form,
    parse_issue,
    render_issue_form_body,
    render_issue_title,
)
from bot.engine.parse.markdown import is_empty_answer
from bot.engine.parse.render import FieldValue
from bot.engine.request import (
    FixRequest,
    NameValue,
    Notice,
    PageRef,
    PaperRef,
    Target,
    validate_fix_request,
)

CONFIRM = "The selected papers all belong to one person, and the names on them match the PDFs."


def our_issue(values: dict[str, Any], page: str = "jin-liu/unverified") -> dict[str, Any]:
    return {
        "number": 7,
        "title": render_issue_title(OUR_FORM_PATH, page),
        "body": render_issue_form_body(OUR_FORM_PATH, values),
        "labels": [{"name": "authorbot"}, {"name": "fix-paper-assignments"}],
        "user": {"login": "someone"},
    }


def test_render_matches_githubs_layout_exactly() -> None:
    body = render_issue_form_body(
        OUR_FORM_PATH,
        {
            "author-page": "jin-liu/unverified",
            "papers": "2024.emnlp-main.123\nP19-1001",
            "target": "new",
            "confirm": [CONFIRM],
        },
    )
    assert body == (
        "### Author page\n\njin-liu/unverified\n\n"
        "### Papers\n\n2024.emnlp-main.123\nP19-1001\n\n"
        "### Assign them to\n\nnew\n\n"
        "### ORCID iD\n\n_No response_\n\n"
        "### Institution of highest (anticipated) degree\n\n_No response_\n\n"
        "### Preferred name\n\n_No response_\n\n"
        "### Notes\n\n_No response_\n\n"
        f"### Confirmation\n\n- [X] {CONFIRM}"
    )


def test_render_title() -> None:
    assert render_issue_title(OUR_FORM_PATH, "jin-liu") == "Fix paper assignments: jin-liu"


def test_render_reads_yaml_text_and_mappings_alike() -> None:
    text = OUR_FORM_PATH.read_text("utf-8")
    values: dict[str, FieldValue] = {"author-page": "x-y", "confirm": False}
    assert render_issue_form_body(text, values) == render_issue_form_body(
        load_form(OUR_FORM_PATH), values
    )
    assert render_issue_form_body(text, values).endswith(f"- [ ] {CONFIRM}")


def test_render_other_field_types() -> None:
    form = {
        "body": [
            {"type": "markdown", "attributes": {"value": "hello"}},
            {"type": "dropdown", "id": "d", "attributes": {"label": "Pick", "options": ["a", "b"]}},
            {"type": "textarea", "id": "log", "attributes": {"label": "Log", "render": "shell"}},
        ]
    }
    body = render_issue_form_body(form, {"d": ["a", "b"], "log": "ls\npwd"})
    assert body == "### Pick\n\na, b\n\n### Log\n\n```shell\nls\npwd\n```"


@pytest.mark.parametrize(
    "values",
    [{"no-such-field": "x"}, {"confirm": ["not an option"]}, {"papers": True}],
)
def test_render_refuses_what_the_form_does_not_have(values: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        render_issue_form_body(OUR_FORM_PATH, values)


def test_render_refuses_what_is_not_a_form() -> None:
    with pytest.raises(ValueError):
        load_form("just: text")


def test_round_trip_every_field() -> None:
    values = {
        "author-page": "https://aclanthology.org/people/jin-liu/unverified/",
        "papers": (
            "2024.emnlp-main.123\n"
            "https://aclanthology.org/P19-1001/\n"
            "https://aclanthology.org/2022.wassa-1.20.pdf\n"
            "cheng-etal-2022-semantically\n"
            "A Paper Known Only By Its Title"
        ),
        "target": "jin-liu-4161",
        "orcid": "https://orcid.org/0000-0003-2157-4161",
        "institution": "Karlsruhe Institute of Technology",
        "name": "Jin Liu",
        "notes": "Two of these were\nmerged wrongly in 2023.\n\nThanks!",
        "confirm": [CONFIRM],
    }
    request = parse_issue(our_issue(values))
    validate_fix_request(request)
    assert request == FixRequest(
        form="authorbot",
        kinds=(),
        pages=(
            PageRef("jin-liu/unverified", "https://aclanthology.org/people/jin-liu/unverified/"),
        ),
        papers=(
            PaperRef("anthology-id", "2024.emnlp-main.123", "2024.emnlp-main.123"),
            PaperRef("anthology-id", "P19-1001", "https://aclanthology.org/P19-1001/"),
            PaperRef(
                "anthology-id", "2022.wassa-1.20", "https://aclanthology.org/2022.wassa-1.20.pdf"
            ),
            PaperRef("bibkey", "cheng-etal-2022-semantically", "cheng-etal-2022-semantically"),
            PaperRef("title", "A Paper Known Only By Its Title", "A Paper Known Only By Its Title"),
        ),
        target=Target("jin-liu-4161"),
        orcid="0000-0003-2157-4161",
        orcid_raw="https://orcid.org/0000-0003-2157-4161",
        degree="Karlsruhe Institute of Technology",
        preferred_name=NameValue("Jin", "Liu"),
        notes="Two of these were\nmerged wrongly in 2023.\n\nThanks!",
        warnings=(),
    )


def test_round_trip_new_target_and_empty_optionals() -> None:
    values = {
        "author-page": "jin-liu/unverified",
        "papers": "2024.emnlp-main.123",
        "target": "new",
        "confirm": [CONFIRM],
    }
    request = parse_issue(our_issue(values))
    validate_fix_request(request)
    assert request == FixRequest(
        form="authorbot",
        pages=(PageRef("jin-liu/unverified", "jin-liu/unverified"),),
        papers=(PaperRef("anthology-id", "2024.emnlp-main.123", "2024.emnlp-main.123"),),
        target=Target(new=True),
    )


def test_round_trip_with_crlf() -> None:
    values = {
        "author-page": "jin-liu",
        "papers": "P19-1001\nP19-1002",
        "target": "a new author page",
        "orcid": "0000-0003-2157-4161",
        "institution": "TUM",
        "name": "Liu, Jin",
        "notes": "line 1\nline 2",
        "confirm": [CONFIRM],
    }
    issue = our_issue(values, page="jin-liu")
    issue["body"] = issue["body"].replace("\n", "\r\n")
    request = parse_issue(issue)
    assert request.pages == (PageRef("jin-liu", "jin-liu"),)
    assert [p.value for p in request.papers] == ["P19-1001", "P19-1002"]
    assert request.target == Target(new=True)
    assert (request.orcid, request.degree) == ("0000-0003-2157-4161", "TUM")
    assert request.preferred_name == NameValue("Jin", "Liu")
    assert request.notes == "line 1\nline 2"
    assert request.warnings == ()


def test_our_form_problems_are_warnings() -> None:
    values = {"author-page": "Jin Liu", "papers": "2024.emnlp-main.123"}
    request = parse_issue(our_issue(values, page="Jin Liu"))
    validate_fix_request(request)
    assert request.form == "authorbot"
    assert request.pages == ()
    assert request.target == Target()
    assert [w.code for w in request.warnings] == [
        "page-as-name",
        "target-missing",
        "not-confirmed",
    ]


def test_our_title_page_differs_from_the_field() -> None:
    values = {"author-page": "jin-liu", "papers": "P19-1001", "target": "new", "confirm": True}
    request = parse_issue(our_issue(values, page="jin-liu/unverified"))
    assert [page.id for page in request.pages] == ["jin-liu"]
    assert [w.code for w in request.warnings] == ["title-page-mismatch"]


# --- the round trip on generated values ------------------------------------------------

page_ids = st.from_regex(r"[a-z]{2,8}(-[a-z]{2,8}){1,2}(-[0-9]{3}[0-9x])?", fullmatch=True)
paper_ids = st.from_regex(
    r"20[0-2][0-9]\.[a-z]{2,6}-(main|short|1|2)\.[1-9][0-9]{0,2}", fullmatch=True
)
words = st.from_regex(r"[A-Z][a-z]{1,9}", fullmatch=True)
notes_text = st.text(
    alphabet=st.characters(categories=("Lu", "Ll", "Nd"), include_characters=" .,!?\n\u00e9\u4e2d"),
    max_size=120,
)


@st.composite
def orcids(draw: st.DrawFn) -> str:
    digits = draw(st.from_regex(r"000[09][0-9]{11}", fullmatch=True))
    full = digits + checksum_char(digits)
    return "-".join(full[i : i + 4] for i in range(0, 16, 4))


@settings(max_examples=200, deadline=None)
@given(
    page=page_ids,
    unverified=st.booleans(),
    papers=st.lists(paper_ids, min_size=1, max_size=5, unique=True),
    target=st.one_of(st.just("new"), page_ids),
    orcid=st.one_of(st.none(), orcids()),
    institution=st.one_of(st.none(), st.lists(words, min_size=1, max_size=4)),
    name=st.one_of(st.none(), st.tuples(words, words)),
    notes=notes_text,
    confirmed=st.booleans(),
)
def test_round_trip_generated(
    page: str,
    unverified: bool,
    papers: list[str],
    target: str,
    orcid: str | None,
    institution: list[str] | None,
    name: tuple[str, str] | None,
    notes: str,
    confirmed: bool,
) -> None:
    page_id = f"{page}/unverified" if unverified else page
    degree = " ".join(institution) if institution else None
    notes = notes.strip()
    assume(not is_empty_answer(notes) or not notes)
    values: dict[str, FieldValue] = {
        "author-page": f"https://aclanthology.org/people/{page_id}/",
        "papers": "\n".join(papers),
        "target": target,
        "orcid": orcid,
        "institution": degree,
        "name": " ".join(name) if name else None,
        "notes": notes,
        "confirm": confirmed,
    }
    request = parse_issue(our_issue(values, page=page_id))
    validate_fix_request(request)
    assert request == FixRequest(
        form="authorbot",
        pages=(PageRef(page_id, f"https://aclanthology.org/people/{page_id}/"),),
        papers=tuple(PaperRef("anthology-id", paper, paper) for paper in papers),
        target=Target(new=True) if target == "new" else Target(target),
        orcid=orcid,
        orcid_raw=orcid,
        degree=degree,
        preferred_name=NameValue(*name) if name else None,
        notes=notes,
        warnings=() if confirmed else (Notice("not-confirmed", request.warnings[-1].message),),
    )
