"""Line edits, the unified diff they make (checked with git apply), atomic writes."""

from __future__ import annotations

import os
import random
import subprocess
from pathlib import Path

import pytest

from bot.engine.textedit import (
    TextEdit,
    apply_edits,
    byte_offsets,
    refine_edits,
    unified_diff,
    write_files_atomically,
)


def _random_edits(rng: random.Random, lines: list[str]) -> list[TextEdit]:
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    edits = []
    for i in sorted(rng.sample(range(len(lines)), rng.randint(1, min(5, len(lines))))):
        kind = rng.choice(["replace", "delete", "insert", "replace-line-only"])
        if kind == "replace":
            edits.append(TextEdit(offsets[i], offsets[i + 1], f"new {i}\nmore {i}\n"))
        elif kind == "delete":
            edits.append(TextEdit(offsets[i], offsets[i + 1], ""))
        elif kind == "insert":
            edits.append(TextEdit(offsets[i], offsets[i], f"inserted {i}\n"))
        else:
            edits.append(TextEdit(offsets[i], offsets[i + 1] - 1, f"changed {i}"))
    return edits


def test_diff_applies_with_git_and_gives_the_edited_text(tmp_path: Path):
    rng = random.Random(7)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    for trial in range(60):
        lines = [f"line {i}\n" for i in range(rng.randint(1, 40))]
        old = "".join(lines)
        edits = _random_edits(rng, lines)
        new = apply_edits(old, edits)
        (tmp_path / "f.txt").write_text(old)
        patch = unified_diff("f.txt", old, edits)
        subprocess.run(["git", "apply", "-"], cwd=tmp_path, input=patch, text=True, check=True)
        assert (tmp_path / "f.txt").read_text() == new, (trial, patch)


# Letters of one, two, three and four UTF-8 bytes.
_LETTERS = "abc xyz\u00e9\u00fc\u0142\u4e2d\u6587\u2028\U0001f600\U00010348"


def test_byte_offsets_are_where_the_characters_start_in_utf8():
    rng = random.Random(11)
    for _ in range(200):
        text = "".join(rng.choice(_LETTERS) for _ in range(rng.randint(0, 300)))
        data = text.encode("utf-8")
        offsets = sorted(rng.randint(0, len(text)) for _ in range(rng.randint(0, 8)))
        assert byte_offsets(data, offsets) == [len(text[:c].encode("utf-8")) for c in offsets]
    with pytest.raises(ValueError):
        byte_offsets("é".encode(), [2])
    with pytest.raises(ValueError):
        byte_offsets(b"abc", [2, 1])


def test_the_diff_of_the_bytes_is_the_diff_of_the_text():
    """The same diff from the UTF-8 bytes and byte offsets as from the text."""
    rng = random.Random(5)
    for trial in range(100):
        lines = [
            "".join(rng.choice(_LETTERS) for _ in range(rng.randint(0, 12))) + "\n"
            for _ in range(rng.randint(1, 40))
        ]
        if rng.random() < 0.3:
            lines[-1] = lines[-1].rstrip("\n")  # no newline at the end
        old = "".join(lines)
        if not old:
            continue
        edits = _random_edits(rng, [line for line in lines])
        data = old.encode("utf-8")
        ends = byte_offsets(data, [x for e in sorted(edits) for x in (e.start, e.end)])
        in_bytes = [
            TextEdit(ends[2 * i], ends[2 * i + 1], e.new) for i, e in enumerate(sorted(edits))
        ]
        assert unified_diff("f", data, in_bytes) == unified_diff("f", old, edits), trial


def test_refined_edits_make_the_same_text_with_fewer_lines():
    old = "a:\n  x: 1\n  y: 2\n  z: 3\nb:\n"
    edits = [TextEdit(0, old.index("b:"), "a:\n  x: 1\n  y: 9\n  z: 3\n")]
    refined = refine_edits(old, edits)
    assert apply_edits(old, refined) == apply_edits(old, edits)
    assert refined == [TextEdit(old.index("  y"), old.index("  z"), "  y: 9\n")]


def test_overlapping_edits_are_refused():
    with pytest.raises(ValueError):
        apply_edits("abc\n", [TextEdit(0, 3, "x"), TextEdit(1, 2, "y")])


def test_atomic_write_replaces_all_files(tmp_path: Path):
    (tmp_path / "a.txt").write_text("old a")
    (tmp_path / "b.txt").write_text("old b")
    written = write_files_atomically(tmp_path, {"a.txt": "new a", "b.txt": "new b"})
    assert written == ["a.txt", "b.txt"]
    assert (tmp_path / "a.txt").read_text() == "new a" and (
        tmp_path / "b.txt"
    ).read_text() == "new b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_a_failure_while_writing_leaves_every_file_as_it_was(tmp_path: Path, monkeypatch):
    (tmp_path / "a.txt").write_text("old a")
    (tmp_path / "b.txt").write_text("old b")
    calls = []
    real_fsync = os.fsync

    def failing_fsync(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError):
        write_files_atomically(tmp_path, {"a.txt": "new a", "b.txt": "new b"})
    assert (tmp_path / "a.txt").read_text() == "old a" and (
        tmp_path / "b.txt"
    ).read_text() == "old b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]
