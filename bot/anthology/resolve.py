"""Which page an author/editor occurrence lands on: the Anthology's one rule, here
and only here.

1. With `id="X"` it belongs to person X.
2. Without an id, take the slug of the name. If exactly one verified person has a
   name with that slug, and that person does not set `disable_name_matching`, it
   belongs to that person.
3. Otherwise it belongs to the unverified page `{slug}/unverified`.

An explicit id is only valid when X is in the people file with the occurrence's name
among its names, and a given `orcid` equals X's (`explicit_id_problem`).
"""

from __future__ import annotations

from collections.abc import Set
from typing import Protocol

from bot.anthology.names import Name
from bot.anthology.people import PersonEntry

UNVERIFIED_SUFFIX = "/unverified"


class PeopleView(Protocol):
    """What the rule needs to know about the verified people."""

    def entry(self, pid: str) -> PersonEntry | None:
        """The people file's entry of `pid`, or None."""
        ...

    def ids_for_slug(self, slug: str) -> Set[str]:
        """The verified people having a name with this slug."""
        ...


def unverified_page(slug: str) -> str:
    """The ID of the unverified page of a slug (`jin-liu/unverified`)."""
    return slug + UNVERIFIED_SUFFIX


def is_unverified_page(page_id: str) -> bool:
    """True for `slug/unverified` page IDs."""
    return page_id.endswith(UNVERIFIED_SUFFIX)


def page_slug(page_id: str) -> str:
    """The slug of an unverified page ID, or the verified ID itself."""
    return page_id[: -len(UNVERIFIED_SUFFIX)] if is_unverified_page(page_id) else page_id


def resolve_occurrence(name: Name, pid: str | None, people: PeopleView) -> str:
    """The page ID an occurrence with this name and explicit id lands on.

    Parameters:
        name: the name written on the paper.
        pid: the occurrence's `id` attribute, or None.
        people: the verified people.

    Returns:
        A verified person ID, or `{slug}/unverified`.
    """
    if pid is not None:
        return pid
    slug = name.slug
    matches = people.ids_for_slug(slug)
    if len(matches) == 1:
        (only,) = matches
        entry = people.entry(only)
        if entry is not None and not entry.disable_name_matching:
            return only
    return unverified_page(slug)


def explicit_id_problem(
    name: Name, pid: str, orcid: str | None, people: PeopleView, where: str = "the people file"
) -> str | None:
    """Why an explicit `id` on an occurrence is invalid, or None when it is valid.

    Parameters:
        where: the people file, as the message names it (its path in the repository).
    """
    entry = people.entry(pid)
    if entry is None:
        return f"the ID {pid!r} is not in {where}"
    if not entry.has_name(name):
        return f"{pid!r} has no name {name.full!r} in {where}"
    if orcid is not None and orcid != entry.orcid:
        return f"the ORCID iD {orcid} on the paper is not {pid!r}'s ({entry.orcid or 'none'})"
    return None
