"""The runner's decisions: done, retried with backoff (or Retry-After), or failed."""

from __future__ import annotations

import pytest

from bot.github.errors import PermanentError, TransientError
from bot.worker.inbox import Inbox, open_inbox
from bot.worker.router import Router
from bot.worker.runner import Runner, backoff_delay


def test_backoff_prefers_retry_after_and_is_capped():
    assert backoff_delay(1, 7.0, base=5, cap=900) == 7.0
    assert backoff_delay(3, 5000.0, base=5, cap=900) == 900
    assert 16 <= backoff_delay(3, None, base=5, cap=900) <= 24
    assert backoff_delay(30, None, base=5, cap=900) <= 900 * 1.2


@pytest.fixture
def inbox(inbox_location):
    box = open_inbox(inbox_location)
    yield box
    box.close()


def make_runner(inbox: Inbox, outcome, max_attempts: int = 3) -> tuple[Runner, list]:
    router = Router()
    calls: list = []

    @router.register("issues", "opened")
    def handler(ctx, payload):
        calls.append((ctx, payload))
        if outcome is not None:
            raise outcome

    runner = Runner(
        inbox,
        router,
        lambda job: f"ctx-{job.id}",
        lease_seconds=30,
        max_attempts=max_attempts,
        backoff_base=0.0,
    )
    return runner, calls


def test_success_marks_the_delivery_done(inbox):
    runner, calls = make_runner(inbox, None)
    inbox.put("a", "issues", {"x": 1}, action="opened")
    assert runner.run_once() is True
    assert calls == [("ctx-a", {"x": 1})]
    assert inbox.get("a")["state"] == "done"
    assert runner.run_once() is False


def test_a_transient_error_is_retried_after_retry_after(inbox):
    runner, _ = make_runner(inbox, TransientError("502", retry_after=60))
    inbox.put("a", "issues", {}, action="opened")
    runner.run_once()
    row = inbox.get("a")
    assert row["state"] == "queued" and row["last_error"] == "502"
    assert row["not_before"] - row["received_at"] >= 59
    assert runner.run_once() is False  # not before a minute


def test_transient_errors_give_up_after_max_attempts(inbox):
    runner, calls = make_runner(inbox, TransientError("timeout"), max_attempts=3)
    inbox.put("a", "issues", {}, action="opened")
    while runner.run_once():
        pass
    assert len(calls) == 3
    assert inbox.get("a")["state"] == "failed"


@pytest.mark.parametrize("error", [PermanentError("422", 422), KeyError("bug")])
def test_permanent_errors_and_bugs_fail_at_once(inbox, error):
    runner, calls = make_runner(inbox, error)
    inbox.put("a", "issues", {}, action="opened")
    runner.run_once()
    assert len(calls) == 1
    assert inbox.get("a")["state"] == "failed"


def test_events_without_handlers_are_done(inbox):
    runner, calls = make_runner(inbox, None)
    inbox.put("a", "issues", {}, action="deleted")
    runner.run_once()
    assert calls == [] and inbox.get("a")["state"] == "done"


def test_a_job_that_lost_its_lease_stops_before_its_next_write(inbox_location):
    """The worker stalls past its lease; another worker claims the delivery. The
    heartbeat finds the lease gone, the job's next write is refused, and the delivery
    is left to its new owner (not completed, not failed, not retried by the first)."""
    import threading

    from bot.worker.inbox import LeaseLost
    from bot.worker.runner import current_lease

    now = [1000.0]
    box = open_inbox(inbox_location, clock=lambda: now[0])
    box.put("a", "issues", {}, action="opened", repository="o/r", issue=1)
    router = Router()
    stolen = threading.Event()
    wrote: list[str] = []

    @router.register("issues", "opened")
    def handler(ctx, payload):
        now[0] += 10  # the worker stalled: its 0.3 s lease ran out long ago
        assert box.claim("other-worker", 60).id == "a"
        stolen.set()
        guard = current_lease()
        assert guard is not None and guard.lost.wait(5)  # the heartbeat noticed
        try:
            guard.check()  # what every GitHub write and push does first
            wrote.append("a write")
        except LeaseLost:
            raise

    runner = Runner(box, router, lambda job: None, lease_seconds=0.3, backoff_base=0.0)
    assert runner.run_once() is True
    assert stolen.is_set() and wrote == []
    row = box.get("a")
    assert (row["state"], row["lease_owner"], row["last_error"]) == ("queued", "other-worker", None)
    box.close()


def test_idle_work_goes_in_slices_between_deliveries(inbox):
    """With nothing ready the runner gives `on_idle` a slice at a time and asks the
    inbox again after each; once it says it is done, the runner sleeps; a failing
    one is dropped and the deliveries are still worked."""
    import threading

    runner, calls = make_runner(inbox, None)
    stop = threading.Event()
    slices: list[float] = []

    def on_idle(seconds: float) -> bool:
        slices.append(seconds)
        if len(slices) == 3:
            inbox.put("mid", "issues", {"n": 1}, action="opened")  # arrives mid-work
        if len(slices) == 6:
            stop.set()
        return len(slices) < 5

    runner.run_forever(stop, idle_poll=0.01, on_idle=on_idle)
    assert calls == [("ctx-mid", {"n": 1})]
    assert inbox.get("mid")["state"] == "done"
    assert len(slices) == 6 and all(0 < s <= 0.1 for s in slices)

    stop.clear()
    failing: list[float] = []

    def broken(seconds: float) -> bool:
        failing.append(seconds)
        raise RuntimeError("idle work broke")

    timer = threading.Timer(0.3, stop.set)
    timer.start()
    inbox.put("after", "issues", {"n": 2}, action="opened")
    runner.run_forever(stop, idle_poll=0.01, on_idle=broken)
    timer.join()
    assert len(failing) == 1  # dropped after failing once
    assert inbox.get("after")["state"] == "done"
