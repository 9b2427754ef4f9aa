"""The inbox, on each backend (a real SQLite file, a real PostgreSQL server; a fake
clock): dedupe, leases, per-issue order, retries."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.worker.inbox import Inbox, LeaseLost, NewDelivery, SqliteInbox, open_inbox


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def inbox(inbox_location, clock):
    box = open_inbox(inbox_location, clock=clock)
    yield box
    box.close()


def put(inbox: Inbox, clock: Clock, delivery: str, issue: int | None = 1) -> bool:
    clock.now += 0.001
    return inbox.put(
        delivery, "issues", {"n": delivery}, action="opened", repository="o/r", issue=issue
    )


def test_a_delivery_is_stored_once_and_survives_a_reopen(inbox_location, inbox, clock):
    assert put(inbox, clock, "a") is True
    assert put(inbox, clock, "a") is False
    inbox.close()
    again = open_inbox(inbox_location, clock=clock)
    assert again.counts() == {"queued": 1}
    job = again.claim("w", 10)
    assert (job.id, job.payload, job.attempts) == ("a", {"n": "a"}, 1)


def test_a_lease_hides_the_job_until_it_runs_out(inbox, clock):
    put(inbox, clock, "a")
    job = inbox.claim("w1", 10)
    assert inbox.claim("w2", 10) is None
    clock.now += 11  # the worker died: its lease runs out
    again = inbox.claim("w2", 10)
    assert (again.id, again.attempts, again.lease_owner) == ("a", 2, "w2")
    with pytest.raises(LeaseLost):
        inbox.renew(job, 10)
    inbox.complete(job)  # the dead worker's late completion does not count
    assert inbox.get("a")["state"] == "queued"
    inbox.complete(again)
    assert inbox.get("a")["state"] == "done"


def test_renewing_keeps_the_lease(inbox, clock):
    put(inbox, clock, "a")
    job = inbox.claim("w1", 10)
    clock.now += 8
    inbox.renew(job, 10)
    clock.now += 8
    assert inbox.claim("w2", 10) is None


def test_one_issue_at_a_time_in_arrival_order(inbox, clock):
    put(inbox, clock, "first", issue=1)
    put(inbox, clock, "second", issue=1)
    put(inbox, clock, "other", issue=2)
    first = inbox.claim("w1", 10)
    other = inbox.claim("w2", 10)
    assert (first.id, other.id) == ("first", "other")
    assert inbox.claim("w3", 10) is None  # "second" waits for "first"
    inbox.complete(first)
    assert inbox.claim("w3", 10).id == "second"


def test_retry_later_waits_and_fail_keeps_the_error(inbox, clock):
    put(inbox, clock, "a")
    job = inbox.claim("w", 10)
    inbox.retry_later(job, 30, "GitHub answered 502")
    assert inbox.claim("w", 10) is None
    clock.now += 31
    job = inbox.claim("w", 10)
    assert job.attempts == 2
    inbox.fail(job, "boom")
    row = inbox.get("a")
    assert (row["state"], row["last_error"]) == ("failed", "boom")
    assert inbox.claim("w", 10) is None


def test_prune_removes_old_done_deliveries_only(inbox, clock):
    put(inbox, clock, "done-long-ago")
    put(inbox, clock, "failed", issue=2)
    inbox.complete(inbox.claim("w", 10))
    inbox.fail(inbox.claim("w", 10), "bug")
    clock.now += 100
    put(inbox, clock, "recent", issue=3)
    assert inbox.prune(50) == 1
    assert inbox.get("done-long-ago") is None
    assert inbox.get("failed")["state"] == "failed" and inbox.get("recent") is not None


def row(delivery: str, issue: int | None = 1) -> NewDelivery:
    return NewDelivery(delivery, "issues", f'{{"n": "{delivery}"}}', "opened", "o/r", issue)


def test_put_many_stores_a_batch_in_one_go_and_says_which_were_new(inbox_location, inbox, clock):
    assert put(inbox, clock, "old") is True
    news = inbox.put_many([row("a"), row("old"), row("b", issue=2), row("a")])
    assert news == [True, False, True, False]  # stored before, or earlier in the batch
    assert inbox.put_many([]) == []
    inbox.close()
    again = open_inbox(inbox_location, clock=clock)
    assert again.counts() == {"queued": 3}
    assert again.get("a")["payload"] == '{"n": "a"}'
    assert (again.get("b")["issue"], again.get("b")["action"]) == (2, "opened")
    again.close()


def test_put_many_keeps_the_arrival_time_it_is_given(inbox, clock):
    # The ASGI committer stamps rows when they arrive: "late" arrived first, so its
    # issue's claims start with it although it was stored second.
    inbox.put_many([replace(row("late"), received_at=clock.now - 5)])
    inbox.put_many([row("early")])
    assert inbox.claim("w", 10).id == "late"


def test_put_many_stores_nothing_of_a_batch_that_fails(inbox_location, inbox, clock):
    bad = replace(row("bad"), payload_json=object())  # type: ignore[arg-type]  # cannot be bound
    with pytest.raises(Exception):  # noqa: B017 - each backend raises its own error
        inbox.put_many([row("a"), bad, row("b")])
    assert inbox.get("a") is None and inbox.get("b") is None
    assert inbox.put_many([row("a")]) == [True]  # the inbox still works


def test_put_many_takes_large_batches(inbox, clock):
    assert inbox.put_many([row(f"x-{i}") for i in range(1, 300, 2)]) == [True] * 150
    news = inbox.put_many([row(f"x-{i}", issue=i) for i in range(300)] + [row("x-298")])
    assert news == [i % 2 == 0 for i in range(300)] + [False]
    assert inbox.counts() == {"queued": 300}
    assert inbox.get("x-8")["issue"] == 8 and inbox.get("x-7")["issue"] == 1


def test_a_background_checkpoint_copies_the_log_into_the_database_file(tmp_path):
    """With `background_checkpoint` the commits do not copy the write-ahead log into the
    database file (SQLite's auto-checkpoint is off); a thread does, soon after."""
    import shutil
    import sqlite3
    import time

    box = SqliteInbox(tmp_path / "inbox.sqlite3", background_checkpoint=True)
    try:
        assert box.put_many([row(f"r-{i}") for i in range(50)]) == [True] * 50
        deadline = time.monotonic() + 10
        while True:
            # The database file alone, without its log: what the checkpoints copied.
            shutil.copy(tmp_path / "inbox.sqlite3", tmp_path / "copy.sqlite3")
            copy = sqlite3.connect(tmp_path / "copy.sqlite3")
            try:
                count = copy.execute("SELECT COUNT(*) FROM deliveries").fetchone()[0]
            except sqlite3.OperationalError:  # not even the table is copied yet
                count = 0
            finally:
                copy.close()
            if count == 50 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert count == 50
        assert box.put_many([row("r-0"), row("r-50")]) == [False, True]
    finally:
        box.close()
    assert open_inbox(tmp_path / "inbox.sqlite3").counts() == {"queued": 51}
