"""Helpers for the batch tests: verification requests for distinct pages of the sample
data, a deployment configured to batch them, and what the engine alone makes of a
sequence of requests (the judge of a batch branch). `source` is the sample of one era
(`bot.demo.SAMPLE_ERAS`); the default is the people.yaml sample the stand-in's data
repository holds by default."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.anthology.index import DataIndex
from bot.anthology.orcid import checksum_char
from bot.engine.api import apply_plan, plan_issue
from bot.engine.parse import OUR_FORM_PATH, render_issue_form_body
from bot.standins.datarepo import SAMPLE_DATA
from bot.standins.issues import VERIFY_LABELS, verify_body
from bot.standins.orcid import FakeRecord
from bot.worker.state import read_state
from tests.e2e.conftest import MAINTAINER, status_comments

REPO = "acl-org/acl-anthology"
PULLS = rf"/repos/{REPO}/pulls"
DAY1 = datetime(2026, 2, 1, 15, 30, tzinfo=UTC)
BATCH_CONFIG = ".github/authorbot.yml"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = DAY1) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def orcid_for(i: int) -> str:
    """A well-formed ORCID iD (right checksum), different for each `i`."""
    first15 = f"0000-0002-{7000 + i // 1000:04d}-{i % 1000:03d}"
    return first15 + checksum_char(first15.replace("-", ""))


@lru_cache(maxsize=2)
def _sample_index(source: Path = SAMPLE_DATA) -> DataIndex:
    return DataIndex.load(source)


def verification(page: str, i: int, source: Path = SAMPLE_DATA) -> dict[str, Any]:
    """The Anthology form's verification request for `page` (title, body, labels, the
    ORCID iD and the name the ORCID record shows)."""
    index = _sample_index(source)
    name = index.page_occurrences(page)[0].name
    return {
        "title": f"Author Page: {page}",
        "body": verify_body(orcid=orcid_for(i), degree="Saarland University", page=page),
        "labels": VERIFY_LABELS,
        "orcid": orcid_for(i),
        "record": FakeRecord(name.first or "", name.last),
    }


@lru_cache(maxsize=2)
def independent_pages(count: int = 12, source: Path = SAMPLE_DATA) -> tuple[str, ...]:
    """Unverified pages of the sample data whose verification is ready and touches no
    other chosen page (so each is its own commit, with no interplay)."""
    index = _sample_index(source)
    chosen: list[str] = []
    seen_people: set[str] = set()
    pages = sorted({index.resolve(o) for o in index.occurrences()})
    for page in pages:
        if not page.endswith("/unverified") or len(chosen) == count:
            continue
        req = verification(page, len(chosen), source)
        plan = plan_issue(index, {"number": 1, **_issue_fields(req)}).to_json()
        target = (plan.get("target") or {}).get("id")
        if plan["status"] != "ready" or not target or target in seen_people:
            continue
        if not re.fullmatch(r"[a-z]+-[a-z]+/unverified", page):  # plain names only
            continue
        seen_people.add(target)
        chosen.append(page)
    return tuple(chosen)


def _issue_fields(req: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": req["title"],
        "body": req["body"],
        "labels": [{"name": n} for n in req["labels"]],
    }


def split_request(page: str, papers: list[str], target: str, orcid: str = "") -> dict[str, Any]:
    """Our form's request to move `papers` from `page` to `target` (`new` or an ID)."""
    body = render_issue_form_body(
        OUR_FORM_PATH,
        {
            "author-page": f"https://aclanthology.org/people/{page}/",
            "papers": "\n".join(papers),
            "target": target,
            "orcid": orcid,
            "institution": "MIT" if orcid else "",
            "name": "",
            "notes": "",
            "confirm": True,
        },
    )
    return {
        "title": f"Fix paper assignments: {page}",
        "body": body,
        "labels": ["authorbot", "fix-paper-assignments"],
    }


def file_issue(dep: Any, req: dict[str, Any], user: str = "author-ana") -> int:
    """File a request in the stand-in; returns its number."""
    return dep.github.open_issue(user, req["title"], req["body"], req["labels"])["number"]


def approve(dep: Any, number: int, who: str = MAINTAINER) -> dict[str, Any]:
    """A maintainer approves an issue with the command; returns the comment."""
    return dep.github.comment(number, who, "@authorbot approve")


def open_batches(dep: Any) -> list[dict[str, Any]]:
    """The open batch pull requests (there must be at most one)."""
    return [
        p
        for p in dep.github.pulls()
        if p["state"] == "open" and p["head"]["ref"].startswith("authorbot/batch-")
    ]


def closes_lines(body: str) -> list[int]:
    """The `closes #N` lines of a pull request body, in order."""
    return [int(n) for n in re.findall(r"^closes #(\d+)$", body, re.MULTILINE)]


def commit_issues(dep: Any, number: int) -> list[int]:
    """The issue each commit of a pull request closes, in commit order."""
    out = []
    for commit in dep.github.pull_commits(number):
        m = re.search(r"\(closes #(\d+)\)", commit["commit"]["message"].splitlines()[0])
        out.append(int(m.group(1)) if m else -1)
    return out


def issue_state(dep: Any, number: int):
    """The bot's state of an issue, from its status comment."""
    [status] = status_comments(dep, number)
    return read_state(status["body"])


def batch_record(body: str) -> list[int]:
    """The members listed in a batch pull request's hidden record."""
    m = re.search(r"<!-- authorbot:batch (\{.*?\}) -->", body)
    return list(json.loads(m.group(1))["members"]) if m else []


def engine_sequence(
    tmp: Path, issues: list[dict[str, Any]], source: Path = SAMPLE_DATA
) -> dict[str, str]:
    """What the engine alone writes for these issues applied one after the other on a
    fresh copy of the sample data: path -> text of every file changed."""
    root = tmp / f"engine-{len(list(tmp.glob('engine-*')))}"
    shutil.copytree(source / "data", root / "data")
    index = DataIndex.load(root)
    changed: set[str] = set()
    for issue in issues:
        plan = plan_issue(index, issue)
        assert plan.status == "ready", (issue["number"], plan.to_json()["problems"])
        changed.update(apply_plan(index, plan))
    return {path: (root / path).read_text("utf-8") for path in sorted(changed)}


def git(bare: Path, *args: str) -> str:
    """Run git on the bare data repository."""
    return subprocess.run(
        ["git", "--git-dir", str(bare), *args], check=True, capture_output=True, text=True
    ).stdout


def branch_matches_engine(dep: Any, branch: str, expected: dict[str, str]) -> None:
    """Assert the branch changes exactly the engine's files, with the engine's text."""
    changed = git(dep.bare, "diff", "--name-only", "main", branch).split()
    assert sorted(changed) == sorted(expected)
    for path, text in expected.items():
        assert git(dep.bare, "show", f"{branch}:{path}") == text, path


def failed_deliveries(dep: Any) -> int:
    """How many deliveries the worker gave up on (a crash of a job)."""
    return dep.bot.inbox.counts().get("failed", 0)


def push_engine_change(bare: Path, tmp: Path, issue: dict[str, Any]) -> str:
    """Someone makes an issue's change by hand on main (with the engine) and pushes it;
    returns the new head."""
    from bot.standins.datarepo import git as git_in

    work = tmp / f"by-hand-{issue['number']}"
    git_in(tmp, "clone", "--quiet", "--branch", "main", str(bare), str(work))
    index = DataIndex.load(work)
    apply_plan(index, plan_issue(index, issue))
    git_in(work, "commit", "--quiet", "-am", f"By hand: #{issue['number']}")
    git_in(work, "push", "--quiet", "origin", "main")
    head = git_in(work, "rev-parse", "HEAD")
    shutil.rmtree(work)
    return head
