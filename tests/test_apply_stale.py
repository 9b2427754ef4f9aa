"""A plan is applied only to the files it was made on: a file changed in between (even
to text of the same length) stops the apply, and nothing is written."""

from __future__ import annotations

import pytest

from bot.anthology.index import DataIndex
from bot.engine.api import StaleDataError, apply_plan, plan_issue
from tests.issues import anthology_issue

VERIFY = anthology_issue(
    ["valentin-barriere/unverified"],
    {"verify"},
    "https://orcid.org/0000-0002-4345-7946",
    "Télécom Paris",
)


def _files(root):
    return {p: p.read_bytes() for p in sorted((root / "data").rglob("*")) if p.is_file()}


@pytest.mark.parametrize("which", ["xml", "people"])
def test_a_file_changed_after_the_plan_stops_the_apply(data_copy, which):
    index = DataIndex.load(data_copy)
    plan = plan_issue(index, VERIFY)
    assert plan.status == "ready"
    xml = next(p for p in plan.files if p.endswith(".xml"))
    path = data_copy / (xml if which == "xml" else "data/yaml/people.yaml")
    text = path.read_text("utf-8")
    # Someone else's edit of the same length (a letter changed in the file's last line).
    changed = text[:-3] + ("x" if text[-3] != "x" else "y") + text[-2:]
    assert len(changed) == len(text)
    path.write_text(changed, "utf-8")
    before = _files(data_copy)
    with pytest.raises(StaleDataError, match="changed since the plan"):
        apply_plan(index, plan)
    assert _files(data_copy) == before
