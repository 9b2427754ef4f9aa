"""A short run of benchmarks/fault_bench.py: ~20 jobs while the server and the worker are
SIGKILLed 5 times and the GitHub stand-in fails a share of the bot's requests, with
the data changed under the bot between status and approval. Every job finishes
exactly once, nothing is duplicated, the inbox passes `PRAGMA integrity_check` after
every kill, and every bot branch ever seen is exactly the engine's edit on its base.
Per-issue mode runs on the people.yaml sample, batch mode on the people.json one."""

from __future__ import annotations

from benchmarks.fault_bench import run_faults


def test_kills_and_faults_leave_every_job_done_once(tmp_path):
    figures = run_faults(tmp_path, jobs=20, kills=5, seed=3, fault_rate=0.04, drain_timeout=120)
    assert figures["violations"] == []
    assert figures["exactly-once violations"] == 0
    assert sum(figures["kills (server / worker / both)"]) == 5
    ok, run = figures["integrity checks ok / run"]
    assert ok == run == 5
    assert figures["duplicate status comments"] == figures["duplicate PRs"] == 0
    opened, expected = figures["pull requests open / expected"]
    assert opened == expected


def test_kills_and_faults_in_batch_mode_leave_one_consistent_batch(tmp_path):
    figures = run_faults(
        tmp_path,
        jobs=20,
        kills=5,
        seed=3,
        fault_rate=0.04,
        drain_timeout=180,
        batch=True,
        era="json",
    )
    assert figures["data"] == "the sample, json era"
    assert figures["violations"] == []
    assert figures["exactly-once violations"] == 0
    assert figures["duplicate status comments"] == figures["duplicate PRs"] == 0
    opened, expected = figures["pull requests open / expected"]
    assert opened == expected
    in_batch, expected_commits = figures["commits in the batch / expected"]
    assert in_batch == expected_commits


def test_four_workers_on_postgres_through_kills_of_workers_and_database(tmp_path, needs_postgres):
    """The same on a PostgreSQL inbox shared by 4 worker processes with clones of their
    own; the kills take in the database connections (terminated, or a backend SIGKILLed)."""
    figures = run_faults(
        tmp_path,
        jobs=24,
        kills=8,
        seed=5,
        fault_rate=0.04,
        drain_timeout=180,
        inbox="postgresql",
        workers=4,
    )
    assert figures["violations"] == []
    assert figures["exactly-once violations"] == 0
    killed = sum(figures["kills (server / worker / both)"]) + sum(
        figures["kills of the database (connections terminated / a backend SIGKILLed)"]
    )
    assert killed == 8
    ok, run = figures["integrity checks ok / run"]
    assert ok == run == 8
    assert figures["duplicate status comments"] == figures["duplicate PRs"] == 0
    opened, expected = figures["pull requests open / expected"]
    assert opened == expected
    per_worker = figures["jobs finished per worker process"]
    assert len(per_worker) == 4 and sum(1 for n in per_worker.values() if n) >= 2
