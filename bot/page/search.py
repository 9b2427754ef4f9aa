"""Finding an author page by a name, a person ID, a page address or an ORCID iD: the
search box of the pages' index (`authorbot pages`).

Pure: `search_pages(index, query)` reads the DataIndex and returns values.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from bot.anthology.index import DataIndex
from bot.anthology.names import name_slug
from bot.anthology.orcid import normalise_orcid
from bot.anthology.resolve import is_unverified_page, page_slug, unverified_page
from bot.engine.parse.links import page_id_from_url

MAX_HITS = 50


@dataclass(frozen=True)
class PageHit:
    """An author page the search found.

    Attributes:
        page_id: `jin-liu-4161` (a verified person) or `jin-liu/unverified`.
        name: the person's canonical name, or the name printed on the papers.
        orcid: the verified person's ORCID iD, if any.
    """

    page_id: str
    name: str
    orcid: str | None = None

    @property
    def verified(self) -> bool:
        """True for a verified person's page."""
        return not is_unverified_page(self.page_id)


def search_pages(index: DataIndex, query: str, limit: int = MAX_HITS) -> list[PageHit]:
    """The author pages that match `query`, best first, at most `limit`.

    An ORCID iD or the address of an author page finds that page; otherwise the query
    is read as a name or an ID and compared by slug (`Jin Liu`, `jin liu` and `jin-liu`
    are the same): pages whose ID or a name equal it come first, then those that
    start with it, then those that contain it.
    """
    text = query.strip()
    if not text:
        return []
    orcid = normalise_orcid(text)
    if orcid is not None:
        pid = index.by_orcid.get(orcid)
        return [_verified_hit(index, pid)] if pid else []
    page_id = page_id_from_url(text) if "/" in text and "." in text else None
    if page_id is None and text.endswith("/unverified"):
        page_id = text.lower()
    if page_id is not None:
        return [_hit(index, page_id)] if index.page_exists(page_id) else []
    key = name_slug(text)
    if not key:
        return []
    ranked: list[tuple[int, str, str]] = []  # (rank, sort key, page ID)
    for pid, entry in index.people.items():
        rank = min([_rank(key, pid), *(_rank(key, n.slug) for n in entry.names)])
        if rank < 3:
            ranked.append((rank, pid, pid))
    for slug, occurrences in index.by_slug.items():
        rank = _rank(key, slug)
        if rank < 3 and occurrences:
            ranked.append((rank, slug, unverified_page(slug)))
    ranked.sort()
    hits: list[PageHit] = []
    for _, _, page in ranked:
        if len(hits) >= limit:
            break
        # Unverified pages are checked last and only as far as needed: a slug's
        # occurrences may all land on verified people.
        if is_unverified_page(page) and not index.page_exists(page):
            continue
        hits.append(_hit(index, page))
    return hits


def _rank(key: str, slug: str) -> int:
    if slug == key:
        return 0
    if slug.startswith(key):
        return 1
    return 2 if key in slug else 3


def _hit(index: DataIndex, page_id: str) -> PageHit:
    if is_unverified_page(page_id):
        occurrences = index.page_occurrences(page_id)
        name = occurrences[0].name.full if occurrences else page_slug(page_id)
        return PageHit(page_id, name)
    return _verified_hit(index, page_id)


def _verified_hit(index: DataIndex, pid: str) -> PageHit:
    entry = index.entry(pid)
    if entry is None:
        return PageHit(pid, pid)
    return PageHit(pid, entry.names[0].full, entry.orcid)


def example_pages(index: DataIndex) -> list[str]:
    """Two pages worth opening first: the verified person with the most papers that
    carry their ID, and the unverified page with the most papers by name (either may
    be missing in a tiny repository)."""
    out = []
    explicit = [(len(occs), pid) for pid, occs in index.by_pid.items() if pid in index.people]
    if explicit:
        out.append(max(explicit)[1])
    by_name = heapq.nlargest(20, ((len(o), s) for s, o in index.by_slug.items() if o))
    for _, slug in by_name:
        if index.page_exists(unverified_page(slug)):
            out.append(unverified_page(slug))
            break
    return out
