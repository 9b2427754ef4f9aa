"""What a request means: which pages papers leave, which person they go to, and
whether all of a page's papers move or only the ones listed.

Our own form says all of this outright. The Anthology's forms say it through the
boxes ticked, the pages named, the ORCID iD and the prose; `decide` reads them the
way the maintainers do, and asks back when they leave it open:

- Listed papers bound the change: whatever box is ticked, when the person lists
  papers only those move (and they are taken from the page each one is on now,
  see plan.py). A whole page moves only when the request is for the whole page: a
  verification of one unverified page, or a merge that names pages and no papers.
- Papers the person says are not theirs stay where they are; a paper both listed
  and excluded, or named in words of doubt, is asked about.
- A page the person asks to keep ("keep the first page's ID") gives the merged
  person's ID.
- A verification of a whole unverified page that plainly holds several people's
  papers (several.py) asks which papers are theirs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from bot.anthology.ids import page_url
from bot.anthology.index import DataIndex
from bot.anthology.resolve import is_unverified_page
from bot.engine.lookup import Found
from bot.engine.parse.markdown import quote
from bot.engine.problems import problem
from bot.engine.request import FixRequest, Kind, Notice
from bot.engine.several import several_people

Scope = Literal["all", "listed", "none"]


@dataclass
class Decision:
    """The reading of a request.

    `target` is an existing verified ID, or None with `new_person` set; `sources`
    are the pages papers leave (for `listed`, the pages named: each paper is taken
    from where it is); `scope` says whether every paper of the sources moves
    (`all`), only the papers listed (`listed`), or none (`none`: a change of the
    person's entry only, such as a new canonical name or an added ORCID iD).
    `excluded` papers stay where they are; `release` papers leave the target's own
    page for the unverified page of their name (a person taking others' papers off
    their verified page). `keep` is the page whose ID a new person takes.
    """

    kinds: tuple[Kind, ...]
    target: str | None = None
    new_person: bool = False
    sources: list[str] = field(default_factory=list)
    scope: Scope = "none"
    canonical_from_request: bool = False
    requested_id: str | None = None
    keep: str | None = None
    excluded: list[str] = field(default_factory=list)
    release: list[str] = field(default_factory=list)
    problems: list[Notice] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    notes: list[Notice] = field(default_factory=list)


def decide(index: DataIndex, request: FixRequest, found: Found) -> Decision:
    """Read a request whose papers and pages were looked up in the data.

    Parameters:
        index: the data.
        request: the parsed request.
        found: what of it exists (pages, papers listed, excluded and unclear).
    """
    items = found.items
    kinds = _kinds(request, found.pages, items)
    merge_said = not items and _merge_in_words(request, found.pages, kinds)
    if merge_said:
        kinds = (*kinds, "merge")
    d = Decision(kinds=kinds, excluded=[i for i in found.excluded if i not in items])
    if merge_said:
        d.notes.append(
            Notice(
                "read-merge",
                "The issue asks to combine the pages it names and says which to keep: I "
                "read it as a merge too, although the 'Merge profiles' box is not ticked.",
            )
        )
    _check_stances(found, d)
    _check_pages_said(request, d)
    if request.form == "authorbot" or request.target.id or request.target.new:
        _decide_explicit(index, request, found.pages, items, d)
    else:
        _decide_from_boxes(index, request, found, d)
    if request.preferred_name is not None and ("name-change" in kinds or d.new_person):
        d.canonical_from_request = True
    if d.new_person:
        _check_new_person_facts(request, d)
    if "name-change" in kinds and request.preferred_name is None:
        d.problems.append(
            problem(
                "name-missing",
                f"A name change needs the new name: please write it {_under(request, 'name')} "
                "(given names first, e.g. 'Jin Liu').",
            )
        )
    _check_name_is_a_name(request, d)
    return d


def _under(request: FixRequest, field: str) -> str:
    """Where in the issue the person writes a field, named as the form they used
    shows it ("under 'Supporting Information'"), or "in the issue" without a form."""
    if request.form == "free-text":
        return "in the issue"
    ours = request.form == "authorbot"
    if field == "papers":
        if ours:
            heading = "Papers"
        elif "papers" in request.sections:
            heading = "Your papers"
        else:
            heading = "Supporting Information"
    elif field == "pages":
        heading = "Author page" if ours else "Author Pages"
    elif field == "name" and "name" in request.sections:
        heading = "Preferred name" if ours else "Preferred author name"
    else:
        heading = "Notes" if ours else "Supporting Information"
    return f"under '{heading}'"


def _check_stances(found: Found, d: Decision) -> None:
    """A paper both listed and said not to be theirs, or named in words of doubt, is
    asked about: never guessed."""
    both = [item for item in found.excluded if item in found.items]
    if both:
        d.problems.append(
            problem(
                "paper-mine-and-not-mine",
                f"The issue lists {', '.join(both)} both as yours and as not yours. Please "
                "say which: edit the issue so that each paper is in one list only.",
            )
        )
    unsure = [item for item in found.unclear if item not in found.items]
    if unsure:
        d.problems.append(
            problem(
                "paper-unclear",
                f"I could not tell whether {', '.join(unsure)} "
                f"{'is' if len(unsure) == 1 else 'are'} yours. Please list only the papers "
                "that are yours (and, if you like, the ones that are not, saying so).",
            )
        )


def _check_pages_said(request: FixRequest, d: Decision) -> None:
    """A page the words set aside stays out, said in a note; a page named in words
    of doubt (or both listed and set aside) is asked about."""
    for page in request.pages_aside:
        d.notes.append(
            Notice(
                "page-set-aside",
                f"I left the page {page.id} out of this change: the issue says "
                f"{quote(page.raw.rstrip('.'), 160)}.",
            )
        )
    if request.pages_unclear:
        ids = ", ".join(page.id for page in request.pages_unclear)
        d.problems.append(
            problem(
                "page-unclear",
                f"I could not tell whether the page {ids} is part of this request (the "
                f"issue says {quote(request.pages_unclear[0].raw.rstrip('.'), 160)}). Please list "
                f"{_under(request, 'pages')} only the pages to change, and leave out any "
                "page that is handled some other way.",
            )
        )


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


def _check_name_is_a_name(request: FixRequest, d: Decision) -> None:
    """A preferred name that becomes the canonical name must read as a name: a page
    ID typed there ("myeongjun-erik-jang") is asked about, not guessed."""
    name = request.preferred_name
    if name is None or not d.canonical_from_request or name.first:
        return
    if "-" in name.last and name.last == name.last.lower() and " " not in name.last:
        d.problems.append(
            problem(
                "name-unclear",
                f"The preferred name {name.last!r} reads like a page ID, not a name. Please "
                "write the name as it should be shown, given names first (for example "
                f"{' '.join(w.capitalize() for w in name.last.split('-'))}).",
            )
        )


# "Please combine the two", "merge them", "bring them together": a merge asked in words.
_MERGE_WORDS = re.compile(
    r"\b(?<!not\s)(?<!n't\s)(?:combine|merge|unify|consolidate|bring\s+(?:\w+\s+){0,3}?together"
    r"|put\s+(?:\w+\s+){0,3}?together)\b",
    re.IGNORECASE,
)


def _merge_in_words(request: FixRequest, pages: list[str], kinds: tuple[Kind, ...]) -> bool:
    """A verification of two or more pages whose prose asks to combine them and says
    which page to keep is a merge too (the box was left unticked); without the page
    to keep the verification asks which page is meant, as before."""
    if "verify" not in kinds or "merge" in kinds or "split" in kinds or len(pages) < 2:
        return False
    bases = {page.removesuffix("/unverified") for page in pages}
    if request.keep is None or request.keep.id.removesuffix("/unverified") not in bases:
        return False
    return _MERGE_WORDS.search(request.notes) is not None


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


def _decide_from_boxes(index: DataIndex, request: FixRequest, found: Found, d: Decision) -> None:
    """The Anthology's forms: read the boxes, the pages, the ORCID iD and the prose."""
    pages, items = found.pages, found.items
    owner = index.by_orcid.get(request.orcid or "")
    if items:
        _decide_listed(index, request, pages, items, owner, d)
        return
    if owner is not None and d.excluded:
        # Only papers that are not theirs, from the person with a verified page.
        _decide_release(index, request, owner, d)
        return
    if owner is not None and owner not in pages:
        _check_orcid_owner(index, request, d, named=set(pages))
        return
    if not pages:
        _ask_for_the_page(request, found, d)
        return
    # "Split" says the page holds several people's papers: with one page named and
    # no paper listed, a ticked "Merge" beside it cannot make the whole page theirs.
    one_page_split = "split" in d.kinds and len(pages) < 2
    if ("merge" in d.kinds and not one_page_split) or (
        "name-change" in d.kinds and len(pages) >= 2
    ):
        _decide_merge(index, request, pages, owner, d)
    elif "split" in d.kinds:
        if _others_named_on_one_page(index, request, pages, d):
            # "These two are someone else's (the rest are mine)": the rest of the page.
            _take_whole_unverified_page(index, request, pages[0], d)
        else:
            _ask_for_papers(index, request, pages, owner, d)
    elif "verify" in d.kinds or request.orcid:
        _decide_verify(index, request, pages, owner, d)
    elif "name-change" in d.kinds:
        _decide_name_change(index, pages, d)
    else:
        d.problems.append(
            problem(
                "kind-missing",
                "It is not clear what should change. Please tick one of the boxes under "
                "'Type of Author Metadata Correction', and list the papers (their "
                "aclanthology.org links) that the request is about.",
            )
        )


def _others_named_on_one_page(
    index: DataIndex, request: FixRequest, pages: list[str], d: Decision
) -> bool:
    """A split that names only papers that are not the person's, all on the one
    unverified page named, with the person's ORCID iD: the rest of that page is
    theirs, as the maintainers read it."""
    if not d.excluded or not request.orcid or len(pages) != 1:
        return False
    if not is_unverified_page(pages[0]):
        return False
    on_page = {occ.item for occ in index.page_occurrences(pages[0])}
    return all(item in on_page for item in d.excluded) and len(on_page) > len(d.excluded)


def _ask_for_the_page(request: FixRequest, found: Found, d: Decision) -> None:
    """No page found and no paper listed: ask for what is missing, each once (a page
    named but not in the data is already asked about, as unknown)."""
    if not found.missing_pages:
        d.problems.append(
            problem(
                "page-missing",
                "No author page was given. Please add the link to the author page "
                f"(https://aclanthology.org/people/...) {_under(request, 'pages')}, and list the "
                "papers that are yours.",
            )
        )
    elif "split" in d.kinds and not d.excluded:
        d.problems.append(
            problem(
                "papers-missing",
                "Please also list the papers that are yours (their aclanthology.org links, "
                f"one per line) {_under(request, 'papers')}.",
            )
        )
    if d.kinds != ("name-change",):
        _check_new_person_facts(request, d)


def _ask_for_papers(
    index: DataIndex, request: FixRequest, pages: list[str], owner: str | None, d: Decision
) -> None:
    """A split names no paper: which are theirs is for the person to say."""
    d.scope = "listed"
    d.sources = list(pages)
    d.problems.append(
        problem(
            "papers-missing",
            "A split needs the list of papers that are yours. Please add their "
            f"aclanthology.org links (one per line) {_under(request, 'papers')}.",
        )
    )
    if owner is not None:
        d.target = owner
    elif _legacy_page(index, request, pages) is None:
        d.new_person = True


def _legacy_page(index: DataIndex, request: FixRequest, pages: list[str]) -> str | None:
    """The one verified page named that has no ORCID iD, when the request gives none
    either: papers split off to it stay with that (legacy) person."""
    verified = [p for p in pages if not is_unverified_page(p)]
    if len(verified) == 1 and not index.people[verified[0]].orcid and not request.orcid:
        return verified[0]
    return None


def _decide_listed(
    index: DataIndex,
    request: FixRequest,
    pages: list[str],
    items: list[str],
    owner: str | None,
    d: Decision,
) -> None:
    """The person lists papers: those move, from wherever each one is, and nothing
    else does (whatever box is ticked)."""
    d.scope = "listed"
    d.sources = list(pages)
    verified = [p for p in pages if not is_unverified_page(p)]
    kept = _kept_page(request, pages)
    if owner is not None:
        d.target = owner
        if owner not in pages:
            d.notes.append(
                problem(
                    "read-orcid-page",
                    f"The ORCID iD {request.orcid} is that of {owner} ({page_url(owner)}), so I "
                    "read that page as yours and move the papers there.",
                )
            )
    elif kept is not None and not is_unverified_page(kept) and not index.people[kept].orcid:
        d.target = kept
    elif "merge" in d.kinds and len(verified) == 1 and not index.people[verified[0]].orcid:
        # Merging into one's own (legacy) verified page: it takes the ORCID iD.
        d.target = verified[0]
    elif (legacy := _legacy_page(index, request, pages)) is not None:
        d.target = legacy
    else:
        d.new_person = True
        d.keep = kept
    _say_kept(request, kept, d)
    # Only the person whose page it is (by the ORCID iD) may take papers off it.
    if owner is not None and d.target == owner and owner in pages and "split" in d.kinds:
        _release_unlisted(index, items, d)


def _release_unlisted(index: DataIndex, items: list[str], d: Decision) -> None:
    """ "These are mine" about one's own verified page, every listed paper on it
    already: the split is of the others, which leave the page."""
    assert d.target is not None
    on_page = {o.item for o in index.page_occurrences(d.target)}
    if not set(items) <= on_page:
        return
    d.release = sorted(on_page - set(items) - set(d.excluded)) + [
        i for i in d.excluded if i in on_page
    ]
    if d.release:
        d.notes.append(
            problem(
                "read-release",
                f"Every paper you list is on {d.target} already, so I read the request as "
                f"taking the others off it: {', '.join(d.release)} "
                f"{'goes' if len(d.release) == 1 else 'go'} back to the unverified page "
                "of the name.",
            )
        )


def _decide_release(index: DataIndex, request: FixRequest, owner: str, d: Decision) -> None:
    """Only papers that are not theirs are named, and the person has a verified page
    (their ORCID iD's): those papers leave it, if they are on it."""
    d.target = owner
    on_page = {o.item for o in index.page_occurrences(owner)}
    d.release = [item for item in d.excluded if item in on_page]
    elsewhere = [item for item in d.excluded if item not in on_page]
    if not d.release:
        d.problems.append(
            problem(
                "nothing-to-do",
                f"Nothing to change: {', '.join(elsewhere)} "
                f"{'is' if len(elsewhere) == 1 else 'are'} not on your page {page_url(owner)} "
                "already.",
            )
        )
        return
    d.scope = "listed"
    d.sources = [owner]
    if elsewhere:
        d.notes.append(
            problem(
                "already-off-page",
                f"{', '.join(elsewhere)} {'is' if len(elsewhere) == 1 else 'are'} not on "
                f"{owner} already.",
            )
        )


def _say_kept(request: FixRequest, kept: str | None, d: Decision) -> bool:
    """Say how the page asked to be kept was read; a verified page asked to be kept
    that is not the one the ORCID iD gives is asked about (returns True then)."""
    if kept is None or request.keep is None:
        return False
    if kept in (d.target, d.keep):
        d.notes.append(
            problem(
                "read-keep",
                f"I read \u201c{request.keep.raw}\u201d as asking to keep "
                + (f"the ID of {kept}." if d.keep else f"{kept}."),
            )
        )
    elif not is_unverified_page(kept) and d.target is not None:
        d.problems.append(
            problem(
                "keep-conflict",
                f"You ask to keep {kept}, but the ORCID iD {request.orcid} is that of "
                f"{d.target}. Please say which page is yours: give that page's ORCID iD, or "
                "drop the request to keep the other one.",
            )
        )
        return True
    return False


def _kept_page(request: FixRequest, pages: list[str]) -> str | None:
    """The page the person asks to keep, when it is one of the pages used."""
    if request.keep is None or request.keep.id not in pages:
        return None
    return request.keep.id


def _decide_verify(
    index: DataIndex, request: FixRequest, pages: list[str], owner: str | None, d: Decision
) -> None:
    """A verification without papers: of one page, whole."""
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
    if not is_unverified_page(page):
        entry = index.people[page]
        if owner == page and not request.preferred_name:
            d.problems.append(
                problem(
                    "nothing-to-do",
                    f"Nothing to change: {page_url(page)} is verified with the ORCID iD "
                    f"{request.orcid} already.",
                )
            )
            return
        if entry.orcid and request.orcid and entry.orcid != request.orcid:
            _ask_for_papers_on_anothers_page(index, request, page, d)
            return
        d.target = page
        d.scope = "none"
        return
    _take_whole_unverified_page(index, request, page, d)


def _take_whole_unverified_page(
    index: DataIndex, request: FixRequest, page: str, d: Decision
) -> None:
    """A new person takes a whole unverified page (but the papers said not to be
    theirs), unless the page plainly holds several people's papers."""
    d.new_person = True
    d.sources = [page]
    d.scope = "all"
    # Asked even when some papers are said not to be theirs: excluding one paper
    # does not show that the rest of a page of several people is theirs, unless the
    # person says so too ("the rest are mine"): then they have read the page.
    if d.excluded and request.rest_mine:
        d.notes.append(
            Notice(
                "read-rest",
                f"The issue says the papers of {page} other than {', '.join(d.excluded)} "
                "are yours: I moved those and left the others.",
            )
        )
        return
    mixture = several_people(index, page)
    if mixture is not None:
        d.problems.append(
            problem(
                "list-your-papers",
                f"{page_url(page)} has {mixture.papers} papers that may belong to several "
                f"people ({mixture.reason}). Please list the ones that are yours (their "
                f"aclanthology.org links, one per line) {_under(request, 'papers')}.",
            )
        )


def _ask_for_papers_on_anothers_page(
    index: DataIndex, request: FixRequest, page: str, d: Decision
) -> None:
    """A verified page with another ORCID iD is another person's: never taken whole."""
    entry = index.people[page]
    d.new_person = True
    d.problems.append(
        problem(
            "list-your-papers",
            f"{page_url(page)} is the verified page of another {entry.names[0].full} (ORCID "
            f"iD {entry.orcid}). Please list the papers on it that are yours (their "
            f"aclanthology.org links, one per line) {_under(request, 'papers')}.",
        )
    )


def _decide_name_change(index: DataIndex, pages: list[str], d: Decision) -> None:
    verified = [p for p in pages if not is_unverified_page(p)]
    unverified = [p for p in pages if is_unverified_page(p)]
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


def _decide_merge(
    index: DataIndex,
    request: FixRequest,
    pages: list[str],
    owner: str | None,
    d: Decision,
) -> None:
    """A merge that names pages and no papers: the pages join one person whole."""
    verified = [p for p in pages if not is_unverified_page(p)]
    if len(pages) < 2:
        page = pages[0]
        if not is_unverified_page(page) and page != owner:
            entry = index.people[page]
            if entry.orcid and entry.orcid != request.orcid:
                _ask_for_papers_on_anothers_page(index, request, page, d)
                return
        if is_unverified_page(page) and owner is None:
            # One page to "merge": the person asks for it to become theirs.
            _take_whole_unverified_page(index, request, page, d)
            return
        d.problems.append(
            problem(
                "merge-needs-two-pages",
                "A merge needs every author page that is you: please list all of them "
                f"{_under(request, 'pages')} (one link per line), or list the papers that are "
                "yours.",
            )
        )
        return
    d.scope = "all"
    kept = _kept_page(request, pages)
    if owner is not None:
        d.target = owner
    elif kept is not None and not is_unverified_page(kept):
        d.target = kept
    elif len(verified) == 1:
        d.target = verified[0]
    elif not verified:
        d.new_person = True
        d.keep = kept
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
    if _say_kept(request, kept, d):
        return
    d.sources = [p for p in pages if p != d.target]
    # Two ORCID records are two people until a maintainer says otherwise: a verified
    # page with another ORCID iD is not merged away whole.
    orcid = request.orcid or (index.people[d.target].orcid if d.target else None)
    for page in d.sources:
        other = index.entry(page)
        if other is not None and other.orcid and other.orcid != orcid:
            d.problems.append(
                problem(
                    "merge-other-orcid",
                    f"{page_url(page)} is verified with another ORCID iD ({other.orcid}), so it "
                    "is another person's page and is not merged whole. Please list the papers "
                    f"on it that are yours (their aclanthology.org links) "
                    f"{_under(request, 'papers')}.",
                )
            )


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
