"""The shared acceptance cases (../shared/corpus/cases) in the people.json era.

`shared/tools/check_cases.py` judges them on the people.yaml mini fixture with
acl-anthology 1.2.0 (tests/test_cli.py runs it). This is the same judge for the
same archive in today's format: `authorbot apply` on a fresh copy of
`anthology-json-mini`, judged by acl-anthology 1.3.4 (tests/oracle.py): the exit
code and status, the problems, exactly the expected occurrences change person and
to whom, the target's entry, a minimal diff (in XML only author/editor lines; in
people.json only the entries that changed), and the library reading the result
without a new warning and saving its people.json byte for byte as it is.
"""

from __future__ import annotations

import difflib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CASES, MINI_ROOTS
from tests.oracle import Snapshot, library_snapshot, snapshot

MINI = MINI_ROOTS["json"]
CASE_NAMES = sorted(p.name[: -len(".issue.json")] for p in CASES.glob("*.issue.json"))
PEOPLE = "data/json/people.json"
_ENTRY = re.compile(r'^  "([^"]+)": \{$')

pytestmark = pytest.mark.skipif(
    not (CASES.exists() and MINI.exists()), reason=f"{CASES} or {MINI} not found"
)


def blocks(text: str) -> dict[str | None, str]:
    """people.json cut into the lines of each entry (judged independently of the
    writer: an entry starts at its `  "id": {` line)."""
    out: dict[str | None, list[str]] = {}
    key = None
    for line in text.splitlines(keepends=True):
        if line.rstrip("\n") in ("{", "}"):  # the file's own braces
            continue
        m = _ENTRY.match(line.rstrip("\n"))
        if m:
            key = m.group(1)
        out.setdefault(key, []).append(line)
    # The comma after an entry belongs to the layout, not to the entry.
    return {k: "".join(v).rstrip("\n").rstrip(",") for k, v in out.items()}


@pytest.fixture(scope="module")
def before(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Snapshot]:
    root = tmp_path_factory.mktemp("json-mini") / "before"
    shutil.copytree(MINI, root)
    return root, library_snapshot(root)


@pytest.mark.parametrize("case", CASE_NAMES or ["(none)"])
def test_case_in_the_json_era(case: str, before: tuple[Path, Snapshot], tmp_path: Path):
    before_root, base = before
    expect = json.loads((CASES / f"{case}.expect.json").read_text("utf-8"))
    work = tmp_path / "work"
    shutil.copytree(MINI, work)
    authorbot = Path(sys.executable).parent / "authorbot"
    r = subprocess.run(
        [str(authorbot), "apply", str(work), str(CASES / f"{case}.issue.json"), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == expect["exit"], r.stderr[-500:] or r.stdout[-500:]
    result = json.loads(r.stdout)
    problems = " ".join(f"{p['code']} {p['message']}" for p in result["problems"])
    if expect["exit"] == 0:
        assert result["status"] == "ready"
        assert result["people_file"] == PEOPLE
    else:
        assert result["problems"], "refused without any problem listed"
    for mention in expect.get("problem_mentions", []):
        assert mention in problems
    changed_files = sorted(
        str(p.relative_to(work))
        for p in work.rglob("*")
        if p.is_file() and p.read_bytes() != (before_root / p.relative_to(work)).read_bytes()
    )
    if expect["exit"] != 0:
        assert changed_files == []
        return
    occ, people = snapshot(work, known_warnings=base.warnings)
    changed = {k for k in set(base.occ) | set(occ) if base.occ.get(k) != occ.get(k)}
    assert changed == set(expect["moves"])
    target = expect.get("target", {})
    if target.get("id"):
        assert all(occ[k] == target["id"] for k in changed)
        entry = people[target["id"]]
        if target.get("orcid"):
            assert entry["orcid"] == target["orcid"]
        if target.get("degree_contains"):
            assert target["degree_contains"] in (entry["degree"] or "")
        if target.get("canonical"):
            assert entry["names"][0] == target["canonical"]
    for rel in changed_files:
        old = (before_root / rel).read_text("utf-8")
        new = (work / rel).read_text("utf-8")
        if rel.endswith(".xml"):
            for line in difflib.unified_diff(old.splitlines(), new.splitlines(), n=0, lineterm=""):
                if line[:1] in "+-" and not line.startswith(("+++", "---")):
                    assert re.match(r"^[+-]\s*<(author|editor)[ >]", line), line
        else:
            assert rel == PEOPLE, f"unexpected file changed: {rel}"
            old_blocks, new_blocks = blocks(old), blocks(new)
            touched = {
                k for k in set(old_blocks) | set(new_blocks) if old_blocks.get(k) != new_blocks.get(k)
            }
            allowed = {
                k for k in set(people) | set(base.people) if people.get(k) != base.people.get(k)
            }
            assert touched <= allowed, f"entries rewritten without a change: {touched - allowed}"
