"""Shared fixtures: the bundled sample data, scratch copies of it, and the paths of
the real Anthology fixtures in ../shared when they are there."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE_ROOT = REPO / "bot" / "sample"
# ../shared beside the checkout (as on CI); AUTHORBOT_SHARED names it elsewhere
# (a git worktree one folder deeper).
SHARED = Path(os.environ.get("AUTHORBOT_SHARED") or REPO.parent / "shared")
MINI_ROOT = SHARED / "data" / "anthology-mini"
FULL_TAR = SHARED / "data" / "anthology-people-era.tar.xz"
CASES = SHARED / "corpus" / "cases"


@pytest.fixture(scope="session")
def sample_index():
    """The sample data loaded once (read-only: do not apply plans to it)."""
    from bot.anthology.index import DataIndex

    return DataIndex.load(SAMPLE_ROOT)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A scratch copy of the sample data repository."""
    root = tmp_path / "data-repo"
    shutil.copytree(SAMPLE_ROOT / "data", root / "data")
    return root


@pytest.fixture(scope="session")
def full_root(tmp_path_factory) -> Path:
    """The full Anthology fixture unpacked (skips when ../shared is absent)."""
    if not FULL_TAR.exists():
        pytest.skip(f"full fixture not found at {FULL_TAR}")
    import tarfile

    out = tmp_path_factory.mktemp("full")
    with tarfile.open(FULL_TAR) as tar:
        tar.extractall(out, filter="data")
    return out / "acl-anthology-data"
