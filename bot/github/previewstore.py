"""Previews of the bot's branches: which commit each branch is at, and that commit's
data unpacked in a folder of its own, for the web process to serve author pages from.

The worker records a branch's head after every push (`record`); the web process reads
the record (`head`) and unpacks the commit's data with `git archive` from the worker's
clone into `commits/<sha>/` (`data_dir`), once per commit. `git archive` only reads
objects: the clone's working copy, index and HEAD are never touched, so a preview
cannot disturb a job. Unpacking goes to a temporary folder renamed into place, so a
half-unpacked commit is never served; only the `keep` most recently used commits stay.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

log = logging.getLogger(__name__)

_SHA = re.compile(r"[0-9a-f]{40}")


class PreviewError(Exception):
    """A preview cannot be made (the commit is gone, the record is damaged)."""


@dataclass(frozen=True)
class PreviewHead:
    """Where a branch's preview comes from.

    Attributes:
        branch: the branch, e.g. `authorbot/batch-2026-02-01`.
        commit: the commit the bot last pushed to it.
        git_dir: the `.git` folder holding that commit (the worker's clone).
        data_root: the folder inside the repository that holds `data/`.
    """

    branch: str
    commit: str
    git_dir: str
    data_root: str = "."


class PreviewStore:
    """The preview records and unpacked commits under `root`.

    Parameters:
        root: a folder in the bot's state folder (shared by the worker and the web).
        keep: how many unpacked commits to keep on disk.
    """

    def __init__(self, root: Path | str, keep: int = 8) -> None:
        self.root = Path(root)
        self.keep = keep
        self._lock = threading.Lock()

    def _head_path(self, branch: str) -> Path:
        return self.root / "heads" / (urllib.parse.quote(branch, safe="") + ".json")

    def record(self, branch: str, commit: str, git_dir: Path | str, data_root: str = ".") -> None:
        """Say that `branch` is now at `commit` (written atomically; the worker calls it
        after each push)."""
        path = self._head_path(branch)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"commit": commit, "git_dir": str(git_dir), "data_root": data_root}
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".head-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)

    def head(self, branch: str) -> PreviewHead | None:
        """The recorded head of `branch`, or None when the bot never pushed it."""
        try:
            data = json.loads(self._head_path(branch).read_text("utf-8"))
        except (FileNotFoundError, ValueError):
            return None
        commit = str(data.get("commit", ""))
        if not _SHA.fullmatch(commit):
            return None
        return PreviewHead(
            branch, commit, str(data.get("git_dir", "")), str(data.get("data_root", "."))
        )

    def data_dir(self, head: PreviewHead) -> Path:
        """The folder holding `data/` as it is at `head.commit`, unpacked on first use.

        Raises:
            PreviewError: the commit or its data cannot be read.
        """
        data_root = PurePosixPath(head.data_root or ".")
        if data_root.is_absolute() or ".." in data_root.parts:
            raise PreviewError(f"the data root {head.data_root!r} is not inside the repository")
        target = self.root / "commits" / head.commit
        with self._lock:
            if not target.is_dir():
                self._unpack(head, data_root, target)
            os.utime(target)  # most recently used
            self._prune(keep_also=target)
        return target / data_root

    def _unpack(self, head: PreviewHead, data_root: PurePosixPath, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{head.commit}-"))
        try:
            proc = subprocess.Popen(
                [
                    "git",
                    "--git-dir",
                    head.git_dir,
                    "archive",
                    "--format=tar",
                    head.commit,
                    "--",
                    str(data_root / "data"),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            assert proc.stdout is not None and proc.stderr is not None
            problem: Exception | None = None
            try:
                with tarfile.open(fileobj=proc.stdout, mode="r|") as archive:
                    archive.extractall(tmp, filter="data")
            except tarfile.TarError as exc:
                problem = exc
            err = proc.stderr.read().decode("utf-8", "replace")
            if proc.wait() != 0:  # git's reason first: it is the better one
                raise PreviewError(f"cannot read commit {head.commit[:12]}: {err.strip()[-300:]}")
            if problem is not None:
                raise PreviewError(f"cannot unpack commit {head.commit[:12]}: {problem}")
            os.rename(tmp, target)
        except OSError as exc:
            raise PreviewError(f"cannot unpack commit {head.commit[:12]}: {exc}") from exc
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        log.info(
            "unpacked the data of %s for previews in %.1f s",
            head.commit[:12],
            time.monotonic() - started,
        )

    def _prune(self, keep_also: Path) -> None:
        folders = [p for p in (self.root / "commits").iterdir() if _SHA.fullmatch(p.name)]
        folders.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for old in folders[self.keep :]:
            if old != keep_also:
                shutil.rmtree(old, ignore_errors=True)
