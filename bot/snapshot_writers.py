"""Who writes the index snapshot when an answer must not wait for it.

Writing the snapshot of the full archive costs 4-5 s of CPU (bot/anthology/snapshot.py);
the first `authorbot plan` and a worker's first job answer as soon as the index is
read, and one of these writes it meanwhile (`load_index(..., defer=...)`):

- `fork_writer`, for the command line (one thread): a detached fork of the process
  writes the index it has just read, while the command answers and ends;
- `spawn_writer`, for the worker (threads: it must not fork, since a fork copies no
  other thread, nor the locks they hold): a new process,
  `python -m bot.anthology.snapshot ROOT CACHE_DIR`, reads the files again and writes
  the snapshot unless they changed while it read them.

Both are sessions of their own, with no terminal and no output: a pipe that reads the
command's output ends when the command does, and a Ctrl-C of the command does not reach
them. Either writes nothing when another writer holds the snapshot's lock, and replaces
the file only by a whole one, so a writer that is killed leaves the old snapshot (or
none) and a temporary file that the next writer removes.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from bot.anthology.index import DataIndex
from bot.anthology.snapshot import WRITER_NICENESS, write_snapshot, writer_turn

log = logging.getLogger(__name__)


def fork_writer(index: DataIndex, path: Path) -> None:
    """Write the snapshot of `index` to `path` in a forked grandchild of this process.
    This process neither waits for it nor keeps it as a child (the child in between
    ends at once). Only for a process with one thread."""
    if not hasattr(os, "fork"):
        spawn_writer(index, path)
        return
    try:
        pid = os.fork()
    except OSError as exc:
        log.warning("could not start the index snapshot's writer: %s", exc)
        return
    if pid:
        os.waitpid(pid, 0)
        return
    code = 1
    try:  # the child: nothing here may return into the caller's code
        os.setsid()
        os.nice(WRITER_NICENESS)  # the answer is out; the next command goes first
        if os.fork() == 0:
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            # No logging here: it has no output left. The outcome is the file (or none).
            with writer_turn(path) as mine:
                if mine:
                    write_snapshot(index, path)
        code = 0
    except BaseException:  # noqa: BLE001, S110 - it must end here, whatever happened
        pass
    finally:
        os._exit(code)


def spawn_writer(index: DataIndex, path: Path) -> None:
    """Start `python -m bot.anthology.snapshot ROOT CACHE_DIR` for the data repository
    `index` was read from, detached, and reap it from a daemon thread when it ends."""
    # Imported here: the command line, which imports this module, never spawns one.
    import subprocess
    import threading

    package_home = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_home, env.get("PYTHONPATH")) if p)
    argv = [sys.executable, "-m", "bot.anthology.snapshot", str(index.root), str(path.parent)]
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            env=env,
        )
    except OSError as exc:
        log.warning("could not start the index snapshot's writer: %s", exc)
        return
    threading.Thread(target=proc.wait, name="snapshot-writer", daemon=True).start()
