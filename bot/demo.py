"""`authorbot demo`: the bot on this machine with nothing outside the package.

Two demos, on the sample data shipped in `bot/sample/`:

- the whole loop (the default): the sample data as a git repository (`origin`), the
  GitHub and ORCID stand-ins on loopback (`bot/standins/`), the real webhook app and a
  worker. A person files a verification request, the bot answers, a maintainer
  comments `@authorbot approve`, and the bot opens a pull request; every event travels
  as a signed webhook over HTTP, exactly as from GitHub. It prints the status comment,
  the pull request and its diff.
- `--engine-only`: each bundled example issue planned and applied on a scratch copy of
  the sample data, no bot.

This is the one module of the product that imports the stand-ins.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

from bot.anthology.index import DataIndex
from bot.engine.api import apply_plan, plan_issue
from bot.engine.render import render_text
from bot.standins.harness import LocalDeployment
from bot.standins.issues import VERIFY_LABELS, VERIFY_ORCID, VERIFY_TITLE, verify_body
from bot.standins.orcid import FakeRecord

SAMPLE = Path(__file__).resolve().parent / "sample"
MAINTAINER = "maintainer"
AUTHOR = "valentin-barriere"


def sample_issues() -> list[tuple[str, dict[str, Any]]]:
    """The example issues shipped with the package, by file name."""
    return [
        (p.stem, json.loads(p.read_text("utf-8")))
        for p in sorted((SAMPLE / "issues").glob("*.json"))
    ]


def run(engine_only: bool = False, out: TextIO | None = None) -> int:
    """Run the demo; returns the exit code (0 when it did what it shows)."""
    out = out or sys.stdout
    return run_engine_demo(out) if engine_only else run_loop_demo(out)


def run_engine_demo(out: TextIO | None = None) -> int:
    """Plan and apply every example issue on a scratch copy of the sample data."""
    out = out or sys.stdout
    with tempfile.TemporaryDirectory(prefix="authorbot-demo-") as tmp:
        root = Path(tmp) / "data-repo"
        shutil.copytree(SAMPLE / "data", root / "data")
        index = DataIndex.load(root)
        out.write(f"Sample data: {len(index.people)} verified people, {len(index.items)} items.\n")
        for name, issue in sample_issues():
            _section(out, f"Issue #{issue['number']} ({name}): {issue['title']}")
            plan = plan_issue(index, issue)
            out.write(render_text(plan) + "\n")
            if plan.status == "ready":
                written = apply_plan(index, plan)
                out.write(f"\nApplied: wrote {', '.join(written)}\n")
    return 0


def _section(out: TextIO, title: str) -> None:
    out.write(f"\n{'=' * 78}\n{title}\n{'=' * 78}\n")


def run_loop_demo(out: TextIO | None = None, workdir: Path | None = None) -> int:
    """The whole loop on loopback, writing what happens to `out`.

    Parameters:
        out: where to print.
        workdir: a folder to work in (default: a temporary one, removed afterwards).

    Returns:
        0 when exactly one pull request was opened, else 1.
    """
    out = out or sys.stdout
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="authorbot-demo-") as tmp:
            return run_loop_demo(out, Path(tmp))
    dep = LocalDeployment(
        Path(workdir),
        roles={MAINTAINER: "maintain"},
        orcid_records={VERIFY_ORCID: FakeRecord("Valentin", "Barriere")},
    ).start()
    try:
        out.write(f"GitHub stand-in: {dep.github.base_url}  (repository {dep.github.full_name})\n")
        out.write(f"Webhook endpoint: {dep.webhook_url}\nData repository: {dep.bare}\n")

        issue = dep.github.open_issue(AUTHOR, VERIFY_TITLE, verify_body(), VERIFY_LABELS)
        number = issue["number"]
        out.write(f"\n@{AUTHOR} opened issue #{number}: {VERIFY_TITLE}\n")
        dep.wait_idle(timeout=120)
        dep.github.comment(number, MAINTAINER, "@authorbot approve")
        out.write(f"@{MAINTAINER} commented: @authorbot approve\n")
        dep.wait_idle(timeout=120)

        status = [
            c for c in dep.github.comments_on(number) if "<!-- authorbot:status -->" in c["body"]
        ]
        _section(out, f"The status comment on issue #{number}")
        out.write(status[0]["body"] if status else "(none)\n")
        pulls = dep.github.pulls()
        for pull in pulls:
            _section(out, f"Pull request #{pull['number']}: {pull['title']}")
            out.write(f"{pull['head']['ref']} -> {pull['base']['ref']}\n\n{pull['body']}\n")
            diff = subprocess.run(
                [
                    "git",
                    "--git-dir",
                    str(dep.bare),
                    "diff",
                    f"{pull['base']['ref']}...{pull['head']['ref']}",
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            _section(out, "Its diff")
            out.write(diff)
        assert dep.bot is not None
        labels = ", ".join(sorted(dep.github.labels_on(number)))
        _section(out, "Summary")
        out.write(
            f"labels on #{number}: {labels}\npull requests opened: {len(pulls)}\n"
            f"deliveries worked: {dep.bot.inbox.counts()}\n"
        )
        return 0 if len(pulls) == 1 else 1
    finally:
        dep.stop()
