"""Whatever an issue holds, parse_issue returns a schema-valid FixRequest and never
raises."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.anthology.ids import parse_id
from bot.engine.parse import OUR_FORM_PATH, parse_issue, render_issue_form_body
from bot.engine.request import FixRequest, validate_fix_request

HEADINGS = [
    "Author page",
    "Author Pages",
    "Author Pages in the Anthology",
    "Papers",
    "Your papers (if required, see comment below)",
    "Assign them to",
    "ORCID iD",
    "Author ORCID",
    "Institution of highest (anticipated) degree",
    "Type of Author Metadata Correction",
    "Supporting Information",
    "Preferred author name",
    "Preferred name",
    "Notes",
    "Confirmation",
    "OpenReview profile page URL",
    "Something else",
]

# Pieces people really write, to be glued together at random.
SNIPPETS = [
    "https://aclanthology.org/people/jin-liu/",
    "https://aclanthology.org/people/j/jin-liu/unverified/",
    "https://aclanthology.org/2024.ccl-3.15/#",
    "http://www.aclanthology.org/P19-1001.pdf?x=1",
    "https://aclanthology.org/papers/W18-6310/",
    "https://scholar.google.com/citations?user=x",
    "https://orcid.org/my-orcid?orcid=0000-0002-4345-7946",
    "[0000-0002-1694-2330](https://orcid.org/0000-0002-1694-2330)",
    "0000 0002 1825 009x",
    "2022.wassa-1",
    "N19-2007",
    "cheng-etal-2022-semantically",
    "jin-liu/unverified",
    "new",
    "Wang, MingWen",
    "WANG Mingwen",
    "Ph.D candidate, Universität Stuttgart (https://www.uni-stuttgart.de)",
    "N/A",
    "_No response_",
    "-Add ORCID here-",
    "{replace with author name}",
    "- [X] Verification: add an ORCID iD.",
    "- [ ] Merge profiles: multiple profiles",
    "- [x] The author page wrongly conflates different people with the same name.",
    "~~2024.ccl-3.16~~ done",
    "~",
    "`",
    "<!--",
    "```",
    "**",
    "<https://",
    "(",
    "\u017fin-liu",
    "K\u212aelvin",
    "\u0660\u0660\u0660\u0660-\u0660\u0660\u0660\u0660-\u0660\u0660\u0660\u0660-\u0660\u0660\u0660\u0660",
]

any_text = st.text(alphabet=st.characters(exclude_categories=()), max_size=400)
line = st.one_of(st.sampled_from(SNIPPETS), any_text)
newline = st.sampled_from(["\n", "\r\n", "\r", "\n\n", " "])


@st.composite
def form_bodies(draw: st.DrawFn) -> str:
    """A body with form headings and realistic or random values."""
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 10))):
        heading = draw(st.sampled_from(HEADINGS))
        level = draw(st.sampled_from(["###", "##", "#", "####"]))
        values = draw(st.lists(line, max_size=4))
        parts.append(f"{level} {heading}" + draw(newline) + draw(newline).join(values))
    return draw(newline).join(parts)


def check(issue: Any) -> FixRequest:
    request = parse_issue(issue)
    assert isinstance(request, FixRequest)
    validate_fix_request(request)
    # Only a bug gives parse-failed; an odd input must not.
    assert "parse-failed" not in [notice.code for notice in request.warnings]
    return request


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.one_of(any_text, line), body=any_text)
def test_arbitrary_text(title: str, body: str) -> None:
    check({"title": title, "body": body, "labels": []})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=st.one_of(st.sampled_from(["Author Page: ", "Fix paper assignments: "]), any_text),
    suffix=line,
    body=form_bodies(),
    labels=st.lists(st.sampled_from(["authorbot", "fix-paper-assignments", "author-page"])),
)
def test_form_like_bodies(title: str, suffix: str, body: str, labels: list[str]) -> None:
    check({"title": title + suffix, "body": body, "labels": [{"name": n} for n in labels]})


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | any_text | st.binary(max_size=200),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
)


@settings(max_examples=200, deadline=None)
@given(
    issue=st.one_of(
        json_values,
        st.fixed_dictionaries(
            {"title": json_values, "body": json_values, "labels": json_values, "user": json_values}
        ),
    )
)
def test_arbitrary_issue_shapes(issue: Any) -> None:
    check(issue)


# ------------------------------------------------------------ very large bodies

# Pieces that make regular expressions backtrack when repeated without end: runs of
# separators, brackets, markup, digits, URL and ID prefixes, invisible characters.
RUNS = [
    ",",
    ", ",
    "- ",
    "-",
    "~",
    "<",
    "&",
    "#",
    "`",
    "(",
    "[a](",
    ":",
    "0",
    "0000-",
    "0000 0002 ",
    "(expected ",
    "-phd in a",
    "-add ",
    "a ",
    "a-2020-",
    "2024.",
    "P19-",
    "https://aclanthology.org/",
    "\u200d",
    "\u202e\u05e9",
]
ANTHOLOGY_FIELDS = (
    "Author Pages in the Anthology",
    "Author ORCID",
    "Institution of highest (anticipated) degree",
    "Type of Author Metadata Correction",
    "Supporting Information",
    "Preferred author name",
)
# CPU seconds of this process (not wall time, which other jobs on the machine
# stretch). Typical: 0.1-2.5 s; the limit is there to catch growth faster than
# linear (an institution of a million commas took hours before the look-behind fix).
BIG_SECONDS = 6.0


def big_body(piece: str, size: int = 0, lines: int = 0) -> str:
    """An Anthology-form body whose every field is `piece` repeated: `size`
    characters in all, or `lines` lines in all (one piece a line)."""
    if lines:
        value = "\n".join([piece] * (lines // len(ANTHOLOGY_FIELDS) + 1))
    else:
        value = piece * (size // len(ANTHOLOGY_FIELDS) // len(piece) + 1)
    return "\n\n".join(f"### {heading}\n\n{value}" for heading in ANTHOLOGY_FIELDS)


def timed_parse(title: str, body: str) -> tuple[FixRequest, float]:
    """Parse an issue and say how much CPU time it took (checked like every other parse)."""
    started = time.process_time()
    request = check({"title": title, "body": body, "labels": []})
    return request, time.process_time() - started


@pytest.mark.parametrize("piece", RUNS)
def test_a_one_megabyte_body_parses_in_seconds(piece: str) -> None:
    body = big_body(piece, 1_000_000)
    assert len(body) >= 1_000_000
    _, seconds = timed_parse("Author Page: " + piece * 1000, body)
    assert seconds < BIG_SECONDS, f"{seconds:.1f}s"


@pytest.mark.parametrize("piece", ["- [X] a", "### x", "```", "~~a~~ 0000-0002"])
def test_a_body_of_100k_lines_parses_in_seconds(piece: str) -> None:
    body = big_body(piece, lines=100_000)
    assert body.count("\n") >= 100_000
    _, seconds = timed_parse("Author Page: x", body)
    assert seconds < BIG_SECONDS, f"{seconds:.1f}s"


def test_a_one_megabyte_free_text_body_parses_in_seconds() -> None:
    body = "".join(RUNS) * (1_000_000 // len("".join(RUNS)) + 1)
    request, seconds = timed_parse("", body)
    assert request.form == "free-text"
    assert seconds < BIG_SECONDS, f"{seconds:.1f}s"


# ------------------------------------------- hostile characters in every field

# What could break the files or the paths the values end up in: YAML and XML
# specials, invisible and right-to-left characters, line separators other than the
# newline, control characters, a lone surrogate, path tricks.
HOSTILE = [
    ":",
    "#",
    "{",
    "}",
    "!!",
    "- ",
    "'",
    '"',
    "<",
    "&",
    "&amp;",
    "\u200d",
    "\u200b",
    "\u202e",
    "\u05e9\u05dc\u05d5\u05dd",
    "\u2028",
    "\x85",
    "\x00",
    "\x1b",
    "\ud800",
    "../",
    "/etc/passwd",
    "%2e%2e%2f",
    "..\\",
    "~",
]
hostile_value = st.lists(
    st.one_of(st.sampled_from(HOSTILE), st.sampled_from(SNIPPETS), st.text(max_size=8)),
    max_size=6,
).map("".join)
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\n]")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fields=st.fixed_dictionaries(
        {
            "author-page": hostile_value,
            "papers": hostile_value,
            "target": hostile_value,
            "orcid": hostile_value,
            "institution": hostile_value,
            "name": hostile_value,
            "notes": hostile_value,
        }
    ),
    title=hostile_value,
)
def test_hostile_values_in_our_form_give_clean_ids_and_values(fields, title) -> None:
    body = render_issue_form_body(OUR_FORM_PATH, {**fields, "confirm": True})
    request = check({"title": title, "body": body, "labels": [{"name": "authorbot"}]})
    for paper in request.papers:
        if paper.kind == "anthology-id":
            parsed = parse_id(paper.value)
            assert parsed is not None and parsed.full == paper.value
    # What goes into people.yaml is one line of writable text.
    values = [request.degree or ""]
    if request.preferred_name is not None:
        values += [request.preferred_name.first or "", request.preferred_name.last]
    for value in values:
        assert not _UNWRITABLE.search(value), value
        assert value == value.strip()
        value.encode("utf-8")
