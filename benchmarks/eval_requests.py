"""How close the engine comes to what the maintainers did, on the real-request set.

    .venv/bin/python benchmarks/eval_requests.py [--data DIR | --tar PATH] [--json] [ID ...]

The cases (`tests/requests/*.json`, format `schemas/request-case.schema.json`) are
requests modelled on public ACL Anthology author-page issues, restated against the
2025-11 fixture, each with the outcome the maintainers reached. This script loads the
full fixture once (`--data`, a folder holding `data/xml` and `data/yaml/people.yaml`;
by default it unpacks `../shared/data/anthology-people-era.tar.xz`, or `--tar`, into a
cache folder, and says so and exits 0 when that archive is absent), plans every case
in-process with `bot.engine.api.plan_issue`, and where a case gives the ORCID record
applies the bot's own ORCID check (`bot.worker.orcidcheck`, `bot.worker.status.judge`).

It prints the accuracy per field (status, kinds, source page, papers, target ID,
ORCID, degree, canonical name, and for requests the bot cannot do, whether its
question names what is missing), how many cases reached the maintainers' outcome
(every field the case states right), the safety figures (ready plans that should not
be ready, that move a paper the request excludes or did not list, or leave out one it
listed; questions that do not name the missing thing), and one line per miss.
`--json` prints the same as one object. Naming case IDs (or their numeric prefixes)
runs only those; `--cases DIR` reads the cases from another folder.
"""

from __future__ import annotations

import argparse
import json
import sys
import tarfile
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DEFAULT_TAR = REPO.parent / "shared" / "data" / "anthology-people-era.tar.xz"
DEFAULT_CASES = REPO / "tests" / "requests"
CACHE = Path(tempfile.gettempdir()) / "authorbot-eval-requests"

# In the order the table shows them.
FIELDS = ("status", "kinds", "source", "papers", "target", "orcid", "degree", "name", "question")
SAFETY = {
    "ready_not_ready": "ready where the maintainers asked or refused",
    "moves_excluded": "ready, moves a paper the request excludes",
    "moves_unlisted": "ready, moves a paper the request did not list",
    "drops_listed": "ready, leaves out a paper the request lists",
    "vague_question": "asks, but does not name what is missing",
}


@dataclass
class CaseResult:
    """How one case fared: each scored field right or wrong, and why."""

    id: str
    form: str
    expected: str
    status: str
    fields: dict[str, bool] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    safety: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def reached(self) -> bool:
        """True when every field the case states is right."""
        return all(self.fields.values())

    def why(self) -> str:
        """One line: the wrong status with the answer's problem codes, or the wrong
        fields with what they were."""
        if self.fields.get("status", True):
            return "; ".join(self.reasons)
        wrong = [name for name, ok in self.fields.items() if not ok and name != "status"]
        codes = f": {', '.join(self.problems)}" if self.problems else ""
        rest = f" (also wrong: {', '.join(wrong)})" if wrong else ""
        return f"{self.status}, expected {self.expected}{codes}{rest}"


# ----------------------------------------------------------------------- scoring


def _names(target: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    return list((target or {}).get("names") or [])


def _show(values: Iterable[str]) -> str:
    values = sorted(values)
    if len(values) > 4:
        return ", ".join(values[:4]) + f" (+{len(values) - 4})"
    return ", ".join(values) or "nothing"


def score_case(
    case: Mapping[str, Any], plan: Mapping[str, Any], status: str, problems: list[dict]
) -> CaseResult:
    """Compare a plan with the case's expectation.

    Parameters:
        case: the case (its `expect` says what the maintainers reached).
        plan: the engine's plan JSON (`Plan.to_json()`).
        status: the final status (the plan's, after the ORCID check when the case
            gives a record).
        problems: the final problems (`{code, message}`), the ORCID check's included.

    Returns:
        The fields scored (only those the expectation states) and a reason per miss.
    """
    expect = case["expect"]
    result = CaseResult(case["id"], case["form"], expect["status"], status)
    result.problems = [p.get("code", "") for p in problems]
    target = plan.get("target") or {}
    moved = {m["paper"] for m in plan.get("moves") or []}
    text = " ".join(f"{p.get('code', '')} {p.get('message', '')}" for p in problems).casefold()

    def check(name: str, ok: bool, why: str) -> None:
        result.fields[name] = ok
        if not ok:
            result.reasons.append(f"{name}: {why}")

    check("status", status == expect["status"], f"{status} (expected {expect['status']})")
    if "kinds" in expect:
        got = sorted(plan.get("kinds") or [])
        check(
            "kinds", got == sorted(expect["kinds"]), f"{got} (expected {sorted(expect['kinds'])})"
        )
    if "source" in expect:
        got = sorted(plan.get("source") or [])
        check(
            "source",
            got == sorted(expect["source"]),
            f"{_show(got)} (expected {_show(expect['source'])})",
        )
    if "papers" in expect:
        want = set(expect["papers"])
        extra, missing = moved - want, want - moved
        why = "; ".join(
            part
            for part in (
                f"also moves {_show(extra)}" if extra else "",
                f"does not move {_show(missing)}" if missing else "",
            )
            if part
        )
        check("papers", not extra and not missing, why)
    if "target" in expect:
        t = expect["target"]
        got_id, got_new = target.get("id"), target.get("new")
        ok = got_id in t["id_any"] and got_new == t["new"]
        why = f"{got_id} new={got_new} (expected {' or '.join(t['id_any'])} new={t['new']})"
        if ok and "disable_name_matching" in t:
            ok = bool(target.get("disable_name_matching")) == t["disable_name_matching"]
            got_dnm, want_dnm = target.get("disable_name_matching"), t["disable_name_matching"]
            why = f"disable_name_matching={got_dnm} (expected {want_dnm})"
        check("target", ok, why)
        if "orcid" in t:
            check(
                "orcid",
                target.get("orcid") == t["orcid"],
                f"{target.get('orcid')} (expected {t['orcid']})",
            )
        if "degree_any" in t:
            got = target.get("degree")
            check(
                "degree",
                got in t["degree_any"],
                f"{got!r} (expected {' or '.join(map(repr, t['degree_any']))})",
            )
        if "canonical" in t:
            names = _names(target)
            got = {"first": names[0].get("first"), "last": names[0].get("last")} if names else None
            want = {"first": t["canonical"].get("first"), "last": t["canonical"]["last"]}
            check("name", got == want, f"{got} (expected {want})")
    if expect["status"] != "ready":
        groups = expect["question"]["mentions"]
        unmet = [g for g in groups if not any(w.casefold() in text for w in g)]
        if status == "ready":
            check("question", False, "no question: the plan is ready")
        else:
            check(
                "question",
                not unmet,
                "the answer does not mention " + " and ".join("/".join(g) for g in unmet),
            )

    if status == "ready":
        excluded = moved & set(expect.get("excluded") or ())
        if expect["status"] != "ready":
            result.safety.append("ready_not_ready")
        if excluded:
            result.safety.append("moves_excluded")
        if expect.get("scope") == "listed" and "papers" in expect:
            if moved - set(expect["papers"]):
                result.safety.append("moves_unlisted")
            if set(expect["papers"]) - moved:
                result.safety.append("drops_listed")
    elif expect["status"] != "ready" and not result.fields.get("question", True):
        result.safety.append("vague_question")
    return result


def summarise(results: list[CaseResult]) -> dict[str, Any]:
    """The figures: per field right/scored, reached, safety, by form, the misses."""
    fields = {f: {"right": 0, "scored": 0} for f in FIELDS}
    by_form: dict[str, Counter] = defaultdict(Counter)
    safety: dict[str, list[str]] = {k: [] for k in SAFETY}
    for r in results:
        for name, ok in r.fields.items():
            fields[name]["scored"] += 1
            fields[name]["right"] += ok
        by_form[r.form]["cases"] += 1
        by_form[r.form]["reached"] += r.reached
        for s in r.safety:
            safety[s].append(r.id)
    return {
        "cases": len(results),
        "reached": sum(r.reached for r in results),
        "fields": fields,
        "safety": safety,
        "by_form": {k: dict(v) for k, v in sorted(by_form.items())},
        "misses": [{"id": r.id, "reason": r.why()} for r in results if not r.reached],
        "results": [asdict(r) | {"reached": r.reached} for r in results],
    }


# ------------------------------------------------------------------------ running


def load_cases(folder: Path, only: list[str]) -> list[dict[str, Any]]:
    """The cases of a folder, sorted by ID, checked against the case schema."""
    from bot.schemas import validator

    check = validator("request-case")
    cases = []
    for path in sorted(folder.glob("*.json")):
        case = json.loads(path.read_text("utf-8"))
        check.validate(case)
        if case["id"] != path.stem:
            raise ValueError(f"{path.name}: id {case['id']!r} is not the file name")
        if only and not any(case["id"] == o or case["id"].startswith(o + "-") for o in only):
            continue
        cases.append(case)
    return cases


def plan_case(index: Any, case: Mapping[str, Any]) -> tuple[dict[str, Any], str, list[dict]]:
    """Plan one case; with an ORCID record, judge the plan as the bot's worker does."""
    from bot.engine.api import plan_issue

    plan = plan_issue(index, case["issue"]).to_json()
    status, problems = plan["status"], list(plan.get("problems") or [])
    record = case.get("orcid_record")
    if record is not None and (plan.get("target") or {}).get("orcid"):
        from bot.github.orcid import OrcidRecord
        from bot.worker.orcidcheck import check_orcid
        from bot.worker.status import judge

        orcid = plan["target"]["orcid"]
        names = tuple(record.get("names") or ())
        verdict = judge(plan, check_orcid(plan, OrcidRecord(orcid, record["status"], names)))
        status = verdict.status
        problems = [{"code": p.code, "message": p.message} for p in verdict.problems]
    return plan, status, problems


def run(root: Path, cases: list[dict[str, Any]]) -> tuple[list[CaseResult], float, float]:
    """Load the index once and score every case. Returns results, load and plan seconds."""
    from bot.anthology.index import DataIndex

    t0 = time.perf_counter()
    index = DataIndex.load(root)
    t1 = time.perf_counter()
    results = []
    for case in cases:
        try:
            plan, status, problems = plan_case(index, case)
        except Exception as exc:  # a crash is a miss like any other, with its reason
            plan, status = {}, "crash"
            problems = [{"code": "crash", "message": f"{type(exc).__name__}: {exc}"}]
        results.append(score_case(case, plan, status, problems))
    return results, t1 - t0, time.perf_counter() - t1


def unpack(tar: Path) -> Path:
    """The archive unpacked into the cache folder (once)."""
    root = CACHE / "acl-anthology-data"
    if not (root / "data" / "yaml" / "people.yaml").exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tar) as t:
            t.extractall(CACHE, filter="data")
    return root


def render(summary: Mapping[str, Any], root: Path, load_s: float, plan_s: float) -> str:
    """The figures as text."""
    n = summary["cases"]

    def pct(a: int, b: int) -> str:
        return f"{100 * a / b:5.1f}%" if b else "    -"

    lines = [
        f"Real-request evaluation: {n} cases, data {root}",
        f"(index loaded in {load_s:.1f} s, all cases planned in {plan_s:.1f} s)",
        "",
        f"{'field':<10} {'right':>6} {'scored':>7} {'accuracy':>9}",
    ]
    for name in FIELDS:
        f = summary["fields"][name]
        lines.append(
            f"{name:<10} {f['right']:>6} {f['scored']:>7} {pct(f['right'], f['scored']):>9}"
        )
    lines += [
        "",
        f"reached the maintainers' outcome: {summary['reached']} / {n}"
        f" ({pct(summary['reached'], n).strip()})",
        "",
    ]
    lines.append("safety:")
    for key, label in SAFETY.items():
        ids = summary["safety"][key]
        lines.append(f"  {label:<45} {len(ids):>3}" + (f"  {', '.join(ids)}" if ids else ""))
    lines += ["", "by form:"]
    for form, c in summary["by_form"].items():
        lines.append(f"  {form:<22} {c.get('reached', 0):>3} / {c['cases']:<3} reached")
    lines += ["", f"misses ({len(summary['misses'])}):"]
    lines += [f"  {m['id']}: {m['reason']}" for m in summary["misses"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="the data repository root (data/xml, data/yaml)")
    parser.add_argument(
        "--tar", type=Path, default=DEFAULT_TAR, help="the fixture archive, when no --data"
    )
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("only", nargs="*", help="case IDs or numeric prefixes to run")
    args = parser.parse_args(argv)

    if args.data is not None:
        root = args.data
        if not (root / "data" / "yaml" / "people.yaml").exists():
            print(f"no data/yaml/people.yaml under {root}", file=sys.stderr)
            return 2
    elif not args.tar.exists():
        print(f"full Anthology fixture not found at {args.tar}: no figures (needs ../shared/data)")
        return 0
    else:
        root = unpack(args.tar)
    cases = load_cases(args.cases, args.only)
    results, load_s, plan_s = run(root, cases)
    summary = summarise(results)
    if args.json:
        print(
            json.dumps(
                summary | {"data": str(root), "load_seconds": load_s, "plan_seconds": plan_s},
                indent=1,
            )
        )
    else:
        print(render(summary, root, load_s, plan_s))
    return 0


if __name__ == "__main__":
    sys.exit(main())
