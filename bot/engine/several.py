"""Whether an unverified page plainly holds the papers of several people, so that
verifying it whole would give one person the papers of others.

An unverified page collects every paper printed with one name. For a rare name
that is one person, however many papers (43 papers of one Ivan Habernal); for a
common name it is often several ("Lei Yang", "Jing Shi"), and the maintainers then
ask "which of these are yours?" before anything moves. The rule, measured on the
data alone:

1. The papers are split into *co-author groups*: two papers are in one group when
   they share a co-author (any other author or editor, compared by the slug of the
   name), directly or through other papers of the page.
2. The page holds several people's papers when it has at least two groups and
   either
   a. a verified person already has this name (the data knows two people who
      write it: the page exists beside them), or
   b. the family name is common (at least COMMON_FAMILY_NAMES different names in
      the archive have it) and the papers outside the largest group are at least
      MIXED_SHARE of the page (a few stray papers beside one large body of work
      are not enough: a prolific author's solo papers are stray too).

Many papers alone do not count, nor do years apart: one person's page may span
decades (Akihiro Tamura, 2005-2025).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.anthology.index import DataIndex
from bot.anthology.resolve import page_slug

COMMON_FAMILY_NAMES = 100
MIXED_SHARE = 0.10


@dataclass(frozen=True)
class Mixture:
    """Why a page looks like several people's: how many papers it has, and the
    reason in words."""

    papers: int
    reason: str


def coauthor_groups(index: DataIndex, page: str, items: Iterable[str]) -> list[list[str]]:
    """The page's papers (`items`) split into co-author groups (rule 1), largest
    first."""
    papers = sorted(set(items))
    parent = {item: item for item in papers}

    def root(item: str) -> str:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    first_with: dict[str, str] = {}
    for item in papers:
        for occ in index.on_item.get(item, ()):
            if index.resolve(occ) == page:
                continue
            seen = first_with.setdefault(occ.name.slug, item)
            parent[root(item)] = root(seen)
    groups: dict[str, list[str]] = {}
    for item in papers:
        groups.setdefault(root(item), []).append(item)
    return sorted(groups.values(), key=lambda g: (-len(g), g))


def several_people(index: DataIndex, page: str) -> Mixture | None:
    """The evidence that an unverified page holds several people's papers (see the
    module's rule), or None when it reads as one person's."""
    occs = index.page_occurrences(page)
    if not occs:
        return None
    groups = coauthor_groups(index, page, (o.item for o in occs))
    papers = sum(len(g) for g in groups)
    if len(groups) < 2:
        return None
    namesakes = index.ids_for_slug(page_slug(page))
    if namesakes:
        reason = (
            f"the name is shared: {', '.join(sorted(namesakes))} "
            f"{'is a verified person' if len(namesakes) == 1 else 'are verified people'} "
            "with it"
        )
        return Mixture(papers, reason)
    family = max((o.name.last for o in occs), key=index.family_name_count)
    outside = papers - len(groups[0])
    if index.family_name_count(family) >= COMMON_FAMILY_NAMES and outside >= MIXED_SHARE * papers:
        reason = (
            f"{family} is a common family name, and the papers fall into {len(groups)} groups "
            "with no co-author in common"
        )
        return Mixture(papers, reason)
    return None
