"""Shared fixtures: the bundled sample data, scratch copies of it, and the paths of
the real Anthology fixtures in ../shared when they are there."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Index snapshots the tests' processes write go to a folder of this run, not ~/.cache.
if "AUTHORBOT_CACHE_DIR" not in os.environ:
    os.environ["AUTHORBOT_CACHE_DIR"] = tempfile.mkdtemp(prefix="authorbot-cache-")
    atexit.register(shutil.rmtree, os.environ["AUTHORBOT_CACHE_DIR"], True)

REPO = Path(__file__).resolve().parent.parent
SAMPLE_ROOT = REPO / "bot" / "sample"
SHARED = REPO.parent / "shared"
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


@pytest.fixture(scope="session")
def needs_postgres() -> None:
    """Skips, saying why, when no PostgreSQL is installed (`.ci/run` installs Debian's
    `postgresql`) or psycopg is missing."""
    from benchmarks.pgserver import find_binaries

    if find_binaries() is None:
        pytest.skip("no PostgreSQL binaries (install Debian's 'postgresql'); PostgreSQL tests skipped")
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[test]')")


@pytest.fixture(scope="session")
def pg_server(needs_postgres):
    """A real PostgreSQL server for the whole run (initdb into a temp folder, pg_ctl on
    a free port; `benchmarks/pgserver.py`)."""
    from benchmarks.pgserver import PostgresServer

    server = PostgresServer(fsync=False).start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def inbox_location(request, tmp_path: Path) -> str:
    """Where an inbox lives, once for each backend: a SQLite file, and an empty
    database on the session's PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "inbox.sqlite3")
    server = request.getfixturevalue("pg_server")
    server.reset()
    return server.url
