"""A data repository for tests and the demo: a bare git repository made from a folder."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

SAMPLE_DATA = Path(__file__).resolve().parent.parent / "sample"

_ENV = {
    "GIT_AUTHOR_NAME": "Anthology",
    "GIT_AUTHOR_EMAIL": "anthology@example.org",
    "GIT_COMMITTER_NAME": "Anthology",
    "GIT_COMMITTER_EMAIL": "anthology@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "/nonexistent",
}


def git(cwd: Path, *args: str) -> str:
    """Run git in `cwd` with a fixed identity; returns stdout."""
    import os

    env = {**os.environ, **_ENV}
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


_TEMPLATES: dict[tuple[str, str, tuple[tuple[str, str], ...]], Path] = {}


def make_data_repo(
    workdir: Path,
    source: Path = SAMPLE_DATA,
    *,
    branch: str = "main",
    extra_files: dict[str, str] | None = None,
) -> Path:
    """Make `workdir/origin.git`, a bare repository whose `branch` holds `source`'s
    `data/` folder (and `extra_files`, path -> text) in one commit.

    The first call per process builds the repository; later calls with the same
    arguments copy it (the same commit ids, and much faster).

    Returns:
        The bare repository's path (usable as a git remote URL).
    """
    key = (str(source), branch, tuple(sorted((extra_files or {}).items())))
    template = _TEMPLATES.get(key)
    if template is None or not template.exists():
        import tempfile

        template = _build(
            Path(tempfile.mkdtemp(prefix="authorbot-data-")), source, branch, extra_files
        )
        _TEMPLATES[key] = template
    bare = workdir / "origin.git"
    shutil.copytree(template, bare)
    return bare


def _build(workdir: Path, source: Path, branch: str, extra_files: dict[str, str] | None) -> Path:
    seed = workdir / "seed"
    shutil.copytree(source / "data", seed / "data")
    for rel, text in (extra_files or {}).items():
        target = seed / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
    git(seed, "init", "--quiet", "--initial-branch", branch)
    git(seed, "add", "--all")
    git(seed, "commit", "--quiet", "-m", "The sample data")
    bare = workdir / "origin.git"
    git(workdir, "clone", "--quiet", "--bare", str(seed), str(bare))
    shutil.rmtree(seed)
    return bare


def push_change(
    bare: Path, workdir: Path, rel_path: str, text: str, message: str, branch: str = "main"
) -> str:
    """Commit a change to `rel_path` on `branch` of the bare repository (someone else's
    merge); returns the new head."""
    tmp = workdir / f"change-{abs(hash((rel_path, message)))}"
    git(workdir, "clone", "--quiet", "--branch", branch, str(bare), str(tmp))
    (tmp / rel_path).parent.mkdir(parents=True, exist_ok=True)
    (tmp / rel_path).write_text(text, "utf-8")
    git(tmp, "add", "--all")
    git(tmp, "commit", "--quiet", "-m", message)
    git(tmp, "push", "--quiet", "origin", branch)
    head = git(tmp, "rev-parse", "HEAD")
    shutil.rmtree(tmp)
    return head
