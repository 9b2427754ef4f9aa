"""Planning a request: which occurrences move, how the people file and the XML change,
and the proof that nothing else moves.

The one rule (DOMAIN.md): the papers the request names move to the requested person,
and no other occurrence anywhere in the archive changes page. (When a person takes
papers that are not theirs off their own verified page, those papers are the ones
named, and they move to the unverified page of the name printed on them.) After deciding the
change we resolve every occurrence it could touch, before and after, and mend what
moved without being asked (an explicit id keeps an occurrence where it was;
`disable_name_matching` stops a new person from taking others' papers).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Set
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from bot.anthology.ids import collection_file, item_url, page_url
from bot.anthology.index import DataIndex
from bot.anthology.names import Name, name_score, name_slug
from bot.anthology.people import PeopleFile, PersonEntry
from bot.anthology.resolve import (
    explicit_id_problem,
    is_unverified_page,
    page_slug,
    resolve_occurrence,
    unverified_page,
)
from bot.anthology.textfile import file_stamp, read_text
from bot.anthology.xmlscan import ROLE_VOLUME_EDITOR, Occurrence
from bot.engine.already import merge_already_done, metadata_correction, name_already_shown
from bot.engine.decide import Decision, decide
from bot.engine.lookup import look_up
from bot.engine.problems import problem, status_for
from bot.engine.request import FixRequest, Notice
from bot.engine.textedit import (
    TextEdit,
    apply_edits,
    byte_offsets,
    refine_edits,
    splice_bytes,
    unified_diff,
)

PERSON_ID = re.compile(r"[a-z][-a-z0-9]+")
# Real IDs are under 40 characters; a longer one is a pasted mistake, not a name.
MAX_PERSON_ID = 128
_MAX_MEND_ROUNDS = 6
# The parser's warnings still worth saying beside "the papers show this already":
# what was read (the name, from the text); not the boxes or pages it asks about.
_STILL_SAID = frozenset({"name-from-text", "not-confirmed"})


@dataclass(frozen=True)
class Move:
    """One occurrence changing page."""

    occurrence: Occurrence
    source: str
    target: str


@dataclass(frozen=True)
class FileChange:
    """A file's text before and after, and the edits between them.

    `source` is the old text, or the file's UTF-8 bytes as read (newlines `\\n` only)
    with `spans`, each edit's `(start, end)` in bytes: a collection file can be 4 MB,
    and decoding it, editing the string and encoding it again cost a warm request tens
    of milliseconds, while its edits are a few lines. `edits` are in characters of the
    old text either way (the index's offsets). `old` and `new` are made when asked.

    `stamp` is the file's (size, mtime_ns) taken just before it was read:
    `apply_plan` compares it instead of reading the file again (None: it compares the
    text).
    """

    path: str
    source: str | bytes
    edits: tuple[TextEdit, ...]
    stamp: tuple[int, int] | None = None
    spans: tuple[tuple[int, int], ...] = ()
    text: str | None = None  # the old text when already in memory (the people file)

    @cached_property
    def old(self) -> str:
        """The text before."""
        if isinstance(self.source, str):
            return self.source
        return self.text if self.text is not None else self.source.decode("utf-8")

    def old_lines(self) -> list[str]:
        """The old text of each edit's span."""
        if isinstance(self.source, str) or self.text is not None:
            return [self.old[e.start : e.end] for e in self.edits]
        return [self.source[a:b].decode("utf-8") for a, b in self.spans]

    @cached_property
    def new(self) -> str:
        """The text after."""
        return apply_edits(self.old, self.edits)

    def new_bytes(self) -> list[bytes | memoryview]:
        """The file's bytes after, in pieces (the unchanged ones are views of `source`)."""
        edits = self.byte_edits()
        if edits is None or isinstance(self.source, str):
            return [self.new.encode("utf-8")]
        return splice_bytes(self.source, edits)

    def byte_edits(self) -> list[tuple[int, int, bytes]] | None:
        """The edits as `(start, end, new_bytes)` in the old bytes, or None when the
        file was read as text (its old bytes are not kept)."""
        if isinstance(self.source, str):
            return None
        return [
            (start, end, e.new.encode("utf-8"))
            for e, (start, end) in zip(self.edits, self.spans, strict=True)
        ]

    @property
    def diff(self) -> str:
        """The unified diff of this file."""
        if isinstance(self.source, bytes):
            byte_edits = [
                TextEdit(start, end, e.new)
                for e, (start, end) in zip(self.edits, self.spans, strict=True)
            ]
            return unified_diff(self.path, self.source, byte_edits)
        return unified_diff(self.path, self.source, self.edits)


@dataclass
class Plan:
    """The engine's answer to one request."""

    request: FixRequest
    status: str = "needs-info"
    kinds: tuple[str, ...] = ()
    sources: list[str] = field(default_factory=list)
    target: PersonEntry | None = None
    target_is_new: bool = False
    moves: list[Move] = field(default_factory=list)
    people_changes: dict[str, PersonEntry | None] = field(default_factory=dict)
    pinned: list[Occurrence] = field(default_factory=list)
    files: dict[str, FileChange] = field(default_factory=dict)
    problems: list[Notice] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    notes: list[Notice] = field(default_factory=list)
    other_changed: int = 0
    titles: dict[str, str] = field(default_factory=dict)
    # The data's people file: its path and format, for the entries shown.
    people_file: PeopleFile | None = None

    @property
    def target_id(self) -> str | None:
        """The ID of the person the papers go to, if the plan has one."""
        return self.target.id if self.target is not None else None

    def collections_changed(self) -> list[str]:
        """The IDs of the collections whose XML the plan changes."""
        return sorted(
            path[len("data/xml/") : -len(".xml")]
            for path in self.files
            if path.startswith("data/xml/")
        )

    @property
    def diff(self) -> str:
        """The unified diff of every file the plan changes."""
        return "".join(self.files[p].diff for p in sorted(self.files))

    def to_json(self) -> dict[str, Any]:
        """The plan as JSON (schemas/plan.schema.json)."""
        target = None
        if self.target is not None:
            target = {
                "id": self.target.id,
                "new": self.target_is_new,
                "orcid": self.target.orcid,
                "degree": self.target.degree,
                "names": [n.as_dict() for n in self.target.names],
                "disable_name_matching": self.target.disable_name_matching,
            }
        entry = ""
        if self.target is not None and self.people_changes.get(self.target.id) is not None:
            entry = self._entry_text(self.target)
        return {
            "status": self.status,
            "kinds": list(self.kinds),
            "source": list(self.sources),
            "target": target,
            "moves": [
                {
                    "paper": m.occurrence.item,
                    "role": m.occurrence.role,
                    "position": m.occurrence.position,
                    "name": m.occurrence.name.full,
                    "title": self.titles.get(m.occurrence.item, ""),
                    "from": m.source,
                    "to": m.target,
                }
                for m in self.moves
            ],
            "entry": entry,
            "people_file": self.people_file.path if self.people_file is not None else "",
            "people": {
                pid: (None if e is None else self._entry_text(e))
                for pid, e in sorted(self.people_changes.items())
            },
            "pinned": [o.key for o in self.pinned],
            "problems": [{"code": p.code, "message": p.message} for p in self.problems],
            "warnings": [{"code": p.code, "message": p.message} for p in self.warnings],
            "notes": [{"code": p.code, "message": p.message} for p in self.notes],
            "files": sorted(self.files),
            "diff": self.diff if self.status == "ready" else "",
            "check": {
                "papers_moved": len(self.moves),
                "other_occurrences_changed": self.other_changed,
            },
            "request": self.request.to_dict(),
        }

    def _entry_text(self, entry: PersonEntry) -> str:
        assert self.people_file is not None, "a plan with people changes has a people file"
        return self.people_file.entry_text(entry)


class PeopleOverlay:
    """The verified people as they will be after `changes` (a PeopleView)."""

    def __init__(self, base: DataIndex, changes: dict[str, PersonEntry | None]) -> None:
        self.base = base
        self.changes = changes

    def entry(self, pid: str) -> PersonEntry | None:
        if pid in self.changes:
            return self.changes[pid]
        return self.base.entry(pid)

    def ids_for_slug(self, slug: str) -> Set[str]:
        ids = set(self.base.ids_for_slug(slug))
        for pid, entry in self.changes.items():
            ids.discard(pid)
            if entry is not None and any(n.slug == slug for n in entry.names):
                ids.add(pid)
        return ids


def plan_request(index: DataIndex, request: FixRequest, new_id: str | None = None) -> Plan:
    """Plan a parsed request against the data.

    Parameters:
        index: the data repository in memory (current).
        request: what the issue asks.
        new_id: an ID to use for a new person instead of the generated one.

    Returns:
        A plan: `status` ready (with file changes) or needs-info/rejected (with
        problems). Never raises for anything the request says.
    """
    plan = Plan(request=request, warnings=list(request.warnings), people_file=index.people_file)
    found = look_up(index, request)
    already = (
        name_already_shown(index, request, found)
        or merge_already_done(index, request, found)
        or metadata_correction(index, request, found)
    )
    if already is not None:
        # The papers print the name as asked: what the lookup could not find (the
        # page named is gone) and the boxes left empty no longer matter.
        plan.problems = [already]
        plan.warnings = [w for w in plan.warnings if w.code in _STILL_SAID]
        plan.status = status_for(plan.problems)
        return plan
    plan.problems += found.problems
    plan.warnings += found.warnings
    plan.notes += found.notes
    decision = decide(index, request, found)
    plan.kinds = decision.kinds
    plan.sources = decision.sources
    plan.problems += decision.problems
    plan.warnings += decision.warnings
    plan.notes += decision.notes
    if not plan.problems:
        _plan_change(index, request, decision, found.items, new_id, plan)
    # A problem says it better than the parser's warning of the same kind. When the
    # pages the body names are all in the data (or their one sibling is), the data
    # has settled which page is meant: a title naming another is no warning.
    codes = {p.code for p in plan.problems}
    if found.pages and not found.missing_pages:
        codes.add("title-page-mismatch")
    plan.warnings = [w for w in plan.warnings if w.code not in codes]
    plan.status = status_for(plan.problems)
    if plan.status != "ready":
        plan.files = {}
    else:
        plan.kinds = _kinds_done(index, request, decision, plan)
        plan.sources = sorted({m.source for m in plan.moves})
    return plan


# ------------------------------------------------------------------ the change


def _plan_change(
    index: DataIndex,
    request: FixRequest,
    d: Decision,
    items: list[str],
    new_id: str | None,
    plan: Plan,
) -> None:
    moving = _occurrences_to_move(index, request, d, items, plan)
    released = _occurrences_to_release(index, d, plan)
    if plan.problems:
        return
    changes: dict[str, PersonEntry | None] = {}
    target = _target_entry(index, request, d, moving, new_id, plan)
    if target is None or plan.problems:
        return
    plan.target = target
    plan.target_is_new = d.new_person
    # Sources that are verified people merged away leave the people file.
    for src in d.sources:
        if d.scope == "all" and not is_unverified_page(src) and src != target.id:
            changes[src] = None
            target = _absorb(target, index.people[src])
    moving = [o for o in moving if index.resolve(o) != target.id]
    if not moving and not released and d.scope != "none" and not d.new_person:
        if target == index.entry(target.id):
            plan.problems.append(
                problem(
                    "nothing-to-do",
                    f"Nothing to change: the papers are on {page_url(target.id)} already. "
                    + _list_the_others(request),
                )
            )
            return
    for occ in moving:
        if occ.orcid is not None and occ.orcid != target.orcid:
            plan.problems.append(
                problem(
                    "paper-orcid-conflict",
                    f"On {occ.item}, {occ.name.full} carries the ORCID iD {occ.orcid}, not "
                    f"{target.orcid or 'none'}. Please check that this paper is yours; a "
                    "maintainer has to correct the paper's metadata first.",
                )
            )
    if plan.problems:
        return
    # Every moved occurrence gets an explicit id; its name joins the person's names.
    # A released one loses its id and lands on the unverified page of its name.
    new_ids: dict[Occurrence, str | None] = {occ: target.id for occ in moving}
    wants: dict[Occurrence, str] = {occ: target.id for occ in moving}
    for occ in released:
        new_ids[occ] = None
        wants[occ] = unverified_page(occ.name.slug)
    target = _with_names(target, [o.name for o in moving])
    changes[target.id] = target
    _merge_similar_refs(index, changes)
    pinned = _mend(index, changes, new_ids, wants, plan)
    if plan.problems:
        return
    target = changes[target.id] or target
    plan.target = target
    plan.people_changes = {pid: e for pid, e in changes.items() if e != index.entry(pid)}
    plan.moves = [Move(o, index.resolve(o), wants[o]) for o in _in_file_order(list(wants))]
    plan.pinned = _in_file_order(pinned)
    plan.titles = {
        m.occurrence.item: index.title(index.items[m.occurrence.item]) for m in plan.moves
    }
    if not plan.people_changes and not new_ids:
        plan.problems.append(
            problem("nothing-to-do", "Nothing to change: the data says this already.")
        )
        return
    _say_what_stays(index, request, d, plan)
    plan.files = _file_changes(index, plan.people_changes, new_ids, plan)


def _kinds_done(index: DataIndex, request: FixRequest, d: Decision, plan: Plan) -> tuple[str, ...]:
    """What a ready plan does, in the words of the kinds: `verify` (a new verified
    person, or an ORCID iD added to one), `split` (part of a page moves, or leaves
    the person's own page), `merge` (whole pages join a person), `name-change` (the
    canonical name changes as asked)."""
    kinds: list[str] = []
    target = plan.target
    assert target is not None
    before = index.entry(target.id)
    if plan.target_is_new or (before is not None and not before.orcid and target.orcid):
        kinds.append("verify")
    joining = [m for m in plan.moves if m.target == target.id]
    sources = {m.source for m in joining}
    moved = {m.occurrence for m in joining}
    whole = all(set(index.page_occurrences(page)) <= moved for page in sources)
    if d.release or (joining and not whole) or (d.scope == "listed" and "split" in d.kinds):
        kinds.append("split")
    elif joining and (len(sources) >= 2 or not plan.target_is_new):
        kinds.append("merge")
    if "name-change" in d.kinds and d.canonical_from_request and request.preferred_name:
        kinds.append("name-change")
    return tuple(kinds) or d.kinds


def _say_what_stays(index: DataIndex, request: FixRequest, d: Decision, plan: Plan) -> None:
    """Notes for a ready plan that rests on prose: in one sentence each, what was
    read, so that a maintainer can check it at a glance."""
    moved_items = {m.occurrence.item for m in plan.moves}
    named = [p for p in d.sources if p != d.target]
    released = {m.occurrence.item: m for m in plan.moves if m.target != plan.target_id}
    for item in d.excluded:
        if item in released:
            move = released[item]
            plan.notes.append(
                problem(
                    "read-not-mine",
                    f"I read {item} as not yours, so it leaves {move.source} for {move.target}.",
                )
            )
            continue
        here = [
            index.resolve(o)
            for o in _item_occurrences(index, item)
            if index.resolve(o) in named or index.resolve(o) == d.target
        ]
        where = f"it stays on {here[0]}" if here else "it is left as it is"
        plan.notes.append(problem("read-not-mine", f"I read {item} as not yours, so {where}."))
    if d.scope != "listed" or d.release:
        return
    ticked = set(request.kinds)
    if not ("merge" in ticked or ticked == {"verify"}):
        return
    for page in dict.fromkeys([*named, *(m.source for m in plan.moves)]):
        if page == d.target:
            continue
        left = {o.item for o in index.page_occurrences(page)} - moved_items - set(d.excluded)
        if left:
            listed = len({m.occurrence.item for m in plan.moves if m.source == page})
            plan.notes.append(
                problem(
                    "read-listed-only",
                    f"You listed {listed} {'paper' if listed == 1 else 'papers'} on {page}, "
                    f"so only {'it moves' if listed == 1 else 'those move'}; the {len(left)} "
                    f"other {'paper' if len(left) == 1 else 'papers'} on that page "
                    f"{'stays' if len(left) == 1 else 'stay'} there.",
                )
            )


def _list_the_others(request: FixRequest) -> str:
    """How to move the papers that are not the page's person's, in the terms of the
    form used: ours names where they go; the Anthology's forms take the ORCID iD of
    the person they belong to."""
    if request.form == "authorbot":
        return (
            "To move papers off that page, list them under 'Papers' and put the ID of the "
            "author page they belong on (or new, for a new page) under 'Assign them to'. If "
            "you do not know whose they are, say so in a comment: a maintainer takes over."
        )
    return (
        "If other papers on that page are not yours, please list those papers "
        "instead, with the ORCID iD of the person they belong to (or leave it "
        "out and say so, and a maintainer will sort them out)."
    )


def _occurrences_to_move(
    index: DataIndex, request: FixRequest, d: Decision, items: list[str], plan: Plan
) -> list[Occurrence]:
    """The occurrences the request moves: a whole page's (but the papers said not to
    be the person's), or one per listed paper, found where it is now."""
    if d.scope == "all":
        out: list[Occurrence] = []
        for src in d.sources:
            out += [o for o in index.page_occurrences(src) if o.item not in d.excluded]
        return out
    if d.scope == "none":
        return []
    person = _person_names(index, request, d)
    out = []
    for item_id in items:
        occ = _occurrence_on(index, item_id, d, person, items, plan)
        if occ is not None:
            out.append(occ)
    return out


def _occurrences_to_release(index: DataIndex, d: Decision, plan: Plan) -> list[Occurrence]:
    """The occurrences that leave the target's own page (`Decision.release`)."""
    out: list[Occurrence] = []
    for item_id in d.release:
        on_target = [o for o in _item_occurrences(index, item_id) if index.resolve(o) == d.target]
        if len(on_target) == 1:
            out.append(on_target[0])
        else:
            plan.problems.append(
                problem(
                    "person-twice-on-paper",
                    f"{item_id} lists {d.target} {len(on_target)} times. Please say which "
                    "author is meant.",
                )
            )
    return out


def _person_names(index: DataIndex, request: FixRequest, d: Decision) -> list[Name]:
    """The names the person may be printed under: those of the pages named (and of
    the target), and the preferred name."""
    names: list[Name] = []
    for page in [*d.sources, *([d.target] if d.target else [])]:
        entry = index.entry(page)
        if entry is not None:
            names += entry.names
        else:
            names += list({o.name: None for o in index.page_occurrences(page)})
    if request.preferred_name is not None:
        names.append(Name(request.preferred_name.first or None, request.preferred_name.last))
    return list(dict.fromkeys(names))


def _item_occurrences(index: DataIndex, item_id: str) -> list[Occurrence]:
    item = index.items[item_id]
    if item.kind == "frontmatter":
        # A front matter's people are its volume's editors.
        return [o for o in index.on_item.get(item.volume, []) if o.role == ROLE_VOLUME_EDITOR]
    return index.on_item.get(item_id, [])


def _coauthors(index: DataIndex, item_ids: Iterable[str], but: set[str]) -> set[str]:
    """The slugs of the people on some papers, but the names given."""
    return {
        o.name.slug
        for item_id in item_ids
        for o in _item_occurrences(index, item_id)
        if o.name.slug not in but
    }


def _occurrence_on(
    index: DataIndex,
    item_id: str,
    d: Decision,
    person: list[Name],
    items: list[str],
    plan: Plan,
) -> Occurrence | None:
    """The one occurrence of the person being moved on a paper, wherever it is: on a
    page named, else under one of the person's names (in either order), else, when
    the person is not on the paper already, the one author with the person's family
    name, if the paper shares a co-author with the person's other papers (a variant
    of the given name, "Estrid" for "Jiayuan": said in a note)."""
    occs = _item_occurrences(index, item_id)
    pages = {o: index.resolve(o) for o in occs}
    sources = [s for s in d.sources if s != d.target]
    others = [o for o in occs if pages[o] != d.target]
    # The person's names, also read family name first ("Li Nan" for Nan Li).
    slugs = {n.slug for n in person} | {Name(n.last, n.first).slug for n in person if n.first}
    families = {name_slug(n.last) for n in person}
    on_target = d.target is not None and any(p == d.target for p in pages.values())
    chosen: Occurrence | None = None
    how = ""
    for candidates, way in (
        ([o for o in others if pages[o] in sources], ""),
        ([o for o in others if o.name.slug in slugs], "name"),
        ([] if on_target else [o for o in others if name_slug(o.name.last) in families], "family"),
    ):
        if len(candidates) == 1 and way == "family":
            # A namesake by family name only is the person when the paper shares a
            # co-author with the person's other papers (those listed, those on the
            # pages named); otherwise it is someone else, and asked about.
            (candidate,) = candidates
            mine = {o.item for page in sources for o in index.page_occurrences(page)}
            mine |= set(items) - {item_id}
            circle = _coauthors(index, mine, slugs)
            if not _coauthors(index, [item_id], slugs | {candidate.name.slug}) & circle:
                break
        if len(candidates) == 1:
            chosen, how = candidates[0], way
            break
        if len(candidates) > 1:
            plan.problems.append(
                problem(
                    "person-twice-on-paper",
                    f"{item_id} has more than one author who could be meant: "
                    + "; ".join(f"{o.name.full} (position {o.position + 1})" for o in candidates)
                    + ". Please say which one in the issue.",
                )
            )
            return None
    if chosen is not None:
        if pages[chosen] not in sources:
            plan.notes.append(
                problem(
                    "read-source",
                    f"{item_id} is on {pages[chosen]} (printed {chosen.name.full})"
                    + (", the one author with your family name" if how == "family" else "")
                    + ", so it moves from there.",
                )
            )
        return chosen
    if on_target:
        plan.notes.append(problem("already-on-target", f"{item_id} is on {d.target} already."))
        return None
    listing = "; ".join(f"{o.name.full} ({pages[o]})" for o in occs) or "no authors"
    where = " or ".join(page_url(s) for s in sources) if sources else "the page"
    plan.problems.append(
        problem(
            "person-not-on-paper",
            f"{item_id} ({item_url(item_id)}) has no author from {where}. Its authors are: "
            f"{listing}. Please check the paper, or whether its names need correcting first.",
        )
    )
    return None


def _target_entry(
    index: DataIndex,
    request: FixRequest,
    d: Decision,
    moving: list[Occurrence],
    new_id: str | None,
    plan: Plan,
) -> PersonEntry | None:
    """The target's people entry as it will be (names added later)."""
    preferred = None
    if request.preferred_name is not None:
        known = [o.name for o in moving]
        if d.target is not None:
            known += list(index.people[d.target].names)
        given = Name(request.preferred_name.first or None, request.preferred_name.last)
        preferred = _as_on_the_papers(index, given, known, plan)
        if d.canonical_from_request and not _reads_as_full_name(preferred, known):
            preferred = _one_word_name(given, known, d, plan)
    if d.new_person:
        # The ORCID iD and the institution were asked for in decide().
        if not moving and d.scope != "none":
            plan.problems.append(
                problem("papers-missing", "No paper to move to the new author page was found.")
            )
        if plan.problems:
            return None
        keep_slug = page_slug(d.keep) if d.keep else None
        names = _ordered_names(moving, preferred if d.canonical_from_request else None, keep_slug)
        slug = keep_slug or names[0].slug
        pid = new_id or d.requested_id or _new_person_id(index, slug, request.orcid or "")
        if pid is None or not _usable_id(index, pid) or pid in index.people:
            bad = pid or f"{slug}-{(request.orcid or '')[-4:].lower()}"
            code = "id-invalid" if pid and not _usable_id(index, pid) else "id-taken"
            plan.problems.append(
                problem(
                    code if pid else "id-unavailable",
                    f"The ID {bad!r} cannot be used for the new author page "
                    f"({'taken' if bad in index.people else 'not a valid ID'}). A maintainer can "
                    "choose one with the command '@authorbot id <new-id>'.",
                )
            )
            return None
        return PersonEntry(pid, tuple(names), request.orcid, request.degree)
    if d.target is None:
        # Our form names the target in a field of its own: say which and with what.
        where = (
            " Please give under 'Assign them to' the ID of the author page they belong on "
            "(e.g. jin-liu-4161), or new for a new page."
            if request.form == "authorbot"
            else ""
        )
        plan.problems.append(
            problem("target-missing", f"It is not clear which author page the papers go to.{where}")
        )
        return None
    entry = index.people[d.target]
    if request.orcid:
        if entry.orcid is None:
            entry = replace(entry, orcid=request.orcid)
        elif entry.orcid != request.orcid:
            # Tell the person what to change in the form they used: ours has no
            # kind boxes, only the field naming where the papers go.
            if request.form == "authorbot":
                remedy = (
                    "put that person's author page ID (or new, for a new page) under "
                    "'Assign them to' and give their ORCID iD; otherwise correct the iD."
                )
            else:
                remedy = "tick 'Split/disambiguate' and give that person's ORCID iD."
            plan.problems.append(
                problem(
                    "orcid-mismatch",
                    f"{d.target} has the ORCID iD {entry.orcid}, not {request.orcid}. If the "
                    f"papers belong to someone else, please {remedy}",
                )
            )
            return None
    if request.degree and not entry.degree:
        entry = replace(entry, degree=request.degree)
    elif request.degree and entry.degree != request.degree:
        plan.warnings.append(
            problem(
                "degree-differs",
                f"{d.target} has the degree institution {entry.degree!r}; kept it (the issue "
                f"says {request.degree!r}). A maintainer can change it in the pull request.",
            )
        )
    if preferred is not None and d.canonical_from_request:
        rest = tuple(n for n in entry.names if n != preferred)
        entry = replace(entry, names=(preferred, *rest))
    return entry


def _is_typed_in_capitals(word: str) -> bool:
    """A word typed with the shift key held: all capitals ("WANG"), or two capitals
    then small letters ("NIsheeth"); not "MingWen" or "McDonald"."""
    letters = [c for c in word if c.isalpha()]
    if len(letters) < 2:
        return False
    if all(c.isupper() for c in letters):
        return True
    return (
        len(letters) > 2
        and letters[0].isupper()
        and letters[1].isupper()
        and all(c.islower() for c in letters[2:])
    )


def _as_on_the_papers(index: DataIndex, given: Name, known: list[Name], plan: Plan) -> Name:
    """The preferred name checked against the names on the papers (`known`).

    - Family name first ("Shen Jiajun", or "Yiwen, Hu" with the comma on the wrong
      side): when the name read is on the papers in either order, and its family
      name is rare as a family name in the archive while its given name is a
      common one (ten times as many names have it), the two are swapped.
    - The same name as on a paper but for capitals typed by mistake ("WANG",
      "NIsheeth"): the paper's spelling.
    - The same words split elsewhere ("Esteban Garces | Arias" against the
      papers' "Esteban | Garces Arias"): the papers' split.
    """
    name = given
    if name.first and " " not in name.first and " " not in name.last:
        swapped = Name(name.last, name.first)
        on_papers = {n.slug for n in known}
        rare = index.family_name_count(name.last)
        if {name.slug, swapped.slug} & on_papers and index.family_name_count(
            name.first
        ) >= 10 * max(rare, 1):
            name = swapped
    for paper in known:
        if paper.slug != name.slug or paper == name:
            continue
        words, paper_words = name.full.split(), paper.full.split()
        if len(words) != len(paper_words):
            continue
        if paper.full.casefold() == name.full.casefold() and any(
            _is_typed_in_capitals(w) for w in words
        ):
            name = paper
            break
        given_words = len(paper.first.split()) if paper.first else 0
        if given_words != (len(name.first.split()) if name.first else 0):
            name = Name(" ".join(words[:given_words]) or None, " ".join(words[given_words:]))
            break
    if name != given:
        first = f"given name {name.first}, " if name.first else ""
        plan.notes.append(
            problem(
                "read-name",
                f"I read the preferred name \u201c{given.full}\u201d as {first}family name "
                f"{name.last}, as the papers print it.",
            )
        )
    return name


def _reads_as_full_name(name: Name, known: list[Name]) -> bool:
    """False for one word where the papers print a whole name ("Abe" or "Handler" for
    Abram Handler): not a name to show or to make an ID of. A one-word name the papers
    print so (a mononym) is a full name."""
    if name.first:
        return True
    return any(n.full.casefold() == name.last.casefold() for n in known)


def _one_word_name(given: Name, known: list[Name], d: Decision, plan: Plan) -> Name | None:
    """What to do with a one-word preferred name that is no name on the papers: a name
    change cannot go on without the new full name (asked); a page verified or made
    keeps the name the papers print (said in a note)."""
    printed = known[0].full if known else "the papers' name"
    if "name-change" in d.kinds:
        plan.problems.append(
            problem(
                "name-unclear",
                f"The new name \u201c{given.full}\u201d is one word, and the papers print "
                f"{printed}. Please write the full new name as it should be shown, given "
                "names first.",
            )
        )
    else:
        plan.notes.append(
            problem(
                "read-name",
                f"I kept the name as the papers print it ({printed}): the preferred name "
                f"\u201c{given.full}\u201d is one word, not a full name. To show another "
                "name, please give it in full, given names first.",
            )
        )
    return None


def _ordered_names(
    moving: list[Occurrence], preferred: Name | None, keep_slug: str | None = None
) -> list[Name]:
    """A new person's names: the preferred name first if given, else the spelling
    used most on the page asked to be kept (or on all the papers; then the
    better-written one), then the others as they appear."""
    counts = Counter(o.name for o in moving)
    seen = list(dict.fromkeys(o.name for o in moving))
    if preferred is not None:
        return [preferred] + [n for n in seen if n != preferred]
    if not seen:
        return []
    pool = [n for n in seen if n.slug == keep_slug] or seen
    best = max(pool, key=lambda n: (counts[n], name_score(n)))
    return [best] + [n for n in seen if n != best]


def _new_person_id(index: DataIndex, slug: str, orcid: str) -> str | None:
    """The slug when free (and usable), else the slug and the ORCID iD's last four
    characters; None when neither can be used."""
    if slug not in index.people and _usable_id(index, slug):
        return slug
    with_orcid = f"{slug}-{orcid[-4:].lower()}"
    usable = with_orcid not in index.people and _usable_id(index, with_orcid)
    return with_orcid if usable else None


def _usable_id(index: DataIndex, pid: str) -> bool:
    """True for a person ID of the Anthology's pattern, of a sane length, that the
    people file can hold as the Anthology writes it (one format quotes `null` or
    `yes`, which no reader of the file expects: `PeopleFile.holds_id`)."""
    return (
        len(pid) <= MAX_PERSON_ID
        and bool(PERSON_ID.fullmatch(pid))
        and index.people_file.holds_id(pid)
    )


def _absorb(target: PersonEntry, merged: PersonEntry) -> PersonEntry:
    """The target after taking a merged person's names (and ORCID iD/degree if it has none)."""
    target = _with_names(target, list(merged.names))
    return replace(
        target,
        orcid=target.orcid or merged.orcid,
        degree=target.degree or merged.degree,
        similar=tuple(s for s in dict.fromkeys(target.similar + merged.similar) if s != target.id),
    )


def _with_names(entry: PersonEntry, names: list[Name]) -> PersonEntry:
    missing = [n for n in dict.fromkeys(names) if not entry.has_name(n)]
    return replace(entry, names=entry.names + tuple(missing)) if missing else entry


def _merge_similar_refs(index: DataIndex, changes: dict[str, PersonEntry | None]) -> None:
    """People that listed a merged-away person as `similar` now list its successor."""
    removed = {pid for pid, e in changes.items() if e is None}
    if not removed:
        return
    successor = next(pid for pid, e in changes.items() if e is not None)
    for entry in index.people.values():
        if entry.id in changes or not set(entry.similar) & removed:
            continue
        similar = tuple(dict.fromkeys(successor if s in removed else s for s in entry.similar))
        changes[entry.id] = replace(entry, similar=tuple(s for s in similar if s != entry.id))


# ------------------------------------------------------------- the one rule


def _mend(
    index: DataIndex,
    changes: dict[str, PersonEntry | None],
    new_ids: dict[Occurrence, str | None],
    wants: dict[Occurrence, str],
    plan: Plan,
) -> list[Occurrence]:
    """Make the change move exactly the requested occurrences, each to the page it
    is wanted on (`wants`: the target, or for a released one the unverified page of
    its name).

    Resolves every occurrence the change could touch before and after; an
    occurrence that would leave a verified person is pinned there with an explicit
    id, and a person who would take others' papers by slug matching gets
    `disable_name_matching`. Repeats until nothing else moves.

    Returns:
        The occurrences pinned (given an explicit id to stay where they are).
    """
    pinned: list[Occurrence] = []
    for _ in range(_MAX_MEND_ROUNDS):
        overlay = PeopleOverlay(index, changes)
        wrong = []
        touched = _touched(index, changes, new_ids)
        for occ in touched:
            before = index.resolve(occ)
            after = resolve_occurrence(occ.name, new_ids.get(occ, occ.pid), overlay)
            want = wants.get(occ, before)
            if after != want:
                wrong.append((occ, before, after, want))
        if not wrong:
            _check_valid(index, overlay, touched, new_ids, plan)
            plan.other_changed = 0
            return pinned
        for occ, _before, after, want in wrong:
            if occ in wants or is_unverified_page(want):
                # Taken by slug matching from an unverified page: stop the taker matching
                # (its own papers then get explicit ids in the next round).
                taker = changes.get(after) if not is_unverified_page(after) else None
                if occ.pid is None and taker is not None:
                    if not taker.disable_name_matching:
                        changes[after] = replace(taker, disable_name_matching=True)
                    continue
                plan.other_changed += 1
                continue
            # It was on a verified person: pin it there.
            person = overlay.entry(want)
            if person is None:
                plan.other_changed += 1
                continue
            new_ids[occ] = want
            changes[want] = _with_names(person, [occ.name])
            pinned.append(occ)
        if plan.other_changed:
            break
    plan.problems.append(
        problem(
            "would-move-others",
            "This change would also move papers that were not asked for, and the bot found "
            "no safe way to prevent that. A maintainer needs to make this change by hand.",
        )
    )
    return pinned


def _touched(
    index: DataIndex, changes: dict[str, PersonEntry | None], new_ids: dict[Occurrence, str | None]
) -> set[Occurrence]:
    """Every occurrence whose page the change could affect."""
    slugs: set[str] = set()
    for pid, entry in changes.items():
        old = index.entry(pid)
        for e in (old, entry):
            if e is not None:
                slugs.update(n.slug for n in e.names)
    touched = set(index.occurrences_for_slugs(slugs))
    for pid in changes:
        touched.update(index.by_pid.get(pid, ()))
    touched.update(new_ids)
    return touched


def _check_valid(
    index: DataIndex,
    overlay: PeopleOverlay,
    touched: set[Occurrence],
    new_ids: dict[Occurrence, str | None],
    plan: Plan,
) -> None:
    """The explicit ids the change writes or relies on (among the `touched`
    occurrences) are valid, and no paper has one verified person twice."""
    items: set[str] = set()
    for occ in touched:
        pid = new_ids.get(occ, occ.pid)
        if pid is not None:
            why = explicit_id_problem(occ.name, pid, occ.orcid, overlay, index.people_file.path)
            if why is not None:
                plan.problems.append(problem("invalid-data", f"On {occ.item}: {why}."))
        if occ in new_ids:
            items.add(occ.item)
    for item_id in items:
        seen: dict[str, Occurrence] = {}
        for occ in index.on_item.get(item_id, []):
            page = resolve_occurrence(occ.name, new_ids.get(occ, occ.pid), overlay)
            if page in seen and not is_unverified_page(page):
                plan.problems.append(
                    problem(
                        "target-already-on-paper",
                        f"{item_id} would list {page} twice ({seen[page].name.full} and "
                        f"{occ.name.full}). Please check which author is meant.",
                    )
                )
            seen[page] = occ


# ---------------------------------------------------------------- the files


_START_TAG = re.compile(r"^(\s*<(?:author|editor))((?:\s+[a-z-]+=\"[^\"]*\")*)(\s*/?>)")
_ATTR = re.compile(r"\s+([a-z-]+)=\"([^\"]*)\"")


def set_person_id(line: str, pid: str | None) -> str:
    """An `<author>`/`<editor>` line with its `id` attribute set (or removed, with
    any `orcid`, which is only allowed beside an id). A new `id` comes first, as the
    Anthology writes it; every other byte of the line stays.

    Raises:
        ValueError: if the line is not an author/editor element.
    """
    m = _START_TAG.match(line)
    if m is None:
        raise ValueError(f"not an author/editor line: {line[:80]!r}")
    attrs = _ATTR.findall(m.group(2))
    keys = [k for k, _ in attrs]
    if pid is None:
        attrs = [(k, v) for k, v in attrs if k not in ("id", "orcid")]
    elif "id" in keys:
        attrs = [(k, pid if k == "id" else v) for k, v in attrs]
    else:
        attrs = [("id", pid), *attrs]
    rendered = "".join(f' {k}="{v}"' for k, v in attrs)
    return m.group(1) + rendered + m.group(3) + line[m.end() :]


def _byte_spans(data: bytes, spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Character spans of `data`'s UTF-8 text as byte spans of `data`."""
    ends = byte_offsets(data, [x for span in spans for x in span])
    return tuple(zip(ends[::2], ends[1::2], strict=True))


def _file_changes(
    index: DataIndex,
    people_changes: dict[str, PersonEntry | None],
    new_ids: dict[Occurrence, str | None],
    plan: Plan,
) -> dict[str, FileChange]:
    files: dict[str, FileChange] = {}
    by_coll: dict[str, list[Occurrence]] = defaultdict(list)
    for occ, pid in new_ids.items():
        if pid != occ.pid:
            by_coll[occ.collection].append(occ)
    for coll, occs in sorted(by_coll.items()):
        path = collection_file(coll)
        stamp = file_stamp(index.root / path)  # before the read: a later change shows
        occs = sorted(occs, key=lambda o: o.start)
        data = (index.root / path).read_bytes()
        source: str | bytes
        # (the stamp the index read the file at: asking builds none of the archive)
        if index.collection_stamp(coll) == stamp and b"\r" not in data:
            # The bytes the index read (valid UTF-8, offsets into their text): the
            # edited lines are found in the bytes, and only they are decoded.
            spans = _byte_spans(data, [(o.start, o.end) for o in occs])
            source, lines = data, [data[a:b].decode("utf-8") for a, b in spans]
        else:
            text = read_text(index.root / path)
            source, spans, lines = text, (), [text[o.start : o.end] for o in occs]
        edits = []
        for occ, line in zip(occs, lines, strict=True):
            if "<last>" not in line:
                plan.problems.append(
                    problem("data-changed", f"{path} changed since it was read; please retry.")
                )
                return {}
            edits.append(TextEdit(occ.start, occ.end, set_person_id(line, new_ids[occ])))
        files[path] = FileChange(path, source, tuple(edits), stamp, spans)
    if people_changes:
        pf = index.people_file
        edits = refine_edits(pf.text, [TextEdit(s, e, t) for s, e, t in pf.edits(people_changes)])
        # The text in memory is the file's while its stamp is the one the index read.
        try:
            stamp = file_stamp(index.root / pf.path)
            data = (index.root / pf.path).read_bytes()
        except OSError:
            files[pf.path] = FileChange(pf.path, pf.text, tuple(edits))  # `apply_plan` says
            return files
        if stamp == index.people_stamp and b"\r" not in data:
            # The file holds the text in memory: write it as bytes too (see FileChange).
            spans = _byte_spans(data, [(e.start, e.end) for e in edits])
            files[pf.path] = FileChange(pf.path, data, tuple(edits), stamp, spans, pf.text)
        else:
            files[pf.path] = FileChange(pf.path, pf.text, tuple(edits))
    return files


def _in_file_order(occs: list[Occurrence]) -> list[Occurrence]:
    return sorted(dict.fromkeys(occs), key=lambda o: (o.collection, o.start))
