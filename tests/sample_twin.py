"""How the bundled sample data is made from the shared mini fixtures: every file
copied as it is, except that each collection loses its `<abstract>` lines (the
sample holds bibliographic facts only). `test_sample_data.py` checks that the
bundled files are exactly this; run this module to write them again:

    .venv/bin/python -m tests.sample_twin ../shared/data/anthology-json-mini bot/sample/json-era
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

# The Anthology writes each abstract on one line of its own.
_ABSTRACT_LINE = re.compile(r"^[ \t]*<abstract>.*</abstract>\n", re.M)


def without_abstracts(xml: str) -> str:
    """A collection's text with its abstract lines removed."""
    return _ABSTRACT_LINE.sub("", xml)


def sample_files(mini: Path) -> dict[str, bytes]:
    """The sample's files (path under the data repository -> bytes) made from a
    mini fixture's data repository."""
    if not (mini / "data").is_dir():
        raise FileNotFoundError(f"{mini} holds no data/")
    out: dict[str, bytes] = {}
    for path in sorted((mini / "data").rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(mini).as_posix()
        data = path.read_bytes()
        if path.suffix == ".xml":
            data = without_abstracts(data.decode("utf-8")).encode("utf-8")
        out[rel] = data
    return out


def write_sample(mini: Path, dest: Path) -> None:
    """Write the sample made from `mini` into `dest` (its `data/` is replaced)."""
    if (dest / "data").exists():
        shutil.rmtree(dest / "data")
    for rel, data in sample_files(mini).items():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


if __name__ == "__main__":
    write_sample(Path(sys.argv[1]), Path(sys.argv[2]))
