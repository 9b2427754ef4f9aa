"""The `authorbot` command: plan, apply, demo (and the bot's serve and worker)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.anthology.index import DataIndex, DataRootError
from bot.anthology.integrity import (
    DATA_ERRORS,
    DataIntegrityError,
    index_integrity,
    require_integrity,
)
from bot.anthology.people import PeopleFileError
from bot.anthology.snapshot import load_index, snapshots_enabled
from bot.anthology.xmlscan import XMLScanError
from bot.engine.api import StaleDataError, apply_plan, plan_issue
from bot.engine.render import render_text
from bot.settings import SettingsError
from bot.snapshot_writers import fork_writer

EXIT_READY, EXIT_INTERNAL, EXIT_NOT_READY = 0, 1, 2


class InputError(Exception):
    """Something the person gave cannot be used. The message is one sentence that
    names the file and says what is wrong with it."""


# The indexes whose snapshot a load left to write once the command has answered
# (`_read_index`), with the snapshot's path; and whether a writer was started.
_UNWRITTEN: list[tuple[DataIndex, Path]] = []
_WRITER_LEFT = False


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ready, 2 needs info, rejected or
    an input that cannot be used, 1 a fault of the program itself).

    When a load had to write the index snapshot (the first one, or files changed since),
    a detached fork of this process writes it once the answer is out
    (bot/snapshot_writers.py)."""
    try:
        return _main(argv)
    finally:
        _leave_writers()


def run() -> None:
    """The `authorbot` command: `main`, then the process ends. When it left a snapshot
    writer, it ends at once (its output flushed), leaving the index it read to the
    writer instead of freeing it object by object: freeing would copy every page the
    two processes share."""
    code = main()
    if _WRITER_LEFT:
        os._exit(code)
    sys.exit(code)


def _leave_writers() -> None:
    global _WRITER_LEFT
    if not _UNWRITTEN:
        return
    for stream in (sys.stdout, sys.stderr):
        try:  # the answer goes out before the fork (the fork's copy is never flushed)
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more to say there
            pass
    while _UNWRITTEN:
        fork_writer(*_UNWRITTEN.pop())
        _WRITER_LEFT = True


def _main(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser(with_service=not argv or argv[0] not in ENGINE_COMMANDS)
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return 130
    except (InputError, SettingsError) as exc:
        _say(str(exc))
        return EXIT_NOT_READY
    except DATA_ERRORS as exc:  # commands that load data without _load_index (`pages`)
        _say(f"the data cannot be used: {exc}")
        return EXIT_NOT_READY
    except Exception as exc:  # the exit code promises 1 for anything unexpected
        print(
            f"authorbot: internal error (a fault of authorbot, not of its input; please "
            f"report it): {type(exc).__name__}: {exc}",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _say(sentence: str) -> None:
    """Print one sentence for the person at the terminal."""
    end = "" if sentence.endswith((".", "?", "!")) else "."
    print(f"authorbot: {sentence}{end}", file=sys.stderr)


# Commands that need only the engine: their process does not import the bot's service
# (Flask, PyGithub, the inbox), which would take a third of a cold `plan`.
ENGINE_COMMANDS = frozenset({"plan", "apply", "check", "demo"})


def _parser(with_service: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="authorbot",
        description="Fixes author pages of the ACL Anthology from GitHub issues. New here? "
        "Start with `authorbot demo`; `authorbot COMMAND --help` says more.",
        epilog="Exit codes: 0 done (the plan is ready, the data is whole); 2 the request needs "
        "information or is rejected, or an input cannot be used (one sentence names the "
        "file and what is wrong); 1 a fault of authorbot itself.",
    )
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    for name, helptext, run in (
        ("plan", "show what an issue would change", _run_plan),
        ("apply", "change the data as an issue asks", _run_apply),
    ):
        p = sub.add_parser(
            name,
            help=helptext,
            description=f"{helptext[0].upper()}{helptext[1:]}: read the issue, check every "
            "paper ID and the ORCID iD against the data, and plan the change under the "
            "Anthology's resolution rules"
            + (
                ", then write it (all files or none)."
                if name == "apply"
                else "; prints the moves, the problems and the diff, writes nothing."
            )
            + " The data is checked first (see `authorbot check`).",
            epilog="Example, in a clone of authorbot: authorbot "
            f"{name} bot/sample bot/sample/issues/01-split-to-new-person.json"
            + (" (apply writes into bot/sample: try it on a copy)" if name == "apply" else ""),
        )
        p.add_argument(
            "data_dir",
            metavar="DATA_DIR",
            help="the folder holding data/xml and data/json/people.json (or data/yaml/people.yaml)",
        )
        p.add_argument(
            "issue", metavar="ISSUE_JSON", help="the issue as GitHub's API gives it ('-': stdin)"
        )
        p.add_argument("--json", action="store_true", help="print one JSON object")
        p.add_argument("--id", dest="new_id", metavar="NEW_ID", help="the ID for a new person")
        p.set_defaults(run=run)
    p = sub.add_parser(
        "check",
        help="check that a data repository is whole",
        description="Check a data repository as plan, apply and the bot do before they "
        "work on it: every file readable, the people file not empty, every person ID in "
        "the XML defined in the people file. Exit 0: whole; 2: not (the problems are "
        "printed, naming the files).",
    )
    p.add_argument("data_dir", metavar="DATA_DIR", help="the folder holding data/xml and data/yaml")
    p.set_defaults(run=_run_check)
    demo = sub.add_parser(
        "demo",
        help="the whole loop on the sample data, no account",
        description="Run the bot on this machine with no GitHub account: the sample data as "
        "a git repository, a local stand-in for GitHub's API sending signed webhooks to the "
        "real server and worker. A person files a request, the bot answers, a maintainer "
        "approves, the bot opens the pull request; the demo prints the status comment, the "
        "pull request and its diff. With --engine-only, it plans and applies the bundled "
        "example issues instead (no bot).",
    )
    demo.add_argument(
        "--engine-only", action="store_true", help="plan and apply the example issues, no bot"
    )
    demo.add_argument(
        "--era",
        choices=("json", "yaml"),
        default="json",
        help="the sample data's era: data/json/people.json (today, the default) or "
        "data/yaml/people.yaml (the Anthology's files before 2026)",
    )
    demo.add_argument(
        "--keep",
        metavar="DIR",
        type=Path,
        help="work in DIR (new or empty) and keep it: the data repository, inbox and clone",
    )
    demo.set_defaults(run=_run_demo)
    if with_service:
        from bot import service  # the bot's commands: serve, worker, pages

        service.add_commands(sub)
    return parser


def _load_issue(path: str) -> dict[str, Any]:
    """The issue JSON at `path` ('-': standard input).

    Raises:
        InputError: it cannot be read, is not JSON, or is not a GitHub issue.
    """
    where = "the issue on standard input" if path == "-" else f"the issue file {path}"
    if path == "-":
        raw = sys.stdin.buffer.read()
    elif Path(path).is_dir():
        raise InputError(f"{where} is a folder; give the issue's JSON file")
    else:
        try:
            raw = Path(path).read_bytes()
        except FileNotFoundError:
            raise InputError(f"{where} does not exist") from None
        except OSError as exc:
            raise InputError(f"{where} cannot be read: {exc.strerror}") from None
    if not raw.strip():
        raise InputError(f"{where} is empty; it should hold the issue as GitHub's API gives it")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = "\x00"
    if "\x00" in text:
        raise InputError(
            f"{where} is not text (a binary file?); it should hold the issue as JSON, "
            "as GitHub's API gives it"
        )
    try:
        issue = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{where} is not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    if not isinstance(issue, dict):
        raise InputError(
            f"{where} holds a JSON {_json_kind(issue)}, not a GitHub issue "
            "(an object with a title and a body)"
        )
    missing = [key for key in ("title", "body") if key not in issue]
    if missing:
        raise InputError(
            f"{where} is not a GitHub issue: it has no {' and no '.join(missing)} "
            "(save one with `gh api repos/OWNER/REPO/issues/NUMBER`)"
        )
    if not isinstance(issue["title"], str) or not isinstance(issue["body"], str | None):
        raise InputError(f"{where} is not a GitHub issue: its title and body must be text")
    return issue


def _json_kind(value: Any) -> str:
    kinds = {list: "list", str: "string", bool: "true/false", int: "number", float: "number"}
    return "null" if value is None else kinds.get(type(value), type(value).__name__)


def _load_index(data_dir: str, check: bool = True) -> DataIndex:
    """The data repository at `data_dir`, loaded and (with `check`) checked.

    Raises:
        InputError: the folder is not a data repository, a file of it cannot be read,
            or it fails the integrity check (bot/anthology/integrity.py).
    """
    index = _read_index(data_dir)
    if check:
        try:
            require_integrity(index)
        except DataIntegrityError as exc:
            raise InputError(
                f"the data in {data_dir} is not whole, so nothing is planned on it: {exc}"
            ) from None
    return index


def _read_index(data_dir: str) -> DataIndex:
    root = Path(data_dir)
    if not root.exists():
        raise InputError(f"the data folder {root} does not exist")
    if not root.is_dir():
        raise InputError(f"the data folder {root} is a file, not a folder")
    try:
        if snapshots_enabled():
            # Unchanged collections come from the snapshot; when it must be written, a
            # fork of this process writes it once the command has answered (`main`).
            return load_index(root, defer=lambda index, path: _UNWRITTEN.append((index, path)))
        return DataIndex.load(root)
    except DataRootError as exc:
        raise InputError(
            f"{exc}: DATA_DIR must be the root of a data repository (a checkout of "
            "acl-org/acl-anthology)"
        ) from None
    except (PeopleFileError, XMLScanError) as exc:
        raise InputError(f"the data in {root} cannot be read: {exc}") from None
    except UnicodeDecodeError:  # the XML files say which; this is the people file
        raise InputError(f"the people file in {root} is not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"{exc.filename} cannot be read: {exc.strerror}") from None


def _run_plan(args: argparse.Namespace, apply: bool = False) -> int:
    index = _load_index(args.data_dir)
    plan = plan_issue(index, _load_issue(args.issue), new_id=args.new_id)
    written: list[str] = []
    if apply and plan.status == "ready":
        try:
            written = apply_plan(index, plan)
        except StaleDataError as exc:
            raise InputError(f"{exc}: nothing was written; run the command again") from None
        except OSError as exc:
            raise InputError(
                f"could not write {exc.filename or 'the change'} ({exc.strerror}); "
                "nothing was changed"
            ) from None
    if args.json:
        out = plan.to_json()
        out["written"] = written
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print(render_text(plan))
        if apply:
            print(f"Wrote {len(written)} file(s)." if written else "Wrote nothing.")
    return EXIT_READY if plan.status == "ready" else EXIT_NOT_READY


def _run_check(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    index = _load_index(args.data_dir, check=False)
    loaded = time.perf_counter()
    report = index_integrity(index)
    checked = time.perf_counter()
    lines = index.line_count()
    print(
        f"{args.data_dir}: {report.people:,} people in {report.people_file}; "
        f"{len(index.collections):,} collection files with {lines:,} author/editor lines, "
        f"{report.lines_with_id:,} of them with a person ID ({report.ids_used:,} distinct IDs)."
    )
    for problem in report.problems():
        print(f"Problem: {problem}.")
    print(
        f"{'Whole' if report.ok else 'Not whole'}: loaded in {loaded - started:.2f} s, "
        f"checked in {(checked - loaded) * 1000:.1f} ms."
    )
    return EXIT_READY if report.ok else EXIT_NOT_READY


def _run_apply(args: argparse.Namespace) -> int:
    return _run_plan(args, apply=True)


def _run_demo(args: argparse.Namespace) -> int:
    from bot import demo

    keep: Path | None = args.keep
    if keep is not None and keep.exists():
        if not keep.is_dir():
            raise InputError(f"--keep {keep} is a file; give a new or empty folder")
        if any(keep.iterdir()):
            raise InputError(f"--keep {keep} is not empty; give a new or empty folder")
    return demo.run(engine_only=args.engine_only, keep=keep, era=args.era)


if __name__ == "__main__":  # pragma: no cover
    run()
