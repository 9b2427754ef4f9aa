"""The snapshot's write off the answer's path (bot/anthology/snapshot.py, `load_index`'s
`defer`, bot/snapshot_writers.py): the command line answers and a detached fork of it
writes the snapshot, which the next run reads (and leaves no writer); the worker's
writer is a process of its own; writers take turns by a lock file, clear what a killed
writer left, and never leave a snapshot that is not whole or not right.

The commands run as real processes. A small driver makes itself the subreaper of its
children's orphans (Linux), so that it can count and wait for the detached writer."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.anthology.index import DataIndex
from bot.anthology.snapshot import (
    load_index,
    read_snapshot,
    snapshot_path,
    write_current,
)
from bot.snapshot_writers import spawn_writer
from tests.test_snapshot import fingerprint

REPO = Path(__file__).resolve().parent.parent
ISSUE = REPO / "bot" / "sample" / "issues" / "01-split-to-new-person.json"

# Runs argv; as the subreaper of its orphans, waits for whatever the command left
# running. Prints the command's exit code and output, and how many processes it left.
DRIVER = r"""
import ctypes, json, os, subprocess, sys
if ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) != 0:
    sys.exit(99)
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
left = 0
while True:
    try:
        os.wait4(-1, 0)
    except ChildProcessError:
        break
    left += 1
print(json.dumps({"code": proc.returncode, "out": proc.stdout, "err": proc.stderr,
                  "left": left}))
"""


def run_cli(data: Path, cache: Path) -> dict:
    """`authorbot plan DATA ISSUE --json` as a process, through the driver."""
    env = {**os.environ, "AUTHORBOT_CACHE_DIR": str(cache), "AUTHORBOT_SNAPSHOT": "on"}
    env["PYTHONPATH"] = str(REPO)
    argv = [sys.executable, "-m", "bot.cli", "plan", str(data), str(ISSUE), "--json"]
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    if done.returncode == 99:
        pytest.skip("this system cannot make a process the subreaper of its orphans")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["code"] in (0, 2), result["err"]
    return result


def loads_whole_from(data: Path, cache: Path) -> bool:
    """True when the snapshot under `cache` gives every collection (no file is read)
    and the index it gives is the full load's."""
    snap = read_snapshot(snapshot_path(data, cache))
    if snap is None:
        return False
    index = DataIndex.load(data, scan_cache=snap)
    return snap.misses == 0 and fingerprint(index) == fingerprint(DataIndex.load(data))


def test_the_command_answers_and_leaves_a_writer_the_next_run_reads(data_copy, tmp_path):
    cache = tmp_path / "cache"
    first = run_cli(data_copy, cache)
    assert json.loads(first["out"])["status"]  # the whole answer was printed
    assert first["left"] == 1  # the detached writer, waited for by the driver
    assert loads_whole_from(data_copy, cache)
    path = snapshot_path(data_copy, cache)
    before = os.stat(path)
    second = run_cli(data_copy, cache)
    assert second["out"] == first["out"] and second["err"] == first["err"]
    assert second["left"] == 0  # read from the snapshot: nothing to write
    after = os.stat(path)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_changed_collection_is_written_again_by_the_next_runs_writer(data_copy, tmp_path):
    cache = tmp_path / "cache"
    run_cli(data_copy, cache)
    xml = sorted((data_copy / "data" / "xml").glob("*.xml"))[0]
    xml.write_text(xml.read_text("utf-8") + "\n", "utf-8")  # a new stamp
    assert not loads_whole_from(data_copy, cache)
    assert run_cli(data_copy, cache)["left"] == 1
    assert loads_whole_from(data_copy, cache)


def test_the_answer_does_not_wait_for_a_writer_that_holds_the_lock(data_copy, tmp_path):
    # Another writer at work (the lock held here): the command answers, its writer
    # gives up, and the snapshot is left to the one holding the lock.
    cache = tmp_path / "cache"
    cache.mkdir()
    path = snapshot_path(data_copy, cache)
    fd = os.open(path.parent / f"{path.name}.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        result = run_cli(data_copy, cache)
        assert result["left"] == 1
        assert not path.exists()
        index = load_index(data_copy, cache)  # "now", and the lock is still held
        assert fingerprint(index) == fingerprint(DataIndex.load(data_copy))
        assert not path.exists()
    finally:
        os.close(fd)
    load_index(data_copy, cache)
    assert loads_whole_from(data_copy, cache)


def test_the_worker_way_writes_in_a_process_of_its_own(data_copy, tmp_path):
    cache = tmp_path / "cache"
    index = load_index(data_copy, cache, defer=spawn_writer)
    assert fingerprint(index) == fingerprint(DataIndex.load(data_copy))
    deadline = time.monotonic() + 60
    while not loads_whole_from(data_copy, cache):
        assert time.monotonic() < deadline, "no snapshot written by the writer process"
        time.sleep(0.1)


def writer(data: Path, cache: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "bot.anthology.snapshot", str(data), str(cache)],
        env=env,
        cwd=REPO,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_writers_at_the_same_time_leave_one_whole_snapshot(data_copy, tmp_path):
    cache = tmp_path / "cache"
    path = snapshot_path(data_copy, cache)
    cache.mkdir()
    # What a writer killed while writing leaves: a temporary beside the snapshot.
    left = cache / f".{path.name}.killed"
    left.write_bytes(b"half a snapshot")
    procs = [writer(data_copy, cache) for _ in range(4)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    assert loads_whole_from(data_copy, cache)
    assert sorted(p.name for p in cache.iterdir()) == [path.name, f"{path.name}.lock"]


def test_a_killed_writer_leaves_the_old_snapshot_or_none(data_copy, tmp_path):
    cache = tmp_path / "cache"
    load_index(data_copy, cache)
    path = snapshot_path(data_copy, cache)
    xml = sorted((data_copy / "data" / "xml").glob("*.xml"))[0]
    for delay in (0.0, 0.05, 0.1, 0.2, 0.4):
        xml.write_text(xml.read_text("utf-8") + "\n", "utf-8")
        proc = writer(data_copy, cache)
        time.sleep(delay)
        proc.kill()
        proc.communicate()
        snap = read_snapshot(path)
        assert snap is not None  # the old one, or the new one: each whole
        index = DataIndex.load(data_copy, scan_cache=snap)
        assert fingerprint(index) == fingerprint(DataIndex.load(data_copy))


def test_write_current_writes_only_what_is_out_of_date(data_copy, tmp_path):
    cache = tmp_path / "cache"
    assert write_current(data_copy, cache) is True
    assert write_current(data_copy, cache) is False  # it holds the files as they are
    people = data_copy / "data" / "yaml" / "people.yaml"
    people.write_text(people.read_text("utf-8") + "\n", "utf-8")
    assert write_current(data_copy, cache) is True
    assert loads_whole_from(data_copy, cache)


def test_a_writer_runs_at_a_lower_priority_than_what_started_it(tmp_path):
    """The worker's writer lowers its own priority first (it shares the cores with
    the jobs): its niceness after a write that failed is its parent's plus
    WRITER_NICENESS."""
    script = (
        "import os, sys\n"
        "from bot.anthology.snapshot import WRITER_NICENESS, _main\n"
        "before = os.nice(0)\n"
        "code = _main([sys.argv[1], sys.argv[2]])\n"
        "print(code, os.nice(0) - before, WRITER_NICENESS)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "no-data"), str(tmp_path / "cache")],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["1", "10", "10"]
