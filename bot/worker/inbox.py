"""The durable inbox: webhook deliveries stored before the webhook is answered.

One row per `X-GitHub-Delivery` id, so a redelivered webhook is stored once and worked
once. A worker *claims* a row with a lease (a visibility timeout): while it works it
renews the lease; if its process dies the lease runs out and another claim (after a
restart, or by another worker) takes the row again. Work is therefore at least once,
and the handlers are idempotent. Two rows about the same issue are never leased at the
same time, so one issue's events are worked one after another, in arrival order.

Two backends behind one interface (`Inbox`), chosen by `open_inbox(location)`:

- SQLite (`SqliteInbox`, here; the default): one file on a local disk, shared by the
  web process and the worker processes of one machine. WAL mode lets the web process
  write while a worker reads; every write is one short transaction (`BEGIN IMMEDIATE`).
  Concurrent `put`s of one process are committed together (group commit: one fsync for
  all of them), and each returns only after its row is durable. `put_many` stores rows
  a caller has gathered itself (the ASGI webhook's committer) in one transaction.
- PostgreSQL (`PostgresInbox`, `bot/worker/inbox_pg.py`), for a `postgresql://` URL:
  many worker processes on many machines share one inbox.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from bot.worker.job import ROW_FIELDS, Clock, Job, LeaseLost, NewDelivery

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    id           TEXT PRIMARY KEY,
    event        TEXT NOT NULL,
    action       TEXT,
    repository   TEXT,
    issue        INTEGER,
    installation INTEGER,
    payload      TEXT NOT NULL,
    received_at  REAL NOT NULL,
    state        TEXT NOT NULL DEFAULT 'queued',  -- queued | done | failed
    attempts     INTEGER NOT NULL DEFAULT 0,
    not_before   REAL NOT NULL DEFAULT 0,
    lease_owner  TEXT,
    lease_until  REAL,
    last_error   TEXT,
    finished_at  REAL
);
CREATE INDEX IF NOT EXISTS deliveries_ready ON deliveries (state, not_before, received_at);
-- claim() asks, for every ready delivery, whether another of the same issue goes first:
-- without this index each question scans the queue (a claim cost the queue squared).
CREATE INDEX IF NOT EXISTS deliveries_issue ON deliveries (repository, issue, state);
"""


class Inbox(Protocol):
    """What the web app and the runner need of an inbox (both backends provide it).

    Guarantees: `put` returns only once the delivery is durable (committed), and stores
    a delivery id once; `claim` leases the oldest ready delivery, never one whose issue
    has another delivery leased or older and ready (one issue at a time, in arrival
    order); a lease that runs out makes the delivery claimable again; `complete`,
    `fail`, `retry_later` and `renew` count only from the lease's owner.
    """

    def put(
        self,
        delivery_id: str,
        event: str,
        payload: dict[str, Any],
        *,
        action: str | None = None,
        repository: str | None = None,
        issue: int | None = None,
        installation: int | None = None,
        payload_json: str | None = None,
    ) -> bool:
        """Store a delivery durably. Returns False when this id was stored before.

        `payload_json`: `payload` as JSON text when the caller already has it (the
        webhook's body, verified and parsed): stored as it is instead of being
        serialised again."""
        ...

    def put_many(self, rows: Sequence[NewDelivery]) -> list[bool]:
        """Store several deliveries in one transaction (one commit, one fsync).

        Returns, for each row in order, whether it was new (False: its id was stored
        before, or earlier in `rows`). All or nothing: when this raises, none of the
        rows is stored, and every caller that gave a row must hear of the error."""
        ...

    def claim(self, owner: str, lease_seconds: float) -> Job | None:
        """Lease the oldest ready delivery to `owner`, or None when nothing is ready."""
        ...

    def renew(self, job: Job, lease_seconds: float) -> None:
        """Extend a job's lease; raises LeaseLost when it is no longer this owner's."""
        ...

    def complete(self, job: Job) -> None:
        """Mark a job done."""
        ...

    def fail(self, job: Job, error: str) -> None:
        """Give up on a job for good; it stays for inspection."""
        ...

    def retry_later(self, job: Job, delay: float, error: str) -> None:
        """Give a job back, to be claimed again after `delay` seconds."""
        ...

    def prune(self, older_than: float) -> int:
        """Delete deliveries done more than `older_than` seconds ago; returns how many."""
        ...

    def get(self, delivery_id: str) -> dict[str, Any] | None:
        """One delivery's row as a dict."""
        ...

    def counts(self) -> dict[str, int]:
        """How many deliveries are in each state."""
        ...

    def rows(self) -> list[dict[str, Any]]:
        """Every delivery (without its payload), for operators and the benchmarks."""
        ...

    def check(self) -> str:
        """The store's own consistency check: `ok`, or what is wrong."""
        ...

    def close(self) -> None:
        """Release the connections."""
        ...


def open_inbox(
    location: str | Path,
    clock: Clock = time.time,
    *,
    role: str = "worker",
    background_checkpoint: bool = False,
) -> Inbox:
    """The inbox at `location`: a `postgresql://` (or `postgres://`) URL, or the path of
    a SQLite file.

    Parameters:
        location: where the inbox lives.
        clock: seconds since the epoch (tests pass their own).
        role: `web` or `worker`; names PostgreSQL connections (`authorbot-<role>`), so an
            operator sees who holds which.
        background_checkpoint: SQLite: checkpoint from a thread of its own (see
            `SqliteInbox`).
    """
    text = str(location)
    if text.startswith(("postgresql://", "postgres://")):
        from bot.worker.inbox_pg import PostgresInbox

        return PostgresInbox(text, clock, application_name=f"authorbot-{role}")
    return SqliteInbox(Path(text), clock, background_checkpoint=background_checkpoint)


T = TypeVar("T")

LOCK_WAIT_SECONDS = 30.0  # how long a write waits for another process's transaction
# Rows per INSERT of `put_many`: 8 parameters each, under SQLite's oldest limit (999).
_ROWS_PER_STATEMENT = 120


class SqliteInbox:
    """The SQLite inbox at `path` (created on first use).

    Parameters:
        path: the database file.
        clock: seconds since the epoch; tests pass their own.
        background_checkpoint: copy the write-ahead log into the database file from a
            thread of its own (`_Checkpointer`) instead of in the commit that fills it
            (SQLite's default): that commit, and every request waiting for it, would
            wait for the copy and its fsync (15 ms and more). For the ASGI webhook.
    """

    def __init__(
        self, path: Path | str, clock: Clock = time.time, *, background_checkpoint: bool = False
    ) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        # One connection shared by this process's threads, behind a lock: SQLite
        # serialises writers anyway, and a connection per request thread would leak.
        self._lock = threading.RLock()
        # Group commit of `put` (see there): the rows waiting for the next commit, and
        # whether some thread is committing now (the leader).
        self._queue_lock = threading.Lock()
        self._queue: list[_PendingPut] = []
        self._committing = False
        self._conn = sqlite3.connect(
            self.path, timeout=LOCK_WAIT_SECONDS, isolation_level=None, check_same_thread=False
        )
        self._conn.execute("PRAGMA journal_mode=WAL")
        # FULL: an acknowledged delivery survives a power cut, not only a crash.
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.row_factory = sqlite3.Row
        with self._lock:
            self._conn.executescript(_SCHEMA)
            # From here on, waits for another process's transaction are ours (_retry).
            self._conn.execute("PRAGMA busy_timeout = 0")
        self._checkpointer: _Checkpointer | None = None
        if background_checkpoint:
            self._conn.execute("PRAGMA wal_autocheckpoint = 0")
            self._checkpointer = _Checkpointer(self.path)

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            db = self._conn
            self._begin(db)
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    @staticmethod
    def _begin(db: sqlite3.Connection) -> None:
        _retry(lambda: db.execute("BEGIN IMMEDIATE"))

    def _read(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:
            return _retry(lambda: self._conn.execute(sql, params).fetchall())

    def close(self) -> None:
        """Close the connection (and the checkpointer's, after a last checkpoint)."""
        if self._checkpointer is not None:
            self._checkpointer.close()
        with self._lock:
            self._conn.close()

    def put(
        self,
        delivery_id: str,
        event: str,
        payload: dict[str, Any],
        *,
        action: str | None = None,
        repository: str | None = None,
        issue: int | None = None,
        installation: int | None = None,
        payload_json: str | None = None,
    ) -> bool:
        """Store a delivery durably. Returns False when this id was stored before.

        `payload_json`: `payload` as JSON text, stored as it is (see `Inbox.put`).
        Threads that call this at the same time share one transaction (one fsync): while
        one thread (the leader) commits, the rows of the others queue up; when it is done
        it hands the lead to the first of them, which commits every row queued by then.
        Each caller returns only after the commit that holds its row. (Before, every
        caller took the connection's lock in turn even to learn that its row was already
        committed, so the rows arriving meanwhile waited behind it: commits of one or
        two rows, a quarter of a millisecond of CPU each.)
        """
        item = _PendingPut(
            NewDelivery(
                delivery_id,
                event,
                json.dumps(payload) if payload_json is None else payload_json,
                action=action,
                repository=repository,
                issue=issue,
                installation=installation,
                received_at=self._clock(),  # arrival order, not the order of the commit
            )
        )
        with self._queue_lock:
            self._queue.append(item)
            lead = not self._committing
            self._committing = True
        if not lead:
            item.wake.wait()  # set once its row is committed, or when handed the lead
        if not item.done:
            with self._queue_lock:
                batch, self._queue = self._queue, []
            try:
                self._commit_puts(batch)
            finally:
                with self._queue_lock:
                    if self._queue:
                        self._queue[0].wake.set()  # the lead passes on, done still False
                    else:
                        self._committing = False
        if item.error is not None:
            raise item.error
        return item.new

    def _commit_puts(self, batch: list[_PendingPut]) -> None:
        try:
            news = self.put_many([pending.row for pending in batch])
        except BaseException as exc:  # nothing of the batch is stored: every caller hears so
            for pending in batch:
                pending.new = False
                pending.error = exc if isinstance(exc, Exception) else RuntimeError(repr(exc))
            raise
        else:
            for pending, new in zip(batch, news, strict=True):
                pending.new = new
        finally:
            for pending in batch:
                pending.done = True
                pending.wake.set()

    def put_many(self, rows: Sequence[NewDelivery]) -> list[bool]:
        """Store `rows` in one transaction (one fsync); for each, whether it was new (see
        `Inbox.put_many`). A row whose id is stored already, or comes earlier in `rows`,
        is left as it is. When this raises, nothing of `rows` is stored.

        A few statements for the whole batch, not one per row: each statement lets go of
        the GIL while SQLite works and must wait for it again, up to the interpreter's
        switch interval (5 ms) when another thread is busy (the ASGI server's event
        loop), so a statement per row made a commit of 30 rows wait 30 times.
        """
        if not rows:
            return []
        now = self._clock()
        news: list[bool] = []
        with self._tx() as db:
            for start in range(0, len(rows), _ROWS_PER_STATEMENT):
                chunk = rows[start : start + _ROWS_PER_STATEMENT]
                ids = [row.id for row in chunk]
                marks = ", ".join("?" * len(ids))
                # Under BEGIN IMMEDIATE nobody else writes: what is there now stays there.
                there = db.execute(f"SELECT id FROM deliveries WHERE id IN ({marks})", ids)
                seen = {r[0] for r in there}
                for delivery_id in ids:
                    news.append(delivery_id not in seen)
                    seen.add(delivery_id)  # a second row with the id in this batch: not new
                db.execute(
                    "INSERT OR IGNORE INTO deliveries (id, event, action, repository, issue,"
                    " installation, payload, received_at) VALUES "
                    + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?)"] * len(chunk)),
                    [value for row in chunk for value in row.params(now)],
                )
        if self._checkpointer is not None:
            self._checkpointer.nudge()
        return news

    def claim(self, owner: str, lease_seconds: float) -> Job | None:
        """Lease the oldest ready delivery to `owner`, or None when nothing is ready.

        Ready: queued, its `not_before` passed, not leased (or the lease ran out), and
        no other delivery about the same issue is leased right now.
        """
        now = self._clock()
        with self._tx() as db:
            row = db.execute(
                """
                SELECT * FROM deliveries AS d
                WHERE d.state = 'queued' AND d.not_before <= :now
                  AND (d.lease_until IS NULL OR d.lease_until < :now)
                  AND NOT EXISTS (
                    SELECT 1 FROM deliveries AS o
                    WHERE o.id != d.id AND o.state = 'queued'
                      AND o.repository IS d.repository AND o.issue = d.issue
                      AND (o.lease_until >= :now
                           OR (o.received_at < d.received_at AND o.not_before <= :now)))
                ORDER BY d.received_at, d.id
                LIMIT 1
                """,
                {"now": now},
            ).fetchone()
            if row is None:
                return None
            db.execute(
                "UPDATE deliveries SET lease_owner = ?, lease_until = ?, attempts = attempts + 1"
                " WHERE id = ?",
                (owner, now + lease_seconds, row["id"]),
            )
        return Job.claimed(row, owner)

    def renew(self, job: Job, lease_seconds: float) -> None:
        """Extend the lease of a job still being worked.

        Raises:
            LeaseLost: the lease is no longer this worker's.
        """
        with self._tx() as db:
            cur = db.execute(
                "UPDATE deliveries SET lease_until = ?"
                " WHERE id = ? AND lease_owner = ? AND state = 'queued'",
                (self._clock() + lease_seconds, job.id, job.lease_owner),
            )
            if cur.rowcount != 1:
                raise LeaseLost(job.id)

    def complete(self, job: Job) -> None:
        """Mark a job done."""
        self._finish(job, "done", None)

    def fail(self, job: Job, error: str) -> None:
        """Give up on a job for good (a bug or a permanent error); it stays for inspection."""
        self._finish(job, "failed", error)

    def _finish(self, job: Job, state: str, error: str | None) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE deliveries SET state = ?, last_error = ?, finished_at = ?,"
                " lease_owner = NULL, lease_until = NULL"
                " WHERE id = ? AND lease_owner = ?",
                (state, error, self._clock(), job.id, job.lease_owner),
            )

    def retry_later(self, job: Job, delay: float, error: str) -> None:
        """Give a job back to the queue, to be claimed again after `delay` seconds."""
        with self._tx() as db:
            db.execute(
                "UPDATE deliveries SET not_before = ?, last_error = ?,"
                " lease_owner = NULL, lease_until = NULL"
                " WHERE id = ? AND lease_owner = ?",
                (self._clock() + delay, error, job.id, job.lease_owner),
            )

    def prune(self, older_than: float) -> int:
        """Delete deliveries done more than `older_than` seconds ago (failed ones stay for a
        look); returns how many. A redelivery of a pruned id would be worked again, so
        keep them longer than anyone redelivers by hand (the worker keeps 30 days)."""
        with self._tx() as db:
            cur = db.execute(
                "DELETE FROM deliveries WHERE state = 'done' AND finished_at < ?",
                (self._clock() - older_than,),
            )
            return cur.rowcount

    def get(self, delivery_id: str) -> dict[str, Any] | None:
        """One delivery's row as a dict (for tests, `healthz` and operators)."""
        rows = self._read("SELECT * FROM deliveries WHERE id = ?", (delivery_id,))
        return dict(rows[0]) if rows else None

    def counts(self) -> dict[str, int]:
        """How many deliveries are in each state."""
        rows = self._read("SELECT state, COUNT(*) AS n FROM deliveries GROUP BY state")
        return {row["state"]: row["n"] for row in rows}

    def rows(self) -> list[dict[str, Any]]:
        """Every delivery (without its payload)."""
        return [dict(row) for row in self._read(f"SELECT {ROW_FIELDS} FROM deliveries")]

    def check(self) -> str:
        """`PRAGMA integrity_check`: `ok` when the file is sound."""
        return str(self._read("PRAGMA integrity_check")[0][0])


def _retry(statement: Callable[[], T]) -> T:
    """Run a statement, trying again while another process holds the database.

    SQLite's own busy handler sleeps 25 to 100 ms between tries once a wait is long;
    with two web processes and a worker each writing for a few milliseconds, that
    turned waits of milliseconds into answers of hundreds. This tries again after at
    most 2 ms, for up to `LOCK_WAIT_SECONDS`.
    """
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    pause = 0.0002
    while True:
        try:
            return statement()
        except sqlite3.OperationalError as exc:
            busy = "locked" in str(exc) or "busy" in str(exc)
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.002)


class _Checkpointer:
    """Copies the write-ahead log into the database file (a passive checkpoint) from a
    thread and a connection of its own, at most every `interval` seconds while commits
    come. A passive checkpoint waits for no writer, and no writer waits for it."""

    def __init__(self, path: Path, interval: float = 0.1) -> None:
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._interval = interval
        self._wake = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="inbox-checkpoint", daemon=True)
        self._thread.start()

    def nudge(self) -> None:
        """Say that a commit added to the log."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stopping:  # checked after clear(): a close meanwhile is not missed
            self._wake.wait()
            if not self._stopping:
                time.sleep(self._interval)  # one checkpoint for the commits of an interval
            self._wake.clear()
            self._checkpoint()
        self._conn.close()

    def _checkpoint(self) -> None:
        try:
            self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error as exc:  # the next one copies what this one could not
            log.warning("inbox checkpoint failed: %s", exc)

    def close(self) -> None:
        """A last checkpoint, then stop."""
        self._stopping = True
        self._wake.set()
        self._thread.join()


@dataclass
class _PendingPut:
    """One `put` waiting for the group commit."""

    row: NewDelivery
    new: bool = False
    done: bool = False
    error: Exception | None = None
    wake: threading.Event = field(default_factory=threading.Event)
