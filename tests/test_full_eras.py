"""The same requests on both eras of the full archive (../shared/data; skipped when
absent) give the same plans and equivalent diffs.

A list of real-shaped requests (the shared acceptance cases, the sample issues, and
requests generated from the archive: moves to a verified namesake, verifications of
unverified pages, name changes, refusals) is planned and applied one after the other
on a copy of each era. For every request the plans must agree on everything but the
people file's name and syntax: status, kinds, sources, target, moves, pinned
occurrences, problems, warnings, notes and the check; the XML diffs must change the
same lines in the same way, and the people file exactly the same entries to the same
values. `authorbot plan` on the command line gives the same for one of them. At the
end each era's own library reads its result with no new warning, writes its people
file back as it is, and resolves every occurrence as our index does, the same in
both eras.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.anthology.index import DataIndex
from bot.anthology.orcid import checksum_char
from bot.anthology.peoplestore import read_people_file
from bot.demo import SAMPLE
from bot.engine.api import apply_plan, plan_issue
from bot.engine.plan import Plan
from tests.conftest import CASES
from tests.issues import anthology_issue, our_issue
from tests.oracle import snapshot

pytestmark = pytest.mark.full

# What differs between the eras by design: the people file's name, its entries'
# text, and the diff text (line numbers, the people file's syntax).
FORMAT_FIELDS = ("entry", "people", "people_file", "diff", "files")


def free_orcid(index: DataIndex, n: int) -> str:
    """A valid ORCID iD nobody in the data has."""
    while True:
        digits = f"0000000{n:08d}"
        whole = digits + checksum_char(digits)
        orcid = "-".join(whole[i : i + 4] for i in range(0, 16, 4))
        if orcid not in index.by_orcid:
            return orcid
        n += 1


def requests(index: DataIndex) -> list[tuple[str, dict[str, Any]]]:
    """The requests, named, built from the (pristine) archive."""
    out: list[tuple[str, dict[str, Any]]] = []
    if CASES.exists():
        for path in sorted(CASES.glob("*.issue.json")):
            out.append((path.name, json.loads(path.read_text("utf-8"))))
    for path in sorted((SAMPLE / "issues").glob("*.json")):
        out.append((path.name, json.loads(path.read_text("utf-8"))))
    used: set[str] = set()
    # Moves of one unverified paper to a verified namesake (the commonest request).
    moves = 0
    for slug, ids in sorted(index.slug_ids.items()):
        if moves == 12:
            break
        if len(ids) < 2:
            continue
        page = f"{slug}/unverified"
        for occ in index.by_slug.get(slug, []):
            target = sorted(ids)[0]
            if occ.item in used or index.resolve(occ) != page:
                continue
            if any(index.resolve(o) == target for o in index.on_item[occ.item]):
                continue
            out.append((f"move {occ.key}", our_issue(page, [occ.item], target)))
            used.add(occ.item)
            moves += 1
            break
    # Verifications of unverified pages of two or three papers (new people).
    pages: dict[str, list[str]] = {}
    for slug, occs in index.by_slug.items():
        page = f"{slug}/unverified"
        if not index.ids_for_slug(slug):
            items = [o.item for o in occs if index.resolve(o) == page]
            if 2 <= len(items) <= 3 and not used & set(items):
                pages[page] = items
    for n, page in enumerate(sorted(pages)[:: max(1, len(pages) // 8)][:8]):
        orcid = free_orcid(index, 7000 + 100 * n)
        issue = anthology_issue([page], {"verify"}, orcid, "Universität Zürich (ETH)")
        out.append((f"verify {page}", issue))
        used.update(pages[page])
    # Name changes of verified people with several names.
    changes = [p for p in sorted(index.people) if len(index.people[p].names) >= 3][:4]
    for pid in changes:
        other = index.people[pid].names[-1]
        name = f"{other.first} {other.last}" if other.first else other.last
        out.append((f"name change {pid}", anthology_issue([pid], {"name-change"}, name=name)))
    # Refusals.
    out.append(
        (
            "bad checksum",
            anthology_issue([f"{sorted(pages)[0]}"], {"verify"}, "0000-0002-1825-0098", "X"),
        )
    )
    out.append(("no such paper", our_issue(sorted(pages)[1], ["2031.nope-1.1"], "new")))
    return out


def comparable(plan: Plan, people_path: str) -> dict[str, Any]:
    """The plan's JSON without what differs by design, its messages with the people
    file's name replaced."""
    out = {k: v for k, v in plan.to_json().items() if k not in FORMAT_FIELDS}
    text = json.dumps(out, ensure_ascii=False, sort_keys=True).replace(people_path, "<people>")
    return json.loads(text)


def xml_changes(plan: Plan) -> dict[str, list[tuple[str, str]]]:
    """Each changed collection's changed lines, old and new, in order."""
    return {
        path: [(change.old[e.start : e.end], e.new) for e in sorted(change.edits)]
        for path, change in plan.files.items()
        if path.startswith("data/xml/")
    }


def entries_rewritten(plan: Plan) -> set[str]:
    """The IDs whose lines the people file's change touches (read back from the old
    and new text, independently of the edits)."""
    pf = plan.people_file
    assert pf is not None
    change = plan.files.get(pf.path)
    if change is None:
        return set()
    old, new = read_people_file(pf.path, change.old), read_people_file(pf.path, change.new)

    def lines(people, pid: str) -> str:
        start, end = people.spans[pid]
        return people.text[start:end].rstrip("\n").rstrip(",")

    return {
        pid
        for pid in set(old.spans) | set(new.spans)
        if pid not in old.spans or pid not in new.spans or lines(old, pid) != lines(new, pid)
    }


@pytest.fixture(scope="module")
def copies(
    full_root: Path, full_json_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    out = {}
    for era, root in (("yaml", full_root), ("json", full_json_root)):
        dest = tmp_path_factory.mktemp(f"eras-{era}") / "repo"
        shutil.copytree(root, dest)
        out[era] = dest
    return out


def test_both_eras_give_the_same_plans_and_equivalent_diffs(copies: dict[str, Path]):
    indexes = {era: DataIndex.load(root) for era, root in copies.items()}
    todo = requests(indexes["yaml"])
    statuses: dict[str, int] = {}
    for name, issue in todo:
        plans = {era: plan_issue(index, issue) for era, index in indexes.items()}
        views = {
            era: comparable(plan, indexes[era].people_file.path) for era, plan in plans.items()
        }
        assert views["json"] == views["yaml"], name
        statuses[views["json"]["status"]] = statuses.get(views["json"]["status"], 0) + 1
        if views["json"]["status"] != "ready":
            assert all(plan.files == {} for plan in plans.values()), name
            continue
        assert plans["json"].people_changes == plans["yaml"].people_changes, name
        assert xml_changes(plans["json"]) == xml_changes(plans["yaml"]), name
        for era, plan in plans.items():
            xml_files = sorted(p for p in plan.files if p.startswith("data/xml/"))
            expected = sorted(
                xml_files + ([indexes[era].people_file.path] if plan.people_changes else [])
            )
            assert sorted(plan.files) == expected, (name, era)
            # The people file: exactly the changed entries' lines (in JSON, the entry
            # before a new last one also gains its comma: the library writes it so).
            touched = entries_rewritten(plan)
            assert set(plan.people_changes) <= touched, (name, era)
            extra = touched - set(plan.people_changes)
            assert not extra or (era == "json" and len(extra) == 1), (name, era, extra)
        for era, plan in plans.items():
            apply_plan(indexes[era], plan)
    assert len(todo) >= 30 and statuses.get("ready", 0) >= 20, statuses
    # Each era's library reads the result cleanly and as our index does, the same in both.
    ours = {}
    for era, root in copies.items():
        occ, _ = snapshot(root)  # the data's own warnings only (tests/oracle.py)
        ours[era] = {o.key: indexes[era].resolve(o) for o in indexes[era].occurrences()}
        assert ours[era] == occ, era
    assert ours["json"] == ours["yaml"]
    assert indexes["json"].people == indexes["yaml"].people


def test_the_command_line_gives_the_same_plans_on_both_eras(
    full_root: Path, full_json_root: Path, tmp_path: Path
):
    named = dict(requests(DataIndex.load(full_json_root)))
    chosen = [next(issue for name, issue in named.items() if name.startswith("verify "))]
    for n, issue in enumerate(chosen):
        path = tmp_path / f"issue{n}.json"
        path.write_text(json.dumps(issue), "utf-8")
        outs = {}
        for era, root in (("yaml", full_root), ("json", full_json_root)):
            r = subprocess.run(
                [sys.executable, "-m", "bot.cli", "plan", str(root), str(path), "--json"],
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert r.returncode in (0, 2), r.stderr[-2000:]
            out = json.loads(r.stdout)
            text = json.dumps({k: v for k, v in out.items() if k not in FORMAT_FIELDS})
            outs[era] = json.loads(text.replace(out["people_file"], "<people>"))
        assert outs["json"] == outs["yaml"]
