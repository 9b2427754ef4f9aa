"""The workspace on a real clone. `publish`: the branch holds exactly the engine's edit,
and the clone and the index are back on the base afterwards, both when the plan kept
each file's bytes (the commit a pack of deltas) and when it read a file as text
(`\\r\\n` newlines: the new file committed whole, the clone reset and the index
refreshed). `warm_up`: an idle worker builds its lazily loaded index."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from bot.anthology.index import DataIndex
from bot.anthology.snapshot import read_snapshot, snapshot_path
from bot.engine.api import apply_plan, plan_issue
from bot.engine.counts import paper_counts
from bot.github.gitrepo import DataClone
from bot.standins.datarepo import SAMPLE_DATA, make_data_repo
from bot.worker.workspace import Workspace
from tests.issues import anthology_issue

# A verification with an ORCID iD and an institution: it changes the people file and
# collection files.
VERIFY = anthology_issue(
    ["valentin-barriere/unverified"],
    {"verify"},
    "https://orcid.org/0000-0002-4345-7946",
    "Télécom Paris",
)


def _data(tmp_path: Path, crlf: bool) -> Path:
    """A copy of the sample data; with `crlf`, the collections the request changes
    have `\\r\\n` newlines."""
    root = tmp_path / "source"
    shutil.copytree(SAMPLE_DATA / "data", root / "data")
    if crlf:
        plan = plan_issue(DataIndex.load(root), VERIFY)
        for path in plan.files:
            if path.endswith(".xml"):
                xml = root / path
                xml.write_bytes(xml.read_bytes().replace(b"\n", b"\r\n"))
    return root


def _show(repo: Path, rev: str, path: str) -> bytes:
    return subprocess.run(
        ["git", "--git-dir", str(repo), "show", f"{rev}:{path}"], capture_output=True, check=True
    ).stdout


@pytest.mark.parametrize("crlf", [False, True], ids=["bytes", "text"])
def test_publish_pushes_the_engines_edit_and_goes_back(tmp_path, crlf):
    source = _data(tmp_path, crlf)
    origin = make_data_repo(tmp_path, source=source)
    workspace = Workspace(DataClone(tmp_path / "clone", str(origin)))
    base = workspace.checkout("main")
    planned = workspace.plan(VERIFY, base, None)
    assert planned.plan.status == "ready", planned.plan.problems
    read_as_text = [p for p, c in planned.plan.files.items() if c.byte_edits() is None]
    assert bool(read_as_text) == crlf

    published = workspace.publish(planned, "authorbot/issue-1", "Verify")

    # The branch is one commit on the base holding what `authorbot apply` writes.
    expected = tmp_path / "expected"
    shutil.copytree(source / "data", expected / "data")
    written = apply_plan(DataIndex.load(expected), plan_issue(DataIndex.load(expected), VERIFY))
    head = published.result.head
    assert published.result.pushed
    assert (
        subprocess.run(
            ["git", "--git-dir", str(origin), "rev-parse", "authorbot/issue-1^"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        == base
    )
    for path in written:
        assert _show(origin, head, path) == (expected / path).read_bytes(), path
    changed = subprocess.run(
        ["git", "--git-dir", str(origin), "diff", "--name-only", base, head],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert sorted(changed) == sorted(written)
    subprocess.run(["git", "--git-dir", str(origin), "fsck", "--strict"], check=True)
    target, source_page = planned.json["target"]["id"], "valentin-barriere/unverified"
    assert published.counts[target][1] > published.counts[target][0]
    assert published.counts[source_page][1] == 0

    # The clone and the index are back on the base.
    clone = workspace.clone
    assert clone.git("status", "--porcelain") == ""
    assert not (clone.path / ".git" / "authorbot-dirty").exists()
    assert clone.git("rev-parse", "HEAD") == base
    assert workspace.checkout("main") == base
    again = workspace.plan(VERIFY, base, None)
    assert again.json == planned.json
    pages = list(published.counts)
    assert workspace.counts(pages) == paper_counts(DataIndex.load(workspace.root), pages)
    assert workspace.counts(pages) == {p: before for p, (before, _) in published.counts.items()}


def test_an_idle_worker_builds_the_lazy_index_when_the_clone_is_free(tmp_path):
    """A workspace that loaded its index from the snapshot builds the rest of it in
    slices (`warm_up`), only while no one holds the clone, and plans the same after."""
    origin = make_data_repo(tmp_path)
    snapshots = tmp_path / "snapshots"
    first = Workspace(DataClone(tmp_path / "clone", str(origin)), snapshot_dir=snapshots)
    base = first.checkout("main")  # reads the files; a process of its own writes the snapshot
    written = snapshot_path(first.root, snapshots)
    deadline = time.monotonic() + 60
    while read_snapshot(written) is None:  # the writer ends on its own: wait for its file
        assert time.monotonic() < deadline, "the snapshot writer wrote nothing in 60 s"
        time.sleep(0.05)
    workspace = Workspace(DataClone(tmp_path / "clone", str(origin)), snapshot_dir=snapshots)
    assert workspace.checkout("main") == base
    planned = workspace.plan(VERIFY, base, None)
    assert workspace._index.build_some(0) > 0  # loaded from the snapshot: most stored

    with workspace.clone.locked():  # a job holds the clone
        stored = workspace._index.build_some(0)
        assert workspace.warm_up(1.0) is True
        assert workspace._index.build_some(0) == stored
    assert workspace.warm_up(0.0) is True  # one collection, then the slice is over
    assert workspace._index.build_some(0) == stored - 1
    while workspace.warm_up(0.05):
        pass
    assert workspace._index.build_some(0) == 0
    assert workspace.warm_up(0.05) is False
    assert workspace.plan(VERIFY, base, None).json == planned.json
    assert Workspace(DataClone(tmp_path / "other", str(origin))).warm_up(1.0) is False  # no index
