"""Shared fixtures: the bundled sample data of both eras, scratch copies of it, and
the paths of the real Anthology fixtures in ../shared when they are there.

The Anthology's files come in two eras: `data/json/people.json` (since 2026, the
default) and `data/yaml/people.yaml` (before). Tests of the engine take the `era`
fixture (both eras) with `era_root`, `era_index` and `era_copy`; `sample_index` and
`data_copy` stay the people.yaml sample for the tests that name its files.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tarfile
import tempfile
from pathlib import Path

import pytest

# Index snapshots the tests' processes write go to a folder of this run, not ~/.cache.
if "AUTHORBOT_CACHE_DIR" not in os.environ:
    os.environ["AUTHORBOT_CACHE_DIR"] = tempfile.mkdtemp(prefix="authorbot-cache-")
    atexit.register(shutil.rmtree, os.environ["AUTHORBOT_CACHE_DIR"], True)

REPO = Path(__file__).resolve().parent.parent
SAMPLE_ROOT = REPO / "bot" / "sample"  # the people.yaml era
SAMPLE_JSON_ROOT = SAMPLE_ROOT / "json-era"
SAMPLE_ROOTS = {"json": SAMPLE_JSON_ROOT, "yaml": SAMPLE_ROOT}
ERAS = ("json", "yaml")
# ../shared beside the repository (CI lays it there); AUTHORBOT_SHARED names another.
SHARED = Path(os.environ.get("AUTHORBOT_SHARED") or REPO.parent / "shared")
MINI_ROOT = SHARED / "data" / "anthology-mini"
MINI_ROOTS = {"json": SHARED / "data" / "anthology-json-mini", "yaml": MINI_ROOT}
FULL_TAR = SHARED / "data" / "anthology-people-era.tar.xz"
FULL_TARS = {"json": SHARED / "data" / "anthology-json-era.tar.xz", "yaml": FULL_TAR}
CASES = SHARED / "corpus" / "cases"


@pytest.fixture(scope="session")
def sample_index():
    """The people.yaml sample loaded once (read-only: do not apply plans to it)."""
    from bot.anthology.index import DataIndex

    return DataIndex.load(SAMPLE_ROOT)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A scratch copy of the people.yaml sample data repository."""
    root = tmp_path / "data-repo"
    shutil.copytree(SAMPLE_ROOT / "data", root / "data")
    return root


@pytest.fixture(params=ERAS)
def era(request: pytest.FixtureRequest) -> str:
    """Each era of the Anthology's files in turn: `json`, then `yaml`."""
    return str(request.param)


@pytest.fixture
def era_root(era: str) -> Path:
    """The bundled sample data repository of the era (read-only)."""
    return SAMPLE_ROOTS[era]


_INDEXES: dict[str, object] = {}


@pytest.fixture
def era_index(era: str):
    """The era's sample loaded once per session (read-only: do not apply plans to it)."""
    from bot.anthology.index import DataIndex

    if era not in _INDEXES:
        _INDEXES[era] = DataIndex.load(SAMPLE_ROOTS[era])
    return _INDEXES[era]


@pytest.fixture
def era_copy(era: str, tmp_path: Path) -> Path:
    """A scratch copy of the era's sample data repository."""
    root = tmp_path / "data-repo"
    shutil.copytree(SAMPLE_ROOTS[era] / "data", root / "data")
    return root


def _unpack(tar: Path, out: Path) -> Path:
    if not tar.exists():
        pytest.skip(f"full fixture not found at {tar}")
    with tarfile.open(tar) as t:
        t.extractall(out, filter="data")
    return out / "acl-anthology-data"


@pytest.fixture(scope="session")
def full_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full Anthology fixture of the people.yaml era unpacked (skips when
    ../shared is absent)."""
    return _unpack(FULL_TARS["yaml"], tmp_path_factory.mktemp("full"))


@pytest.fixture(scope="module")
def full_index(full_root: Path):  # noqa: ANN201 (DataIndex, imported when used)
    """The people.yaml era's full fixture loaded once per test module (read-only)."""
    from bot.anthology.index import DataIndex

    return DataIndex.load(full_root)


@pytest.fixture(scope="session")
def full_json_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same archive in the people.json era unpacked (skips when ../shared is absent)."""
    return _unpack(FULL_TARS["json"], tmp_path_factory.mktemp("full-json"))


@pytest.fixture
def full_era_root(era: str, request: pytest.FixtureRequest) -> Path:
    """The full fixture of the era (read-only: copy before changing it)."""
    return Path(request.getfixturevalue("full_json_root" if era == "json" else "full_root"))


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
