"""Writing the snapshot again after collections changed (bot/anthology/snapshot.py,
`write_snapshot`): when the changed collections keep their items and names (an edit of
author lines, as the bot's), the new snapshot patches the old one's lookups and keeps
its tables, reading no other collection; otherwise it computes them all. Either way an
index loaded from it answers every lookup as a full load of the files does."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from bot.anthology.index import DataIndex
from bot.anthology.snapshot import load_index, read_snapshot, snapshot_path, write_snapshot
from bot.engine.api import apply_plan, plan_issue
from tests.conftest import SAMPLE_ROOTS
from tests.test_snapshot_lazy import answers, lazy

REPO = Path(__file__).resolve().parent.parent
ISSUES = sorted((REPO / "bot" / "sample" / "issues").glob("*.json"))


def rewrite(root: Path, cache: Path) -> str:
    """Load through the snapshot (the changed files read again) and write it again."""
    path = snapshot_path(root, cache)
    snap = read_snapshot(path)
    assert snap is not None
    index = DataIndex.load(root, scan_cache=snap)
    assert snap.misses > 0
    return write_snapshot(index, path)


def check_against_full_load(root: Path, cache: Path) -> None:
    eager = DataIndex.load(root)
    with_id = Counter(o.pid for o in eager.occurrences() if o.pid is not None)
    # The counts of lines with an ID come from the snapshot before anything is built:
    # of every collection, and of all but one (as when that one changed since).
    snap = read_snapshot(snapshot_path(root, cache))
    assert DataIndex.load(root, scan_cache=snap).explicit_id_lines() == dict(with_id)
    skipped = eager.collections[0]
    stored = dict.fromkeys(eager.collections[1:])
    with_id.subtract(o.pid for o in eager.files[skipped].scan.occurrences if o.pid is not None)
    assert snap.pid_line_counts(stored) == {pid: n for pid, n in with_id.items() if n}
    again = lazy(root, cache)  # asserts that no collection is read from its file
    assert answers(again, eager) == answers(eager, eager)
    again.build_all()
    assert answers(again, eager) == answers(eager, eager)


@pytest.mark.parametrize("era", ["json", "yaml"])
def test_applied_plans_patch_the_lookups(era, tmp_path):
    root = tmp_path / "data-repo"
    shutil.copytree(SAMPLE_ROOTS[era] / "data", root / "data")
    cache = tmp_path / "cache"
    load_index(root, cache)
    index = DataIndex.load(root)
    applied = 0
    for issue in (json.loads(p.read_text("utf-8")) for p in ISSUES):
        plan = plan_issue(index, issue)
        if plan.status == "ready" and plan.moves:
            apply_plan(index, plan)  # author lines get IDs: the pid and slug lookups move
            applied += 1
    assert applied >= 2
    assert rewrite(root, cache) == "patched"
    check_against_full_load(root, cache)


def test_a_line_moved_between_keys_in_two_collections_is_patched(data_copy, tmp_path):
    cache = tmp_path / "cache"
    load_index(data_copy, cache)
    eager = DataIndex.load(data_copy)
    # A person ID taken off its lines in one collection and put on an unverified line
    # of another (both files keep their items and names).
    pid = next(p for p, occs in eager.by_pid.items() if len({o.collection for o in occs}) > 1)
    occ = eager.by_pid[pid][0]
    slug_occ = next(
        o for occs in eager.by_slug.values() for o in occs if o.collection != occ.collection
    )
    for o, old, new in ((occ, f' id="{pid}"', ""), (slug_occ, "", f' id="{pid}"')):
        path = data_copy / "data" / "xml" / f"{o.collection}.xml"
        text = path.read_text("utf-8")
        line = text[o.start : o.end]
        tag = line.split(">", 1)[0]
        changed = line.replace(old, "", 1) if old else tag + new + line[len(tag) :]
        assert changed != line
        path.write_text(text[: o.start] + changed + text[o.end :], "utf-8")
    assert rewrite(data_copy, cache) == "patched"
    check_against_full_load(data_copy, cache)


@pytest.mark.parametrize("change", ["name", "title", "new collection"])
def test_other_changes_compute_the_lookups_again(change, data_copy, tmp_path):
    cache = tmp_path / "cache"
    load_index(data_copy, cache)
    xml_dir = data_copy / "data" / "xml"
    first = sorted(xml_dir.glob("*.xml"))[0]
    text = first.read_text("utf-8")
    if change == "name":
        first.write_text(text.replace("</last>", "x</last>", 1), "utf-8")
    elif change == "title":
        first.write_text(text.replace("</title>", " again</title>", 1), "utf-8")
    else:
        (xml_dir / "2099.new.xml").write_text(text.replace(first.stem, "2099.new"), "utf-8")
    assert rewrite(data_copy, cache) == "computed"
    check_against_full_load(data_copy, cache)


def test_only_the_people_file_changed_copies_the_lookups(data_copy, tmp_path):
    cache = tmp_path / "cache"
    load_index(data_copy, cache)
    people = data_copy / "data" / "yaml" / "people.yaml"
    people.write_text(people.read_text("utf-8") + "\n", "utf-8")
    path = snapshot_path(data_copy, cache)
    index = DataIndex.load(data_copy, scan_cache=read_snapshot(path))
    assert write_snapshot(index, path) == "copied"
    check_against_full_load(data_copy, cache)
