"""The data the engine works on: the persistent clone plus the engine's in-memory index.

`Workspace.checkout()` brings the clone to the default branch's head and refreshes the
index (only files whose size or mtime changed are read again). `plan()` asks the engine;
`publish()` applies a plan in the clone, commits it beside the checkout (a small pack
of its own: bot/github/gitpack.py), pushes the branch, and writes the files back so
the index again describes the default branch.

The engine is reached only through `bot.engine.api` (the contract in docs/DESIGN.md),
imported when first needed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.github.gitpack import FileContent, Patched
from bot.github.gitrepo import BranchResult, DataClone

REFRESH_SECONDS = 300.0  # the index compares file stamps at least this often


@dataclass
class PlannedIssue:
    """A plan and its JSON, made on the default branch at `base`."""

    plan: Any
    json: dict[str, Any]
    base: str


@dataclass(frozen=True)
class Published:
    """A branch the bot pushed: its name, the push's result, and for each page the
    change affects its paper count `(before, after)`."""

    branch: str
    result: BranchResult
    counts: dict[str, tuple[int, int]]


class Workspace:
    """The clone and the engine's index over it.

    Parameters:
        clone: the persistent clone.
        data_root: the folder inside the repository that holds `data/` (from the config).
    """

    def __init__(
        self, clone: DataClone, data_root: str = ".", snapshot_dir: Path | None = None
    ) -> None:
        self.clone = clone
        self.data_root = data_root
        # Where the index snapshot of this clone lives (None: none is kept).
        self.snapshot_dir = snapshot_dir
        self._index: Any = None
        self._index_root: Path | None = None
        self._refreshed = 0.0
        self._index_commit: str | None = None  # the commit the index last described
        # The commit whose data the integrity check last passed on, the index unchanged
        # since (the check walks every ID in use: 20 ms a job).
        self._whole_at: str | None = None

    @property
    def root(self) -> Path:
        """The folder holding `data/xml` and the people file."""
        return (self.clone.path / self.data_root).resolve()

    def checkout(self, default_branch: str) -> str:
        """Fetch and check out the default branch; load or refresh the index, and check
        that the data is whole (bot/anthology/integrity.py; again only once the index
        changed).

        Returns:
            The commit the data now reflects.

        Raises:
            One of `bot.anthology.integrity.DATA_ERRORS`: the data cannot be worked on.
        """
        from bot.anthology.index import DataIndex
        from bot.anthology.integrity import DataIntegrityError, require_integrity
        from bot.anthology.snapshot import load_index, snapshots_enabled
        from bot.snapshot_writers import spawn_writer

        head = self.clone.sync(default_branch)
        try:
            if self._index is None or self._index_root != self.root:
                if self.snapshot_dir is not None and snapshots_enabled():
                    # A restarted worker reads again only the files that changed; a
                    # snapshot to write is written by a process of its own meanwhile.
                    self._index = load_index(self.root, self.snapshot_dir, defer=spawn_writer)
                else:
                    self._index = DataIndex.load(self.root)
                self._index_root = self.root
                self._refreshed, self._index_commit = time.monotonic(), head
                self._whole_at = None
            elif (
                self.clone.last_sync_reset
                or head != self._index_commit  # another process's job moved the clone
                or time.monotonic() - self._refreshed > REFRESH_SECONDS
            ):
                # The files change only through a checkout (a job's own writes are
                # undone by one, and the index is refreshed after it): with none since
                # the index last looked, it still describes them. Stamps are compared
                # now and then all the same.
                self._index.refresh()
                self._refreshed, self._index_commit = time.monotonic(), head
                self._whole_at = None
            if self._whole_at != head:
                require_integrity(self._index)  # raises DataIntegrityError
                self._whole_at = head
        except DataIntegrityError:
            raise  # the index is right about the files: keep it
        except Exception:
            self._index = None  # it may be half refreshed: read everything next time
            raise
        return head

    def warm_up(self, seconds: float) -> bool:
        """Build, for about `seconds`, more of an index loaded lazily from the snapshot
        (`DataIndex.build_some`), when no job holds the clone; True while more remains.

        A worker calls it when it has nothing to do: a fresh worker answers its first
        job from the snapshot in a second, and the idle time afterwards spares later
        jobs the build of each collection they edit."""
        index = self._index
        if index is None or not index.build_some(0):
            return False
        with self.clone.locked_if_free() as free:
            if not free or index is not self._index:
                return True  # a job holds the clone (or replaced the index): later
            deadline = time.monotonic() + seconds
            while index.build_some(1):
                if time.monotonic() >= deadline:
                    return True
        return False

    def plan(self, issue: dict[str, Any], base: str, new_id: str | None) -> PlannedIssue:
        """Run the engine on an issue (after `checkout`)."""
        from bot.engine.api import plan_issue

        plan = plan_issue(self._index, issue, new_id=new_id)
        return PlannedIssue(plan=plan, json=plan.to_json(), base=base)

    def apply_and_commit(self, planned: PlannedIssue, message: str) -> str:
        """Apply a ready plan in the clone on top of what is checked out and commit it;
        returns the commit. The index then describes that commit, so the next plan is
        made on top of this one (a batch). `restore()` undoes it all."""
        from bot.engine.api import apply_plan

        self.clone.mark_dirty()
        # No flush to disk: the clone is marked dirty, and git restores it after a crash.
        written = apply_plan(self._index, planned.plan, durable=False)
        return self.clone.commit([self._in_clone(p) for p in written], message)

    def _in_clone(self, path: str) -> str:
        """A data repository's path as the clone names it (under `data_root`)."""
        return path if self.data_root in ("", ".") else str(Path(self.data_root) / path)

    @contextmanager
    def _applied_for_now(self, planned: PlannedIssue) -> Iterator[list[str]]:
        """The plan applied in the clone while the block runs (it gets the files
        written), then undone: written back as they were with the index brought back
        in memory (`revert_plan`), or, when that cannot be done (a file was read as
        text) or the block failed, the clone reset and the index refreshed."""
        from bot.engine.api import apply_plan, revert_plan

        self.clone.mark_dirty()
        undone = False
        try:
            # No flush to disk: the clone is marked dirty, git restores it after a crash.
            yield apply_plan(self._index, planned.plan, durable=False)
            try:
                revert_plan(self._index, planned.plan, durable=False)
            except ValueError:
                pass  # a file the plan read as text: the reset below puts it back
            else:
                undone = True
                self.clone.mark_clean()
        finally:
            if not undone:
                self.restore(planned.base)

    def counts(self, pages: list[str]) -> dict[str, int]:
        """How many papers each page lists in the data checked out now."""
        from bot.engine.counts import paper_counts

        return paper_counts(self._index, pages)

    def restore(self, base: str) -> None:
        """Put the clone back on `base` and bring the index back in line with it."""
        self.clone.reset_to(base)
        self._whole_at = None
        self._index.refresh()
        self._refreshed, self._index_commit = time.monotonic(), base

    def measure(self, planned: PlannedIssue) -> dict[str, tuple[int, int]]:
        """Each affected page's paper count before and after the plan, without keeping
        the change (for a status comment that only shows what is there)."""
        from bot.engine.counts import affected_pages

        pages = affected_pages(planned.json)
        before = self.counts(pages)
        with self._applied_for_now(planned):
            after = self.counts(pages)
        return {p: (before[p], after[p]) for p in pages}

    def publish(self, planned: PlannedIssue, branch: str, message: str) -> Published:
        """Apply the plan on its base, commit, push `branch`; then put the clone back.

        The commit is made from the plan's new files (`DataClone.commit_files`), so
        HEAD and git's index never move, and the files are then written back as they
        were with the index brought back in memory (`revert_plan`): a checkout and a
        re-scan of the 4 MB files written cost an approval 100-250 ms. When that cannot
        be done (a file was read as text), the clone is reset and the index refreshed.

        Returns:
            The branch, and each affected page's paper count before and after.
        """
        from bot.engine.counts import affected_pages

        pages = affected_pages(planned.json)
        before = self.counts(pages)
        with self._applied_for_now(planned) as written:
            after = self.counts(pages)
            new = {self._in_clone(p): _new_content(planned.plan.files[p]) for p in written}
            head = self.clone.commit_files(planned.base, new, message)
            result = self.clone.push_commits(branch, planned.base, head)
        return Published(branch, result, {p: (before[p], after[p]) for p in pages})


def _new_content(change: Any) -> FileContent:
    """A plan's changed file (`FileChange`) as the commit takes it: its old bytes and
    the ranges replaced (committed as a delta), or its new bytes when it was read as
    text."""
    edits = change.byte_edits()
    return change.new_bytes() if edits is None else Patched(change.source, edits)
