"""The inbox on PostgreSQL: many worker processes, on many machines, share one inbox.

The same table and the same guarantees as the SQLite inbox (`bot/worker/inbox.py`):

- `put` is one autocommitted `INSERT ... ON CONFLICT (id) DO NOTHING`: the row is
  durable (PostgreSQL's `synchronous_commit`, on by default) before the webhook is
  answered, and a redelivered id is stored once. `put_many` sends the same statement
  for many rows in one transaction (one commit: one WAL flush) and one round trip.
- `claim` takes the oldest ready row with `FOR UPDATE SKIP LOCKED`, so workers claiming
  at the same moment take different rows instead of queueing behind each other.
- One issue at a time: a row is not ready while another row of its repository and
  issue is leased, or older and ready. Two workers could each judge that from a snapshot
  taken before the other's lease was committed; so a claim also takes a transaction
  advisory lock on the repository and issue (`pg_try_advisory_xact_lock`) and checks
  again after it has it. Claims of one issue are serialised; claims of different
  issues and repositories are not, and their jobs run in parallel.
- Leases, backoff, `complete`/`fail`/`renew` only from the lease's owner: the same
  statements as SQLite's.

Connections come from a small pool (one per thread that is using one right now). A
connection that breaks (the server restarted, a backend was terminated) is thrown away
and the statement is tried again on a new one; every statement here can be repeated
safely (a repeated `put` finds its row and says "stored before"; a claim committed
without its answer reaching us is a lease that runs out).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import psycopg
from psycopg.rows import dict_row

from bot.worker.job import ROW_FIELDS, Clock, Job, LeaseLost, NewDelivery

log = logging.getLogger(__name__)

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    id           TEXT PRIMARY KEY,
    event        TEXT NOT NULL,
    action       TEXT,
    repository   TEXT,
    issue        BIGINT,
    installation BIGINT,
    payload      TEXT NOT NULL,
    received_at  DOUBLE PRECISION NOT NULL,
    state        TEXT NOT NULL DEFAULT 'queued',
    attempts     INTEGER NOT NULL DEFAULT 0,
    not_before   DOUBLE PRECISION NOT NULL DEFAULT 0,
    lease_owner  TEXT,
    lease_until  DOUBLE PRECISION,
    last_error   TEXT,
    finished_at  DOUBLE PRECISION
);
CREATE INDEX IF NOT EXISTS deliveries_ready ON deliveries (received_at, id)
    WHERE state = 'queued';
CREATE INDEX IF NOT EXISTS deliveries_issue ON deliveries (repository, issue)
    WHERE state = 'queued';
CREATE INDEX IF NOT EXISTS deliveries_done ON deliveries (finished_at) WHERE state = 'done';
"""

# Ready rows, oldest first; `d` is the candidate. The same rule as SQLite's claim.
_READY = """
    d.state = 'queued' AND d.not_before <= %(now)s
    AND (d.lease_until IS NULL OR d.lease_until < %(now)s)
    AND NOT EXISTS (
        SELECT 1 FROM deliveries AS o
        WHERE o.id <> d.id AND o.state = 'queued'
          AND o.repository IS NOT DISTINCT FROM d.repository AND o.issue = d.issue
          AND (o.lease_until >= %(now)s
               OR (o.received_at < d.received_at AND o.not_before <= %(now)s)))
"""

# Serialising schema creation between processes that start together.
_SCHEMA_LOCK = 0x61757468  # "auth"

# How long a statement is tried again over broken connections: long enough for a
# restart or crash recovery of the server (seconds on a busy machine), shorter than
# GitHub's 10 s webhook timeout.
RETRY_SECONDS = 8.0


class InboxUnavailable(Exception):
    """The PostgreSQL server could not be reached (after retries)."""


class PostgresInbox:
    """The inbox in the PostgreSQL database at `url` (the table is created on first use).

    Parameters:
        url: `postgresql://user@host:port/database` (libpq's URL; a password may be in
            it or in `PGPASSWORD` / `~/.pgpass`).
        clock: seconds since the epoch (tests pass their own). The machines sharing an
            inbox compare leases by their clocks, so keep them synchronised (NTP);
            leases are minutes long, a second of skew does not matter.
        application_name: shown in `pg_stat_activity`.
        max_idle: connections kept open while unused.
        retry_seconds: how long a statement is tried again over broken connections.
    """

    def __init__(
        self,
        url: str,
        clock: Clock = time.time,
        *,
        application_name: str = "authorbot",
        max_idle: int = 8,
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        self.url = url
        self.retry_seconds = retry_seconds
        self._clock = clock
        self._application_name = application_name
        self._max_idle = max_idle
        self._idle: list[psycopg.Connection[Any]] = []
        self._pool_lock = threading.Lock()
        self._closed = False

        def create(conn: psycopg.Connection[Any]) -> None:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                conn.execute(_SCHEMA)

        self._with_connection(create)

    # ------------------------------------------------------------------ connections
    def _connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(
            self.url,
            autocommit=True,
            row_factory=dict_row,  # type: ignore[arg-type]
            application_name=self._application_name,
            connect_timeout=10,
        )

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        with self._pool_lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None or conn.closed:
            conn = self._connect()
        try:
            yield conn
        except BaseException:
            conn.close()  # its state is unknown (a transaction cut short): not reused
            raise
        with self._pool_lock:
            if len(self._idle) < self._max_idle and not self._closed:
                self._idle.append(conn)
                return
        conn.close()

    def _with_connection(self, work: Callable[[psycopg.Connection[Any]], T]) -> T:
        """Run `work` on a pooled connection; on a broken connection, again on a new one,
        for up to `retry_seconds`.

        Raises:
            InboxUnavailable: the server could not be reached in that time.
        """
        deadline = time.monotonic() + self.retry_seconds
        delay = 0.05
        while True:
            try:
                with self._connection() as conn:
                    return work(conn)
            except psycopg.OperationalError as exc:
                if time.monotonic() + delay > deadline:
                    raise InboxUnavailable(f"PostgreSQL inbox: {exc}") from exc
                log.warning("inbox connection failed (%s); trying again", str(exc).strip())
                time.sleep(delay)
                delay = min(delay * 2, 1.0)

    def close(self) -> None:
        """Close the pooled connections."""
        with self._pool_lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    # ------------------------------------------------------------------ the interface
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
        """Store a delivery durably (committed when this returns). Returns False when
        this id was stored before. `payload_json`: `payload` as JSON text, stored as it
        is (see `Inbox.put`)."""
        row = NewDelivery(
            delivery_id,
            event,
            json.dumps(payload) if payload_json is None else payload_json,
            action=action,
            repository=repository,
            issue=issue,
            installation=installation,
        )
        return self.put_many([row])[0]

    def put_many(self, rows: Sequence[NewDelivery]) -> list[bool]:
        """Store `rows` in one transaction; for each, whether it was new (see
        `Inbox.put_many`). When this raises, nothing of `rows` is stored.

        Tried again over a broken connection like every statement: a commit whose answer
        was lost finds its rows stored on the second try and calls them not new (as a
        redelivery would be), which is safe: they are stored once, and durable."""
        if not rows:
            return []
        now = self._clock()
        params = [row.params(now) for row in rows]

        def insert(conn: psycopg.Connection[Any]) -> list[bool]:
            with conn.transaction(), conn.cursor() as cur:
                # One pipeline: every INSERT goes out before the first answer comes back.
                cur.executemany(
                    "INSERT INTO deliveries (id, event, action, repository, issue,"
                    " installation, payload, received_at)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
                    " ON CONFLICT (id) DO NOTHING RETURNING id",
                    params,
                    returning=True,
                )
                news = []
                while True:
                    news.append(cur.fetchone() is not None)  # no row back: stored before
                    if not cur.nextset():
                        break
                return news

        return self._with_connection(insert)

    def claim(self, owner: str, lease_seconds: float) -> Job | None:
        """Lease the oldest ready delivery to `owner`, or None when nothing is ready."""
        return self._with_connection(lambda conn: self._claim(conn, owner, lease_seconds))

    def _claim(self, conn: psycopg.Connection[Any], owner: str, lease_seconds: float) -> Job | None:
        now = self._clock()
        skipped: list[str] = []  # candidates whose issue another worker is claiming now
        for _ in range(8):
            with conn.transaction():
                row = conn.execute(
                    f"SELECT * FROM deliveries AS d WHERE {_READY}"
                    " AND NOT (d.id = ANY(%(skipped)s))"
                    " ORDER BY d.received_at, d.id LIMIT 1 FOR UPDATE SKIP LOCKED",
                    {"now": now, "skipped": skipped},
                ).fetchone()
                if row is None:
                    return None
                if row["issue"] is not None:
                    key = f"{row['repository']}#{row['issue']}"
                    locked = conn.execute(
                        "SELECT pg_try_advisory_xact_lock(hashtextextended(%s, 0)) AS ok",
                        (key,),
                    ).fetchone()
                    # Under the lock, a claim of the same issue committed since our
                    # snapshot is visible: ask again whether the row is still ready.
                    still = (
                        locked is not None
                        and locked["ok"]
                        and conn.execute(
                            f"SELECT 1 FROM deliveries AS d WHERE d.id = %(id)s AND {_READY}",
                            {"id": row["id"], "now": now},
                        ).fetchone()
                    )
                    if not still:
                        skipped.append(row["id"])
                        continue
                conn.execute(
                    "UPDATE deliveries SET lease_owner = %s, lease_until = %s,"
                    " attempts = attempts + 1 WHERE id = %s",
                    (owner, now + lease_seconds, row["id"]),
                )
            return Job.claimed(row, owner)
        return None

    def _update(self, sql: str, params: tuple[Any, ...]) -> int:
        return self._with_connection(lambda conn: conn.execute(sql, params).rowcount)

    def renew(self, job: Job, lease_seconds: float) -> None:
        """Extend the lease of a job still being worked.

        Raises:
            LeaseLost: the lease is no longer this worker's.
        """
        changed = self._update(
            "UPDATE deliveries SET lease_until = %s"
            " WHERE id = %s AND lease_owner = %s AND state = 'queued'",
            (self._clock() + lease_seconds, job.id, job.lease_owner),
        )
        if changed != 1:
            raise LeaseLost(job.id)

    def complete(self, job: Job) -> None:
        """Mark a job done."""
        self._finish(job, "done", None)

    def fail(self, job: Job, error: str) -> None:
        """Give up on a job for good (a bug or a permanent error); it stays for inspection."""
        self._finish(job, "failed", error)

    def _finish(self, job: Job, state: str, error: str | None) -> None:
        self._update(
            "UPDATE deliveries SET state = %s, last_error = %s, finished_at = %s,"
            " lease_owner = NULL, lease_until = NULL WHERE id = %s AND lease_owner = %s",
            (state, error, self._clock(), job.id, job.lease_owner),
        )

    def retry_later(self, job: Job, delay: float, error: str) -> None:
        """Give a job back to the queue, to be claimed again after `delay` seconds."""
        self._update(
            "UPDATE deliveries SET not_before = %s, last_error = %s,"
            " lease_owner = NULL, lease_until = NULL WHERE id = %s AND lease_owner = %s",
            (self._clock() + delay, error, job.id, job.lease_owner),
        )

    def prune(self, older_than: float) -> int:
        """Delete deliveries done more than `older_than` seconds ago; returns how many."""
        return self._update(
            "DELETE FROM deliveries WHERE state = 'done' AND finished_at < %s",
            (self._clock() - older_than,),
        )

    def _select(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        return self._with_connection(lambda conn: conn.execute(sql, params).fetchall())

    def get(self, delivery_id: str) -> dict[str, Any] | None:
        """One delivery's row as a dict."""
        rows = self._select("SELECT * FROM deliveries WHERE id = %s", (delivery_id,))
        return dict(rows[0]) if rows else None

    def counts(self) -> dict[str, int]:
        """How many deliveries are in each state."""
        rows = self._select("SELECT state, COUNT(*) AS n FROM deliveries GROUP BY state")
        return {row["state"]: int(row["n"]) for row in rows}

    def rows(self) -> list[dict[str, Any]]:
        """Every delivery (without its payload)."""
        return self._select(f"SELECT {ROW_FIELDS} FROM deliveries")

    def check(self) -> str:
        """`ok` when every delivery id is stored once and every row's state is known
        (PostgreSQL keeps its own files sound; this checks what the bot relies on)."""
        rows = self._select(
            "SELECT (SELECT COUNT(*) FROM deliveries) - (SELECT COUNT(DISTINCT id)"
            " FROM deliveries) AS repeated, (SELECT COUNT(*) FROM deliveries WHERE state"
            " NOT IN ('queued', 'done', 'failed')) AS unknown"
        )
        repeated, unknown = rows[0]["repeated"], rows[0]["unknown"]
        if repeated or unknown:
            return f"{repeated} repeated ids, {unknown} rows in an unknown state"
        return "ok"
