"""Issue text before any field is read: markdown around values, sections, forms."""

from __future__ import annotations

import pytest

from bot.engine.parse.forms import collect_fields, heading_rule, recognise_form
from bot.engine.parse.markdown import (
    drop_struck_through,
    is_empty_answer,
    meaningful_lines,
    normalise_text,
    quote,
    remove_placeholders,
    strip_html_comments,
    unwrap_value,
)
from bot.engine.parse.sections import Section, heading_text, split_sections

# --- markdown ---------------------------------------------------------------


def test_normalise_text_fixes_line_endings_and_invisible_characters() -> None:
    assert normalise_text("a\r\nb\rc\x00d\ufeff\u200be") == "a\nb\ncde"
    assert normalise_text("x\ud800y") == "x\ufffdy"


def test_strip_html_comments_including_an_unclosed_one() -> None:
    assert strip_html_comments("a<!-- hidden -->b<!-- x\ny -->c") == "abc"
    assert strip_html_comments("a<!-- never closed") == "a"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("~~2024.ccl-3.15~~ already done\n2024.ccl-3.41", "2024.ccl-3.41"),
        ("- ~2024.ccl-3.15~ done\n- 2024.ccl-3.41", "- 2024.ccl-3.41"),
        ("- <del>P19-1001</del> done\nP19-1002", "P19-1002"),
        ("2024.ccl-3.41 ~~2024.ccl-3.15~~", "2024.ccl-3.41 "),
        ("a ~ b ~ c", "a ~ b ~ c"),
        (
            "https://openreview.net/profile?id=~Jin_Liu1",
            "https://openreview.net/profile?id=~Jin_Liu1",
        ),
    ],
)
def test_drop_struck_through(text: str, expected: str) -> None:
    assert drop_struck_through(text) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- 2024.ccl-3.15", "2024.ccl-3.15"),
        ("* `2024.ccl-3.15`", "2024.ccl-3.15"),
        ("1. **2024.ccl-3.15**", "2024.ccl-3.15"),
        ("2) <https://aclanthology.org/P19-1001/>", "https://aclanthology.org/P19-1001/"),
        ("> quoted", "quoted"),
        ('  "A  Title"  ', "A Title"),
        ("Universität  Stuttgart ", "Universität Stuttgart"),
    ],
)
def test_unwrap_value(line: str, expected: str) -> None:
    assert unwrap_value(line) == expected


@pytest.mark.parametrize(
    "text", ["", "_No response_", "N/A", "n/a", "none", "None.", "-", "—", "  NA "]
)
def test_empty_answers(text: str) -> None:
    assert is_empty_answer(text)


@pytest.mark.parametrize("text", ["TUM", "Nanjing University", "no"])
def test_real_answers_are_not_empty(text: str) -> None:
    assert not is_empty_answer(text)


def test_placeholders_of_the_old_forms_are_removed() -> None:
    assert remove_placeholders("-Add ORCID here-") == ""
    assert remove_placeholders("-Add insitution here-") == ""
    assert remove_placeholders("-Provide Anthology IDs or Anthology URLs here-") == ""
    assert remove_placeholders(" -add author name here if needed-") == ""
    assert remove_placeholders("{replace with author name}") == ""
    assert remove_placeholders("-Add ORCID here- 0000-0002-4345-7946") == "0000-0002-4345-7946"


def test_meaningful_lines() -> None:
    text = "- a\n\n~~b~~ done\n_No response_\n* `c`\n-Add ORCID here-"
    assert meaningful_lines(text) == ["a", "c"]


def test_quote_is_one_short_line() -> None:
    assert quote("Jin\nLiu") == "`Jin Liu`"
    assert quote("x" * 200, limit=10) == "`xxxxxxxxx\u2026`"


# --- sections -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("### Author ORCID", "Author ORCID"),
        ("###   Author ORCID   ", "Author ORCID"),
        ("## Papers ##", "Papers"),
        ("   ### Notes", "Notes"),
        ("#hashtag", None),
        ("#1 paper", None),
        ("    ### indented code", None),
        ("####### seven", None),
        ("###", None),
    ],
)
def test_heading_text(line: str, expected: str | None) -> None:
    assert heading_text(line) == expected


def test_split_sections_the_way_github_renders_a_form() -> None:
    body = "intro\n\n### A\n\nvalue a\n\n### B\n\n_No response_\n\n### C\n\nline 1\n\nline 2"
    assert split_sections(body) == (
        Section("", "intro", ""),
        Section("A", "value a", "### A"),
        Section("B", "_No response_", "### B"),
        Section("C", "line 1\n\nline 2", "### C"),
    )


def test_headings_inside_code_fences_are_text() -> None:
    body = "### Notes\n\n```\n### not a heading\n```"
    assert split_sections(body) == (Section("Notes", "```\n### not a heading\n```", "### Notes"),)


def test_body_without_headings_is_one_section() -> None:
    assert split_sections("just text\n") == (Section("", "just text", ""),)
    assert split_sections("") == ()


# --- forms ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("Author page", "pages"),
        ("Author Pages", "pages"),
        ("Author Pages in the Anthology", "pages"),
        ("**Author ORCID:**", "orcid"),
        ("ORCID iD", "orcid"),
        ("Institution of highest (anticipated) degree", "degree"),
        ("Your papers (if required, see comment below)", "papers"),
        ("Papers", "papers"),
        ("Assign them to", "target"),
        ("Type of Author Metadata Correction", "kinds"),
        ("Supporting Information", "notes"),
        ("Preferred author name", "name"),
        ("OpenReview profile page URL", "openreview"),
        ("Confirming that Paper Metadata is Correct", "confirm"),
    ],
)
def test_heading_rules(heading: str, field: str) -> None:
    rule = heading_rule(heading)
    assert rule is not None
    assert rule.field == field


def test_unknown_heading_has_no_rule() -> None:
    assert heading_rule("My favourite papers") is None


def _form(title: str, body: str, labels: tuple[str, ...] = ()) -> str:
    return recognise_form(title, labels, split_sections(body))


def test_recognise_our_form() -> None:
    body = "### Author page\n\njin-liu\n\n### Papers\n\nP19-1001\n\n### Assign them to\n\nnew"
    assert _form("Fix paper assignments: jin-liu", body) == "authorbot"


def test_recognise_the_2026_form() -> None:
    body = (
        "### Author Pages in the Anthology\n\nx\n\n### Author ORCID\n\ny\n\n"
        "### Type of Author Metadata Correction\n\n- [X] Verification: add an ORCID iD."
    )
    assert _form("Author Page: x", body) == "anthology-2026"


def test_recognise_the_2024_form_by_its_papers_heading() -> None:
    body = "### Author Pages\n\nx\n\n### Your papers (if required, see comment below)\n\ny"
    assert _form("Author Page: x", body) == "anthology-2024"


def test_recognise_the_2024_form_by_its_kind_boxes() -> None:
    body = (
        "### Author Pages\n\nx\n\n### Type of Author Metadata Correction\n\n"
        "- [x] The author page wrongly conflates different people with the same name.\n"
        "- [ ] This author has permanently changed their name."
    )
    assert _form("Author Page: x", body) == "anthology-2024"


def test_free_text_when_no_heading_is_known() -> None:
    assert _form("Author Page: x", "Please merge my pages.\n\n### Thanks") == "free-text"
    assert _form("Fix paper assignments: x", "") == "free-text"


def test_collect_fields_keeps_unknown_headings_inside_the_field() -> None:
    body = "### Supporting Information\n\nsee below\n\n### My papers\n\nP19-1001"
    fields = collect_fields(split_sections(body))
    assert fields.get("notes") == "see below\n### My papers\nP19-1001"
    assert fields.extra == []


def test_collect_fields_keeps_text_before_the_first_heading_as_extra() -> None:
    fields = collect_fields(split_sections("Hi!\n\n### Notes\n\nx\n\n### Notes\n\ny"))
    assert fields.extra == ["Hi!"]
    assert fields.get("notes") == "x\n\ny"
    assert fields.get("papers") is None
