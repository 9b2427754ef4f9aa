"""A job's own time on the full archive: the worker's work without GitHub's answers.

    .venv/bin/python benchmarks/job_bench.py [--tar PATH] [--issues 30] [--approve 10]

Setup (not timed): the full Anthology fixture (unpacked as by `engine_bench.py`) as a
bare git `origin`, the GitHub stand-in over HTTP, and the real worker (`Bot`, its runner
and a SQLite inbox) in this process. N verification requests (one unverified paper of
an ambiguous name each, moved to a verified namesake: the engine benchmark's requests)
are filed as issues. Then one `issues.opened` per issue is worked, and for the first K
issues a maintainer's `@authorbot approve` (a branch, a push, a pull request).

Each job's `done` log line says how long it took, how many GitHub requests it made and
how long they took (`own_ms` = the rest: the fetch and checkout of the clone, the index
refresh, the plan, the apply and commit, rendering). Prints the first job (the clone and
the index load happen there), then median, p95 and max of the others by kind.
Exits 0 without figures when the fixture is absent (it says so).
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.engine_bench import DEFAULT_TARS, unpack, warm_issues  # noqa: E402
from bot.github.client import GitHubAuth  # noqa: E402
from bot.service import Bot  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.standins.datarepo import make_data_repo  # noqa: E402
from bot.standins.github import FakeGitHub  # noqa: E402

REPOSITORY = "acl-org/acl-anthology"
TOKEN, BOT = "bot-token", "authorbot[bot]"
MAINTAINER, AUTHOR = "maintainer-mia", "someone"


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


def run_jobs(root: Path, workdir: Path, issues: int, approve: int) -> dict[str, Any]:
    """Work the jobs; returns the rows per job."""
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
    done = DoneLines()
    runner_log = logging.getLogger("bot.worker.runner")
    runner_log.addHandler(done)
    runner_log.setLevel(logging.INFO)
    bot = Bot(settings)
    runner = bot.runner()
    rows: list[dict[str, Any]] = []
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
            bot.inbox.put(
                str(uuid.uuid4()),
                event,
                body,
                action=body["action"],
                repository=REPOSITORY,
                issue=number,
            )
            started = time.perf_counter()
            assert runner.run_once()
            wall = (time.perf_counter() - started) * 1000
            record = done.records[-1]
            rows.append(
                {
                    "kind": kind,
                    "ms": wall,
                    "own_ms": getattr(record, "own_ms", None),
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
        return {"rows": rows, "labels": statuses, "pulls": len(github.pulls())}
    finally:
        runner_log.removeHandler(done)
        github.stop()
        bot.inbox.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tar", type=Path, default=DEFAULT_TARS["yaml"])
    parser.add_argument("--issues", type=int, default=30)
    parser.add_argument("--approve", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.tar.exists():
        print(f"full Anthology fixture not found at {args.tar}: no figures (needs ../shared/data)")
        return 0
    root = unpack("yaml", args.tar)
    with tempfile.TemporaryDirectory(prefix="authorbot-jobs-") as tmp:
        result = run_jobs(root, Path(tmp), args.issues, args.approve)
    rows = result["rows"]
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    first, rest = rows[0], rows[1:]
    print(f"Jobs on the full archive (python {' '.join(sys.argv)})")
    print(f"status labels: {sorted(set(result['labels']))}; pull requests: {result['pulls']}")
    print(
        f"first job (clone of the archive, index load): {first['ms']:.0f} ms, "
        f"own {first['own_ms']} ms"
    )
    print("| jobs | n | own ms median / p95 / max | whole job ms median | GitHub requests |")
    print("| --- | --- | --- | --- | --- |")
    for kind in ("opened", "approve"):
        picked = [r for r in rest if r["kind"] == kind]
        if not picked:
            continue
        own = [r["own_ms"] for r in picked]
        print(
            f"| {kind} | {len(picked)} | {statistics.median(own):.0f} / "
            f"{percentile(own, 0.95):.0f} / {max(own):.0f} | "
            f"{statistics.median(r['ms'] for r in picked):.0f} | "
            f"{statistics.median(r['github_requests'] for r in picked):.0f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
