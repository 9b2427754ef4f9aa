"""Requests the data or the papers' metadata already answer, answered the way the
maintainers do instead of asking for an ORCID iD, a degree or a page.

- `name_already_shown`: a name request whose name every paper of one page already
  prints ("given name - Keren / family name - Gruteke Klein", "Myung Jiyoon ->
  Jiyoon Myung", the page named gone): nothing to change on the author pages.
- `merge_already_done`: a merge whose pages are one verified person already (a name
  of theirs leads there, the other pages exist under no reading): nothing to merge.
- `metadata_correction`: a name request saying the PDFs print another name than the
  Anthology shows: a fix of the papers' metadata, through each paper's "Fix data".

Each rule is narrow, so that it never answers a request that asks for more: no
ORCID iD the person lacks, no target, no paper said not to be theirs, no kind but
the one it is about. The name rule also needs exactly one page whose papers print
that name, every one of them exactly so (a verified page: its canonical name too),
the page named, if it exists, being that page, and every listed paper on it.
"""

from __future__ import annotations

import re

from bot.anthology.ids import item_url, page_url
from bot.anthology.index import DataIndex
from bot.anthology.names import Name
from bot.engine.lookup import Found
from bot.engine.problems import problem
from bot.engine.request import FixRequest, Notice

_SHOWN = 3


def name_already_shown(index: DataIndex, request: FixRequest, found: Found) -> Notice | None:
    """The `name-already-shown` problem when the request asks for a name the papers
    already print (see the module's rule), else None.

    Parameters:
        index: the data.
        request: the parsed request.
        found: its papers and pages looked up.
    """
    asked = request.preferred_name
    if asked is None or not asked.first or not _asks_only_about_a_name(request):
        return None
    name = Name(asked.first, asked.last)
    page = _the_page_of(index, name)
    if page is None or (found.pages and found.pages != [page]):
        return None
    shown = index.page_occurrences(page)
    if not shown or any(occ.name != name for occ in shown):
        return None
    entry = index.entry(page)
    if entry is not None and entry.names[0] != name:
        return None
    items = sorted({occ.item for occ in shown})
    if any(item not in items for item in found.items):
        return None
    listed = found.items or items
    papers = ", ".join(listed[:_SHOWN]) + (" and others" if len(listed) > _SHOWN else "")
    gone = request.pages and not found.pages
    was = f" (the page {request.pages[0].id} that the issue names does not exist)" if gone else ""
    return problem(
        "name-already-shown",
        "There is nothing to change on the author pages: the papers already show the "
        f"name with the given names \u201c{name.first}\u201d and the family name "
        f"\u201c{name.last}\u201d ({papers}), on the page {page_url(page)}{was}. If a "
        "paper still shows the name wrongly, that is a correction of the paper's "
        "metadata: please use the \u201cFix data\u201d button on the paper's page "
        f"({item_url(listed[0])}), which checks the name against the PDF.",
    )


def _asks_only_about_a_name(request: FixRequest) -> bool:
    """No ORCID iD, no target, no paper said not to be theirs or doubted, no box ticked
    but a name change: a request these answers may close."""
    if request.orcid or request.target.id or request.target.new:
        return False
    return not (request.excluded or request.unclear or set(request.kinds) - {"name-change"})


def _the_page_of(index: DataIndex, name: Name) -> str | None:
    """The one page whose papers print this name, or None (none, or several)."""
    pages = {
        index.resolve(occ) for occ in index.occurrences_for_slugs([name.slug]) if occ.name == name
    }
    for pid in index.ids_for_slug(name.slug):
        if any(occ.name == name for occ in index.page_occurrences(pid)):
            pages.add(pid)
    return pages.pop() if len(pages) == 1 else None


def merge_already_done(index: DataIndex, request: FixRequest, found: Found) -> Notice | None:
    """The `merge-already-done` problem when a merge names pages that are one verified
    person already: every named page that exists is that person (a name of theirs
    leads there), the others exist under no reading, and the person has more than one
    name (the trace of a merge made). Else None.

    A merge that lists papers, gives another ORCID iD than the person's, or gives one
    where the person has none (a verification is then left to do) is not answered
    this way.
    """
    if "merge" not in request.kinds or not request.pages or found.items:
        return None
    if request.excluded or request.unclear or not found.missing_pages:
        return None
    # The person each named page stands for: a page that exists is itself; one that
    # does not, the verified person with a name of that slug ("md-nishat-raihan").
    people = set(found.pages)
    for ref in request.pages:
        if ref.id not in found.pages:
            people |= index.ids_for_slug(ref.id.removesuffix("/unverified"))
    if len(people) != 1:
        return None
    page = people.pop()
    entry = index.entry(page)
    if entry is None or len(entry.names) < 2:
        return None
    if request.orcid and entry.orcid != request.orcid:
        return None
    names = ", ".join(f"\u201c{name.full}\u201d" for name in entry.names)
    named = ", ".join(p.id for p in request.pages)
    return problem(
        "merge-already-done",
        "There is nothing left to merge: the papers of these names are on one page "
        f"already, {page_url(page)} (the names {names}); no other page of the ones the "
        f"issue names ({named}) exists. If a paper of yours is still on another page, "
        "please list its aclanthology.org link.",
    )


# "Every one of my PDFs says X, but my page shows Y", "my page shows Y whereas the PDF
# prints X": the person says a paper's metadata differs from its PDF.
# (within one sentence: the dot of an initial, "Tobias K. Kuhn", does not end it)
_IN_SENTENCE = r"(?:[^.\n]|(?<=\b[A-Z])\.)"
_PDF_DIFFERS = re.compile(
    rf"\bpdfs?\b{_IN_SENTENCE}{{0,80}}?\b(?:says?|shows?|prints?|reads?|spells?|lists?|has|have"
    rf"|is)\b{_IN_SENTENCE}{{0,120}}?\b(?:but|whereas|while|however|yet|instead|not)\b"
    rf"|\b(?:page|website|site|anthology|metadata)\b{_IN_SENTENCE}{{0,80}}?\b(?:says?|shows?"
    rf"|displays?|lists?|reads?|has)\b{_IN_SENTENCE}{{0,120}}?\b(?:but|whereas|while|however|yet"
    rf"|instead)\b{_IN_SENTENCE}{{0,80}}?\bpdfs?\b",
    re.IGNORECASE,
)


def metadata_correction(index: DataIndex, request: FixRequest, found: Found) -> Notice | None:
    """The `metadata-correction` problem when a name request says the papers' PDFs
    print another name than the Anthology shows: that is a fix of the papers'
    metadata (each paper's "Fix data" button), not of author pages. Else None.

    Only a request that asks nothing else: no ORCID iD, no target, no box ticked
    but a name change, and no paper said not to be theirs.
    """
    if not _asks_only_about_a_name(request) or not _PDF_DIFFERS.search(request.notes):
        return None
    items = list(found.items)
    for page in found.pages:
        items += sorted({occ.item for occ in index.page_occurrences(page)} - set(items))
    where = ""
    if items:
        shown = ", ".join(item_url(item) for item in items[:_SHOWN])
        where = f" ({shown}{' and the others' if len(items) > _SHOWN else ''})"
    return problem(
        "metadata-correction",
        "The name a paper shows comes from its metadata, which must match its PDF: when "
        "the Anthology shows another name than the PDF prints, that is a correction of "
        "the paper's metadata, not of the author pages. Please use the \u201cFix data\u201d "
        f"button on each paper's page{where}, and check your co-authors' names there too. "
        "Once the metadata matches the PDFs, the papers come together under that name by "
        "themselves; if they still need a change of author page then, comment here.",
    )
