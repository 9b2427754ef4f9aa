"""A worker process killed with SIGKILL in the middle of a batch rebuild: after a
restart there is one batch pull request, and it is consistent (its commits, its
`closes` lines, its record and the members' states agree, and the branch is what the
engine makes of the members in approval order)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.standins.harness import wait_until
from tests.e2e.batching import (
    BATCH_CONFIG,
    PULLS,
    approve,
    batch_record,
    branch_matches_engine,
    closes_lines,
    commit_issues,
    engine_sequence,
    failed_deliveries,
    file_issue,
    git,
    independent_pages,
    issue_state,
    open_batches,
    verification,
)
from tests.e2e.conftest import status_comments


@pytest.mark.parametrize(
    ("method", "path", "moment", "pushed"),
    [
        ("GET", PULLS, "before the rebuild pushed anything", 3),
        ("PATCH", PULLS + r"/\d+", "after the push, before the pull request says so", 4),
    ],
)
def test_kill_during_a_rebuild_leaves_one_consistent_batch(
    make_deployment, tmp_path, method, path, moment, pushed
):
    reqs = [verification(page, i) for i, page in enumerate(independent_pages()[:4])]
    dep = make_deployment(
        worker=False,
        lease_seconds=1.0,
        extra_files={BATCH_CONFIG: "pull_requests: {verify: batch}\n"},
        orcid_records={r["orcid"]: r["record"] for r in reqs},
    )
    log = open(tmp_path / "worker.log", "w")

    def spawn() -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "bot.service", "worker"],
            env={**os.environ, **dep.env()},
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    worker = spawn()
    try:
        numbers = [file_issue(dep, r) for r in reqs]
        dep.wait_idle(timeout=60)
        for number in numbers[:3]:
            approve(dep, number)
        dep.wait_idle(timeout=90)
        [before] = open_batches(dep)
        assert commit_issues(dep, before["number"]) == numbers[:3]

        # The fourth approval's rebuild hangs on GitHub, and the worker dies there.
        seen = len(dep.github.seen)
        dep.github.inject(method, path, status=502, delay=8)
        approve(dep, numbers[3])
        wait_until(
            lambda: any(
                m == method and p.startswith("/repos/") and p.count("/pulls") == 1
                for m, p, _ in dep.github.seen[seen:]
            ),
            timeout=60,
            what=f"the rebuild to reach {method} {path} ({moment})",
        )
        worker.kill()
        worker.wait(timeout=10)
        # Killed half-way: the branch and the pull request may disagree now.
        branch = before["head"]["ref"]
        on_branch = git(dep.bare, "rev-list", "--count", f"main..{branch}").strip()
        assert int(on_branch) == pushed
        assert batch_record(dep.github.state.pulls[before["number"]]["body"]) == numbers[:3]
        worker = spawn()  # the restart: same inbox, clone and state folder
        dep.wait_idle(timeout=120)
    finally:
        worker.kill()
        worker.wait(timeout=10)
        log.close()

    [pull] = open_batches(dep)
    assert pull["number"] == before["number"]
    assert len([p for p in dep.github.pulls() if p["head"]["ref"].startswith("authorbot/")]) == 1
    assert commit_issues(dep, pull["number"]) == numbers
    assert closes_lines(pull["body"]) == numbers
    assert batch_record(pull["body"]) == numbers
    for number in numbers:
        state = issue_state(dep, number)
        assert state.approved and state.pr == pull["number"]
        assert state.batch == pull["head"]["ref"]
        assert len(status_comments(dep, number)) == 1
    issues = [dep.github.state.issues[n] for n in numbers]
    branch_matches_engine(dep, pull["head"]["ref"], engine_sequence(tmp_path, issues))
    assert failed_deliveries(dep) == 0
