"""Engine benchmark on the full Anthology fixture in both eras of its files, side by
side with each era's own library doing the same change (load, change, save).

    .venv/bin/python benchmarks/engine_bench.py [--requests N] [--rounds R] [--skip-library]
        [--baseline REF | --no-baseline]

The same archive comes in two eras: `data/yaml/people.yaml` (before 2026, read by
acl-anthology 1.2.0) and `data/json/people.json` (today, read by 1.3.4). It unpacks
../shared/data/anthology-people-era.tar.xz and anthology-json-era.tar.xz (or --tar,
--json-tar) once into a cache folder, then runs, each in a fresh process so that
peak RSS is its own, for each era:

1. authorbot cold: start Python, load the index, plan and apply one request;
   and `authorbot plan DATA_DIR ISSUE_JSON --json` as a command, twice in a new cache
   folder (and all that twice): the first run reads everything and answers, while a
   fork of it, detached, writes the index snapshot (bot/anthology/snapshot.py); the
   second takes the collections from it;
2. authorbot warm: load once, then plan + apply N different requests, timing each,
   as the bot applies them: without flushing the files to disk
   (`apply_plan(durable=False)`: the bot's clone is marked dirty first and restored
   from git after a crash; today's code, which has no such choice, flushes);
3. the era's library: `load_all()`, set the same author's id, `collection.save()`
   and `people.save()` (1.2.0 in this venv; 1.3.4 from `.venv-oracle13`, or the
   Python named by $AUTHORBOT_ORACLE13, as the tests run it).

Steps 1 and 2 run for this checkout and for today's code beside it (`main` before issue
13, `benchmarks/baseline.py`; `--baseline REF` names another commit), `--rounds` times,
the eras and the two versions taking turns (and the first turn alternating), so that all
see the same load on a shared machine; each figure is the best round's, the peak RSS the
highest. Every time is printed with the CPU seconds it took and the machine's load
average when it was taken (the machine is shared: a wall time far above its CPU time was
spent waiting for a core or for the disk). The cold command runs: today's `authorbot
plan` (it has no snapshot), ours without the snapshot (`AUTHORBOT_SNAPSHOT=off`), the
first run (a new cache folder), and the run that reads the snapshot it left, and one
after a collection file changed (a line added at its end: a new stamp, the same items
and names; the run reads that file alone, and leaves a writer that writes the snapshot
again, patching the old one's lookups: `snapshot.write_snapshot`), twice each, taking
turns; each figure is the best of the two. The first run (and the one after a change) is
given twice: until the command ends (its answer printed, its output closed: what a
person or a script waits for) with its own CPU time; and until the detached writer it
left has written the snapshot, with the CPU time of both processes (this benchmark makes
itself the "subreaper" of its children's orphans, Linux's PR_SET_CHILD_SUBREAPER, so it
waits for the writer and reads its CPU time; the runs after it start only then, and read
the snapshot).
The one change in (1) and (3):
2003.mtsummit-papers.23, author "Wei Wang", from `wei-wang/unverified` to
`wei-wang`. Prints one table with both eras, the goals of issue 13 beside the figures
they concern, and says whether the people.json era is at least as fast as the
people.yaml era in every figure of this checkout. Exits 0 without figures
when the fixtures are absent (it says so).
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.baseline import BASELINE, baseline_tree  # noqa: E402

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
print(json.dumps({"load": t1 - t0, "load_cpu": time.process_time(), "request": t2 - t1,
                  "moves": len(plan.moves), "code": __import__("bot").__file__}))
"""

WARM = r"""
import inspect, json, sys, time
from bot.anthology.index import DataIndex
from bot.engine.api import apply_plan, plan_issue
# As the bot applies a plan (bot/worker/workspace.py), where the code has the choice.
bot_way = {"durable": False} if "durable" in inspect.signature(apply_plan).parameters else {}
index = DataIndex.load(sys.argv[1])
issues = json.loads(sys.argv[2])
plans, applies, totals, cpus, moved = [], [], [], [], 0
for issue in issues:
    c0 = time.process_time()
    t0 = time.perf_counter()
    plan = plan_issue(index, issue)
    t1 = time.perf_counter()
    if plan.status != "ready":
        raise SystemExit(f"not ready: {issue['title']}: {plan.problems}")
    apply_plan(index, plan, **bot_way)
    t2 = time.perf_counter()
    cpus.append(time.process_time() - c0)
    plans.append(t1 - t0); applies.append(t2 - t1); totals.append(t2 - t0); moved += len(plan.moves)
print(json.dumps({"plan": plans, "apply": applies, "total": totals, "cpu": cpus, "moves": moved,
                  "code": __import__("bot").__file__}))
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


@dataclass
class Run:
    """One process: its wall and CPU seconds, peak RSS (KiB), the load average when it
    ended, and its standard output; and of the detached processes it left (a snapshot
    writer), how many, the wall seconds from its start until the last one ended, and
    their CPU seconds."""

    wall: float
    cpu: float
    rss: int
    load: float
    out: str
    orphans: int = 0
    orphans_done: float = 0.0
    orphans_cpu: float = 0.0


PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    """Make this process the one that the orphans of its children are given to (Linux),
    so that a detached writer left by a measured command can be waited for. False
    where that cannot be done."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


SUBREAPER = False  # set by main()


def reap_orphans(start: float) -> tuple[int, float, float]:
    """Wait for every process left by the commands run so far (given to this process as
    their subreaper): how many, when the last ended (seconds after `start`), their CPU."""
    count, done, cpu = 0, 0.0, 0.0
    while SUBREAPER:
        try:
            _, _, usage = os.wait4(-1, 0)
        except ChildProcessError:
            break
        count, done = count + 1, time.perf_counter() - start
        cpu += usage.ru_utime + usage.ru_stime
    return count, done, cpu


def run_process(argv: list[str], cwd: Path = REPO, env: dict[str, str] | None = None) -> Run:
    """Run a command in a fresh process and measure it (its rusage is its own: os.wait4);
    exits with its error output when it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, env=env, text=True
    )
    # Both outputs stay small (a plan's JSON, the figures): the pipes cannot fill up
    # before the process ends, so waiting first and reading after is safe.
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out = proc.stdout.read() if proc.stdout else ""
    err = proc.stderr.read() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step failed ({' '.join(argv[1:5])}):\n{err[-2000:]}")
    load = os.getloadavg()[0]
    orphans, done, orphans_cpu = reap_orphans(start)
    return Run(
        wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, load, out, orphans, done,
        orphans_cpu,
    )  # fmt: skip


def run_python(code: str, *args: str, cwd: Path = REPO, env: dict[str, str] | None = None) -> Run:
    """Run Python code (or, with code "", `-m module ...`) in this venv in a fresh
    process, with `cwd` first on its path: it imports that folder's `bot`."""
    argv = [sys.executable, *(["-c", code] if code else []), *args]
    return run_process(argv, cwd, {**os.environ, **(env or {}), "PYTHONPATH": str(cwd)})


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


def _checked_code(run: Run, code: Path) -> dict:
    """The run's JSON, after making sure it ran the code it was meant to run."""
    out = json.loads(run.out.strip().splitlines()[-1])
    if not Path(out["code"]).resolve().is_relative_to(code.resolve()):
        raise SystemExit(f"ran {out['code']}, not the code in {code}")
    return out


# A figure of one round: (value, CPU seconds or None, load average).
Figure = tuple[float, float | None, float]


def measure_engine(
    roots: dict[str, Path], issues: list[dict], rounds: int, codes: dict[str, Path]
) -> dict[tuple[str, str], dict[str, Figure]]:
    """Cold and warm runs of each version of authorbot (`codes`: label -> folder) on each
    era, all taking turns; per (version, era), each figure's best round (peak RSS: the
    highest), with that round's CPU time and load."""
    runs: dict[tuple[str, str], list[dict[str, Figure]]] = {
        (label, era): [] for label in codes for era in roots
    }
    for n in range(rounds):
        turns = [(label, era) for era in roots for label in codes]
        for label, era in turns if n % 2 == 0 else reversed(turns):
            code = codes[label]
            cold_run = run_python(
                COLD, str(fresh_copy(roots[era], "cold")), json.dumps(ISSUE), cwd=code
            )
            cold = _checked_code(cold_run, code)
            warm_run = run_python(
                WARM, str(fresh_copy(roots[era], "warm")), json.dumps(issues), cwd=code
            )
            warm = _checked_code(warm_run, code)
            total, cpu = warm["total"], warm["cpu"]
            slowest = max(range(len(total)), key=total.__getitem__)
            runs[(label, era)].append(
                {
                    "cold_load": (cold["load"], cold["load_cpu"], cold_run.load),
                    "cold_wall": (cold_run.wall, cold_run.cpu, cold_run.load),
                    "cold_rss": (cold_run.rss / 1024, None, cold_run.load),
                    "warm_median": (
                        statistics.median(total),
                        statistics.median(cpu),
                        warm_run.load,
                    ),
                    "warm_p95": (percentile(total, 0.95), percentile(cpu, 0.95), warm_run.load),
                    "warm_max": (total[slowest], cpu[slowest], warm_run.load),
                    "plan_median": (statistics.median(warm["plan"]), None, warm_run.load),
                    "apply_median": (statistics.median(warm["apply"]), None, warm_run.load),
                    "warm_rss": (warm_run.rss / 1024, None, warm_run.load),
                    "n": (len(total), None, 0.0),
                }
            )
            print(f"  round {n + 1}, {label}, {era} era: done", file=sys.stderr)
    best: dict[tuple[str, str], dict[str, Figure]] = {}
    for key, rs in runs.items():
        best[key] = {
            k: (max if k.endswith("rss") else min)((r[k] for r in rs), key=lambda f: f[0])
            for k in rs[0]
        }
    return best


def measure_library(era: str, root: Path) -> dict | None:
    python = library_python(era)
    if python is None:
        print(f"  acl-anthology {LIBRARY_VERSION[era]} not installed: skipped", file=sys.stderr)
        return None
    run = run_process([python, "-c", LIBRARY, str(fresh_copy(root, f"library-{era}"))])
    lib = json.loads(run.out.strip().splitlines()[-1])
    return {**lib, "wall": run.wall, "rss": run.rss / 1024, "run_load": run.load}


def cli_plan_runs(codes: dict[str, Path], root: Path) -> dict[str, list[Run]]:
    """`authorbot plan ROOT ISSUE --json` as a command, each run a new process, the
    versions taking turns: today's code ("main"), ours without the snapshot ("off"), the
    first run with a new cache folder ("first": it reads everything, answers, and leaves a
    writer of the snapshot, detached: `Run.orphans*`) and the runs after it ("snapshot"),
    which start once that writer has ended."""
    work = Path(tempfile.mkdtemp(prefix="authorbot-bench-cli-"))
    issue_file = work / "issue.json"
    issue_file.write_text(json.dumps(ISSUE), "utf-8")
    now = codes["now"]
    steps: list[tuple[str, Path, dict[str, str]]] = []
    off_env = {"AUTHORBOT_CACHE_DIR": str(work / "unused"), "AUTHORBOT_SNAPSHOT": "off"}
    for n in range(2):
        # A new cache folder each time: two first runs, each followed by a run that reads
        # the snapshot it left.
        snapshot_env = {"AUTHORBOT_CACHE_DIR": str(work / f"cache{n}"), "AUTHORBOT_SNAPSHOT": "on"}
        if "main" in codes:
            steps.append(("main", codes["main"], {}))
        steps.append(("off", now, off_env))
        steps.append(("first", now, snapshot_env))
        steps.append(("snapshot", now, snapshot_env))
        steps.append(("changed", now, snapshot_env))
    runs: dict[str, list[Run]] = {}
    # The file changed before a "changed" run: one collection among the large ones.
    xml_files = sorted((root / "data" / "xml").glob("*.xml"), key=lambda f: f.stat().st_size)
    changed = xml_files[len(xml_files) * 9 // 10]
    try:
        for label, code, env in steps:
            if label == "changed":
                with open(changed, "a", encoding="utf-8") as handle:
                    handle.write("\n")  # a new stamp: the file is scanned again
            run = run_python(
                "", "-m", "bot.cli", "plan", str(root), str(issue_file), "--json", cwd=code, env=env
            )
            if json.loads(run.out)["status"] != "ready":
                raise SystemExit(f"authorbot plan ({label}) was not ready")
            if not SUBREAPER and label == "first":  # cannot wait for the writer: its file
                deadline = time.monotonic() + 120
                while not list(Path(env["AUTHORBOT_CACHE_DIR"]).glob("*.snapshot")):
                    if time.monotonic() > deadline:
                        raise SystemExit("the first run wrote no snapshot in 120 s")
                    time.sleep(0.1)
            if label == "snapshot" and run.orphans:
                raise SystemExit("a run that read the snapshot left a writer behind")
            runs.setdefault(label, []).append(run)
        if (work / "unused").exists():
            raise SystemExit("AUTHORBOT_SNAPSHOT=off wrote a snapshot")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tar", type=Path, default=DEFAULT_TARS["yaml"])
    parser.add_argument("--json-tar", type=Path, default=DEFAULT_TARS["json"])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-library", action="store_true")
    parser.add_argument("--baseline", default=BASELINE, help="today's code: a commit")
    parser.add_argument("--no-baseline", action="store_true", help="measure this checkout only")
    args = parser.parse_args()
    tars = {"yaml": args.tar, "json": args.json_tar}
    global SUBREAPER
    SUBREAPER = become_subreaper()
    if not SUBREAPER:
        print("cannot wait for detached writers here: no CPU figure for them", file=sys.stderr)
    missing = [str(t) for t in tars.values() if not t.exists()]
    if missing:
        print(f"full Anthology fixture not found at {', '.join(missing)}: no figures")
        return 0
    codes = {"now": REPO}
    baseline = None if args.no_baseline else baseline_tree(args.baseline)
    if baseline is not None:
        codes = {"main": baseline[0], "now": REPO}
    load_start = os.getloadavg()
    roots = {era: unpack(era, tars[era]) for era in ERAS}
    issues = warm_issues(roots["yaml"], args.requests)
    engine = measure_engine(roots, issues, args.rounds, codes)
    cli = {era: cli_plan_runs(codes, fresh_copy(roots[era], f"cli-{era}")) for era in ERAS}
    library = {}
    if not args.skip_library:
        library = {era: measure_library(era, roots[era]) for era in ERAS}
    print_table(args, engine, cli, library, codes, baseline, load_start)
    return 0


def _cell(figure: Figure | None, unit: str) -> str:
    """A figure with its CPU time and the load it was taken under."""
    if figure is None:
        return "-"
    value, cpu, load = figure
    if unit == "MiB":
        return f"{value:.0f} MiB"
    if unit == "ms":
        text = f"{value * 1000:.1f} ms"
        cpu_text = f"cpu {cpu * 1000:.1f}" if cpu is not None else ""
    else:
        text = f"{value:.2f} s"
        cpu_text = f"cpu {cpu:.2f}" if cpu is not None else ""
    extra = ", ".join(x for x in (cpu_text, f"load {load:.1f}") if x)
    return f"{text} ({extra})"


def _written(run: Run) -> Figure | None:
    """The first run until its snapshot was written: the wall time until the last
    process it left ended (its own when it left none), the CPU time of them all."""
    if not SUBREAPER:
        return None
    return (max(run.wall, run.orphans_done), run.cpu + run.orphans_cpu, run.load)


def _best(runs: list[Run]) -> Figure:
    best = min(runs, key=lambda r: r.wall)
    return (best.wall, best.cpu, best.load)


def print_table(args, engine, cli, library, codes, baseline, load_start) -> None:  # noqa: ANN001
    versions = list(codes)  # "main" (if measured), "now"
    columns = [(v, era) for era in ERAS for v in versions]
    names = {"main": f"main {baseline[1]}" if baseline else "main", "now": "this checkout"}
    header = ("figure", "goal (issue 13)", *(f"{era}: {names[v]}" for v, era in columns))
    rows: list[tuple[str, ...]] = [header]
    n = engine[("now", "yaml")]["n"][0]
    figures = [
        ("authorbot cold start: process start, load index", "cold_load", "s", ""),
        ("authorbot cold: whole run incl. one plan + apply", "cold_wall", "s", ""),
        ("authorbot cold: peak RSS", "cold_rss", "MiB", ""),
        (f"warm request, plan + apply (n={n}): median", "warm_median", "ms", ""),
        ("warm request: p95", "warm_p95", "ms", "<= 15 ms"),
        ("warm request: max", "warm_max", "ms", "<= 40 ms"),
        ("warm: plan median", "plan_median", "ms", ""),
        ("warm: apply median", "apply_median", "ms", ""),
        ("warm process: peak RSS", "warm_rss", "MiB", ""),
    ]
    for label, key, unit, goal in figures:
        rows.append((label, goal, *(_cell(engine[c][key], unit) for c in columns)))
    cli_rows = [
        ("`authorbot plan` cold, no snapshot (today's; ours: AUTHORBOT_SNAPSHOT=off)", ""),
        ("`authorbot plan` cold, first run: until it answers and ends", "as today"),
        ("  first run: until its detached writer wrote the snapshot (CPU: both)", ""),
        ("`authorbot plan` cold with the snapshot", "<= 1.0 s"),
        ("`authorbot plan` cold, one collection changed since the snapshot", ""),
        ("  that run: until its detached writer rewrote the snapshot (CPU: both)", ""),
    ]
    kinds_of_rows = (
        ("main", "off"), ("first",), ("written", "first"), ("snapshot",), ("changed",),
        ("written", "changed"),
    )  # fmt: skip
    for (label, goal), kinds in zip(cli_rows, kinds_of_rows, strict=True):
        cells = []
        for v, era in columns:
            if kinds[0] == "written":
                # The writer of the run given in the row above (the faster to answer).
                first = cli[era].get(kinds[1], []) if v == "now" else []
                written = _written(min(first, key=lambda r: r.wall)) if first else None
                cells.append(_cell(written, "s"))
                continue
            runs = [r for k in kinds for r in cli[era].get(k, []) if (v == "main") == (k == "main")]
            cells.append(_cell(_best(runs), "s") if runs else "-")
        rows.append((label, goal, *cells))
    for era in ERAS:
        lib = library.get(era)
        if lib is not None:
            lib["total"] = lib["load"] + lib["request"]
    if all(library.get(e) for e in ERAS):

        def lib_cells(text) -> tuple[str, ...]:  # noqa: ANN001
            return tuple(text(library[era]) if v == "now" else "" for v, era in columns)

        def speedup(era: str, key: str, lib_key: str, digits: int) -> str:
            return f"{library[era][lib_key] / engine[('now', era)][key][0]:.{digits}f}x"

        rows += [
            ("library", "", *lib_cells(lambda lib: f"acl-anthology {lib['version']}")),
            ("library: load_all", "", *lib_cells(lambda lib: f"{lib['load']:.2f} s")),
            ("library: change + save", "", *lib_cells(lambda lib: f"{lib['request']:.2f} s")),
            (
                "library: whole run",
                "",
                *lib_cells(lambda lib: f"{lib['wall']:.2f} s (load {lib['run_load']:.1f})"),
            ),
            ("library: peak RSS", "", *lib_cells(lambda lib: f"{lib['rss']:.0f} MiB")),
            (
                "speed-up, warm request vs library load+change+save",
                ">= 300x",
                *(
                    speedup(era, "warm_median", "total", 0) if v == "now" else ""
                    for v, era in columns
                ),
            ),
            (
                "speed-up, authorbot cold run vs library run",
                "",
                *(speedup(era, "cold_wall", "wall", 1) if v == "now" else "" for v, era in columns),
            ),
        ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    load_end = os.getloadavg()
    print(
        f"Full fixture, both eras: {CACHE}  (load average at the start {load_start[0]:.1f}, "
        f"at the end {load_end[0]:.1f}; 1-minute load of each figure in brackets)"
    )
    print(
        f"authorbot: best of {args.rounds} rounds per era and version, all taking turns; "
        "the cold command: best of 2 (each first run with a new cache folder)"
    )
    for i, row in enumerate(rows):
        print("  ".join(cell.ljust(widths[j]) for j, cell in enumerate(row)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    now_y, now_j = engine[("now", "yaml")], engine[("now", "json")]
    slower = [label for label, key, _, _ in figures if now_j[key][0] > now_y[key][0]]
    if slower:
        print("people.json era slower than the people.yaml era in: " + "; ".join(slower))
    else:
        print("people.json era at least as fast as the people.yaml era in every authorbot figure")
    goals = [
        ("warm p95 <= 15 ms", [now_y["warm_p95"][0], now_j["warm_p95"][0]], 0.015),
        ("warm max <= 40 ms", [now_y["warm_max"][0], now_j["warm_max"][0]], 0.040),
        (
            "cold plan with the snapshot <= 1.0 s",
            [_best(cli[era]["snapshot"])[0] for era in ERAS],
            1.0,
        ),
    ]
    for goal, values, limit in goals:
        verdict = "met" if all(v <= limit for v in values) else "NOT met"
        print(f"goal {goal}: {verdict} (yaml era {values[0]:.3f} s, json era {values[1]:.3f} s)")
    # The first run against ours without the snapshot, both measured in this run: the
    # cost of the snapshot to the first answer (the goal: none beyond noise).
    for era in ERAS:
        first, off = min(cli[era]["first"], key=lambda r: r.wall), _best(cli[era]["off"])
        written = _written(first)
        after = (
            f"; the snapshot written {written[0]:.2f} s after the start, "
            f"CPU {first.cpu:.2f} + {first.orphans_cpu:.2f} s (writer, {first.orphans} process)"
            if written
            else ""
        )
        print(
            f"{era} era, first run: answered in {first.wall:.2f} s (CPU {first.cpu:.2f} s) "
            f"against {off[0]:.2f} s (CPU {off[1]:.2f} s) without the snapshot{after}"
        )


if __name__ == "__main__":
    sys.exit(main())
