"""Building issues for tests: our form rendered the way GitHub renders it, and the
Anthology's 2026 "Author Page" form."""

from __future__ import annotations

from typing import Any

from bot.engine.parse import OUR_FORM_PATH, render_issue_form_body

_BOXES = (
    ("verify", "Verification: The author wishes to add an ORCID iD to their author page."),
    (
        "split",
        "Split/disambiguate: The author page includes papers from two or more different people.",
    ),
    (
        "merge",
        "Merge profiles: A single author has multiple profiles with different spellings or variants of their name.",
    ),
    ("name-change", "Name change: This author has permanently changed their name."),
)


def our_issue(
    page: str,
    papers: list[str],
    target: str,
    orcid: str = "",
    institution: str = "",
    name: str = "",
    number: int = 1,
) -> dict[str, Any]:
    """An issue filed with our form, as the REST API returns it."""
    body = render_issue_form_body(
        OUR_FORM_PATH,
        {
            "author-page": f"https://aclanthology.org/people/{page}/",
            "papers": "\n".join(papers),
            "target": target,
            "orcid": orcid,
            "institution": institution,
            "name": name,
            "notes": "",
            "confirm": True,
        },
    )
    return _issue(
        number, f"Fix paper assignments: {page}", body, ["authorbot", "fix-paper-assignments"]
    )


def anthology_issue(
    pages: list[str],
    kinds: set[str],
    orcid: str = "",
    institution: str = "",
    info: str = "",
    name: str = "",
    number: int = 1,
) -> dict[str, Any]:
    """An issue filed with the Anthology's 2026 author-page form."""
    boxes = "\n".join(f"- [{'X' if k in kinds else ' '}] {text}" for k, text in _BOXES)

    def value(v: str) -> str:
        return v or "_No response_"

    body = (
        "### Author Pages in the Anthology\n\n"
        + "\n".join(f"https://aclanthology.org/people/{p}/" for p in pages)
        + f"\n\n### Author ORCID\n\n{value(orcid)}"
        + f"\n\n### Institution of highest (anticipated) degree\n\n{value(institution)}"
        + f"\n\n### Type of Author Metadata Correction\n\n{boxes}"
        + f"\n\n### Supporting Information\n\n{value(info)}"
        + f"\n\n### Preferred author name\n\n{value(name)}"
        + "\n\n### OpenReview profile page URL\n\n_No response_"
    )
    return _issue(
        number, f"Author Page: {pages[0] if pages else ''}", body, ["correction", "author-page"]
    )


def _issue(number: int, title: str, body: str, labels: list[str]) -> dict[str, Any]:
    return {
        "number": number,
        "title": title,
        "body": body,
        "state": "open",
        "labels": [{"name": n} for n in labels],
        "user": {"login": "someone"},
    }
