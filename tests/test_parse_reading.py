"""What the parser reads from prose beyond the fields (issue #8): the stance of each
paper (mine, someone else's, unsure), the page to keep, a new name or a degree given
only in the text, titles in prose lists, and the form of January-February 2026."""

from __future__ import annotations

import time

import pytest

from bot.engine.parse import parse_issue
from bot.engine.parse.degree import find_degree, read_degree
from bot.engine.parse.keep import read_keep
from bot.engine.parse.preferred_name import find_new_name, find_preferred_name
from bot.engine.parse.stance import read_prose
from bot.engine.request import NameValue, PageRef, validate_fix_request
from tests.issues import anthology_issue

A, B, C = "2024.ccl-3.15", "2024.ccl-3.41", "P19-1001"


def url(item: str) -> str:
    return f"https://aclanthology.org/{item}/"


def stances(text: str) -> tuple[list[str], list[str], list[str]]:
    reading = read_prose(text)
    return (
        [r.value for r in reading.mine],
        [r.value for r in reading.not_mine],
        [r.value for r in reading.unclear],
    )


@pytest.mark.parametrize(
    ("text", "mine", "not_mine", "unclear"),
    [
        # Lists under an introducing line.
        (f"This one is mine:\n{url(A)}\n\nThis one is someone else's, please remove it:\n{url(B)}", [A], [B], []),
        (f"**Not mine**\n- {C}\n- {B}\n\nThanks!", [], [C, B], []),
        (f"The following papers are not my work:\n1. {url(A)}\n2. {url(C)}", [], [A, C], []),
        # Clauses of one line.
        (f"Only {url(A)} is mine; the other papers here belong to the owner of this page.", [A], [], []),
        (f"{url(A)} and {C} are mine, but {B} is not.", [A, C], [B], []),
        (f"All papers on this page are mine except {url(C)} which is by a different person.", [], [C], []),
        (f"All are mine except {C}.", [], [C], []),
        (f"{A} is mine, {C} belongs to another researcher", [A], [C], []),
        (f"I am not the author of {C}.", [], [C], []),
        (f"{C} was wrongly assigned to me.", [], [C], []),
        (f"This one belongs to another Heyuan Huang: {url(B)}", [], [B], []),
        # Moving one's own papers is not "remove".
        (f"Please remove {url(A)} from the unverified page and add it to my verified page.", [A], [], []),
        (f"Please move {C}, wrongly listed on the unverified page, to my page", [C], [], []),
        # Misplaced is not-mine, unless the words about the paper say whose it is.
        (f"{C} was added to my page by mistake.", [], [C], []),
        (f"The paper {url(C)} was wrongly assigned; it is mine too.", [C], [], []),
        (f"My paper {C} is wrongly listed on another page.", [C], [], []),
        (f"{C} was wrongly assigned to the other page; this one is mine: {A}", [A], [C], []),
        # A move reported, or a removal refused, asks for nothing.
        (f"These papers were wrongly merged into my page:\n- {C}\n- {B}", [], [C, B], []),
        (f"Wrongly assigned papers:\n{C}\n{B}", [], [C, B], []),
        (f"Please do not remove {url(C)}, it is mine.", [C], [], []),
        (f"Please do not merge {C}; it is by another person.", [], [C], []),
        # A clause pointing back speaks for the papers before it.
        (f"{C}, it is not.", [], [C], []),
        (f"Mine:\n{C}, it may be.\n{A}", [A], [], [C]),
        # Doubt.
        (f"I'm not sure whether {C} is mine.", [], [], [C]),
        (f"{A} is mine. {B} maybe, I cannot remember.", [A], [], [B]),
        # A sentence about the page says nothing about the links after it.
        (f"The unverified page has papers by different people.\n{url(A)}\n{url(B)}", [A, B], [], []),
        # Plain links are the person's.
        (f"{url(A)}\n{url(B)}", [A, B], [], []),
    ],
)
def test_the_stance_of_each_paper(text, mine, not_mine, unclear):
    assert stances(text) == (mine, not_mine, unclear)


def test_titles_are_read_from_prose_lists_only():
    text = (
        "The missing papers of mine are:\n"
        "1. Discrete Cross-Modal Alignment Enables Zero-Shot Speech Translation. (EMNLP 2022)\n"
        "2. Please merge my pages\n\n"
        "A sentence that is not a title at all is written here."
    )
    mine, not_mine, _ = stances(text)
    assert mine == ["Discrete Cross-Modal Alignment Enables Zero-Shot Speech Translation. (EMNLP 2022)"]
    assert not_mine == []


def test_a_paper_said_both_ways_is_in_both_lists():
    mine, not_mine, _ = stances(f"Mine: {url(A)} and {url(B)}\n\nNot mine: {url(B)}")
    assert (mine, not_mine) == ([A, B], [B])


@pytest.mark.parametrize(
    "text",
    [
        f"{url(A)} not mine, " * 20_000,
        f"{A}. not mine " * 20_000,
        "a: " * 300_000,
        " " * 1_000_000 + "but",
        "- Title of a Paper Here\n" * 50_000,
        f"{url(A)} my " * 20_000,
    ],
)
def test_reading_stays_linear(text):
    started = time.process_time()
    read_prose(text)
    assert time.process_time() - started < 10.0


PAGES = (PageRef("estrid-he/unverified", "x"), PageRef("jiayuan-he/unverified", "y"))


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Both pages are me. Please keep the first page's ID.", "estrid-he/unverified"),
        ("Keep the second one, please.", "jiayuan-he/unverified"),
        (
            "Please merge into https://aclanthology.org/people/jiayuan-he/unverified/ thanks",
            "jiayuan-he/unverified",
        ),
        ("jiayuan-he/unverified should remain.", "jiayuan-he/unverified"),
        ("Please retain my full-name page, Jiayuan He.", "jiayuan-he/unverified"),
        ("Please keep me posted.", None),
        ("Please keep my first name with the accent.", None),
        ("Keep in mind the first page has an old affiliation.", None),
        ("I want to keep publishing under Jiayuan He.", None),
        ("Both are me.", None),
    ],
)
def test_the_page_to_keep(text, kept):
    keep = read_keep(text, PAGES)
    assert (keep.id if keep else None) == kept


def test_keep_needs_two_pages():
    assert read_keep("Keep the first page.", PAGES[:1]) is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("I changed my name from Jane Doe to Jane Smith.", NameValue("Jane", "Smith")),
        ("My new name is Alex Chen-Lee, thanks", NameValue("Alex", "Chen-Lee")),
        ("New name: Maria García", NameValue("Maria", "García")),
        ("Name change from Wei Zhang to Vivian Zhang", NameValue("Vivian", "Zhang")),
        ("Could you show it as \"Thomas Stephan Juzek\"? Thanks!", NameValue("Thomas Stephan", "Juzek")),
        ("Please change my name to reflect my marriage", None),
        ("I recently changed my last name to Smith-Jones.", None),
    ],
)
def test_a_new_name_in_prose(text, name):
    assert find_new_name(text) == name


def test_a_preferred_name_line_in_prose():
    assert find_preferred_name("Hi\nPreferred name: Mădălina Zgreabăn\n") == NameValue(
        "Mădălina", "Zgreabăn"
    )
    assert find_preferred_name("```\n" * 50_000) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("have completed Ph. D, Tianjin University", "Tianjin University"),
        ("I obtained my PhD at University of Oslo", "University of Oslo"),
        ("Graduated from Peking University", "Peking University"),
        (
            "National Laboratory of Pattern Recognition, Institute of Automation, CAS, Beijing\n"
            "School of Artificial Intelligence, University of Chinese Academy of Sciences, Beijing",
            "University of Chinese Academy of Sciences",
        ),
        ("Department of Computer Science\nUniversity of Sheffield\nUK", "University of Sheffield"),
        ("Tsinghua University\nBeijing, China", "Tsinghua University"),
        ("University of\nWisconsin-Madison", "University of Wisconsin-Madison"),
    ],
)
def test_the_degree_is_the_school_alone(text, expected):
    assert read_degree(text) == (expected, [])


def test_a_degree_in_prose():
    assert find_degree("My PhD is from the University of California, San Diego. All mine.") == (
        "University of California, San Diego"
    )
    assert find_degree("I have a degree from experience.") is None


def test_the_january_2026_form_is_the_2026_form():
    issue = anthology_issue(["x/unverified"], {"verify"}, "0000-0003-1234-5674", "Uni")
    body = issue["body"].replace(
        "### Type of Author Metadata Correction",
        "### Is the authors name read right to left? (only if published in another script)\n\n"
        "- [ ] Script is read right-to-left.\n\n### Type of Author Metadata Correction",
    ).replace("### Preferred author name\n\n_No response_\n\n", "")
    request = parse_issue({**issue, "body": body})
    validate_fix_request(request)
    assert request.form == "anthology-2026"
    assert "name" not in request.sections and "kinds" in request.sections


def test_prose_stances_reach_the_request():
    issue = anthology_issue(
        ["x/unverified"],
        {"verify", "split"},
        info=f"Mine: {url(A)}\nNot mine: {url(B)}\nNot sure about {url(C)}.",
    )
    request = parse_issue(issue)
    validate_fix_request(request)
    assert [p.value for p in request.papers] == [A]
    assert [p.value for p in request.excluded] == [B]
    assert [p.value for p in request.unclear] == [C]
