"""`revert_plan` undoes `apply_plan`: the files come back byte for byte, and the index,
brought back without reading them, is the one a fresh load of them gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.anthology.index import DataIndex
from bot.engine.api import apply_plan, plan_issue, revert_plan
from tests.issues import anthology_issue

# A verification with an ORCID iD and an institution: it writes the people file and
# collection files.
VERIFY = anthology_issue(
    ["valentin-barriere/unverified"],
    {"verify"},
    "https://orcid.org/0000-0002-4345-7946",
    "Télécom Paris",
)


def _files(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted((root / "data").rglob("*")) if p.is_file()}


def _picture(index: DataIndex) -> dict:
    """What the engine reads from an index: every occurrence where it is and whose it
    is, the people file, and who is listed under each ID and name."""
    return {
        "occurrences": {
            coll: [(o.item, o.start, o.end, o.pid, o.orcid) for o in state.scan.occurrences]
            for coll, state in sorted(index.files.items())
        },
        "people": (index.people_file.path, index.people_file.text, index.people_file.entries),
        "by_pid": {k: sorted(o.key for o in v) for k, v in index.by_pid.items() if v},
        "by_slug": {k: sorted(o.key for o in v) for k, v in index.by_slug.items() if v},
    }


def test_revert_brings_back_the_files_and_the_index(era: str, era_copy: Path):
    index = DataIndex.load(era_copy)
    plan = plan_issue(index, VERIFY)
    assert plan.status == "ready", plan.problems
    assert index.people_file.path in plan.files and len(plan.files) >= 2
    before, picture = _files(era_copy), _picture(index)

    apply_plan(index, plan, durable=False)
    assert _files(era_copy) != before
    assert picture != _picture(index) == _picture(DataIndex.load(era_copy))

    assert sorted(revert_plan(index, plan)) == sorted(plan.files)
    assert _files(era_copy) == before
    assert _picture(index) == picture == _picture(DataIndex.load(era_copy))
    # The index, back on the old files, plans the same change again.
    assert plan_issue(index, VERIFY).to_json() == plan.to_json()
    assert index.refresh() == set()  # its stamps are the files' own


def test_a_plan_that_read_text_cannot_be_reverted(data_copy: Path):
    """A file with `\\r\\n` newlines is read as text, whose bytes the plan cannot give
    back exactly: revert refuses before writing anything."""
    index = DataIndex.load(data_copy)
    plan = plan_issue(index, VERIFY)
    xml = data_copy / next(p for p in plan.files if p.endswith(".xml"))
    xml.write_bytes(xml.read_bytes().replace(b"\n", b"\r\n"))
    index.refresh()
    plan = plan_issue(index, VERIFY)
    assert plan.status == "ready", plan.problems
    apply_plan(index, plan, durable=False)
    after = _files(data_copy)
    with pytest.raises(ValueError, match="did not keep the bytes"):
        revert_plan(index, plan)
    assert _files(data_copy) == after
