"""How many papers a page lists: the figures of a pull request's before/after table.

A page lists items (papers, volumes, front matter), not occurrences: a person named
twice on one paper still has that paper once. The count is what the author page shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bot.anthology.index import DataIndex


def page_paper_count(index: DataIndex, page_id: str) -> int:
    """The number of distinct items on a page (0 for a page that does not exist)."""
    return len({occ.item for occ in index.page_occurrences(page_id)})


def paper_counts(index: DataIndex, page_ids: Iterable[str]) -> dict[str, int]:
    """`page_paper_count` for each page, in the order given."""
    return {page_id: page_paper_count(index, page_id) for page_id in page_ids}


def affected_pages(plan: Mapping[str, Any]) -> list[str]:
    """The pages a plan changes (the `from` and `to` pages of its moves, and its
    target), in the order they first appear, verified pages before unverified ones.

    Parameters:
        plan: the plan's JSON (`Plan.to_json()`).
    """
    seen: dict[str, None] = {}
    target = (plan.get("target") or {}).get("id")
    if target:
        seen[target] = None
    for move in plan.get("moves") or []:
        for key in ("to", "from"):
            page = move.get(key)
            if page:
                seen.setdefault(page, None)
    return sorted(seen, key=lambda page: page.endswith("/unverified"))
