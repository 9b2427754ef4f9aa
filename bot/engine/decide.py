"""What a request means: which pages papers leave, which person they go to, and
whether all of a page's papers move or only the ones listed.

Our own form says all of this outright. The Anthology's forms say it through the
boxes ticked, the pages named and the ORCID iD; `decide` reads them the way the
maintainers do and asks back when they leave it open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.anthology.ids import page_url
from bot.anthology.index import DataIndex
from bot.anthology.resolve import is_unverified_page
from bot.engine.problems import problem
from bot.engine.request import FixRequest, Kind, Notice

Scope = Literal["all", "listed", "none"]


@dataclass
class Decision:
    """The reading of a request.

    `target` is an existing verified ID, or None with `new_person` set; `sources`
    are the pages papers leave; `scope` says whether every paper of the sources
    moves (`all`), only the papers listed (`listed`), or none (`none`: a change of
    the person's entry only, such as a new canonical name or an added ORCID iD).
    """

    kinds: tuple[Kind, ...]
    target: str | None = None
    new_person: bool = False
    sources: list[str] = field(default_factory=list)
    scope: Scope = "none"
    canonical_from_request: bool = False
    requested_id: str | None = None
    problems: list[Notice] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)


def decide(index: DataIndex, request: FixRequest, pages: list[str], items: list[str]) -> Decision:
    """Read a request whose papers and pages were found in the data.

    Parameters:
        index: the data.
        request: the parsed request.
        pages: the page IDs it names that exist, in order.
        items: the papers it names that exist, in order.
    """
    kinds = _kinds(request, pages, items)
    d = Decision(kinds=kinds)
    if request.form == "authorbot" or request.target.id or request.target.new:
        _decide_explicit(index, request, pages, items, d)
    else:
        _decide_from_boxes(index, request, pages, items, d)
    if request.preferred_name is not None and ("name-change" in kinds or d.new_person):
        d.canonical_from_request = True
    if d.new_person:
        _check_new_person_facts(request, d)
    if "name-change" in kinds and request.preferred_name is None:
        d.problems.append(
            problem(
                "name-missing",
                "A name change needs the new name: please fill in 'Preferred author name' "
                "(given names first, e.g. 'Jin Liu').",
            )
        )
    return d


def _papers_section(request: FixRequest) -> str:
    """The heading under which the request's form takes the list of papers."""
    if request.form == "anthology-2024":
        return "Your papers"
    if request.form == "authorbot":
        return "Papers"
    return "Supporting Information"


def _check_new_person_facts(request: FixRequest, d: Decision) -> None:
    """A new author page needs an ORCID iD and the degree institution (it forms the
    ID when the name is taken); asked for together with anything else missing."""
    if not request.orcid:
        d.problems.append(
            problem(
                "orcid-missing",
                "A new author page needs the person's ORCID iD. Please add it "
                "(https://orcid.org/0000-...) to the issue; the ORCID record must be public.",
            )
        )
    if not request.degree:
        d.problems.append(
            problem(
                "degree-missing",
                "A new author page needs the institution of the person's highest "
                "(anticipated) degree. Please add it to the issue.",
            )
        )


def _kinds(request: FixRequest, pages: list[str], items: list[str]) -> tuple[Kind, ...]:
    if request.kinds and len(request.kinds) < 4:
        return request.kinds
    # No box ticked, or every box: read the request from what it gives.
    kinds: list[Kind] = []
    if len(pages) >= 2:
        kinds.append("merge")
    elif items:
        kinds.append("split")
    if request.orcid and not kinds:
        kinds.append("verify")
    if request.preferred_name is not None and not kinds:
        kinds.append("name-change")
    return tuple(kinds)


def _decide_explicit(
    index: DataIndex, request: FixRequest, pages: list[str], items: list[str], d: Decision
) -> None:
    """Our form: the source page, the papers and the target are fields of their own."""
    d.sources = pages[:1]
    d.scope = "listed"
    if not request.kinds:
        # Our form has no boxes: a new person is a verification, a part of a page a split.
        whole_page = bool(pages) and set(items) >= {
            o.item for o in index.page_occurrences(pages[0])
        }
        if request.target.new:
            d.kinds = ("verify",) if whole_page else ("verify", "split")
        else:
            d.kinds = ("merge",) if whole_page else ("split",)
    if not items:
        d.problems.append(
            problem(
                "papers-missing",
                "No paper was given. Please list the papers to move, one per line, as "
                "Anthology IDs or aclanthology.org links.",
            )
        )
    if request.target.new:
        d.new_person = True
        d.requested_id = request.target.id  # "new: <id>" asks for that ID
    elif request.target.id:
        if request.target.id not in index.people:
            d.problems.append(
                problem(
                    "unknown-target",
                    f"There is no verified author page {page_url(request.target.id)} to move the "
                    "papers to. Please give an existing author ID, or 'new' for a new page.",
                )
            )
        else:
            d.target = request.target.id
    _check_orcid_owner(index, request, d, named=set(pages) | {request.target.id or ""})
    if not pages:
        d.warnings.append(
            problem(
                "source-missing",
                "No author page was given; the papers are taken from wherever they are now.",
            )
        )


def _decide_from_boxes(
    index: DataIndex, request: FixRequest, pages: list[str], items: list[str], d: Decision
) -> None:
    """The Anthology's forms: read the boxes, the pages and the ORCID iD."""
    verified = [p for p in pages if not is_unverified_page(p)]
    unverified = [p for p in pages if is_unverified_page(p)]
    owner = index.by_orcid.get(request.orcid or "")
    if not pages:
        d.problems.append(
            problem(
                "page-missing",
                "No author page was given. Please add the link to the author page "
                "(https://aclanthology.org/people/...) under 'Author Pages'.",
            )
        )
        return
    if owner is not None and owner not in pages:
        _check_orcid_owner(index, request, d, named=set(pages))
        return
    if "merge" in d.kinds:
        _decide_merge(index, request, pages, verified, owner, d)
    elif "split" in d.kinds:
        d.scope = "listed"
        d.sources = list(pages)
        if not items:
            d.problems.append(
                problem(
                    "papers-missing",
                    "A split needs the list of papers that are yours. Please add their "
                    f"aclanthology.org links (one per line) under '{_papers_section(request)}'.",
                )
            )
        if owner is not None:
            d.target = owner
        elif len(verified) == 1 and not index.people[verified[0]].orcid and not request.orcid:
            d.target = verified[0]
        else:
            d.new_person = True
    elif "verify" in d.kinds or request.orcid:
        if len(pages) > 1:
            d.problems.append(
                problem(
                    "verify-which-page",
                    "Several author pages were given for a verification: "
                    + ", ".join(page_url(p) for p in pages)
                    + ". If they are all you, please tick 'Merge profiles'; otherwise give only "
                    "your own page.",
                )
            )
            return
        page = pages[0]
        if is_unverified_page(page):
            d.new_person = True
            d.sources = [page]
            d.scope = "listed" if items else "all"
        else:
            d.target = page
            d.scope = "listed" if items else "none"
    elif "name-change" in d.kinds:
        if len(verified) == 1:
            d.target = verified[0]
        elif unverified and not verified:
            d.new_person = True
            d.sources = unverified[:1]
            d.scope = "all"
        else:
            d.problems.append(
                problem(
                    "name-change-which-page",
                    "Please give the one author page whose name should change.",
                )
            )
    else:
        d.problems.append(
            problem(
                "kind-missing",
                "It is not clear what should change. Please tick one of the boxes under "
                "'Type of Author Metadata Correction'.",
            )
        )


def _decide_merge(
    index: DataIndex,
    request: FixRequest,
    pages: list[str],
    verified: list[str],
    owner: str | None,
    d: Decision,
) -> None:
    d.scope = "all"
    if len(pages) < 2:
        d.problems.append(
            problem(
                "merge-needs-two-pages",
                "A merge needs every author page that is you: please list all of them under "
                "'Author Pages' (one link per line).",
            )
        )
        return
    if owner is not None:
        d.target = owner
    elif len(verified) == 1:
        d.target = verified[0]
    elif not verified:
        d.new_person = True
    else:
        d.problems.append(
            problem(
                "merge-which",
                "Several of these pages are verified ("
                + ", ".join(verified)
                + "). Please say which one to keep by giving its ORCID iD.",
            )
        )
        return
    d.sources = [p for p in pages if p != d.target]


def _check_orcid_owner(index: DataIndex, request: FixRequest, d: Decision, named: set[str]) -> None:
    """An ORCID iD belongs to at most one person: if it is someone's already, the
    request must be about that person."""
    owner = index.by_orcid.get(request.orcid or "")
    if owner is None:
        return
    if d.new_person or (d.target is not None and d.target != owner) or owner not in named:
        entry = index.people[owner]
        d.problems.append(
            problem(
                "orcid-owned",
                f"The ORCID iD {request.orcid} already belongs to {owner} "
                f"({entry.names[0].full}, {page_url(owner)}). If that is you, please ask to "
                f"move the papers to {owner} (or to merge the pages into it); otherwise please "
                "check the iD.",
            )
        )
    elif d.target is None and not d.new_person:
        d.target = owner
