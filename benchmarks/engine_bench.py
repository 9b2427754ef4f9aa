"""Engine benchmark on the full Anthology fixture in both eras of its files, side by
side with each era's own library doing the same change (load, change, save).

    .venv/bin/python benchmarks/engine_bench.py [--requests N] [--rounds R] [--skip-library]

The same archive comes in two eras: `data/yaml/people.yaml` (before 2026, read by
acl-anthology 1.2.0) and `data/json/people.json` (today, read by 1.3.4). It unpacks
../shared/data/anthology-people-era.tar.xz and anthology-json-era.tar.xz (or --tar,
--json-tar) once into a cache folder, then runs, each in a fresh process so that
peak RSS is its own, for each era:

1. authorbot cold: start Python, load the index, plan and apply one request;
   and `authorbot plan DATA_DIR ISSUE_JSON --json` as a command, three times in a new
   cache folder: the first run reads everything and writes the index snapshot
   (bot/anthology/snapshot.py), the next two take the collections from it;
2. authorbot warm: load once, then plan + apply N different requests, timing each;
3. the era's library: `load_all()`, set the same author's id, `collection.save()`
   and `people.save()` (1.2.0 in this venv; 1.3.4 from `.venv-oracle13`, or the
   Python named by $AUTHORBOT_ORACLE13, as the tests run it).

Steps 1 and 2 run `--rounds` times, the eras taking turns (and the first turn
alternating), so that both see the same load on a shared machine; each figure is
the best round's, the peak RSS the highest. The one change in (1) and (3):
2003.mtsummit-papers.23, author "Wei Wang", from `wei-wang/unverified` to
`wei-wang`. Prints one table with both eras and says whether the people.json era is
at least as fast as the people.yaml era in every figure. Exits 0 without figures
when the fixtures are absent (it says so).
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
SHARED_DATA = REPO.parent / "shared" / "data"
DEFAULT_TARS = {
    "yaml": SHARED_DATA / "anthology-people-era.tar.xz",
    "json": SHARED_DATA / "anthology-json-era.tar.xz",
}
PEOPLE = {"yaml": "data/yaml/people.yaml", "json": "data/json/people.json"}
LIBRARY_VERSION = {"yaml": "1.2.0", "json": "1.3.4"}
ERAS = ("yaml", "json")
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
from importlib.metadata import version
print(json.dumps({"load": t1 - t0, "request": t2 - t1, "version": version("acl-anthology")}))
"""


def library_python(era: str) -> str | None:
    """The Python that has the era's library (None: not installed here)."""
    if era == "yaml":
        return sys.executable
    named = os.environ.get("AUTHORBOT_ORACLE13")
    if named:
        return named
    venv = REPO / ".venv-oracle13" / "bin" / "python"
    return str(venv) if venv.exists() else None


def run_measured(python: str, code: str, *args: str) -> tuple[dict, float, int]:
    """Run Python code in a fresh process; (its JSON output, wall seconds, peak RSS KiB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [python, "-c", code, *args],
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


def unpack(era: str, tar: Path) -> Path:
    root = CACHE / era / "acl-anthology-data"
    if not (root / PEOPLE[era]).exists():
        (CACHE / era).mkdir(parents=True, exist_ok=True)
        with tarfile.open(tar) as t:
            t.extractall(CACHE / era, filter="data")
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


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure_engine(roots: dict[str, Path], issues: list[dict], rounds: int) -> dict[str, dict]:
    """Cold and warm runs of authorbot, the eras taking turns; per era, each figure's
    best round (peak RSS: the highest)."""
    runs: dict[str, list[dict]] = {era: [] for era in roots}
    for n in range(rounds):
        order = list(roots) if n % 2 == 0 else list(reversed(roots))
        for era in order:
            cold, cold_wall, cold_rss = run_measured(
                sys.executable, COLD, str(fresh_copy(roots[era], "cold")), json.dumps(ISSUE)
            )
            warm, _, warm_rss = run_measured(
                sys.executable, WARM, str(fresh_copy(roots[era], "warm")), json.dumps(issues)
            )
            runs[era].append(
                {
                    "cold_load": cold["load"],
                    "cold_wall": cold_wall,
                    "cold_rss": cold_rss / 1024,
                    "warm_median": statistics.median(warm["total"]),
                    "warm_p95": percentile(warm["total"], 0.95),
                    "warm_max": max(warm["total"]),
                    "plan_median": statistics.median(warm["plan"]),
                    "apply_median": statistics.median(warm["apply"]),
                    "warm_rss": warm_rss / 1024,
                    "n": len(warm["total"]),
                }
            )
            print(f"  round {n + 1}, {era} era: done", file=sys.stderr)
    best: dict[str, dict] = {}
    for era, rs in runs.items():
        best[era] = {
            k: (max if k.endswith("rss") else min)(r[k] for r in rs) for k in rs[0] if k != "n"
        }
        best[era]["n"] = rs[0]["n"]
        best[era]["cold_load_all"] = [r["cold_load"] for r in rs]
    return best


def measure_library(era: str, root: Path) -> dict | None:
    python = library_python(era)
    if python is None:
        print(f"  acl-anthology {LIBRARY_VERSION[era]} not installed: skipped", file=sys.stderr)
        return None
    lib, wall, rss = run_measured(python, LIBRARY, str(fresh_copy(root, f"library-{era}")))
    return {**lib, "wall": wall, "rss": rss / 1024}


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


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tar", type=Path, default=DEFAULT_TARS["yaml"])
    parser.add_argument("--json-tar", type=Path, default=DEFAULT_TARS["json"])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-library", action="store_true")
    args = parser.parse_args()
    tars = {"yaml": args.tar, "json": args.json_tar}
    missing = [str(t) for t in tars.values() if not t.exists()]
    if missing:
        print(f"full Anthology fixture not found at {', '.join(missing)}: no figures")
        return 0
    roots = {era: unpack(era, tars[era]) for era in ERAS}
    issues = warm_issues(roots["yaml"], args.requests)
    engine = measure_engine(roots, issues, args.rounds)
    cli = {era: cli_plan_runs(fresh_copy(roots[era], f"cli-{era}")) for era in ERAS}
    library = {}
    if not args.skip_library:
        library = {era: measure_library(era, roots[era]) for era in ERAS}

    def ms(x: float) -> str:
        return f"{x * 1000:.1f} ms"

    def s(x: float) -> str:
        return f"{x:.2f} s"

    def mib(x: float) -> str:
        return f"{x:.0f} MiB"

    figures = [
        ("cold start: process start, load index", "cold_load", s),
        ("cold: whole run incl. one plan + apply", "cold_wall", s),
        ("cold: peak RSS", "cold_rss", mib),
        (f"warm request, plan + apply (n={engine['yaml']['n']}): median", "warm_median", ms),
        ("warm request: p95", "warm_p95", ms),
        ("warm request: max", "warm_max", ms),
        ("warm: plan median", "plan_median", ms),
        ("warm: apply median", "apply_median", ms),
        ("warm process: peak RSS", "warm_rss", mib),
    ]
    rows = [("figure", "people.yaml era", "people.json era")]
    slower = []
    for label, key, fmt in figures:
        rows.append((f"authorbot {label}", fmt(engine["yaml"][key]), fmt(engine["json"][key])))
        if engine["json"][key] > engine["yaml"][key]:
            slower.append(label)
    rows += [
        (
            "`authorbot plan` cold, first run (reads all, writes the snapshot)",
            s(cli["yaml"][0]),
            s(cli["json"][0]),
        ),
        (
            "`authorbot plan` cold with the snapshot (2nd / 3rd run)",
            " / ".join(s(t) for t in cli["yaml"][1:]),
            " / ".join(s(t) for t in cli["json"][1:]),
        ),
    ]
    for era in ERAS:
        lib = library.get(era)
        if lib is None:
            continue
        lib["total"] = lib["load"] + lib["request"]
    if all(library.get(e) for e in ERAS):
        lib_y, lib_j = library["yaml"], library["json"]
        rows += [
            ("library", f"acl-anthology {lib_y['version']}", f"acl-anthology {lib_j['version']}"),
            ("library: load_all", s(lib_y["load"]), s(lib_j["load"])),
            ("library: change + save", s(lib_y["request"]), s(lib_j["request"])),
            ("library: whole run (load, change, save)", s(lib_y["wall"]), s(lib_j["wall"])),
            ("library: peak RSS", mib(lib_y["rss"]), mib(lib_j["rss"])),
            (
                "speed-up, warm request vs library load+change+save",
                f"{lib_y['total'] / engine['yaml']['warm_median']:.0f}x",
                f"{lib_j['total'] / engine['json']['warm_median']:.0f}x",
            ),
            (
                "speed-up, authorbot cold run vs library run",
                f"{lib_y['wall'] / engine['yaml']['cold_wall']:.1f}x",
                f"{lib_j['wall'] / engine['json']['cold_wall']:.1f}x",
            ),
        ]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    load = os.getloadavg()
    print(f"Full fixture, both eras: {CACHE}  (load average {load[0]:.1f} {load[1]:.1f})")
    print(f"authorbot: best of {args.rounds} rounds per era, eras taking turns")
    print(
        "cold start per round (s): "
        + "; ".join(
            f"{era} " + ", ".join(f"{x:.2f}" for x in engine[era]["cold_load_all"]) for era in ERAS
        )
    )
    for i, row in enumerate(rows):
        print("  ".join(cell.ljust(widths[j]) for j, cell in enumerate(row)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    if slower:
        print("people.json era slower than the people.yaml era in: " + "; ".join(slower))
    else:
        print("people.json era at least as fast as the people.yaml era in every authorbot figure")
    return 0


if __name__ == "__main__":
    sys.exit(main())
