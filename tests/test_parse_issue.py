"""parse_issue on whole issues: the Anthology's forms as people fill them, free text,
and inputs that are not issues at all."""

from __future__ import annotations

import time
from typing import Any

import pytest

from bot.engine.parse import parse_issue
from bot.engine.request import (
    FixRequest,
    NameValue,
    PageRef,
    Target,
    validate_fix_request,
)

BOXES_2026 = (
    "- [{}] Verification: The author wishes to add an ORCID iD to their author page.\n"
    "- [{}] Split/disambiguate: The author page includes papers from two or more "
    "different people.\n"
    "- [{}] Merge profiles: A single author has multiple profiles with different "
    "spellings or variants of their name.\n"
    "- [{}] Name change: This author has permanently changed their name."
)


def form_2026(
    pages: str = "_No response_",
    orcid: str = "_No response_",
    degree: str = "_No response_",
    ticks: str = "    ",
    support: str = "_No response_",
    name: str = "_No response_",
    openreview: str = "_No response_",
    pages_heading: str = "Author Pages in the Anthology",
) -> str:
    """A body of the Anthology's 2026 form as GitHub renders it."""
    return (
        "### Confirming that Author is Published in the Anthology\n\n"
        "- [X] I confirm that this concerns an author who already has at least one "
        "publication in the Anthology.\n\n"
        "### Confirming that Paper Metadata is Correct\n\n"
        "- [X] I confirm that all affected papers show the exact same names on the "
        "website as on the PDF.\n\n"
        f"### {pages_heading}\n\n{pages}\n\n"
        f"### Author ORCID\n\n{orcid}\n\n"
        f"### Institution of highest (anticipated) degree\n\n{degree}\n\n"
        f"### Type of Author Metadata Correction\n\n{BOXES_2026.format(*ticks)}\n\n"
        f"### Supporting Information\n\n{support}\n\n"
        f"### Preferred author name\n\n{name}\n\n"
        f"### OpenReview profile page URL\n\n{openreview}"
    )


def issue(body: Any, title: Any = "Author Page: someone", **extra: Any) -> dict[str, Any]:
    return {
        "number": 1,
        "title": title,
        "body": body,
        "labels": [{"name": "correction"}, {"name": "author-page"}],
        "user": {"login": "someone"},
        **extra,
    }


def parsed(body: Any, title: Any = "Author Page: someone", **extra: Any) -> FixRequest:
    request = parse_issue(issue(body, title, **extra))
    validate_fix_request(request)
    return request


def codes(request: FixRequest) -> list[str]:
    return [notice.code for notice in request.warnings]


# --- the 2026 form --------------------------------------------------------------------


def test_2026_verification_request_reads_every_field() -> None:
    body = form_2026(
        pages="https://aclanthology.org/people/jin-liu/unverified/",
        orcid="https://orcid.org/0000-0002-4345-7946",
        degree="Karlsruhe Institute of Technology",
        ticks="X   ",
        support="verification",
        name="Jin Liu",
        openreview="https://openreview.net/profile?id=~Jin_Liu1",
    )
    request = parsed(body, "Author Page: jin-liu/unverified")
    assert request == FixRequest(
        form="anthology-2026",
        kinds=("verify",),
        pages=(
            PageRef("jin-liu/unverified", "https://aclanthology.org/people/jin-liu/unverified/"),
        ),
        papers=(),
        target=Target(),
        orcid="0000-0002-4345-7946",
        orcid_raw="https://orcid.org/0000-0002-4345-7946",
        degree="Karlsruhe Institute of Technology",
        preferred_name=NameValue("Jin", "Liu"),
        notes=(
            "verification\n\n"
            "OpenReview profile page URL: https://openreview.net/profile?id=~Jin_Liu1"
        ),
        warnings=(),
    )


def test_2026_papers_in_supporting_information_prose() -> None:
    body = form_2026(
        pages="https://aclanthology.org/people/min-zhang/unverified/",
        ticks="XX  ",
        support=(
            "Mine: https://aclanthology.org/2024.ccl-3.15/ and "
            "https://aclanthology.org/2024.ccl-3.41/. The others are by different people."
        ),
    )
    request = parsed(body, "Author Page: min-zhang/unverified")
    assert request.kinds == ("verify", "split")
    assert [(p.kind, p.value) for p in request.papers] == [
        ("anthology-id", "2024.ccl-3.15"),
        ("anthology-id", "2024.ccl-3.41"),
    ]


def test_2026_paper_urls_in_the_pages_field() -> None:
    body = form_2026(
        pages="https://aclanthology.org/2024.ccl-3.15/\nhttps://aclanthology.org/2024.ccl-3.41/",
        orcid="0000-0002-3019-5174",
        ticks="X   ",
    )
    request = parsed(body, "Author Page: min-zhang/unverified")
    assert [p.value for p in request.papers] == ["2024.ccl-3.15", "2024.ccl-3.41"]
    assert request.pages == (PageRef("min-zhang/unverified", "min-zhang/unverified"),)
    assert codes(request) == ["paper-in-pages", "page-from-title"]


def test_2026_title_unverified_but_url_verified() -> None:
    body = form_2026(
        pages="https://aclanthology.org/people/jin-liu/",
        orcid="0000-0002-4345-7946",
        ticks="X   ",
    )
    request = parsed(body, "Author Page: jin-liu/unverified")
    assert [page.id for page in request.pages] == ["jin-liu"]
    assert codes(request) == ["title-page-mismatch"]


def test_2026_crlf_and_stray_whitespace() -> None:
    body = form_2026(
        pages="  https://aclanthology.org/people/jin-liu/  ",
        orcid=" 0000-0002-4345-7946 ",
        degree="Nanjing  University  ",
        ticks=" X  ",
        support="Only https://aclanthology.org/2024.ccl-1.75/ is mine.",
        pages_heading="Author Pages",
    ).replace("\n", "\r\n")
    request = parsed(body, "Author Page: jin-liu")
    assert request.form == "anthology-2026"
    assert request.pages == (PageRef("jin-liu", "https://aclanthology.org/people/jin-liu/"),)
    assert request.orcid == "0000-0002-4345-7946"
    assert request.degree == "Nanjing University"
    assert request.kinds == ("split",)
    assert [p.value for p in request.papers] == ["2024.ccl-1.75"]
    assert request.warnings == ()


def test_2026_absent_optional_sections() -> None:
    body = (
        "### Author Pages\n\nhttps://aclanthology.org/people/jin-liu/\n\n"
        "### Author ORCID\n\n0000-0002-4345-7946\n\n"
        "### Type of Author Metadata Correction\n\n" + BOXES_2026.format("X", " ", " ", " ")
    )
    request = parsed(body, "Author Page: jin-liu")
    assert request.form == "anthology-2026"
    assert (request.degree, request.preferred_name, request.notes) == (None, None, "")
    assert request.kinds == ("verify",)
    assert request.warnings == ()


def test_2026_orcid_in_the_title_when_the_field_is_empty() -> None:
    body = form_2026(pages="https://aclanthology.org/people/jin-liu/", ticks="X   ")
    request = parsed(body, "Author Page: jin-liu (ORCID 0000-0002-4345-7946)")
    assert request.orcid == "0000-0002-4345-7946"
    assert codes(request) == ["orcid-from-text"]


def test_2026_orcid_in_supporting_information() -> None:
    body = form_2026(
        pages="https://aclanthology.org/people/jin-liu/",
        ticks="X   ",
        support="My ORCID is https://orcid.org/0000-0002-4345-7946 .",
    )
    request = parsed(body, "Author Page: jin-liu")
    assert request.orcid == "0000-0002-4345-7946"
    assert request.orcid_raw == "0000-0002-4345-7946"
    assert codes(request) == ["orcid-from-text"]


def test_2026_two_orcids() -> None:
    body = form_2026(
        pages="https://aclanthology.org/people/jin-liu/",
        orcid="0000-0002-4345-7946, 0000-0002-3019-5174",
        ticks=" X  ",
    )
    request = parsed(body, "Author Page: jin-liu")
    assert request.orcid is None
    assert request.orcid_raw == "0000-0002-4345-7946, 0000-0002-3019-5174"
    assert codes(request) == ["orcid-several"]


def test_2026_no_box_and_all_boxes() -> None:
    base = {"pages": "https://aclanthology.org/people/jin-liu/", "orcid": "0000-0002-4345-7946"}
    none = parsed(form_2026(ticks="    ", **base), "Author Page: jin-liu")
    assert (none.kinds, codes(none)) == ((), ["kinds-none"])
    every = parsed(form_2026(ticks="XXXX", **base), "Author Page: jin-liu")
    assert every.kinds == ("verify", "split", "merge", "name-change")
    assert codes(every) == ["kinds-all"]


def test_2026_struck_lines_and_markdown_values() -> None:
    body = form_2026(
        pages="- <https://aclanthology.org/people/jin-liu/>",
        orcid="[0000-0002-4345-7946](https://orcid.org/0000-0002-4345-7946)",
        degree="**Ph.D candidate, Tsinghua University**",
        ticks="XX  ",
        support=(
            "These are mine:\n"
            "1. ~~https://aclanthology.org/2024.ccl-3.15/~~ (already done)\n"
            "2. `https://aclanthology.org/2024.ccl-3.41.pdf`\n"
            "3. https://aclanthology.org/2024.ccl-3.41/#"
        ),
        name="Wang, MingWen",
    )
    request = parsed(body, "Author Page: jin-liu")
    assert request.pages == (PageRef("jin-liu", "https://aclanthology.org/people/jin-liu/"),)
    assert request.orcid == "0000-0002-4345-7946"
    assert request.degree == "Tsinghua University"
    assert [p.value for p in request.papers] == ["2024.ccl-3.41"]
    assert request.preferred_name == NameValue("MingWen", "Wang")


def test_unconfirmed_box_is_a_warning() -> None:
    body = form_2026(
        pages="https://aclanthology.org/people/jin-liu/",
        orcid="0000-0002-4345-7946",
        ticks="X   ",
    ).replace("- [X] I confirm that all", "- [ ] I confirm that all")
    assert codes(parsed(body, "Author Page: jin-liu")) == ["not-confirmed"]


def test_merge_page_in_prose_when_the_field_has_none() -> None:
    body = form_2026(
        pages="_No response_",
        ticks="  X ",
        support="https://aclanthology.org/people/kehai-chen/ and "
        "https://aclanthology.org/people/chen-kehai/unverified/ are me",
    )
    request = parsed(body, "Author Page: {replace with author name}")
    assert [page.id for page in request.pages] == ["kehai-chen", "chen-kehai/unverified"]
    assert codes(request) == ["page-from-text"]


# --- the 2024-2025 form ----------------------------------------------------------------

FORM_2024 = (
    "### Author Pages\n\n{pages}\n\n"
    "### Author ORCID\n\n{orcid}\n\n"
    "### Institution of highest (anticipated) degree\n\n{degree}\n\n"
    "### Your papers (if required, see comment below)\n\n{papers}\n\n"
    "### Type of Author Metadata Correction\n\n"
    "- [{t0}] The author page wrongly conflates different people with the same name.\n"
    "- [{t1}] This author has multiple pages with different spellings of their name.\n"
    "- [{t2}] This author has permanently changed their name.\n\n"
    "### Supporting Information\n\n{support}"
)


def test_2024_form_with_its_papers_filled_in() -> None:
    body = FORM_2024.format(
        pages="https://aclanthology.org/people/w/wei-li/",
        orcid="https://orcid.org/my-orcid?orcid=0000-0002-4776-5911",
        degree="Peking University (https://www.pku.edu.cn/)",
        papers=(
            "2024.ccl-3.22\n"
            "https://aclanthology.org/N19-2007.pdf\n"
            "cheng-etal-2022-semantically\n"
            "Semantically Consistent Data Augmentation\n"
            "https://scholar.google.com/citations?user=abc"
        ),
        t0="x",
        t1=" ",
        t2=" ",
        support="See https://aclanthology.org/2024.ccl-3.23/ too.",
    )
    request = parsed(body, "Author Page: wei-li")
    assert request.form == "anthology-2024"
    assert request.kinds == ("split",)
    assert request.pages == (PageRef("wei-li", "https://aclanthology.org/people/w/wei-li/"),)
    assert request.orcid == "0000-0002-4776-5911"
    assert request.degree == "Peking University"
    assert [(p.kind, p.value) for p in request.papers] == [
        ("anthology-id", "2024.ccl-3.22"),
        ("anthology-id", "N19-2007"),
        ("bibkey", "cheng-etal-2022-semantically"),
        ("title", "Semantically Consistent Data Augmentation"),
        ("unusable-link", "https://scholar.google.com/citations?user=abc"),
        ("anthology-id", "2024.ccl-3.23"),
    ]
    assert request.warnings == ()


def test_2024_form_placeholders_left_in() -> None:
    body = FORM_2024.format(
        pages="https://aclanthology.org/people/w/wei-li/",
        orcid="-Add ORCID here-",
        degree="-Add insitution here-",
        papers="-Provide Anthology IDs or Anthology URLs here-",
        t0=" ",
        t1="x",
        t2=" ",
        support="My page mixes my papers with someone else's.",
    )
    request = parsed(body, "Author Page: {replace with author name}")
    assert request.form == "anthology-2024"
    assert (request.orcid, request.degree, request.papers) == (None, None, ())
    assert request.orcid_raw == "-Add ORCID here-"
    assert request.kinds == ("merge",)
    assert codes(request) == ["placeholder", "placeholder", "placeholder"]
    assert request.notes == "My page mixes my papers with someone else's."


# --- free text ---------------------------------------------------------------------------


def test_free_text_extracts_links_ids_and_orcid() -> None:
    body = (
        "Hello, my author page https://aclanthology.org/people/jin-liu/unverified/ has papers "
        "that are not mine. Mine are 2024.ccl-3.15 and https://aclanthology.org/P19-1001.pdf.\n"
        "My ORCID: 0000-0002-4345-7946. I studied at TUM."
    )
    request = parsed(body, "Please fix my page")
    assert request.form == "free-text"
    assert request.pages == (
        PageRef("jin-liu/unverified", "https://aclanthology.org/people/jin-liu/unverified/"),
    )
    assert [p.value for p in request.papers] == ["2024.ccl-3.15", "P19-1001"]
    assert request.orcid == "0000-0002-4345-7946"
    assert request.degree is None
    assert request.kinds == ()
    assert request.notes == body
    assert codes(request) == ["form-unrecognised"]


def test_free_text_uses_the_title_page() -> None:
    request = parsed("Please merge my pages, thanks.", "Author Page: jin-liu/unverified")
    assert [page.id for page in request.pages] == ["jin-liu/unverified"]
    assert codes(request) == ["form-unrecognised", "page-from-title"]


# --- inputs that are not issues --------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [None, "", "   \n  ", 42, ["a"], {"a": 1}, b"\xff\xfe binary \x00 junk", "\x00\x01\x02"],
)
def test_odd_bodies_never_raise(body: Any) -> None:
    request = parsed(body)
    assert request.form == "free-text"
    assert request.papers == ()


def test_body_none_says_empty() -> None:
    assert codes(parsed(None)) == ["body-empty"]
    assert codes(parsed(42)) == ["body-not-text", "body-empty"]


def test_bytes_body_is_decoded() -> None:
    request = parsed(b"See 2024.ccl-3.15 please", "x")
    assert [p.value for p in request.papers] == ["2024.ccl-3.15"]


@pytest.mark.parametrize("value", [None, 42, "a string", [], {"title": 3, "labels": "x"}])
def test_odd_issues_never_raise(value: Any) -> None:
    request = parse_issue(value)
    validate_fix_request(request)
    assert request.form == "free-text"


def test_odd_labels_and_title() -> None:
    request = parse_issue({"title": None, "body": "2024.ccl-3.15", "labels": [None, 3, "x"]})
    validate_fix_request(request)
    assert [p.value for p in request.papers] == ["2024.ccl-3.15"]


def _timed(body: str) -> float:
    """CPU seconds to read and check the body (other jobs do not stretch it)."""
    start = time.process_time()
    validate_fix_request(parse_issue(issue(body)))
    return time.process_time() - start


@pytest.mark.parametrize(
    "body",
    [
        "word " * 200_000,
        "https://aclanthology.org/2024.ccl-3.15/ " * 25_000,
        "~a " * 300_000,
        "*" * 1_000_000,
        "<!--" * 250_000,
        "-".join(["a"] * 500_000),
        "### Author ORCID\n\n" + "0000-" * 200_000,
        form_2026(support="x ~y " * 150_000, degree=", PhD in x" * 50_000),
        "### Papers\n\n" + "Title line\n" * 100_000,
    ],
    ids=[
        "words",
        "urls",
        "tildes",
        "asterisks",
        "comments",
        "hyphens",
        "orcid-ish",
        "form",
        "titles",
    ],
)
def test_a_megabyte_body_is_read_in_reasonable_time(body: str) -> None:
    assert _timed(body) < 10.0


def test_merge_adds_the_page_in_the_prose() -> None:
    body = form_2026(
        pages="https://aclanthology.org/people/matt-post/",
        orcid="0000-0002-1297-6794",
        ticks="  X ",
        support="Please merge https://aclanthology.org/people/matthew-post/unverified/ "
        "into https://aclanthology.org/people/matt-post/.",
    )
    request = parsed(body, "Author Page: matt-post")
    assert [page.id for page in request.pages] == ["matt-post", "matthew-post/unverified"]
    assert codes(request) == ["page-from-text"]


def test_verification_ignores_other_pages_in_the_prose() -> None:
    body = form_2026(
        pages="https://aclanthology.org/people/jin-liu/unverified/",
        orcid="0000-0002-4345-7946",
        ticks="X   ",
        support="I am not the Jin Liu of https://aclanthology.org/people/jin-liu-4161/ .",
    )
    request = parsed(body, "Author Page: jin-liu/unverified")
    assert [page.id for page in request.pages] == ["jin-liu/unverified"]
    assert request.warnings == ()


def test_openreview_link_is_kept_in_the_notes_not_read_as_a_paper() -> None:
    body = form_2026(
        pages="https://aclanthology.org/people/jin-liu/",
        orcid="0000-0002-4345-7946",
        ticks="X   ",
        openreview="https://openreview.net/forum?id=abc",
    )
    request = parsed(body, "Author Page: jin-liu")
    assert request.papers == ()
    assert request.notes == "OpenReview profile page URL: https://openreview.net/forum?id=abc"


def test_2024_form_with_script_sections() -> None:
    body = (
        "### Author Pages\n\nhttps://aclanthology.org/people/m/matt-post/\n\n"
        "### Author ORCID\n\nhttps://orcid.org/my-orcid?orcid=0000-0002-1297-6794\n\n"
        "### Institution of highest (anticipated) degree\n\n"
        "Johns Hopkins University (https://www.jhu.edu/)\n\n"
        "### Author Name (only if published in another script)\n\n"
        " -add author name here if needed-\n\n"
        "### Is the authors name read right to left? (only if published in another script)"
        "\n\n- [ ] Script is read right-to-left.\n\n"
        "### Type of Author Metadata Correction\n\n"
        "- [ ] The author page includes papers from two or more different people.\n"
        "- [X] A single author has multiple pages with different spellings or variants of "
        "their name.\n"
        "- [ ] This author has permanently changed their name.\n\n"
        "### Supporting Information\n\nBoth are me."
    )
    request = parsed(body, "Author Page: Matt Post")
    assert request.form == "anthology-2024"
    assert request.kinds == ("merge",)
    assert [page.id for page in request.pages] == ["matt-post"]
    assert (request.orcid, request.degree) == ("0000-0002-1297-6794", "Johns Hopkins University")
    assert request.notes == "Both are me."
    assert request.warnings == ()
