"""Commits written as a pack of their own (`bot/github/gitpack.py`), read back by real git:
the same trees git makes from the same files, a repository `git fsck` finds whole, and
a push that sends the edits, not the files."""

from __future__ import annotations

import random
import subprocess
import zlib
from pathlib import Path

import pytest

from bot.github.gitpack import Patched, _stored_zlib, delta
from bot.github.gitrepo import DataClone, GitError
from bot.standins.datarepo import git, make_data_repo

# A 1.9 MB file of XML-like lines: big enough that a delta and a whole copy differ a lot.
BIG = "data/xml/big.xml"


@pytest.fixture
def clone(tmp_path) -> DataClone:
    rng = random.Random(7)
    lines = [
        f'  <author id="p-{i}"><first>F{rng.randrange(10**6)}</first><last>L{i}</last></author>\n'
        for i in range(26000)
    ]
    origin = make_data_repo(tmp_path, extra_files={BIG: "<collection>\n" + "".join(lines)})
    clone = DataClone(tmp_path / "clone", str(origin))
    clone.sync("main")
    return clone


def edits_of(old: bytes) -> list[tuple[int, int, bytes]]:
    """Edits that reach the delta encoder's corners: the first byte, offsets with zero
    bytes inside (0x10000), a copy of exactly 0x10000 bytes, a line removed, an insert
    longer than 127 bytes, and the last byte."""
    return [
        (0, 1, b"<"),
        (0x10000, 0x10000 + 5, b"X" * 300),
        (0x20000, 0x20000 + 40, b""),
        (0x30000, 0x30000, "insertion é\n".encode()),
        (len(old) - 1, len(old), b"\n\n"),
    ]


def expected(old: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    out, pos = b"", 0
    for start, end, new in edits:
        out += old[pos:start] + new
        pos = end
    return out + old[pos:]


def test_a_patched_file_commits_the_same_tree_git_makes(clone):
    base = clone.git("rev-parse", "HEAD")
    old = (clone.path / BIG).read_bytes()
    edits = edits_of(old)
    people = clone.path / "data" / "yaml" / "people.yaml"
    files = {
        BIG: Patched(old, edits),
        "data/yaml/people.yaml": [people.read_bytes(), b"# one more line\n"],
        "data/new/deeper/file.txt": [b"a new folder\n"],  # folders base lacks
        "data/a-file-before-a-folder.txt": [b"sorted among the folders\n"],
    }
    head = clone.commit_files(base, files, "Patched\n\nbody")

    # The working tree, git's index and HEAD are untouched.
    assert clone.git("rev-parse", "HEAD") == base
    assert clone.git("status", "--porcelain") == ""
    # git itself, given the same files, makes the same root tree.
    (clone.path / BIG).write_bytes(expected(old, edits))
    people.write_bytes(people.read_bytes() + b"# one more line\n")
    (clone.path / "data/new/deeper").mkdir(parents=True)
    (clone.path / "data/new/deeper/file.txt").write_bytes(b"a new folder\n")
    (clone.path / "data/a-file-before-a-folder.txt").write_bytes(b"sorted among the folders\n")
    clone.git("add", "--all")
    assert clone.git("write-tree") == clone.git("rev-parse", f"{head}^{{tree}}")
    clone.reset_to(base)

    assert clone.git("rev-parse", f"{head}^") == base
    assert clone.git("log", "-1", "--format=%B%an <%ae>", head) == (
        "Patched\n\nbody\nauthorbot <authorbot@users.noreply.github.com>"
    )
    assert clone.git("rev-parse", "refs/authorbot/commit") == head
    git(clone.path, "fsck", "--full", "--strict", "--no-dangling")
    # The file is stored as a delta against its old version.
    packs = sorted(
        (clone.path / ".git/objects/pack").glob("pack-*.idx"), key=lambda p: p.stat().st_mtime
    )
    listing = git(clone.path, "verify-pack", "-v", str(packs[-1]))
    new_blob = clone.git("rev-parse", f"{head}:{BIG}")
    old_blob = clone.git("rev-parse", f"{base}:{BIG}")
    row = next(line.split() for line in listing.splitlines() if line.startswith(new_blob))
    assert row[1] == "blob" and row[-1] == old_blob  # a delta whose base is the old blob


def test_the_push_sends_the_edits_not_the_files(clone, tmp_path):
    base = clone.git("rev-parse", "HEAD")
    old = (clone.path / BIG).read_bytes()
    edits = edits_of(old)
    head = clone.commit_files(base, {BIG: Patched(old, edits)}, "One file")
    # What `git push` would send: a thin pack against what the remote has.
    sent = subprocess.run(
        ["git", "pack-objects", "--revs", "--thin", "--stdout", "--delta-base-offset", "-q"],
        cwd=clone.path,
        input=f"{head}\n^{base}\n".encode(),
        capture_output=True,
        check=True,
    ).stdout
    assert len(old) > 1_800_000 and len(sent) < 20_000
    assert clone.push_commits("b", base, head).pushed
    origin = Path(clone.remote_url)
    shown = subprocess.run(
        ["git", "--git-dir", str(origin), "show", f"b:{BIG}"], capture_output=True, check=True
    ).stdout
    assert shown == expected(old, edits)
    git(origin, "--git-dir", str(origin), "fsck", "--full", "--strict", "--no-dangling")


def test_a_file_unchanged_or_committed_twice_is_kept_once(clone):
    base = clone.git("rev-parse", "HEAD")
    old = (clone.path / BIG).read_bytes()
    same = clone.commit_files(base, {BIG: Patched(old, [])}, "Nothing")
    assert clone.git("rev-parse", f"{same}^{{tree}}") == clone.git("rev-parse", f"{base}^{{tree}}")
    edits = [(10, 20, b"ten")]
    first = clone.commit_files(base, {BIG: Patched(old, edits)}, "Again")
    second = clone.commit_files(base, {BIG: Patched(old, edits)}, "Again")
    assert clone.git("rev-parse", f"{first}^{{tree}}") == clone.git(
        "rev-parse", f"{second}^{{tree}}"
    )
    git(clone.path, "fsck", "--full", "--strict", "--no-dangling")


def test_paths_that_do_not_fit_the_base_are_refused(clone):
    base = clone.git("rev-parse", "HEAD")
    with pytest.raises(GitError, match="is a directory"):
        clone.commit_files(base, {"data/xml": [b"a file where a folder is\n"]}, "No")
    with pytest.raises(GitError, match="is a file"):
        clone.commit_files(base, {f"{BIG}/inside.txt": [b"under a file\n"]}, "No")
    with pytest.raises(GitError, match="no tree"):
        clone.commit_files("0" * 40, {BIG: [b"x"]}, "No")
    with pytest.raises(GitError, match="not a SHA-1"):
        clone.commit_files("0" * 64, {BIG: [b"x"]}, "No")
    git(clone.path, "fsck", "--full", "--strict", "--no-dangling")


def test_a_delta_copies_the_unchanged_ranges_and_inserts_the_rest():
    old = bytes(range(256)) * 1000
    edits = [(0, 3, b"abc"), (70000, 70000, b"z" * 200)]
    data = delta(len(old), len(expected(old, edits)), Patched(old, edits))
    # 256,000 bytes, most of them copied: the delta holds the inserts and a few
    # instructions (copies of at most 64 KiB each).
    assert 200 + 3 < len(data) < 300


@pytest.mark.parametrize("sizes", [[0], [1], [0xFFFF], [0x10000], [200_001], [70_000, 0, 5]])
def test_bytes_stored_uncompressed_are_a_zlib_stream_zlib_reads(sizes):
    rng = random.Random(sum(sizes))
    pieces = [rng.randbytes(n) for n in sizes]
    stream = b"".join(_stored_zlib(pieces))
    whole = b"".join(pieces)
    assert zlib.decompress(stream) == whole
    # Stored: the bytes plus 5 a block of at most 64 KiB, the header and the checksum.
    assert len(stream) == len(whole) + 5 * max(1, -(-len(whole) // 0xFFFF)) + 6


def test_commits_on_one_base_read_its_trees_once_and_each_holds_only_its_files(clone):
    """The trees of a base are read once for the commits on it; one commit's edits
    never leak into the next one's trees."""
    base = clone.git("rev-parse", "HEAD")
    old = (clone.path / BIG).read_bytes()
    first = clone.commit_files(base, {BIG: Patched(old, [(0, 1, b"!")])}, "First")
    assert set(clone._trees[base]) == {f"{base}^{{tree}}", f"{base}:data", f"{base}:data/xml"}
    kept = clone._trees[base][f"{base}:data/xml"]
    clone._trees[base][f"{base}:data/xml"] = b""  # an empty folder, if it is read from here
    emptied = clone.commit_files(base, {BIG: [b"x\n"]}, "Not read again")
    assert clone.git("ls-tree", "--name-only", f"{emptied}:data/xml") == "big.xml"
    clone._trees[base][f"{base}:data/xml"] = kept
    second = clone.commit_files(base, {"data/yaml/people.yaml": [b"{}\n"]}, "Second")
    assert clone.git("diff", "--name-only", base, first) == BIG
    assert clone.git("diff", "--name-only", base, second) == "data/yaml/people.yaml"
    git(clone.path, "fsck", "--full", "--strict", "--no-dangling")
