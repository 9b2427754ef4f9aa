"""An index loaded through a snapshot builds what a lookup needs, when it needs it
(bot/anthology/snapshot.py, DataIndex): every answer is the one a full load gives,
lookup by lookup and plan by plan, before and after anything is built; a changed
collection is read alone, a changed people file is parsed again, and the integrity
check builds nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.anthology.index import DataIndex
from bot.anthology.integrity import index_integrity
from bot.anthology.snapshot import load_index, read_snapshot, snapshot_path
from bot.engine.api import apply_plan, plan_issue
from tests.conftest import SAMPLE_ROOTS

REPO = Path(__file__).resolve().parent.parent
SAMPLE_ISSUES = sorted((REPO / "bot" / "sample" / "issues").glob("*.json"))
REQUESTS = sorted((REPO / "tests" / "requests").glob("*.json"))


def lazy(root: Path, cache: Path) -> DataIndex:
    """The index as a new process loads it: from a snapshot written before."""
    load_index(root, cache)  # writes the snapshot when there is none
    snap = read_snapshot(snapshot_path(root, cache))
    assert snap is not None
    index = DataIndex.load(root, scan_cache=snap)
    assert snap.misses == 0 and index._stored and not index._files  # nothing built yet
    return index


def eager_and_lazy(era: str, tmp_path: Path) -> tuple[dict[str, Path], DataIndex, DataIndex]:
    """Two copies of the era's sample data (`eager`, `lazy`): a full load of the first,
    and the second's index as a new process loads it from a snapshot."""
    roots = {}
    for kind in ("eager", "lazy"):
        roots[kind] = tmp_path / kind
        shutil.copytree(SAMPLE_ROOTS[era] / "data", roots[kind] / "data")
    return roots, DataIndex.load(roots["eager"]), lazy(roots["lazy"], tmp_path / "cache")


def occ(o) -> tuple:
    return (o.key, o.name, o.pid, o.orcid, o.collection, o.start, o.end)


def unordered(found: dict) -> dict:
    return {
        k: sorted(v) if isinstance(v, list) and k[0] != "title" else v for k, v in found.items()
    }


def answers(index: DataIndex, eager: DataIndex) -> dict:
    """The lookups the engine and the pages make, for every key the full load knows
    (and some it does not), as plain values. Asked of `index` one by one."""
    out: dict = {}
    pids = sorted(eager.by_pid) + ["no-such-person"]
    slugs = sorted(eager.by_slug) + sorted(eager.slug_ids)[:50] + ["no-such-slug"]
    for pid in pids:
        out["pid", pid] = [occ(o) for o in index.by_pid.get(pid, ())]
        out["page", pid] = [occ(o) for o in index.page_occurrences(pid)]
    for slug in slugs:
        out["slug", slug] = [occ(o) for o in index.by_slug.get(slug, ())]
        page = f"{slug}/unverified"
        out["page", page] = [occ(o) for o in index.page_occurrences(page)]
        out["exists", page] = index.page_exists(page)
    for item_id in sorted(eager.items) + ["2099.nothing-1.1", "Z99-9999", "garbage"]:
        out["item", item_id] = index.item(item_id)
        out["on", item_id] = [occ(o) for o in index.on_item.get(item_id, ())]
        out["in", item_id] = item_id in index.items
    for item in list(eager.items.values())[::7]:
        out["title", item.id] = index.by_title(eager.title(item))
        if item.bibkey:
            out["bibkey", item.bibkey] = index.by_bibkey(item.bibkey)
    for name in {o.name for o in eager.occurrences()}:
        out["family", name.last] = index.family_name_count(name.last)
        out["family", name.first] = index.family_name_count(name.first or "")
    out["lines with an id"] = index.explicit_id_lines()
    out["integrity"] = index_integrity(index)
    out["lines"] = index.line_count()
    out["collections"] = index.collections
    return out


@pytest.mark.parametrize("era", ["json", "yaml"])
def test_a_lazy_index_answers_every_lookup_as_a_full_load(era, tmp_path):
    root = tmp_path / "data-repo"
    shutil.copytree(SAMPLE_ROOTS[era] / "data", root / "data")
    eager = DataIndex.load(root)
    index = lazy(root, tmp_path / "cache")
    # The people as parsed and their lookups come from the snapshot too.
    assert index.people == eager.people and index.people_file.spans == eager.people_file.spans
    assert (index.slug_ids, index.by_orcid) == (eager.slug_ids, eager.by_orcid)
    assert answers(index, eager) == answers(eager, eager)
    assert index._stored  # the lookups built lines and items, not whole collections
    # Asked again (now from what was built), and after building everything.
    assert answers(index, eager) == answers(eager, eager)
    index.build_all()
    assert not index._stored
    assert answers(index, eager) == answers(eager, eager)
    assert dict(index.items) == dict(eager.items)
    assert [occ(o) for o in index.occurrences()] == [occ(o) for o in eager.occurrences()]


def test_building_a_few_collections_at_a_time_ends_as_a_full_load(era, tmp_path):
    """What an idle worker does (`build_some`), after a plan was applied (which built
    the collection it edits) and between plans: every answer stays the full load's, and
    once all is built the index is the full load's, in its order."""
    issues = [json.loads(p.read_text("utf-8")) for p in SAMPLE_ISSUES]
    roots, eager, index = eager_and_lazy(era, tmp_path)
    ready = next(i for i in issues if plan_issue(eager, i).status == "ready")
    for each in (eager, index):
        apply_plan(each, plan_issue(each, ready))
    built = list(index._files)
    assert built and built != sorted([*index._stored, *built])[: len(built)]
    stored = len(index._stored)
    assert index.build_some(0) == stored
    assert index.build_some(2) == stored - 2
    assert answers(index, eager) == answers(eager, eager)
    plans = [plan_issue(eager, i).to_json() for i in issues]
    while index.build_some(3):
        assert [plan_issue(index, i).to_json() for i in issues[:3]] == plans[:3]
    assert not index._stored and list(index._files) == list(eager.files)
    assert answers(index, eager) == answers(eager, eager)
    assert [occ(o) for o in index.occurrences()] == [occ(o) for o in eager.occurrences()]
    assert index.build_some() == 0


def test_the_integrity_check_builds_nothing(data_copy, tmp_path):
    index = lazy(data_copy, tmp_path / "cache")
    stored = len(index._stored)
    report = index_integrity(index)
    assert report == index_integrity(DataIndex.load(data_copy))
    assert report.ok and report.lines_with_id > 0
    assert len(index._stored) == stored and not index._by_pid


def test_an_unknown_id_is_found_without_building_everything(data_copy, tmp_path):
    cache = tmp_path / "cache"
    load_index(data_copy, cache)
    people = data_copy / "data" / "yaml" / "people.yaml"
    pid = next(p for p, occs in DataIndex.load(data_copy).by_pid.items() if occs)
    text = people.read_text("utf-8")
    start = text.index(f"\n{pid}:") + 1
    end = text.find("\n", text.find("\n", start) + 1)
    while text[end + 1 : end + 2] == " ":  # the entry's indented lines
        end = text.find("\n", end + 1)
    people.write_text(text[:start] + text[end + 1 :], "utf-8")
    index = DataIndex.load(data_copy, scan_cache=read_snapshot(snapshot_path(data_copy, cache)))
    report = index_integrity(index)
    assert not report.ok and [u.pid for u in report.unknown] == [pid]
    assert report == index_integrity(DataIndex.load(data_copy))
    assert index._stored


@pytest.mark.parametrize("era", ["json", "yaml"])
def test_plans_and_applies_on_a_lazy_index_are_those_of_a_full_load(era, tmp_path):
    issues = [json.loads(p.read_text("utf-8")) for p in SAMPLE_ISSUES]
    roots, eager, index = eager_and_lazy(era, tmp_path)
    for issue in issues:
        plans = [plan_issue(i, issue).to_json() for i in (eager, index)]
        assert plans[0] == plans[1]
        if plans[0]["status"] == "ready":
            apply_plan(eager, plan_issue(eager, issue))
            apply_plan(index, plan_issue(index, issue))
    changed = [p.relative_to(roots["eager"]) for p in roots["eager"].rglob("*") if p.is_file()]
    for rel in changed:
        assert (roots["lazy"] / rel).read_bytes() == (roots["eager"] / rel).read_bytes()
    # After the writes it answers as the full load does after them, and as one loaded
    # afresh (whose lists may be in another order: the written lines moved lists).
    assert answers(index, eager) == answers(eager, eager)
    fresh = DataIndex.load(roots["lazy"])
    assert unordered(answers(index, fresh)) == unordered(answers(fresh, fresh))


def test_a_changed_collection_is_read_alone_and_the_rest_stays_stored(data_copy, tmp_path):
    cache = tmp_path / "cache"
    load_index(data_copy, cache)
    xml = sorted((data_copy / "data" / "xml").glob("*.xml"))[0]
    text = xml.read_text("utf-8")
    xml.write_text(text.replace("</last>", "x</last>", 1), "utf-8")
    snap = read_snapshot(snapshot_path(data_copy, cache))
    index = DataIndex.load(data_copy, scan_cache=snap)
    assert (snap.hits, snap.misses) == (len(index.collections) - 1, 1)
    assert list(index._files) == [xml.stem]  # read alone; the others are not built
    eager = DataIndex.load(data_copy)
    assert answers(index, eager) == answers(eager, eager)
    # load_index writes the snapshot again: the next load reads no XML at all.
    load_index(data_copy, cache)
    again = lazy(data_copy, cache)
    assert answers(again, eager) == answers(eager, eager)
    snap = read_snapshot(snapshot_path(data_copy, cache))
    DataIndex.load(data_copy, scan_cache=snap).build_all()
    assert snap.misses == 0


def test_a_changed_people_file_is_parsed_again(data_copy, tmp_path):
    cache = tmp_path / "cache"
    load_index(data_copy, cache)
    people = data_copy / "data" / "yaml" / "people.yaml"
    text = people.read_text("utf-8")
    people.write_text(text.replace("disable_name_matching: true", "comment: changed", 1), "utf-8")
    snap = read_snapshot(snapshot_path(data_copy, cache))
    assert (
        snap is not None and snap.people_file("data/yaml/people.yaml", people.read_text()) is None
    )
    index = DataIndex.load(data_copy, scan_cache=snap)
    eager = DataIndex.load(data_copy)
    assert index.people == eager.people and index.slug_ids == eager.slug_ids
    assert answers(index, eager) == answers(eager, eager)
    # load_index writes the snapshot again (the collections' parts and lookups copied):
    # the next load takes the new people file from it.
    load_index(data_copy, cache)
    again = lazy(data_copy, cache)
    snap = read_snapshot(snapshot_path(data_copy, cache))
    assert snap is not None and snap.people_file("data/yaml/people.yaml", people.read_text())
    assert again.people == eager.people and again.slug_ids == eager.slug_ids
    assert answers(again, eager) == answers(eager, eager)


def test_a_refreshed_lazy_index_forgets_what_it_built_of_a_changed_file(data_copy, tmp_path):
    index = lazy(data_copy, tmp_path / "cache")
    eager = DataIndex.load(data_copy)
    answers(index, eager)  # builds lines and items of every collection
    xml = sorted((data_copy / "data" / "xml").glob("*.xml"))[1]
    xml.write_text(xml.read_text("utf-8").replace("</last>", "y</last>", 2), "utf-8")
    assert index.refresh() == {f"data/xml/{xml.name}"}
    assert eager.refresh() == {f"data/xml/{xml.name}"}
    assert answers(index, eager) == answers(eager, eager)
    # A refresh puts a file read again last in the lists, in both: beside a fresh load
    # the same lines, maybe in another order.
    fresh = DataIndex.load(data_copy)
    assert unordered(answers(index, fresh)) == unordered(answers(fresh, fresh))


@pytest.mark.full
@pytest.mark.parametrize("era", ["json", "yaml"])
def test_every_request_plans_the_same_on_a_lazy_full_index(era, full_era_root, tmp_path):
    eager = DataIndex.load(full_era_root)
    index = lazy(full_era_root, tmp_path / "cache")
    for path in REQUESTS:
        issue = json.loads(path.read_text("utf-8"))["issue"]
        assert plan_issue(index, issue).to_json() == plan_issue(eager, issue).to_json(), path.name
    assert index._stored  # the plans built lines, not the archive
    for page in ("wei-wang", "wei-wang/unverified", "yang-liu", "yang-liu/unverified"):
        assert [occ(o) for o in index.page_occurrences(page)] == [
            occ(o) for o in eager.page_occurrences(page)
        ]
    assert index_integrity(index) == index_integrity(eager)
    assert index.line_count() == sum(1 for _ in eager.occurrences())
