"""Planning a request: which occurrences move, how the people file and the XML change,
and the proof that nothing else moves.

The one rule (DOMAIN.md): the papers the request names move to the requested person,
and no other occurrence anywhere in the archive changes page. After deciding the
change we resolve every occurrence it could touch, before and after, and mend what
moved without being asked (an explicit id keeps an occurrence where it was;
`disable_name_matching` stops a new person from taking others' papers).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Set
from dataclasses import dataclass, field, replace
from typing import Any

from bot.anthology.ids import collection_file, item_url, page_url
from bot.anthology.index import DataIndex
from bot.anthology.names import Name, name_score
from bot.anthology.people import PeopleFile, PersonEntry
from bot.anthology.resolve import (
    explicit_id_problem,
    is_unverified_page,
    page_slug,
    resolve_occurrence,
)
from bot.anthology.textfile import file_stamp, read_text
from bot.anthology.xmlscan import ROLE_VOLUME_EDITOR, Occurrence
from bot.engine.decide import Decision, decide
from bot.engine.lookup import look_up
from bot.engine.problems import problem, status_for
from bot.engine.request import FixRequest, Notice
from bot.engine.textedit import TextEdit, apply_edits, refine_edits, unified_diff

PERSON_ID = re.compile(r"[a-z][-a-z0-9]+")
# Real IDs are under 40 characters; a longer one is a pasted mistake, not a name.
MAX_PERSON_ID = 128
_MAX_MEND_ROUNDS = 6


@dataclass(frozen=True)
class Move:
    """One occurrence changing page."""

    occurrence: Occurrence
    source: str
    target: str


@dataclass(frozen=True)
class FileChange:
    """A file's text before and after, and the edits between them.

    `stamp` is the file's (size, mtime_ns) taken just before `old` was read from it:
    `apply_plan` compares it instead of reading the file again (None: it compares the
    text).
    """

    path: str
    old: str
    new: str
    edits: tuple[TextEdit, ...]
    stamp: tuple[int, int] | None = None

    @property
    def diff(self) -> str:
        """The unified diff of this file."""
        return unified_diff(self.path, self.old, self.edits)


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
    plan.problems += found.problems
    plan.warnings += found.warnings
    plan.notes += found.notes
    decision = decide(index, request, found.pages, found.items)
    plan.kinds = decision.kinds
    plan.sources = decision.sources
    plan.problems += decision.problems
    plan.warnings += decision.warnings
    if not plan.problems:
        _plan_change(index, request, decision, found.items, new_id, plan)
    # A problem says it better than the parser's warning of the same kind.
    codes = {p.code for p in plan.problems}
    plan.warnings = [w for w in plan.warnings if w.code not in codes]
    plan.status = status_for(plan.problems)
    if plan.status != "ready":
        plan.files = {}
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
    moving = _occurrences_to_move(index, d, items, plan)
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
    if not moving and d.scope != "none" and not d.new_person:
        if target == index.entry(target.id):
            plan.problems.append(
                problem(
                    "nothing-to-do",
                    f"Nothing to change: the papers are on {page_url(target.id)} already. "
                    "If other papers on that page are not yours, please list those papers "
                    "instead, with the ORCID iD of the person they belong to (or leave it "
                    "out and say so, and a maintainer will sort them out).",
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
    new_ids: dict[Occurrence, str | None] = {occ: target.id for occ in moving}
    target = _with_names(target, [o.name for o in moving])
    changes[target.id] = target
    _merge_similar_refs(index, changes)
    requested = set(moving)
    pinned = _mend(index, target.id, changes, new_ids, requested, plan)
    if plan.problems:
        return
    target = changes[target.id] or target
    plan.target = target
    plan.people_changes = {pid: e for pid, e in changes.items() if e != index.entry(pid)}
    plan.moves = [Move(o, index.resolve(o), target.id) for o in _in_file_order(moving)]
    plan.pinned = _in_file_order(pinned)
    plan.titles = {
        m.occurrence.item: index.title(index.items[m.occurrence.item]) for m in plan.moves
    }
    if not plan.people_changes and not new_ids:
        plan.problems.append(
            problem("nothing-to-do", "Nothing to change: the data says this already.")
        )
        return
    plan.files = _file_changes(index, plan.people_changes, new_ids, plan)


def _occurrences_to_move(
    index: DataIndex, d: Decision, items: list[str], plan: Plan
) -> list[Occurrence]:
    """The occurrences the request moves."""
    if d.scope == "all":
        out: list[Occurrence] = []
        for src in d.sources:
            out += index.page_occurrences(src)
        return out
    if d.scope == "none":
        return []
    target_slugs: set[str] = set()
    if d.target is not None:
        target_slugs = {n.slug for n in index.people[d.target].names}
    out = []
    for item_id in items:
        occ = _occurrence_on(index, item_id, d, target_slugs, plan)
        if occ is not None:
            out.append(occ)
    return out


def _item_occurrences(index: DataIndex, item_id: str) -> list[Occurrence]:
    item = index.items[item_id]
    if item.kind == "frontmatter":
        # A front matter's people are its volume's editors.
        return [o for o in index.on_item.get(item.volume, []) if o.role == ROLE_VOLUME_EDITOR]
    return index.on_item.get(item_id, [])


def _occurrence_on(
    index: DataIndex, item_id: str, d: Decision, target_slugs: set[str], plan: Plan
) -> Occurrence | None:
    """The one occurrence of the person being moved on a paper."""
    occs = _item_occurrences(index, item_id)
    pages = {o: index.resolve(o) for o in occs}
    sources = [s for s in d.sources if s != d.target]
    candidates = [o for o in occs if pages[o] in sources]
    if not candidates:
        slugs = target_slugs | {page_slug(s) for s in d.sources}
        candidates = [o for o in occs if o.name.slug in slugs and pages[o] != d.target]
    if len(candidates) == 1:
        return candidates[0]
    if d.target is not None and any(p == d.target for p in pages.values()):
        plan.notes.append(problem("already-on-target", f"{item_id} is on {d.target} already."))
        return None
    listing = "; ".join(f"{o.name.full} ({pages[o]})" for o in occs) or "no authors"
    if not candidates:
        where = " or ".join(page_url(s) for s in sources) if sources else "the page"
        plan.problems.append(
            problem(
                "person-not-on-paper",
                f"{item_id} ({item_url(item_id)}) has no author from {where}. Its authors are: "
                f"{listing}. Please check the paper, or whether its names need correcting first.",
            )
        )
    else:
        plan.problems.append(
            problem(
                "person-twice-on-paper",
                f"{item_id} has more than one author who could be meant: "
                + "; ".join(f"{o.name.full} (position {o.position + 1})" for o in candidates)
                + ". Please say which one in the issue.",
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
        preferred = Name(request.preferred_name.first or None, request.preferred_name.last)
    if d.new_person:
        # The ORCID iD and the institution were asked for in decide().
        if not moving and d.scope != "none":
            plan.problems.append(
                problem("papers-missing", "No paper to move to the new author page was found.")
            )
        if plan.problems:
            return None
        names = _ordered_names(moving, preferred if d.canonical_from_request else None)
        pid = new_id or d.requested_id or _new_person_id(index, names[0], request.orcid or "")
        if pid is None or not _usable_id(index, pid) or pid in index.people:
            bad = pid or f"{names[0].slug}-{(request.orcid or '')[-4:].lower()}"
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
        plan.problems.append(
            problem("target-missing", "It is not clear which author page the papers go to.")
        )
        return None
    entry = index.people[d.target]
    if request.orcid:
        if entry.orcid is None:
            entry = replace(entry, orcid=request.orcid)
        elif entry.orcid != request.orcid:
            plan.problems.append(
                problem(
                    "orcid-mismatch",
                    f"{d.target} has the ORCID iD {entry.orcid}, not {request.orcid}. If the "
                    "papers belong to someone else, please tick 'Split/disambiguate' and give "
                    "that person's ORCID iD.",
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


def _ordered_names(moving: list[Occurrence], preferred: Name | None) -> list[Name]:
    """A new person's names: the preferred name first if given, else the spelling
    used most (then the better-written one), then the others as they appear."""
    counts = Counter(o.name for o in moving)
    seen = list(dict.fromkeys(o.name for o in moving))
    if preferred is not None:
        return [preferred] + [n for n in seen if n != preferred]
    if not seen:
        return []
    best = max(seen, key=lambda n: (counts[n], name_score(n)))
    return [best] + [n for n in seen if n != best]


def _new_person_id(index: DataIndex, canonical: Name, orcid: str) -> str | None:
    """The slug when free (and usable), else the slug and the ORCID iD's last four
    characters; None when neither can be used."""
    slug = canonical.slug
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
    target_id: str,
    changes: dict[str, PersonEntry | None],
    new_ids: dict[Occurrence, str | None],
    requested: set[Occurrence],
    plan: Plan,
) -> list[Occurrence]:
    """Make the change move exactly the requested occurrences.

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
            want = target_id if occ in requested else before
            if after != want:
                wrong.append((occ, before, after, want))
        if not wrong:
            _check_valid(index, overlay, touched, new_ids, plan)
            plan.other_changed = 0
            return pinned
        for occ, _before, after, want in wrong:
            if occ in requested or is_unverified_page(want):
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
        old = read_text(index.root / path)
        edits = []
        for occ in occs:
            line = old[occ.start : occ.end]
            if "<last>" not in line:
                plan.problems.append(
                    problem("data-changed", f"{path} changed since it was read; please retry.")
                )
                return {}
            edits.append(TextEdit(occ.start, occ.end, set_person_id(line, new_ids[occ])))
        files[path] = FileChange(path, old, apply_edits(old, edits), tuple(sorted(edits)), stamp)
    if people_changes:
        pf = index.people_file
        edits = refine_edits(pf.text, [TextEdit(s, e, t) for s, e, t in pf.edits(people_changes)])
        files[pf.path] = FileChange(pf.path, pf.text, apply_edits(pf.text, edits), tuple(edits))
    return files


def _in_file_order(occs: list[Occurrence]) -> list[Occurrence]:
    return sorted(dict.fromkeys(occs), key=lambda o: (o.collection, o.start))
