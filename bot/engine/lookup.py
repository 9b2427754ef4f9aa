"""Checking what an issue names against the data: papers (by ID, bibkey or title),
author pages, and the ORCID iD."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.anthology.ids import item_url, page_url
from bot.anthology.index import DataIndex
from bot.anthology.orcid import is_valid_orcid
from bot.anthology.resolve import is_unverified_page, page_slug, unverified_page
from bot.engine.problems import problem
from bot.engine.request import FixRequest, Notice, PageRef, PaperRef


@dataclass
class Found:
    """What of the request exists in the data."""

    items: list[str]  # full IDs of the papers/volumes named, in order, no repeats
    pages: list[str]  # page IDs named that exist (a missing one replaced by its sibling)
    problems: list[Notice]
    warnings: list[Notice]
    notes: list[Notice]
    excluded: list[str] = field(default_factory=list)  # papers said not to be theirs
    unclear: list[str] = field(default_factory=list)  # papers of unclear sense
    missing_pages: int = 0  # pages named that exist under no reading


def look_up(index: DataIndex, request: FixRequest) -> Found:
    """Find every paper and page the request names, and check the ORCID iD's form.

    Returns:
        The papers and pages found, with a problem for each that was not.
    """
    found = Found([], [], [], [], [])
    for ref in request.papers:
        _look_up_paper(index, ref, found)
    for refs, into in ((request.excluded, found.excluded), (request.unclear, found.unclear)):
        for ref in refs:
            side = Found([], [], found.problems, found.warnings, found.notes)
            _look_up_paper(index, ref, side)
            into.extend(item for item in side.items if item not in into)
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
        matches = papers_by_title(index, ref.value)
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


def sibling_page(index: DataIndex, page_id: str) -> str | None:
    """The one existing page a missing page ID stands for, or None.

    `x` that is no verified person stands for `x/unverified` (links written without
    `/unverified`, or the old `/people/x/x/`); `x/unverified` that holds no paper
    stands for the verified person who takes that name's papers (`x` itself, or the
    one person with a name of slug `x`, who took them by name).
    """
    slug = page_slug(page_id)
    if not is_unverified_page(page_id):
        sibling = unverified_page(slug)
        return sibling if index.page_exists(sibling) else None
    if slug in index.people:
        return slug
    takers = index.ids_for_slug(slug)
    return next(iter(takers)) if len(takers) == 1 else None


def _look_up_page(index: DataIndex, page: PageRef, found: Found) -> None:
    if page.id in found.pages:
        return
    if index.page_exists(page.id):
        found.pages.append(page.id)
        return
    sibling = sibling_page(index, page.id)
    if sibling is not None:
        if sibling not in found.pages:
            found.pages.append(sibling)
        found.notes.append(
            problem(
                "page-sibling",
                f"There is no page {page_url(page.id)}; the page of that name is "
                f"{page_url(sibling)}, so I used it.",
            )
        )
        return
    found.missing_pages += 1
    namesakes = sorted(index.ids_for_slug(page_slug(page.id)))
    hint = (
        f" The verified pages of that name are {', '.join(namesakes)}."
        if len(namesakes) > 1
        else ""
    )
    found.problems.append(
        problem(
            "unknown-page",
            f"There is no author page {page_url(page.id)} (from {page.raw.strip()!r}).{hint} "
            "Please give the link of the author page the papers are on now.",
        )
    )


# "(EMNLP 2023)", "- ACL 2024", ", Findings of EMNLP 2023", "In Proceedings of ...": the
# venue and year people write after a title.
_TRAILING_PARENS = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")
_TRAILING_VENUE = re.compile(
    r"(?:[.,;:]|\s[-\u2013\u2014|])\s+(?:in\s+)?(?:proceedings\s+of\s+)?"
    r"[^.,;:|\u2013\u2014-]{0,60}?\b(?:19|20)[0-9]{2}\b[^.,;:]{0,30}$",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b((?:19|20)[0-9]{2})\b")


def papers_by_title(index: DataIndex, text: str) -> list[str]:
    """The papers a title names, allowing the venue and year people write after it.

    The text is tried as written, then without a trailing parenthesis ("(EMNLP
    2023)") and without a trailing venue and year (". ACL 2024"); when several
    papers share the title, a year in the text picks among them.

    Returns:
        The IDs of the papers that match (none, one, or several).
    """
    candidates = [text]
    bare = _TRAILING_PARENS.sub("", text).strip()
    candidates.append(bare)
    candidates.append(_TRAILING_VENUE.sub("", bare).strip())
    for candidate in dict.fromkeys(c for c in candidates if c):
        matches = index.by_title(candidate.strip(" .\"'\u201c\u201d*"))
        if len(matches) > 1:
            years = set(_YEAR.findall(text))
            dated = [m for m in matches if index.items[m].year in years]
            if len(dated) == 1:
                return dated
        if matches:
            return matches
    return []
