"""A worker process killed in the middle of a job: the job is worked again after a
restart, and finishes once (one pull request, one status comment, one answer)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bot.standins.harness import wait_until
from tests.e2e.conftest import MAINTAINER, open_verify_issue, status_comments

PULLS = r"/repos/acl-org/acl-anthology/pulls"


def test_worker_killed_mid_job_finishes_once_after_restart(make_deployment, tmp_path):
    dep = make_deployment(worker=False, lease_seconds=1.0)
    log = open(tmp_path / "worker.log", "w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "bot.service", "worker"],
        env={**os.environ, **dep.env()},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        number = open_verify_issue(dep)
        dep.wait_idle(timeout=60)
        assert len(status_comments(dep, number)) == 1
        # The pull request creation hangs, and the worker dies while it waits.
        dep.github.inject("POST", PULLS, status=502, delay=8)
        approve = dep.github.comment(number, MAINTAINER, "@authorbot approve")
        wait_until(
            lambda: any(m == "POST" and p == PULLS for m, p, _ in dep.github.seen),
            timeout=60,
            what="the worker to try to open the pull request",
        )
        worker.kill()
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
        log.close()

    [delivery] = [
        d
        for d in dep.github.sent
        if d.event == "issue_comment" and json.loads(d.body)["sender"]["login"] == MAINTAINER
    ]
    row = dep.bot.inbox.get(delivery.id)
    assert row["state"] == "queued" and row["attempts"] == 1
    assert row["lease_owner"] is not None  # it was in progress when the process died
    assert dep.github.pulls() == []

    dep.start_worker()  # the restart: a new worker over the same inbox, clone and state
    dep.wait_idle(timeout=60)

    row = dep.bot.inbox.get(delivery.id)
    assert row["state"] == "done" and row["attempts"] == 2
    assert len(dep.github.pulls()) == 1
    assert len(status_comments(dep, number)) == 1
    assert dep.github.reactions_on(approve["id"]) == ["+1"]
    assert dep.github.count_requests("POST", PULLS) == 1  # the dead worker's POST never answered
