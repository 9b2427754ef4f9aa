"""A job's own time on the full archive: the worker's work without GitHub's answers.

    .venv/bin/python benchmarks/job_bench.py [--tar PATH] [--issues 30] [--approve 10]
        [--baseline REF | --no-baseline] [--profile opened|approve] [--idle SECONDS]

Setup (not timed): the full Anthology fixture (unpacked as by `engine_bench.py`) as a
bare git `origin`, the GitHub stand-in over HTTP, and the real worker (`Bot`, its runner
and a SQLite inbox) in this process. N verification requests (one unverified paper of
an ambiguous name each, moved to a verified namesake: the engine benchmark's requests)
are filed as issues. Then one `issues.opened` per issue is worked, and for the first K
issues a maintainer's `@authorbot approve` (a branch, a push, a pull request).

Each job's `done` log line says how long it took, how many GitHub requests it made and
how long they took (`own_ms` = the rest: the fetch and checkout of the clone, the index
refresh, the plan, the apply and commit, rendering). Today's code (`main` before issue
13, `benchmarks/baseline.py`) does not log that, so the same run also measures, for
both versions alike, the whole job less its HTTP round trips (timed in `requests`'
`Session.send`, which PyGithub uses: it counts parsing GitHub's answers as the job's
own, so it is the stricter of the two), and the job's CPU time (its thread's, and the git
commands' it ran), which the machine's load does not inflate. Today's code runs the same
jobs in a process of its own (this script, importing that commit's `bot`) before this
checkout's. The jobs' git commands go to the local bare `origin`: what the remote does
(GitHub's work in production: answering fetches and ls-remotes, unpacking a push) is
timed apart (`RemoteWork`) and printed beside the own time, with and without it; the
goal is judged without it.

With `--idle S` the worker has S seconds with nothing to do before each job after the
first, and does its idle work then (`Bot.warm_up`: building the index it loaded
lazily from the snapshot), as a worker whose deliveries come minutes apart does; by
default the jobs come back to back, and each edit of a collection not yet built pays
for building it (40-150 ms for the largest).

Prints the first job (the clone and the index load happen there), then median, p95
and max of the others by kind, both versions, with the load average, and issue 13's
goal (own time <= 100 ms). Exits 0 without figures when the fixture is absent.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import logging
import os
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The baseline run: another commit's files, first on the path (see main()).
if os.environ.get("AUTHORBOT_BENCH_CODE"):
    sys.path.insert(0, os.environ["AUTHORBOT_BENCH_CODE"])

from benchmarks.engine_bench import DEFAULT_TARS, unpack, warm_issues  # noqa: E402
from bot.github.client import GitHubAuth  # noqa: E402
from bot.service import Bot  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.standins.datarepo import make_data_repo  # noqa: E402
from bot.standins.github import FakeGitHub  # noqa: E402

REPOSITORY = "acl-org/acl-anthology"
TOKEN, BOT = "bot-token", "authorbot[bot]"
MAINTAINER, AUTHOR = "maintainer-mia", "someone"


class RoundTrips:
    """The seconds this thread spent in HTTP round trips, answers' bodies included
    (`requests.Session.send`, which PyGithub and the bot's client use in every version):
    GitHub's side of a job. The adapter's `send` alone would miss the body, which
    `Session.send` reads after it."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._send = requests.Session.send
        self._thread = threading.get_ident()
        self._depth = 0  # a redirect sends again from inside send: counted once

    def __enter__(self) -> RoundTrips:
        send, me = self._send, self

        def timed_send(session, request, **kwargs):  # type: ignore[no-untyped-def]
            if threading.get_ident() != me._thread or me._depth:
                return send(session, request, **kwargs)
            me._depth += 1
            started = time.perf_counter()
            try:
                return send(session, request, **kwargs)
            finally:
                me.seconds += time.perf_counter() - started
                me._depth -= 1

        requests.Session.send = timed_send  # type: ignore[method-assign,assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        requests.Session.send = self._send  # type: ignore[method-assign]


class RemoteWork:
    """The time the remote spends on its own work for the job's git commands: the
    bench's `origin` is a local bare repository, so what GitHub does (answering a fetch
    or an ls-remote, unpacking a pushed pack, its connectivity check and housekeeping)
    runs on this machine and would count as the job's. The bot's git commands reach the
    remote through wrappers of `git upload-pack` and `git receive-pack` that log with
    GIT_TRACE_PERFORMANCE, and log their own commands the same way.

    Two measures of it, per job (`take`):
    - `remote_ms`: an upload-pack whole (it is all the remote's); of a receive-pack
      only the commands it runs once the pack has come (unpacking, the connectivity
      check, housekeeping). Its own work (its start, the refs it advertises, moving the
      pack in, updating the ref) counts as the job's: the strict measure.
    - `remote_whole_ms`: an upload-pack whole, and a receive-pack whole less the time the
      bot's `pack-objects` ran (the receive-pack waits for that pack; the bot's waits
      for the remote's advertisement and answer are the remote's). That is everything
      but GitHub's side, as issue 13 puts it; the strict one is printed beside it."""

    AFTER_THE_PACK = (
        "unpack-objects",
        "index-pack",
        "rev-list",
        "gc",
        "for-each-ref",
        "maintenance",
    )

    def __init__(self, workdir: Path) -> None:
        self.logs = {
            side: workdir / f"{side}.trace" for side in ("upload-pack", "receive-pack", "bot")
        }
        self.wrappers = {}
        for side in ("upload-pack", "receive-pack"):
            wrapper = workdir / f"{side}-traced"
            wrapper.write_text(
                f'#!/bin/sh\nGIT_TRACE_PERFORMANCE={self.logs[side]} exec git {side} "$@"\n'
            )
            wrapper.chmod(0o755)
            self.wrappers[side] = wrapper
        self._read = dict.fromkeys(self.logs, 0)

    def environment(self) -> dict[str, str]:
        """The variables that make git reach `origin` through the wrappers, and log
        the bot's own git commands."""
        return {
            "GIT_CONFIG_COUNT": "2",
            "GIT_CONFIG_KEY_0": "remote.origin.uploadpack",
            "GIT_CONFIG_VALUE_0": str(self.wrappers["upload-pack"]),
            "GIT_CONFIG_KEY_1": "remote.origin.receivepack",
            "GIT_CONFIG_VALUE_1": str(self.wrappers["receive-pack"]),
            "GIT_TRACE_PERFORMANCE": str(self.logs["bot"]),
        }

    def take(self) -> dict[str, float]:
        """Both measures (milliseconds) of the remote's work logged since the last call."""
        commands = {side: self._commands(side) for side in self.logs}
        upload = sum(ms for word, _, ms in commands["upload-pack"] if word == "upload-pack")
        after = sum(ms for word, _, ms in commands["receive-pack"] if word in self.AFTER_THE_PACK)
        receive = sum(ms for word, _, ms in commands["receive-pack"] if word == "receive-pack")
        packing = sum(
            ms
            for word, line, ms in commands["bot"]
            if word == "pack-objects" and "--stdout" in line  # a push's pack, not a repack
        )
        return {
            "remote_ms": upload + after,
            "remote_whole_ms": upload + max(receive - packing, after),
        }

    def _commands(self, side: str) -> list[tuple[str, str, float]]:
        """The git commands `side`'s log gained since the last call: (the command's
        word, its line, milliseconds)."""
        log = self.logs[side]
        if not log.exists():
            return []
        with log.open(encoding="utf-8", errors="replace") as lines:
            lines.seek(self._read[side])
            text = lines.read()
            self._read[side] = lines.tell()
        found = []
        for line in text.splitlines():
            seconds, _, command = line.partition(" s: git command: ")
            words = command.split()
            if len(words) > 1:
                word = words[1].removeprefix("git-")
                if words[0].endswith("git-upload-pack") or words[0].endswith("git-receive-pack"):
                    word = words[0].rsplit("/", 1)[-1].removeprefix("git-")
                found.append((word, command, float(seconds.rsplit(" ", 1)[-1]) * 1000))
        return found


def cpu_seconds() -> float:
    """CPU time of this thread and of the child processes that ended (git)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.thread_time() + children.ru_utime + children.ru_stime


class DoneLines(logging.Handler):
    """Keeps the runner's `done` records."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() == "done":
            self.records.append(record)


def percentile(values: list[float], q: float) -> float:
    """The `q` quantile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run_jobs(
    root: Path,
    workdir: Path,
    issues: int,
    approve: int,
    profile: str | None = None,
    idle: float = 0.0,
) -> dict[str, Any]:
    """Work the jobs; returns the rows per job. With `profile` (a job kind), the jobs of
    that kind after the first run under cProfile and the functions that took the most
    time (their own and what they called) are printed."""
    profiler = cProfile.Profile() if profile else None
    bare = make_data_repo(workdir, source=root)
    github = FakeGitHub(REPOSITORY, bare, tokens={TOKEN: BOT}, roles={MAINTAINER: "maintain"})
    api = github.start()
    settings = Settings(
        webhook_secret=b"s",
        auth=GitHubAuth(
            api_url=api, token=TOKEN, seconds_between_requests=None, seconds_between_writes=None
        ),
        state_dir=workdir / "state",
        git_url_template=str(bare),
        bot_login=BOT,
        orcid_url=None,
        repositories=(REPOSITORY,),
    )
    remote = RemoteWork(workdir)
    saved_env = dict(os.environ)
    os.environ.update(remote.environment())  # the bot's git commands inherit it
    done = DoneLines()
    runner_log = logging.getLogger("bot.worker.runner")
    runner_log.addHandler(done)
    runner_log.setLevel(logging.INFO)
    bot = Bot(settings)
    runner = bot.runner()
    rows: list[dict[str, Any]] = []
    trips = RoundTrips().__enter__()
    try:
        numbers = []
        for issue in warm_issues(root, issues):
            made = github.open_issue(AUTHOR, issue["title"], issue["body"], ["authorbot"])
            numbers.append(made["number"])

        def payload(action: str, sender: str, number: int, **objects: Any) -> dict[str, Any]:
            return {
                "action": action,
                "issue": dict(github.state.issues[number]),
                "repository": github.repo_json(),
                "sender": github.user_json(sender),
                **objects,
            }

        def work(kind: str, event: str, number: int, body: dict[str, Any]) -> None:
            if idle and rows:  # the worker's idle time before this delivery came
                until = time.monotonic() + idle
                while time.monotonic() < until and bot.warm_up(0.05):
                    pass
            bot.inbox.put(
                str(uuid.uuid4()),
                event,
                body,
                action=body["action"],
                repository=REPOSITORY,
                issue=number,
            )
            waited, cpu = trips.seconds, cpu_seconds()
            remote.take()
            started = time.perf_counter()
            profiled = profiler is not None and kind == profile and rows
            if profiled:
                profiler.enable()
            assert runner.run_once()
            if profiled:
                profiler.disable()
            wall = (time.perf_counter() - started) * 1000
            record = done.records[-1]
            rows.append(
                {
                    "kind": kind,
                    "ms": wall,
                    "without_round_trips_ms": wall - (trips.seconds - waited) * 1000,
                    "cpu_ms": (cpu_seconds() - cpu) * 1000,
                    "own_ms": getattr(record, "own_ms", None),
                    **remote.take(),
                    "github_ms": getattr(record, "github_ms", None),
                    "github_requests": getattr(record, "github_requests", None),
                }
            )

        for number in numbers:
            work("opened", "issues", number, payload("opened", AUTHOR, number))
        for number in numbers[:approve]:
            comment = github.comment(number, MAINTAINER, "@authorbot approve")
            work(
                "approve",
                "issue_comment",
                number,
                payload("created", MAINTAINER, number, comment=comment),
            )
        statuses = [
            label["name"]
            for n in numbers
            for label in github.state.issues[n]["labels"]
            if label["name"].startswith("authorbot:")
        ]
        if profiler is not None:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        return {"rows": rows, "labels": statuses, "pulls": len(github.pulls())}
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        trips.__exit__()
        runner_log.removeHandler(done)
        github.stop()
        bot.inbox.close()


def run_baseline(args: argparse.Namespace) -> tuple[str, dict[str, Any]] | None:
    """The same jobs worked by today's code (a process importing that commit's `bot`)."""
    from benchmarks.baseline import BASELINE, baseline_tree

    tree = baseline_tree(args.baseline or BASELINE)
    if tree is None:
        return None
    command = [sys.executable, __file__, "--json", "--no-baseline", "--tar", str(args.tar)]
    command += ["--issues", str(args.issues), "--approve", str(args.approve)]
    proc = subprocess.run(
        command,
        cwd=tree[0],
        env={**os.environ, "AUTHORBOT_BENCH_CODE": str(tree[0])},
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if proc.returncode != 0:
        raise SystemExit(f"the baseline run failed:\n{proc.stderr[-2000:]}")
    return tree[1], json.loads(proc.stdout)


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} / {percentile(values, 0.95):.0f} / {max(values):.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tar", type=Path, default=DEFAULT_TARS["yaml"])
    parser.add_argument("--issues", type=int, default=30)
    parser.add_argument("--approve", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--profile", choices=["opened", "approve"], help="print where that kind's time goes"
    )
    parser.add_argument(
        "--idle",
        type=float,
        default=0.0,
        help="seconds the worker is idle before each job after the first (its idle work: "
        "building the index loaded lazily); 0: the jobs come back to back",
    )
    parser.add_argument("--baseline", default=None, help="today's code: a commit")
    parser.add_argument("--no-baseline", action="store_true", help="measure this code only")
    args = parser.parse_args()
    if not args.tar.exists():
        print(f"full Anthology fixture not found at {args.tar}: no figures (needs ../shared/data)")
        return 0
    root = unpack("yaml", args.tar)
    baseline = None if args.no_baseline or args.json else run_baseline(args)
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="authorbot-jobs-") as tmp:
        result = run_jobs(root, Path(tmp), args.issues, args.approve, args.profile, args.idle)
    result["load"] = [load_start, os.getloadavg()[0]]
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    versions = [(f"main {baseline[0]}", baseline[1])] if baseline else []
    versions.append(("this checkout", result))
    print(f"Jobs on the full archive (python {' '.join(sys.argv)})")
    print(f"status labels: {sorted(set(result['labels']))}; pull requests: {result['pulls']}")
    print(
        "| version | jobs | n | own ms (the bot's log) median / p95 / max | own ms less the "
        "remote's work, median / p95 / max | the remote's work (`RemoteWork`), ms median | "
        "whole job less its HTTP round trips, ms median / p95 / max | CPU ms median / p95 / "
        "max | whole job ms median | GitHub requests | first job (clone, index load) ms | "
        "load average start / end |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, res in versions:
        first, rest = res["rows"][0], res["rows"][1:]
        for kind in ("opened", "approve"):
            picked = [r for r in rest if r["kind"] == kind]
            if not picked:
                continue
            own = [r["own_ms"] for r in picked if r["own_ms"] is not None]
            requests = [r["github_requests"] for r in picked if r["github_requests"] is not None]
            print(
                f"| {name} | {kind} | {len(picked)} | {_spread(own) if own else '(not logged)'} | "
                f"{_spread(_less_remote(picked)) if own else '(not logged)'} | "
                f"{statistics.median(r.get('remote_whole_ms', 0.0) for r in picked):.0f} | "
                f"{_spread([r['without_round_trips_ms'] for r in picked])} | "
                f"{_spread([r['cpu_ms'] for r in picked])} | "
                f"{statistics.median(r['ms'] for r in picked):.0f} | "
                f"{statistics.median(requests) if requests else '(not logged)'} | "
                f"{first['ms']:.0f} | {res['load'][0]:.1f} / {res['load'][1]:.1f} |"
            )
    for kind in ("opened", "approve"):
        picked = [r for r in result["rows"][1:] if r["kind"] == kind]
        if not picked:
            continue
        own, mine = [r["own_ms"] for r in picked], _less_remote(picked)
        strict = _less_remote(picked, "remote_ms")
        median = statistics.median(mine)
        print(
            f"goal: a job's own time <= 100 ms (everything but GitHub's side, the remote's "
            f"git work apart): {'met' if median <= 100 else 'NOT met'} for {kind} jobs "
            f"(median {median:.0f} ms, p95 {percentile(mine, 0.95):.0f} ms; counting the "
            f"receive-pack's own work as ours: median {statistics.median(strict):.0f} ms, "
            f"p95 {percentile(strict, 0.95):.0f} ms; with all the local remote's git work "
            f"counted as ours: median {statistics.median(own):.0f} ms, "
            f"p95 {percentile(own, 0.95):.0f} ms)"
        )
    return 0


def _less_remote(rows: list[dict[str, Any]], key: str = "remote_whole_ms") -> list[float]:
    """Each job's own time less the time the remote spent on its git commands (`key`:
    which measure of it, see `RemoteWork`)."""
    return [r["own_ms"] - r.get(key, 0.0) for r in rows if r["own_ms"] is not None]


if __name__ == "__main__":
    sys.exit(main())
