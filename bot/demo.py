"""`authorbot demo`: the bot on this machine with nothing outside the package.

Two demos, on the sample data shipped in `bot/sample/`, in today's files
(`data/json/people.json`, the default) or, with `--era yaml`, in the files of the
era before 2026 (`data/yaml/people.yaml`):

- the whole loop (the default): the sample data as a git repository (`origin`), the
  GitHub and ORCID stand-ins on loopback (`bot/standins/`), the real webhook app and a
  worker. A person files a verification request, the bot answers, a maintainer
  comments `@authorbot approve`, and the bot opens a pull request; every event travels
  as a signed webhook over HTTP, exactly as from GitHub. It prints the status comment,
  the pull request and its diff.
- `--engine-only`: each bundled example issue planned and applied on a scratch copy of
  the sample data, no bot.

Both work in a temporary folder, removed at the end; `--keep DIR` works in DIR instead
and leaves it there (the data repository, the inbox, the bot's clone) to look at.

This is the one module of the product that imports the stand-ins.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from bot.anthology.index import DataIndex
from bot.engine.api import apply_plan, plan_issue
from bot.engine.render import render_text
from bot.standins.harness import LocalDeployment
from bot.standins.issues import VERIFY_LABELS, VERIFY_ORCID, VERIFY_TITLE, verify_body
from bot.standins.orcid import FakeRecord

SAMPLE = Path(__file__).resolve().parent / "sample"
# The sample data repository in each era of the Anthology's files (same archive):
# data/json/people.json since 2026, data/yaml/people.yaml before.
SAMPLE_ERAS = {"json": SAMPLE / "json-era", "yaml": SAMPLE}
DEFAULT_ERA = "json"
MAINTAINER = "maintainer"
AUTHOR = "valentin-barriere"


def sample_issues() -> list[tuple[str, dict[str, Any]]]:
    """The example issues shipped with the package, by file name."""
    return [
        (p.stem, json.loads(p.read_text("utf-8")))
        for p in sorted((SAMPLE / "issues").glob("*.json"))
    ]


def run(
    engine_only: bool = False,
    keep: Path | None = None,
    out: TextIO | None = None,
    era: str = DEFAULT_ERA,
) -> int:
    """Run the demo; returns the exit code (0 when it did what it shows).

    Parameters:
        engine_only: plan and apply the example issues, no bot.
        keep: an empty (or new) folder to work in and leave in place; None: a
            temporary one, removed at the end.
        out: where to print (standard output).
        era: the sample data's era, `json` (data/json/people.json) or `yaml`.
    """
    out = out or sys.stdout
    if engine_only:
        return run_engine_demo(out, keep, era)
    return run_loop_demo(out, keep, era)


@contextmanager
def _workdir(keep: Path | None) -> Iterator[Path]:
    """`keep` (made if missing), or a temporary folder removed afterwards."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
        return
    with tempfile.TemporaryDirectory(prefix="authorbot-demo-") as tmp:
        yield Path(tmp)


def run_engine_demo(
    out: TextIO | None = None, keep: Path | None = None, era: str = DEFAULT_ERA
) -> int:
    """Plan and apply every example issue on a scratch copy of the sample data (in
    `keep`, when given, which then holds the changed data)."""
    out = out or sys.stdout
    with _workdir(keep) as work:
        root = work / "data-repo"
        shutil.copytree(SAMPLE_ERAS[era] / "data", root / "data")
        index = DataIndex.load(root)
        out.write(
            f"The sample data: {len(index.people)} verified people in "
            f"{index.people_file.path}, {len(index.items)} papers "
            f"and volumes. Each example issue is planned, and applied when it is ready.\n"
        )
        applied = 0
        examples = sample_issues()
        for name, issue in examples:
            _section(out, f"Issue #{issue['number']} ({name}): {issue['title']}")
            plan = plan_issue(index, issue)
            out.write(render_text(plan) + "\n")
            if plan.status == "ready":
                written = apply_plan(index, plan)
                applied += 1
                out.write(f"\nApplied: wrote {', '.join(written)}\n")
        _section(out, "Summary")
        others = len(examples) - applied
        rest = {0: "", 1: "; the other shows"}.get(others, "; the others show")
        out.write(
            f"Of {len(examples)} example issues, {applied} were ready and applied{rest}"
            f"{' what the bot answers when a request cannot be done as written' if others else ''}"
            ".\n"
        )
        if keep is not None:
            out.write(
                f"The changed data is kept in {root} (`authorbot check {root}` checks it; "
                f"`diff -r {SAMPLE_ERAS[era] / 'data'} {root / 'data'}` shows the changes).\n"
            )
    return 0


def _section(out: TextIO, title: str) -> None:
    out.write(f"\n{'=' * 78}\n{title}\n{'=' * 78}\n")


def run_loop_demo(
    out: TextIO | None = None, keep: Path | None = None, era: str = DEFAULT_ERA
) -> int:
    """The whole loop on loopback, writing what happens to `out`.

    Parameters:
        out: where to print.
        keep: a folder to work in and leave in place (default: a temporary one,
            removed afterwards).
        era: the sample data's era, `json` (data/json/people.json) or `yaml`.

    Returns:
        0 when exactly one pull request was opened, else 1.
    """
    out = out or sys.stdout
    with _workdir(keep) as work:
        dep = LocalDeployment(
            work,
            data_source=SAMPLE_ERAS[era],
            roles={MAINTAINER: "maintain"},
            orcid_records={VERIFY_ORCID: FakeRecord("Valentin", "Barriere")},
        ).start()
        try:
            return _loop(out, dep, keep)
        finally:
            dep.stop()


def _loop(out: TextIO, dep: LocalDeployment, keep: Path | None) -> int:
    out.write(
        f"A stand-in for GitHub's API serves the repository {dep.github.full_name} on "
        f"{dep.github.base_url} while the demo runs; the bot's webhook endpoint listens on "
        f"{dep.webhook_url}.\n"
    )
    issue = dep.github.open_issue(AUTHOR, VERIFY_TITLE, verify_body(), VERIFY_LABELS)
    number = issue["number"]
    out.write(f"\n@{AUTHOR} opened issue #{number}: {VERIFY_TITLE}\n")
    dep.wait_idle(timeout=120)
    dep.github.comment(number, MAINTAINER, "@authorbot approve")
    out.write(f"@{MAINTAINER} commented: @authorbot approve\n")
    dep.wait_idle(timeout=120)

    status = [c for c in dep.github.comments_on(number) if "<!-- authorbot:status -->" in c["body"]]
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
    _section(out, "Summary")
    out.write(_summary(number, pulls, sorted(dep.github.labels_on(number)), dep.bot.inbox.counts()))
    if keep is not None:
        state = dep.workdir / "state"
        out.write(
            f"\nKept in {keep}: the data repository with the bot's branch ({dep.bare}; "
            f"`git --git-dir {dep.bare} log --oneline --all`), the inbox "
            f"({state / 'inbox.sqlite3'}) and the bot's clone ({state / 'clones'}).\n"
        )
    return 0 if len(pulls) == 1 else 1


def _summary(
    number: int, pulls: list[dict[str, Any]], labels: list[str], counts: dict[str, int]
) -> str:
    """What the demo showed, in sentences."""
    if len(pulls) == 1:
        pull = pulls[0]
        opened = (
            f"The bot answered issue #{number} with its status comment and, once "
            f"@{MAINTAINER} approved, opened pull request #{pull['number']} from the branch "
            f"{pull['head']['ref']}."
        )
    else:
        opened = f"Something went wrong: the bot opened {len(pulls)} pull requests, not one."
    label_text = (
        ", ".join(labels[:-1]) + f" and {labels[-1]}" if len(labels) > 1 else "".join(labels)
    )
    total = sum(counts.values())
    states = ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
    return (
        f"{opened}\nThe issue's labels are now {label_text or 'none'}.\n"
        f"The GitHub stand-in sent {total} signed webhook deliveries (the issue, the comments, "
        f"the labels and the pull request, as GitHub would); the endpoint stored each in the "
        f"inbox and the worker worked each once ({states}).\n"
    )
