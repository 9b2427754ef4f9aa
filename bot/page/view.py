"""The author page as plain values: who the page is about, their papers grouped by
year (newest first), and the verified people the papers could be assigned to.

`build_page_view(index, page_id)` is pure: it reads the DataIndex and returns frozen
dataclasses, so the page can be tested without Flask or a browser.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from bot.anthology.ids import item_url, page_url, pdf_url
from bot.anthology.index import DataIndex
from bot.anthology.names import Name
from bot.anthology.people import PersonEntry
from bot.anthology.resolve import is_unverified_page, page_slug
from bot.anthology.xmlscan import Item, Occurrence

UNKNOWN_YEAR = "Year unknown"

# The roles under which a page lists an item: authors of papers, editors of volumes.
_EDITOR_ROLES = frozenset({"editor", "volume-editor"})
_DIGITS = re.compile(r"([0-9]+)")


@dataclass(frozen=True)
class PersonOnItem:
    """One name in an item's author (or editor) list.

    Attributes:
        name: the name as printed on the paper.
        page_id: the page this occurrence lands on now.
        is_this_person: True when it lands on the page being shown.
    """

    name: str
    page_id: str
    is_this_person: bool


@dataclass(frozen=True)
class PaperRow:
    """One paper (or edited volume, or front matter) on the page.

    Attributes:
        id: the full Anthology ID (`2024.ccl-1.3`), what the issue form lists.
        kind: `paper`, `frontmatter` or `volume`.
        role: `author`, or `editor` for edited volumes and front matter.
        title: the title as plain text.
        people: the author list (the editors for a volume), in order.
        volume_title: the title of the volume it is in (None for a volume itself).
        url: its page on aclanthology.org.
        pdf_url: its PDF on aclanthology.org.
        year: the year of publication, or UNKNOWN_YEAR.
    """

    id: str
    kind: str
    role: str
    title: str
    people: tuple[PersonOnItem, ...]
    volume_title: str | None
    url: str
    pdf_url: str
    year: str


@dataclass(frozen=True)
class YearGroup:
    """The papers of one year, in the order of their IDs."""

    year: str
    papers: tuple[PaperRow, ...]


@dataclass(frozen=True)
class TargetOption:
    """A verified person the selected papers could be assigned to, with what tells
    them apart from their namesakes.

    Attributes:
        id: the person ID (what the form's `Assign them to` field takes).
        name: the canonical name.
        other_names: the person's other names.
        degree: the institution of the highest degree, if known.
        orcid: the ORCID iD, if known.
        paper_count: how many items are on the person's page now.
        comment: the entry's comment (often an institution), if any.
        first_year, last_year: the years of their earliest and latest items (None
            when no item has a year).
        latest_title: the title of their latest item, if any.
        swapped: True when offered because the name matches in the other order
            ("Zheng Wang" on the page of "Wang Zheng").
    """

    id: str
    name: str
    other_names: tuple[str, ...]
    degree: str | None
    orcid: str | None
    paper_count: int
    comment: str | None = None
    first_year: str | None = None
    last_year: str | None = None
    latest_title: str | None = None
    swapped: bool = False

    @property
    def about(self) -> str:
        """The degree institution and the comment, as one line ("" when neither)."""
        return " \u00b7 ".join(part for part in (self.degree, self.comment) if part)


@dataclass(frozen=True)
class PageView:
    """Everything the author page shows.

    Attributes:
        page_id: `jin-liu-4161` (verified) or `jin-liu/unverified`.
        verified: False for an unverified page.
        name: the name the page is headed with.
        other_names: the other names of the person (or, for an unverified page, the
            other spellings its papers print).
        orcid, degree: the verified person's ORCID iD and degree (None otherwise).
        years: the papers by year, newest first.
        targets: the verified people with the same or a similar name.
        anthology_url: the page's address on aclanthology.org.
    """

    page_id: str
    verified: bool
    name: str
    other_names: tuple[str, ...]
    orcid: str | None
    degree: str | None
    years: tuple[YearGroup, ...]
    targets: tuple[TargetOption, ...]
    anthology_url: str

    @property
    def papers(self) -> tuple[PaperRow, ...]:
        """Every row on the page, in page order (newest year first)."""
        return tuple(row for group in self.years for row in group.papers)


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key comparing the digit runs of IDs as numbers (`-1.9` before `-1.10`)."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in _DIGITS.split(text) if part
    )


def _year_key(year: str) -> tuple[int, int]:
    """Newest year first; an unknown year last."""
    return (0, -int(year)) if year.isdigit() else (1, 0)


def _row(index: DataIndex, occ: Occurrence, page_id: str) -> PaperRow | None:
    """The row of one occurrence's item, or None if the item is not in the index."""
    item = index.item(occ.item)
    if item is None:
        return None
    people = tuple(
        PersonOnItem(o.name.full, page := index.resolve(o), page == page_id)
        for o in index.on_item.get(item.id, [])
        if o.role == occ.role
    )
    volume = index.item(item.volume) if item.kind != "volume" else None
    volume_title = index.title(volume) if volume is not None else None
    title = item_title(index, item)
    return PaperRow(
        id=item.id,
        kind=item.kind,
        role="editor" if occ.role in _EDITOR_ROLES else "author",
        title=title,
        people=people,
        volume_title=volume_title,
        url=item_url(item.id),
        pdf_url=pdf_url(item.id),
        year=item.year or UNKNOWN_YEAR,
    )


def group_by_year(rows: Iterable[PaperRow]) -> tuple[YearGroup, ...]:
    """Rows grouped by year, newest first; within a year by ID (numbers compared as
    numbers), so the order is stable from one load to the next."""
    by_year: dict[str, list[PaperRow]] = {}
    for row in rows:
        by_year.setdefault(row.year, []).append(row)
    return tuple(
        YearGroup(year, tuple(sorted(by_year[year], key=lambda r: natural_key(r.id))))
        for year in sorted(by_year, key=_year_key)
    )


def item_title(index: DataIndex, item: Item) -> str:
    """The title a row shows: the item's own, a front matter's volume title, or the ID."""
    title = index.title(item)
    if not title and item.kind == "frontmatter":
        volume = index.item(item.volume)
        title = index.title(volume) if volume is not None else ""
    return title or item.id


def _target_option(index: DataIndex, entry: PersonEntry, swapped: bool) -> TargetOption:
    """A namesake with the facts that tell them apart: their years, their latest item
    (the first row of their page), their comment and degree."""
    items = [
        item
        for item_id in {o.item for o in index.page_occurrences(entry.id)}
        if (item := index.item(item_id)) is not None
    ]
    years = sorted(int(item.year) for item in items if item.year and item.year.isdigit())
    newest = min(
        items,
        key=lambda item: (_year_key(item.year or UNKNOWN_YEAR), natural_key(item.id)),
        default=None,
    )
    return TargetOption(
        id=entry.id,
        name=entry.names[0].full,
        other_names=tuple(n.full for n in entry.names[1:]),
        degree=entry.degree,
        orcid=entry.orcid,
        paper_count=len(items),
        comment=entry.comment,
        first_year=str(years[0]) if years else None,
        last_year=str(years[-1]) if years else None,
        latest_title=item_title(index, newest) if newest is not None else None,
        swapped=swapped,
    )


def _swapped(name: Name) -> Name | None:
    """The name with given and family name in the other order, if it has both."""
    return Name(name.last, name.first) if name.first else None


def similar_people(
    index: DataIndex, page_id: str, names: Iterable[Name]
) -> tuple[TargetOption, ...]:
    """The verified people the papers of a page could belong to.

    They are the people having a name with the same slug as one of `names`, the
    people whose ID begins with such a slug and a hyphen (`yang-liu-ict` for
    `yang-liu`), the people a verified page lists as `similar`, and the people
    having one of `names` in the other order ("Zheng Wang" for "Wang Zheng", as
    family names come first in some languages and last in others); never the page
    itself.

    Parameters:
        index: the data.
        page_id: the page being shown.
        names: the names on it.

    Returns:
        The options, ordered by ID.
    """
    names = list(names)
    slugs = {name.slug for name in names}
    if is_unverified_page(page_id):
        slugs.add(page_slug(page_id))
    ids: set[str] = set()
    for slug in slugs:
        ids.update(index.ids_for_slug(slug))
    prefixes = tuple(slug + "-" for slug in slugs)
    if prefixes:
        ids.update(pid for pid in index.people if pid.startswith(prefixes))
    own = index.entry(page_id)
    if own is not None:
        ids.update(own.similar)
    swapped_ids: set[str] = set()
    for name in names:
        other_order = _swapped(name)
        if other_order is not None and other_order.slug not in slugs:
            swapped_ids.update(index.ids_for_slug(other_order.slug))
    swapped_ids -= ids
    ids |= swapped_ids
    ids.discard(page_id)
    options: list[TargetOption] = []
    for pid in sorted(ids):
        entry = index.entry(pid)
        if entry is not None:
            options.append(_target_option(index, entry, pid in swapped_ids))
    return tuple(options)


def _names_by_use(occurrences: Iterable[Occurrence]) -> list[Name]:
    """The names printed on a page's papers, the most used first."""
    counts = Counter(o.name for o in occurrences)
    return sorted(counts, key=lambda name: (-counts[name], name.full))


def build_page_view(index: DataIndex, page_id: str) -> PageView | None:
    """The author page of `page_id`.

    Parameters:
        index: the data.
        page_id: a verified person ID (`jin-liu-4161`) or an unverified page ID
            (`jin-liu/unverified`).

    Returns:
        The page, or None when there is no such page (an unknown person, or an
        unverified page with no papers).
    """
    if not index.page_exists(page_id):
        return None
    occurrences = index.page_occurrences(page_id)
    rows: list[PaperRow] = []
    seen: set[str] = set()
    for occ in occurrences:
        if occ.item in seen:
            continue  # one person twice in an author list: one row
        row = _row(index, occ, page_id)
        if row is not None:
            seen.add(occ.item)
            rows.append(row)
    entry = index.entry(page_id)
    if entry is not None:
        names = list(entry.names)
        orcid, degree = entry.orcid, entry.degree
    else:
        names = _names_by_use(occurrences)
        orcid = degree = None
    return PageView(
        page_id=page_id,
        verified=entry is not None,
        name=names[0].full,
        other_names=tuple(n.full for n in names[1:]),
        orcid=orcid,
        degree=degree,
        years=group_by_year(rows),
        targets=similar_people(index, page_id, names),
        anthology_url=page_url(page_id),
    )
