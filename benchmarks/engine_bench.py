"""Engine benchmark on the full Anthology fixture, side by side with the field's own
library doing the same change (load, change, save).

    .venv/bin/python benchmarks/engine_bench.py [--tar PATH] [--requests N]

It unpacks ../shared/data/anthology-people-era.tar.xz (or --tar) once into a cache
folder, then runs, each in a fresh process so peak RSS is its own:

1. authorbot cold: start Python, load the index, plan and apply one request;
   and `authorbot plan DATA_DIR ISSUE_JSON --json` as a command, three times in a new
   cache folder: the first run reads everything and writes the index snapshot
   (bot/anthology/snapshot.py), the next two take the collections from it;
2. authorbot warm: load once, then plan + apply N different requests, timing each;
3. the library: acl-anthology 1.2.0 `load_all()`, set the same author's id,
   `collection.save()` and `people.save()` (the change the library's own docs time).

The one change in (1) and (3): 2003.mtsummit-papers.23, author "Wei Wang", from
`wei-wang/unverified` to `wei-wang`. Prints a table; exits 0 without figures when
the fixture is absent (it says so).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_TAR = REPO.parent / "shared" / "data" / "anthology-people-era.tar.xz"
CACHE = Path(tempfile.gettempdir()) / "authorbot-bench-full"

ISSUE = {
    "number": 1,
    "title": "Fix paper assignments: wei-wang/unverified",
    "body": (
        "### Author page\n\nhttps://aclanthology.org/people/wei-wang/unverified/\n\n"
        "### Papers\n\n2003.mtsummit-papers.23\n\n### Assign them to\n\nwei-wang\n\n"
        "### ORCID iD\n\n_No response_\n\n### Institution of highest (anticipated) degree\n\n"
        "_No response_\n\n### Preferred name\n\n_No response_\n\n### Notes\n\n_No response_"
    ),
    "labels": [{"name": "authorbot"}],
    "user": {"login": "bench"},
}

COLD = r"""
import json, sys, time
t0 = time.perf_counter()
from bot.anthology.index import DataIndex
from bot.engine.api import apply_plan, plan_issue
index = DataIndex.load(sys.argv[1])
t1 = time.perf_counter()
plan = plan_issue(index, json.loads(sys.argv[2]))
assert plan.status == "ready", plan.problems
apply_plan(index, plan)
t2 = time.perf_counter()
print(json.dumps({"load": t1 - t0, "request": t2 - t1, "moves": len(plan.moves)}))
"""

WARM = r"""
import json, sys, time
from bot.anthology.index import DataIndex
from bot.engine.api import apply_plan, plan_issue
index = DataIndex.load(sys.argv[1])
issues = json.loads(sys.argv[2])
plans, applies, totals, moved = [], [], [], 0
for issue in issues:
    t0 = time.perf_counter()
    plan = plan_issue(index, issue)
    t1 = time.perf_counter()
    if plan.status != "ready":
        raise SystemExit(f"not ready: {issue['title']}: {plan.problems}")
    apply_plan(index, plan)
    t2 = time.perf_counter()
    plans.append(t1 - t0); applies.append(t2 - t1); totals.append(t2 - t0); moved += len(plan.moves)
print(json.dumps({"plan": plans, "apply": applies, "total": totals, "moves": moved}))
"""

LIBRARY = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
t0 = time.perf_counter()
from acl_anthology import Anthology
a = Anthology(datadir=sys.argv[1] + "/data")
a.load_all()
t1 = time.perf_counter()
paper = a.get("2003.mtsummit-papers.23")
for ns in paper.authors:
    if ns.name.as_first_last() == "Wei Wang":
        ns.id = "wei-wang"
paper.parent.parent.save()
a.people.save()
t2 = time.perf_counter()
print(json.dumps({"load": t1 - t0, "request": t2 - t1}))
"""


def run_measured(code: str, *args: str) -> tuple[dict, float, int]:
    """Run Python code in a fresh process; (its JSON output, wall seconds, peak RSS KiB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        text=True,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out = proc.stdout.read() if proc.stdout else ""
    err = proc.stderr.read() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step failed:\n{err[-2000:]}")
    return json.loads(out.strip().splitlines()[-1]), wall, usage.ru_maxrss


def cli_plan_runs(root: Path, runs: int = 3) -> list[float]:
    """Wall seconds of `authorbot plan ROOT ISSUE --json`, each a new process, all with
    one new cache folder (the first run writes the snapshot the others read)."""
    cache = Path(tempfile.mkdtemp(prefix="authorbot-bench-cache-"))
    issue_file = cache / "issue.json"
    issue_file.write_text(json.dumps(ISSUE), "utf-8")
    env = {**os.environ, "AUTHORBOT_CACHE_DIR": str(cache / "cache"), "AUTHORBOT_SNAPSHOT": "on"}
    times = []
    try:
        for _ in range(runs):
            start = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "bot.cli", "plan", str(root), str(issue_file), "--json"],
                cwd=REPO,
                env=env,
                capture_output=True,
                text=True,
            )
            times.append(time.perf_counter() - start)
            if proc.returncode != 0 or json.loads(proc.stdout)["status"] != "ready":
                raise SystemExit(f"authorbot plan failed:\n{proc.stderr[-2000:]}")
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return times


def unpack(tar: Path) -> Path:
    root = CACHE / "acl-anthology-data"
    if not (root / "data" / "yaml" / "people.yaml").exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tar) as t:
            t.extractall(CACHE, filter="data")
    return root


def fresh_copy(root: Path, name: str) -> Path:
    dest = CACHE / name
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(root, dest)
    return dest


def warm_issues(root: Path, count: int) -> list[dict]:
    """N different requests: one unverified paper of an ambiguous name each, moved
    to a verified person with that name (the commonest real request)."""
    sys.path.insert(0, str(REPO))
    from bot.anthology.index import DataIndex

    index = DataIndex.load(root)
    issues: list[dict] = []
    used_items: set[str] = set()
    for slug, ids in sorted(index.slug_ids.items()):
        if len(issues) >= count:
            break
        if len(ids) < 2:
            continue
        page = f"{slug}/unverified"
        for occ in index.by_slug.get(slug, []):
            if occ.item in used_items or index.items[occ.item].kind != "paper":
                continue
            if index.resolve(occ) != page:
                continue
            target = sorted(ids)[0]
            if any(index.resolve(o) == target for o in index.on_item[occ.item]):
                continue
            issue = json.loads(json.dumps(ISSUE))
            issue["title"] = f"Fix paper assignments: {page}"
            issue["body"] = (
                issue["body"]
                .replace("wei-wang/unverified", page)
                .replace("2003.mtsummit-papers.23", occ.item)
                .replace("\n\nwei-wang\n\n", f"\n\n{target}\n\n")
            )
            issues.append(issue)
            used_items.add(occ.item)
            break
    return issues


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tar", type=Path, default=DEFAULT_TAR)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--skip-library", action="store_true")
    args = parser.parse_args()
    if not args.tar.exists():
        print(f"full Anthology fixture not found at {args.tar}: no figures (needs ../shared/data)")
        return 0
    root = unpack(args.tar)
    issues = warm_issues(root, args.requests)

    cold, cold_wall, cold_rss = run_measured(COLD, str(fresh_copy(root, "cold")), json.dumps(ISSUE))
    cli = cli_plan_runs(fresh_copy(root, "cli"))
    warm, _, warm_rss = run_measured(WARM, str(fresh_copy(root, "warm")), json.dumps(issues))
    lib = None
    if not args.skip_library:
        lib, lib_wall, lib_rss = run_measured(LIBRARY, str(fresh_copy(root, "library")))

    def ms(x: float) -> str:
        return f"{x * 1000:.1f} ms"

    totals = sorted(warm["total"])
    p95 = totals[min(len(totals) - 1, int(0.95 * len(totals)))]
    median = statistics.median(totals)
    rows = [
        ("authorbot cold start (process start, load index)", f"{cold['load']:.2f} s"),
        ("authorbot cold: whole run incl. one plan + apply", f"{cold_wall:.2f} s"),
        ("authorbot cold: peak RSS", f"{cold_rss / 1024:.0f} MiB"),
        ("`authorbot plan` cold, first run (reads all, writes the snapshot)", f"{cli[0]:.2f} s"),
        (
            "`authorbot plan` cold with the snapshot (2nd / 3rd run)",
            " / ".join(f"{t:.2f} s" for t in cli[1:]),
        ),
        (f"authorbot warm request, plan + apply (n={len(totals)}): median", ms(median)),
        ("authorbot warm request: p95 / max", f"{ms(p95)} / {ms(totals[-1])}"),
        (
            "authorbot warm: plan median / apply median",
            f"{ms(statistics.median(warm['plan']))} / {ms(statistics.median(warm['apply']))}",
        ),
        ("authorbot warm process: peak RSS", f"{warm_rss / 1024:.0f} MiB"),
    ]
    if lib is not None:
        lib_total = lib["load"] + lib["request"]
        rows += [
            ("acl-anthology 1.2.0: load_all", f"{lib['load']:.2f} s"),
            ("acl-anthology 1.2.0: change + save", f"{lib['request']:.2f} s"),
            ("acl-anthology 1.2.0: whole run (load, change, save)", f"{lib_wall:.2f} s"),
            ("acl-anthology 1.2.0: peak RSS", f"{lib_rss / 1024:.0f} MiB"),
            ("speed-up, warm request vs library load+change+save", f"{lib_total / median:.0f}x"),
            ("speed-up, authorbot cold run vs library run", f"{lib_wall / cold_wall:.1f}x"),
        ]
    width = max(len(r[0]) for r in rows)
    print(f"Full fixture: {root}")
    for label, value in rows:
        print(f"{label.ljust(width)}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
