"""Today's code beside ours: the benchmarks of issue 13 measure the code of `main` as it
was before that work (BASELINE) in the same run as this checkout's, so that both see
the same machine and the same load.

`baseline_tree()` exports that commit's files (`git archive`, no worktree, nothing of
this checkout changes) into a folder under the system's temporary folder, once; a
process started with that folder as its working directory (or first on PYTHONPATH)
imports that commit's `bot` package instead of this one. It needs this checkout's git
history; without it the benchmarks say so and print only their own figures.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# `main` on the day issue 13 was finished, without any of its work: the people.json era,
# one worker on a SQLite inbox, no index snapshot.
BASELINE = "12db641"


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()


def baseline_tree(ref: str = BASELINE) -> tuple[Path, str] | None:
    """(folder with the files of commit `ref`, its short hash), or None (said why on
    stderr) when this checkout has no such commit."""
    try:
        sha = _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except (OSError, subprocess.CalledProcessError):
        print(f"  baseline {ref}: not in this checkout's git history, not measured")
        return None
    dest = Path(tempfile.gettempdir()) / f"authorbot-baseline-{sha[:12]}"
    if (dest / ".complete").exists():
        return dest, sha[:7]
    archive = subprocess.run(
        ["git", "archive", "--format=tar", sha], cwd=REPO, capture_output=True, check=True
    ).stdout
    partial = Path(tempfile.mkdtemp(prefix=f"{dest.name}.", dir=dest.parent))
    try:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(partial, filter="data")
        (partial / ".complete").write_text(sha + "\n", "utf-8")
        shutil.rmtree(dest, ignore_errors=True)
        os.replace(partial, dest)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return dest, sha[:7]


def load_now() -> float:
    """The machine's load average over the last minute."""
    return os.getloadavg()[0]
