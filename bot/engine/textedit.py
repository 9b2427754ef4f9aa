"""Edits of whole lines in a text file, the unified diff they make, and writing
files so that a crash never leaves one half-written.

An edit replaces the characters `[start, end)` of the old text, where `start` is the
beginning of a line and `end` the end of a line (before or after its newline), with
new text. Keeping edits this small is what keeps a reviewer's diff small.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, order=True)
class TextEdit:
    """Replace `old[start:end]` with `new`."""

    start: int
    end: int
    new: str


def apply_edits(old: str, edits: Sequence[TextEdit]) -> str:
    """The text after the edits (which must not overlap).

    Raises:
        ValueError: if two edits overlap.
    """
    out: list[str] = []
    pos = 0
    for edit in sorted(edits):
        if edit.start < pos:
            raise ValueError(f"overlapping edits at {edit.start}")
        out.append(old[pos : edit.start])
        out.append(edit.new)
        pos = edit.end
    out.append(old[pos:])
    return "".join(out)


# Every byte but UTF-8's continuation bytes (0x80-0xBF): deleting them leaves one
# byte per character.
_NOT_CONTINUATION = bytes(b for b in range(256) if not 0x80 <= b < 0xC0)


def splice_bytes(data: bytes, edits: Iterable[tuple[int, int, bytes]]) -> list[bytes | memoryview]:
    """`data` with byte ranges replaced (`(start, end, new)`, sorted and apart), in
    pieces: the unchanged ones are views of `data`, so a 4 MB file is not copied."""
    view = memoryview(data)
    pieces: list[bytes | memoryview] = []
    pos = 0
    for start, end, new in edits:
        pieces += [view[pos:start], new]
        pos = end
    pieces.append(view[pos:])
    return pieces


def byte_offsets(data: bytes, offsets: Sequence[int]) -> list[int]:
    """The byte offsets in UTF-8 `data` of character offsets into its decoded text
    (ascending).

    Counting characters as the bytes that are not continuation bytes runs at memory
    speed; decoding a 4 MB collection file into a string, only to find where its
    edited lines are, costs several times more.

    Raises:
        ValueError: if the offsets are not ascending or one is past the end.
    """
    out: list[int] = []
    pos = chars = 0  # `chars` characters start in data[:pos]
    for offset in offsets:
        if offset < chars:
            raise ValueError(f"offsets are not ascending at {offset}")
        while chars < offset:
            # At least `offset - chars` more bytes hold that many characters.
            chunk = data[pos : pos + offset - chars]
            if not chunk:
                raise ValueError(f"offset {offset} is past the end")
            chars += len(chunk) - len(chunk.translate(None, _NOT_CONTINUATION))
            pos += len(chunk)
        while pos < len(data) and 0x80 <= data[pos] < 0xC0:
            pos += 1  # the rest of the last character counted
        out.append(pos)
    return out


def split_lines(text: str) -> list[str]:
    """The lines of a text, each with its newline, split at `\\n` only: unlike
    `str.splitlines`, U+2028, NEL or a form feed inside a title do not end a line,
    for the XML and for git."""
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def refine_edits(old: str, edits: Sequence[TextEdit]) -> list[TextEdit]:
    """Split edits of whole blocks of lines into edits of just the lines that differ
    (a changed entry of the people file then shows only its changed lines in the diff).
    The text the edits make stays the same."""
    out: list[TextEdit] = []
    for edit in edits:
        span = old[edit.start : edit.end]
        whole_lines = (edit.start == 0 or old[edit.start - 1] == "\n") and span.endswith("\n")
        if not (whole_lines and edit.new.endswith("\n") and span):
            out.append(edit)
            continue
        a = split_lines(span)
        b = split_lines(edit.new)
        offsets = [edit.start]
        for line in a:
            offsets.append(offsets[-1] + len(line))
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op != "equal":
                out.append(TextEdit(offsets[i1], offsets[i2], "".join(b[j1:j2])))
    return sorted(out)


def unified_diff(path: str, old: str | bytes, edits: Sequence[TextEdit], context: int = 3) -> str:
    """The unified diff (`git diff` style, `a/` and `b/` prefixes) of the edits.

    Computed from the edits themselves, not by comparing the two texts, and reading
    only the lines around them: it costs time in the size of the change, not of the
    file (a collection file can be 4 MB). `old` may also be the file's UTF-8 bytes,
    with the edits' offsets in bytes: then only the lines shown are decoded.
    """
    if not edits:
        return ""
    nl: Any = b"\n" if isinstance(old, bytes) else "\n"

    def lines(start: int, end: int) -> list[str]:
        part = old[start:end]
        return split_lines(part.decode("utf-8") if isinstance(part, bytes) else part)

    total = old.count(nl) + (1 if old and not old.endswith(nl) else 0)
    # (first old line, number of old lines, new lines, offset where the first line starts)
    changes: list[tuple[int, int, list[str], int]] = []
    for edit in sorted(edits):
        first = old.count(nl, 0, edit.start)
        span = old[edit.start : edit.end]
        new_text = edit.new
        if edit.end < len(old) and not span.endswith(nl) and old[edit.end : edit.end + 1] == nl:
            span += nl  # an edit ending before its newline still replaces the whole line
            new_text = edit.new + "\n"
        count = span.count(nl) + (0 if span.endswith(nl) or not span else 1)
        line_start = old.rfind(nl, 0, edit.start) + 1
        changes.append((first, count, split_lines(new_text), line_start))
    hunks: list[list[tuple[int, int, list[str], int]]] = []
    for change in changes:
        if hunks:
            last_first, last_count, _, _ = hunks[-1][-1]
            if change[0] - (last_first + last_count) <= 2 * context:
                hunks[-1].append(change)
                continue
        hunks.append([change])
    out = [f"--- a/{path}\n", f"+++ b/{path}\n"]
    shift = 0  # new line number minus old line number before the current hunk
    for hunk in hunks:
        start = max(0, hunk[0][0] - context)
        stop = min(total, hunk[-1][0] + hunk[-1][1] + context)
        body: list[str] = []
        pos, pos_offset = start, _walk(old, hunk[0][0], hunk[0][3], start)
        new_count = 0
        for first, count, new_lines, line_start in hunk:
            for line in lines(pos_offset, line_start):
                body.append(" " + line)
                new_count += 1
            pos, pos_offset = first + count, _walk(old, first, line_start, first + count)
            for line in lines(line_start, pos_offset):
                body.append("-" + line)
            for line in new_lines:
                body.append("+" + line)
                new_count += 1
        for line in lines(pos_offset, _walk(old, pos, pos_offset, stop)):
            body.append(" " + line)
            new_count += 1
        old_count = stop - start
        out.append(f"@@ -{_range(start, old_count)} +{_range(start + shift, new_count)} @@\n")
        out.extend(
            line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
            for line in body
        )
        shift += new_count - old_count
    return "".join(out)


def _walk(text: str | bytes, line: int, offset: int, target: int) -> int:
    """The offset where line `target` starts, found by walking line by line from line
    `line`, which starts at `offset` (the end of the text past the last line)."""
    nl: Any = b"\n" if isinstance(text, bytes) else "\n"
    while line < target:
        newline = text.find(nl, offset)
        if newline < 0:
            return len(text)
        offset, line = newline + 1, line + 1
    while line > target:
        offset, line = text.rfind(nl, 0, offset - 1) + 1, line - 1
    return offset


def _range(start: int, count: int) -> str:
    if count == 0:
        return f"{start},0"
    return f"{start + 1}" if count == 1 else f"{start + 1},{count}"


def write_files_atomically(
    root: Path, contents: Mapping[str, str | Sequence[bytes | memoryview]], durable: bool = True
) -> list[str]:
    """Write several files so that none is ever half-written.

    Every new text goes to a temporary file beside its target first; only then are
    they renamed over the targets, one by one (a rename is atomic). If writing any
    temporary file fails, no target is touched.

    Parameters:
        root: the data repository.
        contents: new texts by path relative to `root`: a string, or the file's
            bytes in pieces (written one after another, never joined in memory).
        durable: flush the files and their folders to disk before returning, so
            that a power cut leaves either the old or the new files. The bot passes
            False: its clone is marked dirty before a write and checked out from git
            again after a crash, and a flush of a 4 MB file costs 10-20 ms. Readers
            never see half a file either way.

    Returns:
        The paths written, sorted.

    Raises:
        OSError: if a file cannot be written (then nothing was replaced).
    """
    staged: list[tuple[str, Path]] = []
    try:
        for rel in sorted(contents):
            target = root / rel
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            staged.append((tmp, target))
            content = contents[rel]
            with os.fdopen(fd, "wb") as f:
                if isinstance(content, str):
                    f.write(content.encode("utf-8"))
                else:
                    f.writelines(content)
                if durable:
                    f.flush()
                    os.fsync(f.fileno())
            if target.exists():
                os.chmod(tmp, target.stat().st_mode & 0o777)
    except BaseException:
        for tmp, _ in staged:
            _remove_quietly(tmp)
        raise
    for tmp, target in staged:
        os.replace(tmp, target)
    if durable:
        _fsync_dirs({target.parent for _, target in staged})
    return sorted(contents)


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _fsync_dirs(dirs: Iterable[Path]) -> None:
    for d in dirs:
        fd = os.open(d, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
