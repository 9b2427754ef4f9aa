"""The reference oracle for tests: every author/editor occurrence resolved by the
field's own library, keyed like our Occurrence.key, with each era's own version.

* people.yaml era: acl-anthology 1.2.0, in this process (the `test` extra).
* people.json era: acl-anthology 1.3.4, which cannot share a venv with 1.2.0: this
  file is run as a script by the Python of its own venv (`.ci/run` makes
  `.venv-oracle13` from `tests/oracle13-requirements.txt`; `AUTHORBOT_ORACLE13`
  names another Python). Outside CI the JSON-era judging skips, saying why, when
  that venv is absent; in CI (`CI` set) it fails.

Besides the resolution, the oracle reports every warning the library gives while
loading (a result must load without one more than the data had before) and whether
the library's own `save()` of the people file rewrites it byte for byte (our
minimal-diff writer must write exactly the library's layout).

As a script (run by the era's library):  python oracle.py snapshot DATA_ROOT
prints the snapshot as one JSON object, `python oracle.py people ROOT...` what the
library saves of each root's people file. It imports nothing from the project.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ORACLE13_ENV = "AUTHORBOT_ORACLE13"
ORACLE13_VENV = REPO / ".venv-oracle13"
PEOPLE_FILES = {"json": "data/json/people.json", "yaml": "data/yaml/people.yaml"}
LIBRARY_VERSIONS = {"json": "1.3.4", "yaml": "1.2.0"}


@dataclass
class Snapshot:
    """What the era's library reads in a data repository."""

    occ: dict[str, str]  # occurrence key -> person ID
    people: dict[str, dict]  # verified person ID -> facts
    names: dict[str, list] = field(default_factory=dict)  # occurrence key -> [first, last]
    warnings: list[str] = field(default_factory=list)
    people_roundtrip: bool = False  # the library's save() rewrites the file unchanged
    version: str = ""


# The one warning real data gives: an unverified name twice on one item (both
# libraries allow it; it is a fact of the data, not of a change).
DATA_WARNING = re.compile(
    r"^NameSpecResolutionWarning: More than one NameSpecification resolves to '[^']*/unverified'"
)


class OracleWarnings(AssertionError):
    """The library warned about data that it did not warn about before."""


def era_of(root: Path) -> str:
    """`json` or `yaml`: which people file the data repository has."""
    found = [era for era, rel in PEOPLE_FILES.items() if (Path(root) / rel).is_file()]
    if len(found) != 1:
        raise ValueError(f"{root} must have exactly one people file, has {found}")
    return found[0]


def oracle13_python() -> str | None:
    """The Python of the acl-anthology 1.3.4 venv, or None when there is none."""
    named = os.environ.get(ORACLE13_ENV)
    if named:
        return named
    candidate = ORACLE13_VENV / "bin" / "python"
    return str(candidate) if candidate.exists() else None


def require_oracle13() -> str:
    """The 1.3.4 Python; skips the test (fails in CI) when it is missing."""
    import pytest

    python = oracle13_python()
    if python is None:
        message = (
            f"acl-anthology 1.3.4 venv not found (no ${ORACLE13_ENV}, no {ORACLE13_VENV}): "
            "make it with `python3 -m venv .venv-oracle13 && .venv-oracle13/bin/pip install "
            "-r tests/oracle13-requirements.txt` (as .ci/run does)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return python


def library_snapshot(root: Path | str) -> Snapshot:
    """Read `root` with its era's library (1.2.0 here, 1.3.4 in a subprocess)."""
    root = Path(root)
    era = era_of(root)
    if era == "yaml":
        return Snapshot(**_read(root))
    python = require_oracle13()
    proc = subprocess.run(
        [python, __file__, "snapshot", str(root)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"acl-anthology 1.3.4 could not read {root}:\n{proc.stderr[-3000:]}")
    return Snapshot(**json.loads(proc.stdout))


def snapshot(
    root: Path | str, known_warnings: list[str] | None = None
) -> tuple[dict[str, str], dict[str, dict]]:
    """Resolve every occurrence under `root` with its era's library, and check that
    the library reads the data as cleanly as before and would write the people file
    exactly as it is.

    Parameters:
        root: a data repository.
        known_warnings: warnings the data gave before a change (besides DATA_WARNING).

    Returns:
        (occurrence key -> person ID, person ID -> facts) where the key is
        `<item>|<author|editor|volume-editor>|<position>`.

    Raises:
        OracleWarnings: if the library warns about anything new, or its save() would
            change the people file.
    """
    snap = library_snapshot(root)
    new = sorted(
        w for w in set(snap.warnings) - set(known_warnings or []) if not DATA_WARNING.match(w)
    )
    if new:
        raise OracleWarnings(f"acl-anthology {snap.version} warns on {root}: {new[:5]}")
    if not snap.people_roundtrip:
        raise OracleWarnings(
            f"acl-anthology {snap.version}'s save() would rewrite the people file of {root}"
        )
    return snap.occ, snap.people


def library_people_saves(era: str, texts: list[str]) -> list[tuple[str, dict[str, dict]]]:
    """What the era's library makes of people files alone: for each text, the file
    its `save()` writes after loading it, and the people it read.

    Each text is put in a scratch data repository with no collection (only the
    era's schema), so this is fast enough to try many layouts.
    """
    schema = REPO / "bot" / "sample" / ("json-era" if era == "json" else "") / "data" / "xml"
    with tempfile.TemporaryDirectory(prefix="authorbot-oracle-") as tmp:
        roots = []
        for i, text in enumerate(texts):
            root = Path(tmp) / str(i)
            (root / "data" / "xml").mkdir(parents=True)
            (root / "data" / "xml" / "schema.rnc").write_bytes((schema / "schema.rnc").read_bytes())
            people = root / PEOPLE_FILES[era]
            people.parent.mkdir(parents=True)
            people.write_text(text, "utf-8")
            roots.append(str(root))
        if era == "yaml":
            out = _people_saves(roots)
        else:
            proc = subprocess.run(
                [require_oracle13(), __file__, "people", *roots],
                capture_output=True,
                text=True,
                timeout=300,
            )
            if proc.returncode != 0:
                raise RuntimeError(f"acl-anthology 1.3.4 failed:\n{proc.stderr[-3000:]}")
            out = json.loads(proc.stdout)
    return [(saved, people) for saved, people in out]


def _people_saves(roots: list[str]) -> list[tuple[str, dict[str, dict]]]:
    from acl_anthology import Anthology

    out = []
    for root in roots:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the library must read each one cleanly
            anthology = Anthology(datadir=str(Path(root) / "data"))
            anthology.people.load()
        saved = Path(root) / "saved"
        anthology.people.save(saved)
        out.append((saved.read_text("utf-8"), _people_facts(anthology)))
    return out


def _people_facts(anthology: object) -> dict[str, dict]:
    return {
        pid: {
            "names": [n.as_first_last() for n in p.names],
            "orcid": p.orcid,
            "degree": p.degree,
            "dnm": p.disable_name_matching,
        }
        for pid, p in anthology.people.items()  # type: ignore[attr-defined]
        if p.is_explicit
    }


def _read(root: Path) -> dict:
    """The snapshot, read with the acl-anthology installed in this Python."""
    from importlib.metadata import version

    from acl_anthology import Anthology

    records: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                records.append(f"log: {record.getMessage()}")

    handler = _Collect()
    logger = logging.getLogger("acl_anthology")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            anthology = Anthology(datadir=str(root / "data"))
            anthology.load_all()
            anthology.people.load()
    finally:
        logger.removeHandler(handler)
    records += [f"{w.category.__name__}: {w.message}" for w in caught]
    occ: dict[str, str] = {}
    names: dict[str, list] = {}

    def note(key: str, ns: object) -> None:
        occ[key] = anthology.people.get_by_namespec(ns).id
        names[key] = [ns.first or None, ns.last]  # type: ignore[attr-defined]

    for coll in anthology.collections.values():
        for vol in coll.volumes():
            for i, ns in enumerate(vol.editors):
                note(f"{vol.full_id}|volume-editor|{i}", ns)
            for paper in vol.papers():
                for i, ns in enumerate(paper.authors):
                    note(f"{paper.full_id}|author|{i}", ns)
                for i, ns in enumerate(paper._editors):
                    note(f"{paper.full_id}|editor|{i}", ns)
    people = _people_facts(anthology)
    people_path = Path(anthology.people.path)
    with tempfile.TemporaryDirectory() as tmp:
        saved = Path(tmp) / people_path.name
        anthology.people.save(saved)
        roundtrip = saved.read_bytes() == people_path.read_bytes()
    return {
        "occ": occ,
        "people": people,
        "names": names,
        "warnings": sorted(records),
        "people_roundtrip": roundtrip,
        "version": version("acl-anthology"),
    }


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "snapshot":
        json.dump(_read(Path(sys.argv[2])), sys.stdout, ensure_ascii=False)
    elif len(sys.argv) >= 2 and sys.argv[1] == "people":
        json.dump(_people_saves(sys.argv[2:]), sys.stdout, ensure_ascii=False)
    else:
        sys.exit(__doc__)
