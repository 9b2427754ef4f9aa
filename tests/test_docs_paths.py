"""The documents name only files that exist (docs/DESIGN.md above all: a newcomer
reads it to find their way).

A path of this repository is one that starts with one of its top-level folders
(`bot/engine/plan.py`, `tests/e2e/`; globs must match something); a bare file name in
backticks (`plan.py`) lives in the folder of its table row (first column), or, outside
a table, anywhere in the tree. Paths of the data repository (`data/xml/...`,
`.github/authorbot.yml`) are not ours and are not checked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DOCUMENTS = (
    "docs/DESIGN.md",
    "docs/BOT.md",
    "docs/PROOF.md",
    "docs/PERFORMANCE.md",
    "README.md",
)
OURS = ("bot", "webhooks", "schemas", "tests", "benchmarks", "docs")
REPO_PATH = re.compile(r"(?<![\w./-])(?:" + "|".join(OURS) + r")/[\w.*/-]*")
BARE_NAME = re.compile(r"`([\w-]+(?:\.[\w-]+)*\.(?:py|md|yml|yaml|json|html|css|js|rnc|toml))`")
ROW_FOLDER = re.compile(r"^\|\s*`([\w./-]+/)`\s*\|")


def missing_paths(text: str, root: Path) -> list[str]:
    """The paths and file names `text` names that do not exist under `root`."""
    missing = []
    for line in text.splitlines():
        for match in REPO_PATH.finditer(line):
            path = match.group(0).rstrip(".")
            if not any(root.glob(path.rstrip("/"))):
                missing.append(path)
        row = ROW_FOLDER.match(line)
        folder = root / row.group(1) if row else None
        for match in BARE_NAME.finditer(line):
            name = match.group(1)
            if folder is not None:
                found = (folder / name).exists()
            else:
                found = any(root.rglob(name))
            if not found:
                missing.append(f"{row.group(1) if row else ''}{name}")
    return missing


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_path_a_document_names_exists(document):
    assert missing_paths((REPO / document).read_text("utf-8"), REPO) == []


def test_a_missing_file_is_caught(tmp_path):
    (tmp_path / "bot" / "engine").mkdir(parents=True)
    (tmp_path / "bot" / "engine" / "plan.py").write_text("")
    text = (
        "| `bot/engine/` | core | `plan.py`, `validate.py` |\n"
        "See bot/engine/plan.py and `bot/engine/edit.py`; data in `data/xml/x.xml`.\n"
        "Outside a table: `plan.py` and `gone.json`; globs: bot/engine/*.py, bot/*.md.\n"
    )
    assert missing_paths(text, tmp_path) == [
        "bot/engine/validate.py",
        "bot/engine/edit.py",
        "bot/*.md",
        "gone.json",
    ]
