"""The persistent clone after a worker was SIGKILLed in the middle of a git command: git
leaves its lock files behind (`index.lock`, `HEAD.lock`, a ref's `.lock`), and every
later git command in the clone would fail on them. The next job, which holds the
clone's own lock, clears them and goes on."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.github.gitrepo import DataClone
from bot.standins.datarepo import make_data_repo, push_change


@pytest.fixture
def origin(tmp_path) -> Path:
    return make_data_repo(tmp_path)


@pytest.mark.parametrize(
    "leftover",
    ["index.lock", "HEAD.lock", "refs/remotes/origin/main.lock"],
)
def test_a_lock_left_by_a_killed_git_does_not_stop_the_next_job(tmp_path, origin, leftover):
    clone = DataClone(tmp_path / "clone", str(origin))
    clone.sync("main")
    lock = clone.path / ".git" / leftover
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_text("")  # what `git checkout` killed with SIGKILL leaves behind
    (clone.path / "data" / "half-written.tmp").write_text("an edit cut short")
    head = push_change(origin, tmp_path, "data/new.txt", "new\n", "A new commit")
    with clone.locked():
        assert clone.sync("main") == head
        result = clone.publish_branch("authorbot/issue-1", head, _edit(clone.path), "One commit")
    assert result.pushed
    assert not lock.exists()
    assert not (clone.path / "data" / "half-written.tmp").exists()


def _edit(root: Path) -> list[str]:
    path = root / "data" / "new.txt"
    path.write_text("new\nedited\n")
    return ["data/new.txt"]


def test_a_job_killed_while_writing_leaves_a_marker_and_the_next_sync_resets(tmp_path, origin):
    """No new commit on the remote, so HEAD is already right: only the marker tells the
    next process (a restart after SIGKILL) that the working tree was being written."""
    clone = DataClone(tmp_path / "clone", str(origin))
    head = clone.sync("main")
    people = clone.path / "data" / "yaml" / "people.yaml"
    original = people.read_bytes()
    clone.mark_dirty()  # what Workspace.publish does before the plan is applied
    people.write_text("half of an edit\n")
    (clone.path / "data" / "stray.tmp").write_text("left behind")
    restarted = DataClone(tmp_path / "clone", str(origin))  # a new process
    with restarted.locked():
        assert restarted.sync("main") == head
    assert people.read_bytes() == original
    assert not (clone.path / "data" / "stray.tmp").exists()
    assert not (clone.path / ".git" / "authorbot-dirty").exists()


def test_a_clean_clone_at_the_head_is_not_checked_out_again(tmp_path, origin):
    clone = DataClone(tmp_path / "clone", str(origin))
    head = clone.sync("main")
    people = clone.path / "data" / "yaml" / "people.yaml"
    before = people.stat().st_mtime_ns
    index_before = (clone.path / ".git" / "index").stat().st_mtime_ns
    assert clone.sync("main") == head
    assert people.stat().st_mtime_ns == before
    assert (clone.path / ".git" / "index").stat().st_mtime_ns == index_before  # no checkout
