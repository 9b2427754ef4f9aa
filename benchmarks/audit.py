"""Checks the benchmarks make after a run: exactly once in the inbox and in the logs, one
status comment per issue, no duplicate pull request, the final state each person sees,
and that every `authorbot/*` branch holds exactly the engine's edit on its base.

Each check returns a list of violations (strings a person can read); empty is good.
"""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from bot.standins.github import FakeGitHub
from bot.worker.state import STATUS_MARKER

BOT = "authorbot[bot]"
STATUS_LABELS = {
    "ready": "authorbot:ready",
    "needs-info": "authorbot:needs-info",
    "rejected": "authorbot:rejected",
}


def exactly_once(
    rows: list[dict[str, Any]], log_lines: list[dict[str, Any]], accepted: Iterable[str]
) -> tuple[list[str], dict[str, int]]:
    """Every accepted delivery is in the inbox, done, and was worked to the end once.

    "Worked to the end" is the worker's `done` log line (written right after the
    inbox marks the row done), so a delivery with two `done` lines was completed twice.

    Returns:
        The violations, and figures: stored, done, failed, queued, re-run (claimed
        more than once, e.g. after a kill), and done lines.
    """
    by_id = {row["id"]: row for row in rows}
    done_lines = Counter(line.get("delivery") for line in log_lines if line.get("msg") == "done")
    problems: list[str] = []
    for delivery in sorted(set(accepted)):
        row = by_id.get(delivery)
        if row is None:
            problems.append(f"{delivery}: acknowledged but not in the inbox")
        elif row["state"] != "done":
            problems.append(f"{delivery}: {row['state']} ({row['last_error']})")
    for delivery, n in done_lines.items():
        if delivery is not None and n > 1:
            problems.append(f"{delivery}: worked to the end {n} times")
    states = Counter(row["state"] for row in rows)
    figures = {
        "stored": len(rows),
        "done": states.get("done", 0),
        "failed": states.get("failed", 0),
        "queued": states.get("queued", 0),
        "re-run": sum(1 for row in rows if row["attempts"] > 1),
        "done lines": sum(n for d, n in done_lines.items() if d is not None),
    }
    return problems, figures


def status_comments(github: FakeGitHub, number: int) -> list[dict[str, Any]]:
    """The bot's status comments on an issue."""
    return [
        c
        for c in github.comments_on(number)
        if c["user"]["login"] == BOT and STATUS_MARKER in (c.get("body") or "")
    ]


def duplicates(github: FakeGitHub, numbers: Iterable[int]) -> dict[str, int]:
    """Duplicate side effects: issues with more than one status comment, head branches
    with more than one open pull request, and replies posted twice for one command."""
    dup_status = sum(1 for n in numbers if len(status_comments(github, n)) > 1)
    open_by_head = Counter(p["head"]["ref"] for p in github.pulls() if p["state"] == "open")
    dup_prs = sum(n - 1 for n in open_by_head.values() if n > 1)
    markers: Counter[str] = Counter()
    for n in numbers:
        for c in github.comments_on(n):
            body = c.get("body") or ""
            if c["user"]["login"] == BOT and "<!-- authorbot:reply " in body:
                markers[body.split("<!-- authorbot:reply ", 1)[1].split("-->", 1)[0]] += 1
    dup_replies = sum(n - 1 for n in markers.values() if n > 1)
    return {
        "duplicate status comments": dup_status,
        "duplicate PRs": dup_prs,
        "duplicate replies": dup_replies,
    }


def final_state(github: FakeGitHub, number: int, status: str, with_pr: bool) -> list[str]:
    """What the person on issue `number` sees is one clear final state: one status
    comment whose headline says `status`, exactly that status label, and a pull request
    (linked, open, labelled) exactly when `with_pr`."""
    problems: list[str] = []
    comments = status_comments(github, number)
    if len(comments) != 1:
        return [f"#{number}: {len(comments)} status comments"]
    body = comments[0]["body"]
    headline = {"ready": "### ✅ Ready", "needs-info": "### ✋", "rejected": "### ❌"}[status]
    if not body.startswith(f"{STATUS_MARKER}\n{headline}"):
        problems.append(f"#{number}: the status comment does not say {status}")
    labels = github.labels_on(number)
    if labels & set(STATUS_LABELS.values()) != {STATUS_LABELS[status]}:
        problems.append(f"#{number}: status labels {sorted(labels)} for {status}")
    branch = f"authorbot/issue-{number}"
    open_pulls = [p for p in github.pulls() if p["head"]["ref"] == branch and p["state"] == "open"]
    if with_pr:
        if len(open_pulls) != 1:
            problems.append(f"#{number}: {len(open_pulls)} open pull requests, want 1")
        elif f"Pull request: {open_pulls[0]['html_url']}" not in body:
            problems.append(f"#{number}: the status comment does not link the pull request")
        if "authorbot:pr-open" not in labels:
            problems.append(f"#{number}: no authorbot:pr-open label")
    else:
        if open_pulls:
            problems.append(f"#{number}: an open pull request that should not be there")
        if "authorbot:pr-open" in labels:
            problems.append(f"#{number}: authorbot:pr-open without a pull request")
    return problems


def _git(git_dir: Path, *args: str, check: bool = True) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(git_dir), *args], capture_output=True, text=True, check=check
    ).stdout.strip()


def _main_ref(git_dir: Path, main: str) -> str:
    """`origin/main` in a clone (its local `main` is the one it was cloned at), `main` in
    a bare repository."""
    remote = f"refs/remotes/origin/{main}"
    fetched = _git(git_dir, "rev-parse", "--verify", "-q", remote, check=False)
    return remote if fetched else f"refs/heads/{main}"


def _is_ancestor(git_dir: Path, commit: str, of: str) -> bool:
    args = ["git", "--git-dir", str(git_dir), "merge-base", "--is-ancestor", commit, of]
    return subprocess.run(args, capture_output=True).returncode == 0


def _tree_at(git_dir: Path, commit: str, into: Path) -> Path:
    raw = subprocess.run(
        ["git", "--git-dir", str(git_dir), "archive", "--format=tar", commit, "data"],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
        tar.extractall(into, filter="data")
    return into


def _parses(path: str, text: str) -> str | None:
    try:
        if path.endswith((".yaml", ".yml")):
            yaml.safe_load(text)
        elif path.endswith(".json"):
            json.loads(text)
        elif path.endswith(".xml"):
            ET.fromstring(text.encode("utf-8"))
    except (yaml.YAMLError, ValueError, ET.ParseError) as exc:
        return f"{path} does not parse: {exc}"
    return None


def branch_refs(git_dir: Path) -> dict[str, str]:
    """Every `authorbot/*` branch of a repository (local and remote-tracking) -> head."""
    out = _git(
        git_dir,
        "for-each-ref",
        "--format=%(refname) %(objectname)",
        "refs/heads/authorbot/",
        "refs/remotes/origin/authorbot/",
    )
    return dict(line.split(" ", 1) for line in out.splitlines() if line)


def parse_check(git_dir: Path, ref: str, head: str) -> list[str]:
    """The files a bot commit changes parse (the people file with json or PyYAML, XML
    well-formed), and the commit is one commit on top of another (its base)."""
    base = _git(git_dir, "rev-parse", "--verify", "-q", f"{head}^", check=False)
    if not base:
        return [f"{ref} at {head[:10]}: no parent"]
    problems = []
    for path in _git(git_dir, "diff", "--name-only", base, head).split():
        bad = _parses(path, _show(git_dir, head, path))
        if bad:
            problems.append(f"{ref} at {head[:10]}: {bad}")
    return problems


def _show(git_dir: Path, commit: str, path: str) -> str:
    args = ["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"]
    return subprocess.run(args, capture_output=True, check=True).stdout.decode("utf-8")


def engine_check(
    git_dir: Path, ref: str, head: str, issue: dict[str, Any] | None, main: str = "main"
) -> list[str]:
    """A bot commit is exactly the engine's edit for `issue` on the commit's parent, and
    that parent is a commit of `main`."""
    from bot.anthology.index import DataIndex
    from bot.engine.api import apply_plan, plan_issue

    where = f"{ref} at {head[:10]}"
    problems = parse_check(git_dir, ref, head)
    if problems:
        return problems
    base = _git(git_dir, "rev-parse", f"{head}^")
    if not _is_ancestor(git_dir, base, _main_ref(git_dir, main)):
        return [f"{where}: its parent is not a commit of {main}"]
    if issue is None:
        return [f"{where}: no such issue"]
    changed = _git(git_dir, "diff", "--name-only", base, head).split()
    with tempfile.TemporaryDirectory(prefix="audit-") as tmp:
        root = _tree_at(git_dir, base, Path(tmp))
        index = DataIndex.load(root)
        plan = plan_issue(index, issue)
        if plan.status != "ready":
            return [f"{where}: the engine does not plan issue #{issue['number']} on its base"]
        written = apply_plan(index, plan)
        if sorted(written) != sorted(changed):
            problems.append(f"{where}: changes {changed}, the engine writes {written}")
        for path in written:
            if (root / path).read_text("utf-8") != _show(git_dir, head, path):
                problems.append(f"{where}: {path} differs from the engine's edit")
    return problems


def branches(
    git_dir: Path, issues: dict[int, dict[str, Any]], main: str = "main"
) -> tuple[list[str], int]:
    """Every `authorbot/issue-<n>` branch in `git_dir` is one commit on a commit of
    `main`, its files parse, and its diff against that base is exactly what the engine
    writes for issue n (as the issue reads now) on that base.

    Returns:
        The violations, and how many branch heads were checked.
    """
    problems: list[str] = []
    refs = branch_refs(git_dir)
    for ref, head in sorted(refs.items()):
        number = int(ref.rsplit("-", 1)[1])
        problems += engine_check(git_dir, ref, head, issues.get(number), main)
    return problems, len(refs)


def print_table(figures: dict[str, Any], command: str) -> None:
    """Print the figures as a two-column markdown table."""
    print(f"`{command}`\n")
    print("| figure | value |\n| --- | --- |")
    for key, value in figures.items():
        if key == "violations":
            continue
        if isinstance(value, float):
            value = f"{value:.2f}"
        elif isinstance(value, tuple):
            value = " / ".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in value)
        print(f"| {key} | {value} |")
    print(f"| violations | {len(figures['violations'])} |")
    for problem in figures["violations"][:50]:
        print(f"- {problem}")
