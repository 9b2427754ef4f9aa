"""The job runner: claims deliveries from the inbox, runs their handlers, and decides
what happens on failure.

- Transient failures (GitHub 5xx, timeouts, rate limits, git network errors) go back to
  the inbox with exponential backoff, or after the `Retry-After` the server asked for.
- Permanent failures and bugs mark the delivery failed (kept for inspection) after
  logging them; they are not retried blindly.
- While a job runs, a heartbeat renews its lease; if the process dies, the lease runs out
  and the job is claimed again after a restart.
- A job whose lease is lost (the heartbeat could not renew it in time: the inbox was
  unreachable, or the process stalled) may already be claimed by another worker. It
  stops before its next write: GitHub writes and pushes ask the job's `LeaseGuard`
  first. So two workers never write for the same issue at once.
"""

from __future__ import annotations

import contextvars
import logging
import os
import random
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from bot.github.errors import PermanentError, TransientError
from bot.worker.inbox import Inbox, Job, LeaseLost
from bot.worker.logs import event_name, job_context
from bot.worker.router import Router

log = logging.getLogger(__name__)

ContextFactory = Callable[[Job], Any]

KEEP_DONE_SECONDS = 30 * 86400  # the dedupe window: done deliveries are kept 30 days
# Idle work goes in slices this long (a collection's build may run over: up to 0.15 s),
# so a delivery that arrives meanwhile waits at most about that.
IDLE_SLICE = 0.05


class LeaseGuard:
    """Whether the running job still holds its lease (set by the runner's heartbeat)."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.lost = threading.Event()

    def check(self) -> None:
        """Raise LeaseLost when the lease is gone: call it before every write.

        Raises:
            LeaseLost: another worker may be working this delivery now.
        """
        if self.lost.is_set():
            raise LeaseLost(self.job.id)


_guard: contextvars.ContextVar[LeaseGuard | None] = contextvars.ContextVar(
    "lease_guard", default=None
)


def current_lease() -> LeaseGuard | None:
    """The lease guard of the job this thread is working (None outside a job)."""
    return _guard.get()


def backoff_delay(attempt: int, retry_after: float | None, base: float, cap: float) -> float:
    """Seconds to wait before attempt `attempt + 1`: the server's `Retry-After` when it
    gave one, else exponential (`base * 2**(attempt-1)`, at most `cap`) with jitter."""
    if retry_after is not None:
        return min(max(retry_after, 0.0), cap)
    delay = min(cap, base * 2 ** max(attempt - 1, 0))
    return delay * random.uniform(0.8, 1.2)


class Runner:
    """Works the inbox.

    Parameters:
        inbox: the durable inbox.
        router: routes `(event, action)` to handlers.
        make_context: builds the handlers' context for a job (GitHub client, clone...).
        lease_seconds: how long a claim lasts without a heartbeat.
        max_attempts: transient failures are retried until this many attempts.
        backoff_base, backoff_cap: the exponential backoff, in seconds.
    """

    def __init__(
        self,
        inbox: Inbox,
        router: Router,
        make_context: ContextFactory,
        *,
        lease_seconds: float = 120.0,
        max_attempts: int = 8,
        backoff_base: float = 5.0,
        backoff_cap: float = 900.0,
        worker_id: str | None = None,
    ) -> None:
        self.inbox = inbox
        self.router = router
        self.make_context = make_context
        self.lease_seconds = lease_seconds
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"

    def run_once(self) -> bool:
        """Work one ready delivery. Returns False when none was ready."""
        job = self.inbox.claim(self.worker_id, self.lease_seconds)
        if job is None:
            return False
        with job_context(job.id, job.issue, event_name(job.event, job.action)):
            self._work(job)
        return True

    def _work(self, job: Job) -> None:
        started = time.monotonic()
        stop = threading.Event()
        guard = LeaseGuard(job)
        beat = threading.Thread(target=self._heartbeat, args=(job, stop, guard), daemon=True)
        beat.start()
        token = _guard.set(guard)
        ctx: Any = None
        try:
            handlers = self.router.handlers(job.event, job.action)
            if handlers:
                ctx = self.make_context(job)
                for handler in handlers:
                    handler(ctx, job.payload)
        except TransientError as exc:
            stop.set()
            if job.attempts >= self.max_attempts:
                log.error(
                    "giving up after %d attempts: %s",
                    job.attempts,
                    exc,
                    extra={"attempt": job.attempts},
                )
                self.inbox.fail(job, f"transient, gave up: {exc}")
                return
            delay = backoff_delay(
                job.attempts, exc.retry_after, self.backoff_base, self.backoff_cap
            )
            log.warning("will retry in %.1f s: %s", delay, exc, extra={"attempt": job.attempts})
            self.inbox.retry_later(job, delay, str(exc))
            return
        except LeaseLost:
            stop.set()
            log.warning(
                "stopped: the lease ran out, another worker may have this delivery",
                extra={"attempt": job.attempts},
            )
            return
        except PermanentError as exc:
            stop.set()
            log.error("failed: %s", exc, extra={"attempt": job.attempts})
            self.inbox.fail(job, str(exc))
            return
        except Exception as exc:  # a bug: keep the worker alive, keep the job for a look
            stop.set()
            log.exception("bug while working the delivery", extra={"attempt": job.attempts})
            self.inbox.fail(job, f"{exc.__class__.__name__}: {exc}")
            return
        finally:
            stop.set()
            beat.join()
            _guard.reset(token)
        if guard.lost.is_set():  # finished without writing after the loss: still not ours
            log.warning("finished after the lease ran out; left to its new owner")
            return
        self.inbox.complete(job)
        duration = round((time.monotonic() - started) * 1000)
        extra: dict[str, Any] = {"attempt": job.attempts, "duration_ms": duration}
        usage = getattr(ctx, "usage", None)
        if callable(usage):
            # The job's own time is what is left when GitHub's answers are taken out.
            extra.update(usage())
            extra["own_ms"] = duration - extra.get("github_ms", 0)
        log.info("done", extra=extra)

    def _heartbeat(self, job: Job, stop: threading.Event, guard: LeaseGuard) -> None:
        """Renew the lease every third of its length; when it is lost, or when it could
        not be renewed before it ran out, tell the guard."""
        deadline = time.monotonic() + self.lease_seconds
        with job_context(job.id, job.issue, event_name(job.event, job.action)):
            while not stop.wait(self.lease_seconds / 3):
                asked = time.monotonic()
                try:
                    self.inbox.renew(job, self.lease_seconds)
                    deadline = asked + self.lease_seconds
                    continue
                except LeaseLost:
                    log.warning("lost the lease; another worker may work this delivery now")
                except Exception as exc:  # the inbox did not answer: try again, in time
                    if time.monotonic() < deadline:
                        log.warning("could not renew the lease (%s); trying again", exc)
                        continue
                    log.warning("the lease ran out before it could be renewed (%s)", exc)
                guard.lost.set()
                return

    def run_forever(
        self,
        stop: threading.Event,
        wake: threading.Event | None = None,
        idle_poll: float = 1.0,
        on_idle: Callable[[float], bool] | None = None,
    ) -> None:
        """Work deliveries until `stop` is set; sleep `idle_poll` (or until `wake` is set)
        when nothing is ready.

        `on_idle(seconds)` is work that can wait (building the index further): with
        nothing ready it is given a slice of `IDLE_SLICE` seconds, and the inbox is
        asked again after each slice; it returns False once it has nothing left.
        """
        log.info("worker %s started", self.worker_id)
        next_prune = 0.0
        while not stop.is_set():
            if time.monotonic() >= next_prune:
                pruned = self.inbox.prune(KEEP_DONE_SECONDS)
                if pruned:
                    log.info("pruned %d old deliveries", pruned)
                next_prune = time.monotonic() + 3600
            try:
                worked = self.run_once()
            except Exception:  # the inbox itself failed (disk full?): wait, try again
                log.exception("inbox error")
                worked = False
            if not worked and on_idle is not None:
                try:
                    worked = on_idle(IDLE_SLICE)
                except Exception:  # it can wait: the jobs cannot
                    log.exception("idle work failed")
                    on_idle = None
            if not worked:
                if wake is not None:
                    wake.wait(idle_poll)
                    wake.clear()
                else:
                    stop.wait(idle_poll)
        log.info("worker %s stopped", self.worker_id)
