"""Checking what an issue names against the data: papers (by ID, bibkey or title),
author pages, and the ORCID iD."""

from __future__ import annotations

from dataclasses import dataclass

from bot.anthology.ids import item_url, page_url
from bot.anthology.index import DataIndex
from bot.anthology.orcid import is_valid_orcid
from bot.anthology.resolve import is_unverified_page, page_slug
from bot.engine.problems import problem
from bot.engine.request import FixRequest, Notice, PageRef, PaperRef


@dataclass
class Found:
    """What of the request exists in the data."""

    items: list[str]  # full IDs of the papers/volumes named, in order, no repeats
    pages: list[str]  # page IDs named that exist
    problems: list[Notice]
    warnings: list[Notice]
    notes: list[Notice]


def look_up(index: DataIndex, request: FixRequest) -> Found:
    """Find every paper and page the request names, and check the ORCID iD's form.

    Returns:
        The papers and pages found, with a problem for each that was not.
    """
    found = Found([], [], [], [], [])
    for ref in request.papers:
        _look_up_paper(index, ref, found)
    for page in request.pages:
        _look_up_page(index, page, found)
    if request.orcid is not None and not is_valid_orcid(request.orcid):
        found.problems.append(
            problem(
                "orcid-checksum",
                f"The ORCID iD {request.orcid} is not valid: its last character is a checksum "
                "of the others, and it does not match. Please copy the iD again from your "
                "ORCID record (https://orcid.org) and edit the issue.",
            )
        )
    return found


def _look_up_paper(index: DataIndex, ref: PaperRef, found: Found) -> None:
    if ref.kind == "anthology-id":
        item = index.item(ref.value)
        if item is None:
            found.problems.append(
                problem(
                    "unknown-paper",
                    f"{ref.value} is not a paper in the Anthology (from {ref.raw.strip()!r}). "
                    "Please check the ID or link it to the paper's page on aclanthology.org.",
                )
            )
            return
        _add_item(found, item.id)
    elif ref.kind == "bibkey":
        item_id = index.by_bibkey(ref.value)
        if item_id is None:
            found.problems.append(
                problem(
                    "unknown-bibkey",
                    f"No paper has the citation key {ref.value!r}. Please give the paper's "
                    "Anthology ID or its aclanthology.org link instead.",
                )
            )
            return
        found.notes.append(
            problem("paper-by-bibkey", f"Took the citation key {ref.value!r} to be {item_id}.")
        )
        _add_item(found, item_id)
    elif ref.kind == "title":
        matches = index.by_title(ref.value)
        if len(matches) == 1:
            found.notes.append(
                problem(
                    "paper-by-title",
                    f"Took the title {ref.value!r} to be {matches[0]} ({item_url(matches[0])}).",
                )
            )
            _add_item(found, matches[0])
        elif not matches:
            found.problems.append(
                problem(
                    "unknown-title",
                    f"No paper in the Anthology has the title {ref.value!r}. Please give its "
                    "Anthology ID or aclanthology.org link.",
                )
            )
        else:
            found.problems.append(
                problem(
                    "ambiguous-title",
                    f"Several papers have the title {ref.value!r}: {', '.join(matches)}. "
                    "Please say which by its Anthology ID.",
                )
            )
    else:
        found.warnings.append(
            problem(
                "unusable-link",
                f"{ref.raw.strip()!r} is not an Anthology link, so it was not used. Please give "
                "the paper's aclanthology.org link or Anthology ID instead.",
            )
        )


def _add_item(found: Found, item_id: str) -> None:
    if item_id not in found.items:
        found.items.append(item_id)


def _look_up_page(index: DataIndex, page: PageRef, found: Found) -> None:
    if page.id in found.pages:
        return
    if index.page_exists(page.id):
        found.pages.append(page.id)
        return
    slug = page_slug(page.id)
    hint = ""
    if is_unverified_page(page.id) and slug in index.people:
        hint = f" There is a verified page {page_url(slug)}: did you mean that one?"
    elif not is_unverified_page(page.id) and index.page_exists(f"{slug}/unverified"):
        hint = f" There is an unverified page {page_url(slug + '/unverified')}: did you mean that?"
    found.problems.append(
        problem(
            "unknown-page",
            f"There is no author page {page_url(page.id)} (from {page.raw.strip()!r}).{hint}",
        )
    )
