"""The bot under faults: SIGKILLs of the server and the worker at random moments, a
seeded random mix of GitHub failures, and the data changing under the bot; then the
proof that every job finished exactly once and nothing was left half done.

    .venv/bin/python benchmarks/fault_bench.py [--jobs 200] [--kills 50] [--seed 1]
        [--fault-rate 0.02] [--batch] [--era yaml|json]
        [--inbox sqlite|postgresql] [--workers 1] [--runners 1]

Setup: like `benchmarks/load_bench.py` (the sample data as a bare `origin`, the GitHub
and ORCID stand-ins in this process, gunicorn and one `python -m bot.service worker`
over one state folder), with verification requests filed as issues (one per 5 jobs),
half of them to be approved. The run:

1. phase A: every issue's `opened`, and half of the other deliveries (previews,
   edits, help, chatter, approvals by a stranger), sent by a client process that
   sends a delivery again (same id) until the server answers it;
2. the data changes under the bot, between each issue's status and its approval:
   the default branch moves (someone else's verification is merged), the person of
   an issue is verified by someone else, an author line of an issue's paper is edited;
3. phase C: the maintainers' approvals and the rest of the deliveries.

All along, a kill thread SIGKILLs the server (gunicorn and its workers), the worker
(and the git command it may be running) or both, at seeded random moments, runs
`PRAGMA integrity_check` on the inbox, notes every `authorbot/*` branch head in the
bare origin and the worker's clone, and starts what it killed again. The GitHub
stand-in answers a share of the bot's requests with a 502 (before or after making the
change), a timeout (before or after), a 403 secondary rate limit with `Retry-After`,
or a 422 "already exists" for a pull request it did create.

With `--inbox postgresql` the inbox is a real PostgreSQL server of its own
(`benchmarks/pgserver.py`, fsync on), `--workers N` worker processes share it, each with
its own state folder and clone (as on N machines), and the kills take in the database
too: the bot's connections terminated (`pg_terminate_backend`), or one of its backend
processes SIGKILLed (PostgreSQL then restarts every backend and recovers from its log).

Checks (exit 1 if any fails): every delivery the server acknowledged is done, and
was worked to the end once; no duplicate status comment, pull request or reply; each
issue's final state (one status comment, its headline and label, a pull request
exactly when approved and still ready on the final data) equals a fresh engine plan
on the final default branch; every branch head ever seen parses and is exactly the
engine's edit on its base; every integrity check said `ok`. Bounded: a fixed number
of kills and deliveries; every wait has a timeout.

`--batch` runs the same with verifications configured `batch`: the approved issues
still ready on the final data are the commits of one batch pull request (opened once,
on the final default branch), whose commits, record, `closes` lines and members'
states agree; every batch head ever seen is, commit by commit, the engine's edit for
its issue on the commit before it.

`--era` picks the sample data repository: `yaml` (people.yaml, the files before 2026;
the default, as the figures in docs/PROOF.md were first measured) or `json`
(people.json, the Anthology's files today). The bot reads either through
`bot/anthology`; the checks are the same.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
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
from bot.engine.api import apply_plan, plan_issue  # noqa: E402
from bot.standins.datarepo import git  # noqa: E402
from bot.standins.github import Chaos  # noqa: E402
from bot.standins.harness import SECRET  # noqa: E402
from bot.standins.orcid import FakeRecord  # noqa: E402


def issue_json(request: traffic.Request, number: int = 0) -> dict[str, Any]:
    """A request as the engine reads an issue."""
    return {
        "number": number,
        "title": request.title,
        "body": request.body,
        "state": "open",
        "labels": [{"name": n} for n in request.labels],
        "user": {"login": traffic.AUTHOR},
    }


def change_data(bare: Path, workdir: Path, kind: str, request: traffic.Request, other: Any) -> str:
    """Push one change to the default branch of `bare` (someone else's merge).

    - `branch-moved`: the verification of `other` (another request, never filed) is merged;
    - `verified-elsewhere`: `request`'s person is verified with another ORCID iD;
    - `authors-edited`: the family name on one of `request`'s papers is corrected, so
      that occurrence leaves the page.

    Returns:
        The new head of the default branch.
    """
    tmp = Path(tempfile.mkdtemp(prefix="change-", dir=workdir))
    try:
        git(tmp, "clone", "--quiet", "--branch", "main", str(bare), "work")
        root = tmp / "work"
        index = DataIndex.load(root)
        if kind == "branch-moved":
            apply_plan(index, plan_issue(index, issue_json(other)))
        elif kind == "verified-elsewhere":
            body = request.body.replace(request.orcid, other)
            apply_plan(index, plan_issue(index, issue_json(request) | {"body": body}))
        else:
            occ = index.page_occurrences(request.page)[0]
            path = root / "data" / "xml" / f"{occ.collection}.xml"
            text = path.read_text("utf-8")
            line = re.sub(
                r"<last>([^<]*)</last>",
                r"<last>\1-Edited</last>",
                text[occ.start : occ.end],
                count=1,
            )
            path.write_text(text[: occ.start] + line + text[occ.end :], "utf-8")
        git(root, "commit", "--quiet", "-am", f"Someone else's change: {kind}")
        git(root, "push", "--quiet", "origin", "main")
        return git(root, "rev-parse", "HEAD")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class Killer(threading.Thread):
    """Kills the server, a worker (a random one of several), both, or the bot's database
    connections, `kills` times at seeded random moments; after each kill checks the
    inbox's integrity and notes the bot's branch heads, then starts again what it killed.
    """

    def __init__(
        self,
        dep: ProcessDeployment,
        kills: int,
        rng: random.Random,
        database: PostgresServer | None = None,
    ) -> None:
        super().__init__(daemon=True)
        self.dep = dep
        self.kills = kills
        self.rng = rng
        self.database = database
        self.done: Counter[str] = Counter()
        self.integrity: Counter[str] = Counter()
        self.heads: set[tuple[str, str, str]] = set()  # (git dir, ref, head)
        self.parse_problems: list[str] = []
        self.errors: list[str] = []
        self.origin_locks = 0
        self.terminated_connections = 0

    def note_heads(self) -> None:
        """Record every bot branch head of the origin and the clones; check it parses."""
        for git_dir in (self.dep.bare, *self.dep.clones()):
            if not git_dir.exists():
                continue
            for ref, head in audit.branch_refs(git_dir).items():
                key = (str(git_dir), ref, head)
                if key not in self.heads:
                    self.heads.add(key)
                    self.parse_problems += audit.parse_check(git_dir, ref, head)

    def clear_origin_locks(self) -> None:
        """The origin here is a local bare repository, so the `git receive-pack` of a
        push runs as the worker's child and dies with it, leaving a ref lock behind.
        GitHub's side of a push does not die with the bot, so its locks are cleared,
        and counted."""
        for lock in (self.dep.bare / "refs" / "heads" / "authorbot").rglob("*.lock"):
            lock.unlink(missing_ok=True)
            self.origin_locks += 1

    def _kill_database(self) -> str:
        """Cut the bot's database connections: terminate them all, or SIGKILL one of
        its backends (PostgreSQL then resets every connection and recovers)."""
        assert self.database is not None
        if self.rng.random() < 0.7:
            self.terminated_connections += self.database.terminate_backends("authorbot-")
            return "database connections"
        pids = self.database.backend_pids("authorbot-")
        if pids:
            os.kill(self.rng.choice(pids), signal.SIGKILL)
        self.database.wait_ready()
        return "database backend"

    def run(self) -> None:
        """The kills."""
        slots = sorted(self.dep.workers) or [0]
        choices, weights = ["server", "worker", "both"], [0.35, 0.45, 0.2]
        if self.database is not None:
            choices, weights = ["server", "worker", "both", "database"], [0.2, 0.4, 0.15, 0.25]
        for _ in range(self.kills):
            time.sleep(self.rng.uniform(0.2, 2.0))
            target = self.rng.choices(choices, weights)[0]
            slot = self.rng.choice(slots)
            try:
                if target in ("server", "both"):
                    self.dep.kill_server()
                if target in ("worker", "both"):
                    self.dep.kill_worker(slot)
                    self.clear_origin_locks()
                if target == "database":
                    target = self._kill_database()
                self.done[target] += 1
                self.integrity[self.dep.integrity_check()] += 1
                self.note_heads()
                if target in ("server", "both"):
                    self.dep.start_server()
                if target in ("worker", "both"):
                    self.dep.start_worker(slot)
            except Exception as exc:  # keep killing; report it
                self.errors.append(f"{target}: {exc.__class__.__name__}: {exc}")
                self.restart_the_dead()

    def restart_the_dead(self) -> None:
        """Start again the server and any worker that is not running."""
        if self.dep.server is None or self.dep.server.poll() is not None:
            self.dep.start_server()
        for slot, proc in list(self.dep.workers.items()):
            if proc.poll() is not None:
                self.dep.start_worker(slot)


def _send(dep: ProcessDeployment, workdir: Path, name: str, rows: list[traffic.Delivery]) -> Any:
    """Send deliveries from a client process that retries until each is answered."""
    mix = traffic.Traffic(deliveries=rows)
    mix.write(workdir / f"{name}.jsonl")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.loadclient",
            str(workdir / f"{name}.jsonl"),
            str(workdir / f"{name}-results.json"),
            "--url",
            dep.webhook_url,
            "--concurrency",
            "4",
            "--retry-seconds",
            "300",
        ],
        cwd=ROOT,
        env={**dep.env(), "AUTHORBOT_WEBHOOK_SECRET": SECRET.decode()},
        timeout=900,
        check=True,
    )
    return json.loads((workdir / f"{name}-results.json").read_text("utf-8"))


def _extras(github: Any, numbers: list[int], count: int, rng: random.Random) -> list[Any]:
    """`count` deliveries besides `opened` and approvals, on random issues."""
    out = []
    for _ in range(count):
        n = rng.choice(numbers)
        roll = rng.random()
        if roll < 0.3:
            out.append(traffic.comment(github, n, traffic.AUTHOR, "@authorbot preview", "preview"))
        elif roll < 0.5:
            out.append(traffic.comment(github, n, traffic.AUTHOR, "@authorbot help", "help"))
        elif roll < 0.6:
            out.append(
                traffic.comment(
                    github, n, traffic.STRANGER, "@authorbot approve", "stranger-approve"
                )
            )
        elif roll < 0.75:
            out.append(traffic.comment(github, n, traffic.AUTHOR, "Thanks!", "chatter"))
        else:
            issue = dict(github.state.issues[n])
            body = traffic._payload(
                github, "edited", traffic.AUTHOR, issue=issue, changes={"title": {"from": ""}}
            )
            out.append(traffic.Delivery(f"edit-{len(out)}-{n}", "issues", body, "edited", n))
    return out


def run_faults(
    workdir: Path,
    *,
    jobs: int = 200,
    kills: int = 50,
    seed: int = 1,
    fault_rate: float = 0.02,
    drain_timeout: float = 900.0,
    batch: bool = False,
    era: str = "yaml",
    inbox: str = "sqlite",
    workers: int = 1,
    runners: int = 1,
) -> dict[str, Any]:
    """One fault run under `workdir`; returns the figures and the violations.

    `batch`: verifications go in one batch pull request; `era`: the sample data of
    `json` (people.json) or `yaml` (people.yaml); `inbox` is `sqlite` or `postgresql`
    (a server of its own, started and stopped here); `workers` worker processes with
    `runners` runner threads each.
    """
    rng = random.Random(seed)
    n_issues = max(4, jobs // 5)
    n_changed = max(1, n_issues // 10)
    requests_ = traffic.verify_requests(n_issues + n_changed, rng, SAMPLE_ERAS[era])
    filed, others = requests_[:n_issues], requests_[n_issues:]
    records = {r.orcid: FakeRecord(r.given or "", r.family) for r in requests_}
    database = PostgresServer().start() if inbox == "postgresql" else None
    dep = ProcessDeployment(
        workdir,
        roles=traffic.ROLES,
        orcid_records=records,
        lease_seconds=2.0,
        github_timeout=3.0,
        max_attempts=12,  # a kill mid-job uses an attempt up too (docs/PROOF.md)
        extra_files=dict([traffic.BATCH_CONFIG]) if batch else None,
        data_source=SAMPLE_ERAS[era],
        inbox_url=database.url if database else None,
        worker_concurrency=runners,
    )
    load_before = os.getloadavg()
    started = time.monotonic()
    try:
        dep.start_standins()
        mix = traffic.file_requests(dep.github, filed, 0.5, rng)
        numbers = sorted(mix.requests)
        # One approved Anthology-form request with several papers, if there is one: an
        # edited author line then leaves a smaller request that is still ready.
        several_anthology = [
            n
            for n in numbers
            if mix.requests[n].occurrences > 1 and mix.requests[n].title.startswith("Author")
        ]
        if several_anthology and not set(several_anthology) & mix.approved:
            mix.approved.add(several_anthology[0])
        approved = sorted(mix.approved)
        # The data changes between status and approval, for approved issues.
        # At least one approved issue keeps its data; an edited author line is more
        # telling on a page with several papers (the re-plan moves fewer).
        several = sorted(
            (n for n in approved if mix.requests[n].occurrences > 1),
            key=lambda n: not mix.requests[n].title.startswith("Author Page"),
        )
        edited = several[: min(len(several), n_changed, len(approved) - 1)]
        kept = [n for n in approved if n not in edited]
        elsewhere = rng.sample(kept, min(len(kept) - 1, n_changed)) if len(kept) > 1 else []
        plan_changes: list[tuple[str, int | None, Any]] = [
            ("branch-moved", None, other) for other in others
        ]
        plan_changes += [("verified-elsewhere", n, None) for n in elsewhere]
        plan_changes += [("authors-edited", n, None) for n in edited]
        phase_a = [traffic.opened(dep.github, n) for n in numbers]
        approvals = [
            traffic.comment(dep.github, n, traffic.MAINTAINER, "@authorbot approve", "approve")
            for n in approved
        ]
        rest = max(0, jobs - len(phase_a) - len(approvals))
        extras = _extras(dep.github, numbers, rest, rng)
        phase_a += extras[: rest // 2]
        phase_c = approvals + extras[rest // 2 :]
        rng.shuffle(phase_a)
        phase_a.sort(key=lambda d: d.kind.startswith("opened") is False)  # opened first
        rng.shuffle(phase_c)

        dep.github.chaos = Chaos(
            random.Random(seed + 1),
            rate=fault_rate,
            write_rate=2.5 * fault_rate,
            pull_rate=min(1.0, 15 * fault_rate),
            timeout=4.0,
        )
        dep.start_server()
        dep.send_webhooks()
        for slot in range(workers):
            dep.start_worker(slot)
        killer = Killer(dep, kills, random.Random(seed + 2), database)
        killer.start()

        results = _send(dep, workdir, "phase-a", phase_a)["results"]
        dep.wait_idle(timeout=drain_timeout)
        heads = []
        for kind, number, other in plan_changes:
            request = mix.requests[number] if number else None
            if kind == "verified-elsewhere":
                other = traffic._orcid(90_000 + (number or 0))
            heads.append(change_data(dep.bare, workdir, kind, request, other))  # type: ignore[arg-type]
        results += _send(dep, workdir, "phase-c", phase_c)["results"]
        killer.join(timeout=drain_timeout)
        killer.restart_the_dead()
        dep.wait_idle(timeout=drain_timeout)
        killer.note_heads()
        finished = time.monotonic()
        figures = _figures_and_checks(
            dep, mix, results, killer, plan_changes, finished - started, load_before, batch
        )
        figures["inbox / worker processes x runners"] = (inbox, workers, runners)
        figures["jobs finished per worker process"] = dep.done_per_worker()
        return {"mode": figures.pop("mode"), "data": f"the sample, {era} era", **figures}
    finally:
        dep.stop()
        if database is not None:
            database.stop()


def _final_plans(dep: ProcessDeployment, mix: traffic.Traffic) -> dict[int, tuple[str, str]]:
    """Each issue's plan status (and problem codes) on the final default branch, planned
    by a fresh engine."""
    with tempfile.TemporaryDirectory(prefix="final-") as tmp:
        git(Path(tmp), "clone", "--quiet", "--branch", "main", str(dep.bare), "final")
        index = DataIndex.load(Path(tmp) / "final")
        plans = {n: plan_issue(index, dict(dep.github.state.issues[n])) for n in mix.requests}
    return {
        n: (plan.status, ",".join(sorted({p["code"] for p in plan.to_json()["problems"]})))
        for n, plan in plans.items()
    }


def _figures_and_checks(
    dep: ProcessDeployment,
    mix: traffic.Traffic,
    results: list[list[Any]],
    killer: Killer,
    changes: list[tuple[str, int | None, Any]],
    seconds: float,
    load_before: tuple[float, float, float],
    batch: bool = False,
) -> dict[str, Any]:
    problems: list[str] = list(killer.errors) + list(killer.parse_problems)
    answered = Counter(status for _, _, status, _, _ in results)
    unanswered = [d for d, _, status, _, _ in results if status not in (200, 202)]
    problems += [f"{d}: never acknowledged" for d in unanswered]
    accepted = {d for d, _, status, _, _ in results if status in (200, 202)}
    accepted |= {d.id for d in dep.github.sent if d.status in (200, 202)}
    rows = dep.inbox_rows()
    once, inbox = audit.exactly_once(rows, dep.worker_log_lines(), accepted)
    problems += once
    problems += [
        f"{r['id']}: {r['state']} ({r['last_error']})" for r in rows if r["state"] != "done"
    ]
    numbers = sorted(mix.requests)
    dups = audit.duplicates(dep.github, numbers)
    problems += [f"{name}: {n}" for name, n in dups.items() if n]

    final_plans = _final_plans(dep, mix)
    final = {n: status for n, (status, _) in final_plans.items()}
    expected_prs = {n for n in mix.approved if final[n] == "ready"}
    for n in numbers:
        problems += audit.final_state(
            dep.github, n, final[n], with_pr=n in expected_prs, batch=batch
        )
    main = git(dep.bare, "rev-parse", "main")
    opened_per_branch = Counter(p["head"]["ref"] for p in dep.github.pulls())
    batch_problems, members = audit.batch_consistency(dep.github)
    problems += batch_problems
    if batch:
        if sorted(members) != sorted(expected_prs):
            problems.append(f"the batch holds {sorted(members)}, expected {sorted(expected_prs)}")
        batches = [b for b in opened_per_branch if b.startswith(audit.BATCH_PREFIX)]
        if any(opened_per_branch[b] != 1 for b in batches) or len(batches) > 1:
            problems.append(f"batch pull requests opened: {dict(opened_per_branch)}")
        for pull in audit.open_batches(dep.github):
            first = dep.github.pull_commits(pull["number"])[0]["parents"][0]["sha"]
            if first != main:
                problems.append("the batch is not on the final default branch")
    for n in [] if batch else expected_prs:
        if opened_per_branch[f"authorbot/issue-{n}"] != 1:
            problems.append(f"#{n}: {opened_per_branch[f'authorbot/issue-{n}']} PRs opened")
        parent = audit._git(
            dep.bare, "rev-parse", "-q", "--verify", f"authorbot/issue-{n}^", check=False
        )
        if parent != main:
            problems.append(f"#{n}: the pull request is not on the final default branch")
    issues = {n: dict(dep.github.state.issues[n]) for n in numbers}
    checked: set[tuple[str, str]] = set()
    for git_dir, ref, head in sorted(killer.heads):
        if (git_dir, head) in checked:
            continue
        checked.add((git_dir, head))
        problems += audit.check_head(Path(git_dir), ref, head, issues)
    for clone_git in dep.clones():
        dirty = git(clone_git.parent, "status", "--porcelain")
        if dirty:
            problems.append(f"{clone_git.parent}: working tree not clean at the end: {dirty[:200]}")

    changed_outcome = Counter(
        f"{kind}: {'PR' if n in expected_prs else '{} ({})'.format(*final_plans[n])}"
        for kind, n, _ in changes
        if n
    )
    chaos = dep.github.chaos
    return {
        "mode": "batch" if batch else "per-issue",
        "jobs (deliveries sent by the client)": len(results),
        "issues / approved": (len(numbers), len(mix.approved)),
        "kills (server / worker / both)": (
            killer.done["server"],
            killer.done["worker"],
            killer.done["both"],
        ),
        "kills of the database (connections terminated / a backend SIGKILLed)": (
            killer.done["database connections"],
            killer.done["database backend"],
        ),
        "database connections terminated": killer.terminated_connections,
        "integrity checks ok / run": (killer.integrity["ok"], sum(killer.integrity.values())),
        "origin ref locks left by a killed push (cleared)": killer.origin_locks,
        "GitHub faults injected": dict(sorted((chaos.hits if chaos else {}).items())),
        "data changes under the bot": len(changes),
        "changed issues' outcome": dict(sorted(changed_outcome.items())),
        "answers to the client": dict(sorted(answered.items())),
        "inbox": inbox,
        "exactly-once violations": len(once) + sum(1 for r in rows if r["state"] != "done"),
        **dups,
        "pull requests open / expected": (
            sum(1 for p in dep.github.pulls() if p["state"] == "open"),
            (1 if expected_prs else 0) if batch else len(expected_prs),
        ),
        "commits in the batch / expected": (len(members), len(expected_prs) if batch else 0),
        "branch heads checked against the engine": len(checked),
        "seconds": seconds,
        "load average before/after": (load_before[0], os.getloadavg()[0]),
        "violations": problems,
    }


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fault-rate", type=float, default=0.02)
    parser.add_argument("--batch", action="store_true", help="verifications in a batch PR")
    parser.add_argument(
        "--era",
        choices=sorted(SAMPLE_ERAS),
        default="yaml",
        help="the sample data: people.json (json) or people.yaml (yaml, the default)",
    )
    parser.add_argument("--inbox", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument("--runners", type=int, default=1, help="runners per worker process")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="authorbot-faults-"))
    figures = run_faults(
        workdir,
        jobs=args.jobs,
        kills=args.kills,
        seed=args.seed,
        fault_rate=args.fault_rate,
        batch=args.batch,
        era=args.era,
        inbox=args.inbox,
        workers=args.workers,
        runners=args.runners,
    )
    audit.print_table(figures, "python " + " ".join(sys.argv))
    if args.keep:
        print(f"\nwork folder: {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if figures["violations"] else 0


if __name__ == "__main__":
    sys.exit(main())
