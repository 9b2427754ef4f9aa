"""The bot under load: signed deliveries at concurrency N to gunicorn, a worker process
working them against the GitHub stand-in, and the proof that nothing was lost or done
twice.

    .venv/bin/python benchmarks/load_bench.py [--deliveries 2000] [--concurrency 32]
        [--issues N] [--workers 1] [--runners 1] [--seed 1] [--batch] [--era yaml|json]
        [--inbox sqlite|postgresql] [--gunicorn-workers 1] [--gunicorn-threads 32]
        [--server gunicorn|granian] [--client threads|events]
        [--baseline REF | --no-baseline]

Setup (not timed): a bare data repository of the sample data; the GitHub and ORCID
stand-ins in this process; N verification requests (both forms, distinct unverified
pages) filed as issues; 30% get a maintainer's `@authorbot approve` comment. Then
gunicorn (`webhooks.wsgi:app`) and `python -m bot.service worker` start over
one state folder, and a separate client process (`benchmarks/loadclient.py`) sends the
mix (see `benchmarks/traffic.py`) while the worker works. The stand-in sends the
webhooks of the bot's own actions to the same server, as GitHub would.

`--gunicorn-workers 2 --gunicorn-threads 1` runs two sync workers (one delivery at a
time per process, each committed alone), as before; the default, one process with 32
threads (docs/BOT.md, Deploy), commits the deliveries that arrive together at once.
`--server granian` serves the same app with granian (HTTP in Rust, the Flask app in
`--gunicorn-threads` blocking threads of `--gunicorn-workers` processes).
`--inbox postgresql` starts a PostgreSQL server of its own (fsync on) and gives each
worker process its own clone.

`--client events` changes the benchmark's client, not the bot: one thread of the load
client keeps the N connections busy, with every request's bytes made before the clock
starts, where the default (`threads`, the figure the README has always given) is N
http.client threads signing as they go. The client shares the machine's two cores with
the server, so a cheaper client leaves the server more; the table names the client
whenever it is not the default, and the same deliveries, checks and latencies (from
request sent to answer read) apply.

Today's code (`main` before issue 13, `benchmarks/baseline.py`) takes the same load
first, in the same run, deployed as it was then (gunicorn -w 2 with sync workers, one
worker process, the SQLite inbox): its server and worker import that commit's files.

Figures: ack latency (median, p99, max) as the client saw it, deliveries per second,
where the CPU went per delivery (the client, the server, the worker processes and this
process's stand-ins; from /proc, before and after), seconds until the inbox was
drained, jobs worked, the load average; both versions side by side with issue 13's goal
(ack p99 <= 20 ms), then this checkout's full table.
Checks (exit 1 if any fails): every acknowledged delivery stored once and worked to
the end once, one status comment per issue, no duplicate pull request or reply, each
issue's final state (the engine's answer on the data: a request it asks about gets no
pull request even when approved), and every bot branch equal to the engine's edit on
its base.
Bounded: the client sends exactly the deliveries listed, and every wait has a timeout.

`--batch` configures verifications as `batch` (`.github/authorbot.yml`): the approved
issues then go into one batch pull request, rebuilt on every event about a member;
the checks add that there is one open batch, that its commits, record, `closes`
lines and members' states agree, and that each commit is the engine's edit for its
issue on the commit before it.

`--era` picks the sample data repository: `yaml` (people.yaml, the files before 2026;
the default, as the figures in docs/PROOF.md were first measured) or `json`
(people.json, the Anthology's files today). The bot reads either through
`bot/anthology`; the checks are the same.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import audit, traffic  # noqa: E402
from benchmarks.fleet import ROOT, ProcessDeployment  # noqa: E402
from benchmarks.pgserver import PostgresServer  # noqa: E402
from bot.anthology.index import DataIndex  # noqa: E402
from bot.demo import SAMPLE_ERAS  # noqa: E402
from bot.engine.api import plan_issue  # noqa: E402
from bot.standins.harness import SECRET  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    """The `q` quantile (nearest rank) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run_load(
    workdir: Path,
    *,
    deliveries: int = 2000,
    concurrency: int = 32,
    issues: int | None = None,
    workers: int = 1,
    seed: int = 1,
    drain_timeout: float = 1800.0,
    batch: bool = False,
    era: str = "yaml",
    inbox: str = "sqlite",
    runners: int = 1,
    gunicorn_threads: int = 32,
    gunicorn_workers: int = 1,
    code: Path = ROOT,
    server: str = "gunicorn",
    client_engine: str = "threads",
) -> dict[str, Any]:
    """Run the load once under `workdir` (the server and workers running the code in
    `code`; `batch`: verifications go in one batch pull request; `era`: the sample
    data of `json` (people.json) or `yaml` (people.yaml)); returns the figures and the
    violations."""
    rng = random.Random(seed)
    n_issues = issues or max(6, min(200, deliveries // 13))
    requests_ = traffic.verify_requests(n_issues, rng, SAMPLE_ERAS[era])
    records = {r.orcid: r for r in requests_}
    database = PostgresServer().start() if inbox == "postgresql" else None
    dep = ProcessDeployment(
        workdir,
        roles=traffic.ROLES,
        orcid_records={o: traffic.FakeRecord(r.given or "", r.family) for o, r in records.items()},
        extra_files=dict([traffic.BATCH_CONFIG]) if batch else None,
        data_source=SAMPLE_ERAS[era],
        inbox_url=database.url if database else None,
        worker_concurrency=runners,
        gunicorn_threads=gunicorn_threads,
        gunicorn_workers=gunicorn_workers,
        code=code,
        server=server,
    )
    load_before = os.getloadavg()
    try:
        dep.start_standins()
        mix = traffic.file_requests(dep.github, requests_, 0.3, rng)
        traffic.build_mix(mix, dep.github, deliveries, rng)
        mix.write(workdir / "deliveries.jsonl")
        dep.start_server()
        dep.send_webhooks()
        for slot in range(workers):
            dep.start_worker(slot)

        cpu_before = {**dep.cpu_seconds(), "stand-ins": time.process_time()}
        started = time.monotonic()
        client = subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.loadclient",
                str(workdir / "deliveries.jsonl"),
                str(workdir / "results.json"),
                "--url",
                dep.webhook_url,
                "--concurrency",
                str(concurrency),
                "--engine",
                client_engine,
            ],
            cwd=ROOT,
            env={**dep.env(), "AUTHORBOT_WEBHOOK_SECRET": SECRET.decode()},
            timeout=drain_timeout,
            check=True,
        )
        assert client.returncode == 0
        sent_at = time.monotonic()
        cpu_sent = {**dep.cpu_seconds(), "stand-ins": time.process_time()}
        dep.wait_idle(timeout=drain_timeout)
        drained_at = time.monotonic()
        cpu_drained = {**dep.cpu_seconds(), "stand-ins": time.process_time()}
        load_after = os.getloadavg()

        results = json.loads((workdir / "results.json").read_text("utf-8"))
        figures = _figures_and_checks(
            dep, mix, results, started, sent_at, drained_at, load_before, load_after, batch, era
        )
        figures.update(_cpu_figures(results, cpu_before, cpu_sent, cpu_drained, sent_at - started))
        figures["setup: inbox, web server processes x threads, worker processes x runners"] = (
            inbox,
            f"{server} {gunicorn_workers} x {gunicorn_threads}",
            workers,
            runners,
        )
        figures["load client (benchmarks/loadclient.py --engine)"] = client_engine
        figures["jobs finished per worker process"] = dep.done_per_worker()
        return {"mode": figures.pop("mode"), "data": f"the sample, {era} era", **figures}
    finally:
        dep.stop()
        if database is not None:
            database.stop()


def _cpu_figures(
    results: dict[str, Any],
    before: dict[str, float],
    sent: dict[str, float],
    drained: dict[str, float],
    send_seconds: float,
) -> dict[str, Any]:
    """Where the CPU went per delivery sent: the client process, the server (gunicorn),
    the worker processes (with their git commands), and this process (the GitHub and
    ORCID stand-ins answering the worker and sending the bot's own webhooks), while the
    client sent, and from the first send until the inbox was drained."""
    n = len(results["results"])
    during = {part: (sent[part] - before[part]) * 1000 / n for part in before}
    during["client"] = results["cpu_seconds"] * 1000 / n
    whole = {part: (drained[part] - before[part]) * 1000 / n for part in before}
    busy = (sum(during.values()) * n / 1000) / send_seconds
    order = ("client", "server", "worker", "stand-ins")
    return {
        "CPU ms per delivery while sending: client / server / worker / stand-ins": tuple(
            during[p] for p in order
        ),
        "CPU ms per delivery, first send to drained: server / worker / stand-ins": tuple(
            whole[p] for p in order[1:]
        ),
        "cores busy while sending (of os.cpu_count())": (busy, os.cpu_count() or 0),
    }


def _median_p95(values: list[float]) -> tuple[float, float]:
    if not values:
        return (0.0, 0.0)
    return (statistics.median(values), percentile(values, 0.95))


def _figures_and_checks(
    dep: ProcessDeployment,
    mix: traffic.Traffic,
    results: dict[str, Any],
    started: float,
    sent_at: float,
    drained_at: float,
    load_before: tuple[float, float, float],
    load_after: tuple[float, float, float],
    batch: bool = False,
    era: str = "yaml",
) -> dict[str, Any]:
    rows_sent = results["results"]
    latencies = [ms for _, _, _, ms, _ in rows_sent]
    statuses = Counter(status for _, _, status, _, _ in rows_sent)
    problems: list[str] = []

    # The endpoint's answers: one 202 per distinct handled id, 200 for its repeats,
    # 204 for the events the bot ignores, nothing else.
    by_id: dict[str, list[int]] = {}
    for delivery_id, kind, status, _, _ in rows_sent:
        if kind == "ignored-event":
            if status != 204:
                problems.append(f"{delivery_id}: ignored event answered {status}")
        else:
            by_id.setdefault(delivery_id, []).append(status)
    for delivery_id, answers in by_id.items():
        if sorted(answers) != [200] * (len(answers) - 1) + [202]:
            problems.append(f"{delivery_id}: answered {answers}")
    accepted = set(by_id)
    # The bot's own actions came back as webhooks; every one must have been accepted.
    echoes = list(dep.github.sent)
    problems += [f"{d.id}: the stand-in's delivery got {d.status}" for d in echoes if not d.status]
    accepted |= {d.id for d in echoes if d.status in (200, 202)}

    rows = dep.inbox_rows()
    once, inbox = audit.exactly_once(rows, dep.worker_log_lines(), accepted)
    problems += once
    if inbox["re-run"]:
        problems.append(f"{inbox['re-run']} deliveries were claimed more than once (no faults)")
    numbers = sorted(mix.requests)
    dups = audit.duplicates(dep.github, numbers)
    problems += [f"{name}: {n}" for name, n in dups.items() if n]
    # The state each issue must end in is the engine's answer on the data (which the
    # load does not change): most requests are ready; one for a page that holds several
    # people's papers without naming them is asked about, and gets no pull request even
    # when a maintainer approves it.
    index = DataIndex.load(SAMPLE_ERAS[era])
    expected = {n: plan_issue(index, dict(dep.github.state.issues[n])).status for n in numbers}
    with_pr = {n for n in mix.approved if expected[n] == "ready"}
    for n in numbers:
        problems += audit.final_state(dep.github, n, expected[n], with_pr=n in with_pr, batch=batch)
    batch_problems, members = audit.batch_consistency(dep.github)
    problems += batch_problems
    if batch and sorted(members) != sorted(with_pr):
        problems.append(f"the batch holds {sorted(members)}, expected: {sorted(with_pr)}")
    issues = {n: dict(dep.github.state.issues[n]) for n in numbers}
    branch_problems, checked = audit.branches(dep.bare, issues)
    problems += branch_problems
    clone_checked = 0
    for clone in dep.clones():
        clone_problems, checked_here = audit.branches(clone, issues)
        problems += clone_problems
        clone_checked += checked_here
    jobs = [line for line in dep.worker_log_lines() if line.get("msg") == "done"]
    own = [line["own_ms"] for line in jobs if "own_ms" in line]
    calls = [line["github_requests"] for line in jobs if "github_requests" in line]

    kinds = mix.kinds()
    return {
        "mode": "batch" if batch else "per-issue",
        "deliveries sent": len(rows_sent),
        "mix": dict(sorted(kinds.items())),
        "issues": len(numbers),
        "approved issues": len(mix.approved),
        "issues the engine does not find ready (no pull request)": sum(
            status != "ready" for status in expected.values()
        ),
        "answers": dict(sorted(statuses.items())),
        "ack median ms": statistics.median(latencies),
        "ack p99 ms": percentile(latencies, 0.99),
        "ack max ms": max(latencies),
        "client seconds": results["wall_seconds"],
        "deliveries per second": len(rows_sent) / results["wall_seconds"],
        "drained after s": drained_at - started,
        "drained after the last send s": drained_at - sent_at,
        "stand-in webhooks (the bot's own actions)": len(echoes),
        "inbox": inbox,
        "jobs per second": inbox["done"] / (drained_at - started),
        "pull requests": len(dep.github.pulls()),
        "commits in the batch pull request": len(members),
        "bot branches checked (origin, clone)": (checked, clone_checked),
        **dups,
        "job duration ms: median / p95": _median_p95([line["duration_ms"] for line in jobs]),
        "job own time ms (without GitHub's answers): median / p95": _median_p95(own),
        "GitHub requests per job: median / p95 / max": (*_median_p95(calls), max(calls or [0])),
        "load average before/after": (load_before[0], load_after[0]),
        "violations": problems,
    }


# Figures printed for both versions, with issue 13's goals.
COMPARED = (
    ("ack median ms", ""),
    ("ack p99 ms", "<= 20 ms"),
    ("ack max ms", ""),
    ("deliveries per second", ""),
    ("CPU ms per delivery while sending: client / server / worker / stand-ins", ""),
    ("cores busy while sending (of os.cpu_count())", ""),
    ("drained after s", ""),
    ("jobs per second", ""),
    ("job duration ms: median / p95", ""),
    ("load average before/after", ""),
)


def _value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, tuple):
        return " / ".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in value)
    return str(value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--issues", type=int, default=None, help="default: deliveries/13")
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument("--runners", type=int, default=1, help="runners per worker process")
    parser.add_argument("--inbox", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--gunicorn-workers", type=int, default=1)
    parser.add_argument(
        "--gunicorn-threads", type=int, default=32, help="1: sync workers (the old deployment)"
    )
    parser.add_argument(
        "--server",
        choices=["gunicorn", "granian"],
        default="gunicorn",
        help="the web server (granian: --gunicorn-workers processes x --gunicorn-threads"
        " blocking threads)",
    )
    parser.add_argument(
        "--client",
        choices=["threads", "events"],
        default="threads",
        help="the load client's engine (events: one thread, requests made before the clock"
        " starts, about a tenth of the client's CPU; threads: the original figure)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", action="store_true", help="verifications in a batch PR")
    parser.add_argument(
        "--era",
        choices=sorted(SAMPLE_ERAS),
        default="yaml",
        help="the sample data: people.json (json) or people.yaml (yaml, the default)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    parser.add_argument("--baseline", default=None, help="today's code: a commit")
    parser.add_argument(
        "--no-baseline", action="store_true", help="measure this checkout only (half the time)"
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="authorbot-load-"))
    runs: list[tuple[str, dict[str, Any]]] = []
    if args.batch and not args.no_baseline:
        print("(no baseline run: today's code has no batch mode)", file=sys.stderr)
    if not args.no_baseline and not args.batch:
        from benchmarks.baseline import BASELINE, baseline_tree

        tree = baseline_tree(args.baseline or BASELINE)
        if tree is not None:
            # Today's code as it was deployed (docs/BOT.md then): gunicorn -w 2, sync
            # workers, one worker process on the SQLite inbox.
            before = run_load(
                workdir / "baseline",
                deliveries=args.deliveries,
                concurrency=args.concurrency,
                issues=args.issues,
                seed=args.seed,
                era=args.era,
                gunicorn_threads=1,
                gunicorn_workers=2,
                code=tree[0],
            )
            runs.append((f"main {tree[1]} (gunicorn -w 2 sync, 1 worker, SQLite)", before))
    figures = run_load(
        workdir / "now",
        deliveries=args.deliveries,
        concurrency=args.concurrency,
        issues=args.issues,
        workers=args.workers,
        seed=args.seed,
        batch=args.batch,
        era=args.era,
        inbox=args.inbox,
        runners=args.runners,
        gunicorn_threads=args.gunicorn_threads,
        gunicorn_workers=args.gunicorn_workers,
        server=args.server,
        client_engine=args.client,
    )
    setup = figures["setup: inbox, web server processes x threads, worker processes x runners"]
    client = "" if args.client == "threads" else f", client --engine {args.client}"
    runs.append((f"this checkout ({_value(setup)}{client})", figures))
    print("| figure | goal (issue 13) | " + " | ".join(name for name, _ in runs) + " |")
    print("| --- | --- | " + " | ".join("---" for _ in runs) + " |")
    for key, goal in (*COMPARED, ("violations", "0")):
        cells = [
            str(len(f["violations"])) if key == "violations" else _value(f[key]) for _, f in runs
        ]
        print(f"| {key} | {goal} | " + " | ".join(cells) + " |")
    print()
    for name, f in runs[:-1]:
        if f["violations"]:
            print(f"violations of {name}:")
            for problem in f["violations"][:20]:
                print(f"- {problem}")
    audit.print_table(figures, "python " + " ".join(sys.argv) + " (this checkout)")
    if args.keep:
        print(f"\nwork folder: {workdir}")
    else:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if figures["violations"] else 0


if __name__ == "__main__":
    sys.exit(main())
