"""The inbox with a backlog: claiming the next delivery must not cost the square of the
queue's length (found by benchmarks/load_bench.py: with 1,200 deliveries queued a claim
took 390 ms, and the worker spent most of its time choosing what to do next)."""

from __future__ import annotations

import sqlite3

from bot.worker.inbox import SqliteInbox


def _steps(conn: sqlite3.Connection, action) -> int:
    """How many SQLite virtual-machine steps (in thousands) `action` takes: a count
    that does not depend on the machine's speed or load."""
    count = 0

    def tick() -> int:
        nonlocal count
        count += 1
        return 0

    conn.set_progress_handler(tick, 1000)
    try:
        action()
    finally:
        conn.set_progress_handler(None, 0)
    return count


def test_a_claim_with_a_long_queue_is_cheap(tmp_path):
    now = [1000.0]
    inbox = SqliteInbox(tmp_path / "inbox.sqlite3", clock=lambda: now[0])
    for i in range(1500):
        now[0] += 0.001
        inbox.put(f"d-{i}", "issues", {}, action="opened", repository="o/r", issue=i % 150)
    job = None

    def claim() -> None:
        nonlocal job
        job = inbox.claim("w", 60)

    thousands = _steps(inbox._conn, claim)
    assert job is not None and job.id == "d-0"
    # About 70 thousand steps with the index; about 4 million (the queue squared) without.
    assert thousands < 200, f"{thousands}k steps for one claim"
