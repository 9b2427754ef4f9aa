"""The `authorbot` command: plan, apply, demo (and the bot's serve and worker)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.engine.render import render_text

EXIT_READY, EXIT_INTERNAL, EXIT_NOT_READY = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ready, 2 needs info or
    rejected, 1 internal error)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the exit code promises 1 for anything unexpected
        print(f"authorbot: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INTERNAL


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="authorbot", description="Fixes author pages of the ACL Anthology from GitHub issues."
    )
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    for name, helptext, run in (
        ("plan", "show what an issue would change", _run_plan),
        ("apply", "change the data as an issue asks", _run_apply),
    ):
        p = sub.add_parser(name, help=helptext, description=helptext)
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
    demo = sub.add_parser("demo", help="the whole loop on the sample data, no account")
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
    demo.set_defaults(run=_run_demo)
    _add_service_commands(sub)
    return parser


def _add_service_commands(sub: Any) -> None:
    """The bot's commands, when its modules are installed."""
    try:
        from bot import service
    except ImportError:
        return
    add = getattr(service, "add_commands", None)
    if add is not None:
        add(sub)


def _load_issue(path: str) -> dict[str, Any]:
    text = sys.stdin.read() if path == "-" else Path(path).read_text("utf-8")
    issue = json.loads(text)
    if not isinstance(issue, dict):
        raise ValueError("the issue JSON must be an object")
    return issue


def _run_plan(args: argparse.Namespace, apply: bool = False) -> int:
    from bot.anthology.index import DataIndex
    from bot.engine.api import apply_plan, plan_issue

    index = DataIndex.load(Path(args.data_dir))
    plan = plan_issue(index, _load_issue(args.issue), new_id=args.new_id)
    written: list[str] = []
    if apply and plan.status == "ready":
        written = apply_plan(index, plan)
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


def _run_apply(args: argparse.Namespace) -> int:
    return _run_plan(args, apply=True)


def _run_demo(args: argparse.Namespace) -> int:
    from bot import demo

    return demo.run(engine_only=args.engine_only, era=args.era)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
