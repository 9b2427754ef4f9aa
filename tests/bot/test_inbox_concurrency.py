"""The inbox under concurrency, on each backend: workers with their own connections
claiming at once (as separate processes would), webhook threads storing at once, and,
on PostgreSQL, connections cut by the server."""

from __future__ import annotations

import threading
import time
from collections import defaultdict

import pytest

from bot.worker.inbox import open_inbox


def test_workers_claiming_at_once_never_overlap_on_an_issue(inbox_location):
    """8 workers, each with its own inbox object (its own connection), work 240
    deliveries about 12 issues of 2 repositories: every delivery is worked once, no
    two jobs of one issue overlap, each issue's jobs run in arrival order, and jobs of
    different issues do run at the same time."""
    setup = open_inbox(inbox_location)
    order: dict[tuple[str, int], list[str]] = defaultdict(list)
    for i in range(240):
        repo, issue = f"o/r{i % 2}", i % 12
        setup.put(f"d-{i:03d}", "issues", {}, action="opened", repository=repo, issue=issue)
        order[(repo, issue)].append(f"d-{i:03d}")
    setup.close()

    lock = threading.Lock()
    running: dict[tuple[str, int], str] = {}
    worked: dict[tuple[str, int], list[str]] = defaultdict(list)
    overlaps: list[str] = []
    most_at_once = [0]
    errors: list[BaseException] = []

    def work(name: str) -> None:
        box = open_inbox(inbox_location)
        try:
            idle_since = None
            while True:
                job = box.claim(name, 30)
                if job is None:
                    idle_since = idle_since or time.monotonic()
                    if time.monotonic() - idle_since > 1.0:
                        return
                    time.sleep(0.005)
                    continue
                idle_since = None
                key = (job.repository, job.issue)
                with lock:
                    if key in running:
                        overlaps.append(f"{job.id} while {running[key]}")
                    running[key] = job.id
                    most_at_once[0] = max(most_at_once[0], len(running))
                    worked[key].append(job.id)
                time.sleep(0.002)
                with lock:
                    running.pop(key, None)
                box.complete(job)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            box.close()

    threads = [threading.Thread(target=work, args=(f"w{k}",)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert not overlaps, overlaps[:5]
    assert dict(worked) == dict(order)  # each once, in arrival order per issue
    assert most_at_once[0] > 1  # different issues did run in parallel
    check = open_inbox(inbox_location)
    assert check.counts() == {"done": 240}
    assert all(row["attempts"] == 1 for row in check.rows())
    assert check.check() == "ok"
    check.close()


def test_puts_at_once_are_each_stored_once(inbox_location):
    """32 threads store 10 deliveries each at the same time (every id sent twice):
    each id is answered `new` exactly once, and every row is there afterwards."""
    box = open_inbox(inbox_location, role="web")
    answers: dict[str, list[bool]] = defaultdict(list)
    lock = threading.Lock()
    start = threading.Barrier(32)

    def send(k: int) -> None:
        start.wait()
        for i in range(10):
            delivery = f"d-{(k // 2) * 10 + i}"  # threads 2j and 2j+1 send the same ids
            new = box.put(delivery, "issues", {"k": k}, action="opened", repository="o/r", issue=i)
            with lock:
                answers[delivery].append(new)

    threads = [threading.Thread(target=send, args=(k,)) for k in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(answers) == 160
    assert all(sorted(a) == [False, True] for a in answers.values())
    assert box.counts() == {"queued": 160}
    box.close()


def test_postgres_connections_cut_by_the_server_are_replaced(pg_server):
    """pg_terminate_backend on every bot connection (what a database restart or a
    failover does): the next call reconnects, and nothing is lost or leased twice."""
    pg_server.reset()
    box = open_inbox(pg_server.url, role="worker")
    assert box.put("a", "issues", {}, action="opened", repository="o/r", issue=1)
    job = box.claim("w1", 30)
    assert job is not None and job.id == "a"
    assert pg_server.terminate_backends("authorbot-") >= 1
    assert box.put("b", "issues", {}, action="opened", repository="o/r", issue=1)
    assert box.claim("w2", 30) is None  # "b" waits: "a" of the same issue is leased
    assert pg_server.terminate_backends("authorbot-") >= 1
    box.renew(job, 30)
    box.complete(job)
    assert box.claim("w2", 30).id == "b"
    assert box.counts() == {"done": 1, "queued": 1}
    box.close()


def test_an_unreachable_postgres_is_a_clear_error(pg_server):
    from bot.worker.inbox_pg import InboxUnavailable, PostgresInbox

    url = pg_server.url.replace(f":{pg_server.port}/", ":1/")  # nobody listens on port 1
    with pytest.raises(InboxUnavailable, match="PostgreSQL inbox"):
        PostgresInbox(url, retry_seconds=0.5)


def test_puts_at_once_share_commits(tmp_path):
    """32 threads storing 10 deliveries each at once on SQLite: the rows that arrive
    while one commit runs go into the next one together (group commit: one fsync for
    many), so there are far fewer commits than rows; each put still returns after the
    commit that holds its row (every row is there, each answered new once)."""
    from bot.worker.inbox import SqliteInbox

    box = SqliteInbox(tmp_path / "inbox.sqlite3")
    commits: list[str] = []
    # The connection's own statement trace: which transactions really ran.
    box._conn.set_trace_callback(lambda sql: commits.append(sql) if sql == "COMMIT" else None)
    start = threading.Barrier(32)
    news: list[bool] = []

    def send(k: int) -> None:
        start.wait()
        for i in range(10):
            news.append(box.put(f"d-{k}-{i}", "issues", {}, repository="o/r", issue=k))

    threads = [threading.Thread(target=send, args=(k,)) for k in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert news.count(True) == 320
    assert box.counts() == {"queued": 320}
    # One row per commit would be 320; taking turns on the connection's lock gave
    # about 150 (rows of one or two per commit).
    assert len(commits) <= 80, len(commits)
    box.close()
