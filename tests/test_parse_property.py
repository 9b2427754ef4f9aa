"""Whatever an issue holds, parse_issue returns a schema-valid FixRequest and never
raises."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine.parse import parse_issue
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
