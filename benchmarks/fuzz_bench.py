"""Fuzz benchmark: generated issue bodies through the parser and the planner on the
bundled sample data.

    .venv/bin/python benchmarks/fuzz_bench.py [--count N] [--seed S] [--era json|yaml]

Each body is built at random from real page IDs, paper IDs and ORCID iDs of the
sample data of the era (people.json by default, or the people.yaml era), valid,
mistyped or someone else's, our form, the Anthology's 2026 form
or free text, with hostile pieces mixed in (YAML and XML specials, invisible and
right-to-left characters, path tricks, long lines, random text). Every body goes
through `parse_issue` and `plan_request`; only those two are timed. Every plan is
then checked against the contract: the JSON fits schemas/plan.schema.json, every
notice has a stable code and a message, a ready plan moves nothing it was not asked
to. Prints the count, the exceptions (must be 0), the contract violations (must be
0), the statuses, the refusals by code and the time per body (median, p99, max).
Exits 1 if any exception escaped or any plan broke the contract.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot import schemas  # noqa: E402
from bot.anthology.index import DataIndex  # noqa: E402
from bot.anthology.orcid import checksum_char  # noqa: E402
from bot.anthology.people import PeopleFileError  # noqa: E402
from bot.anthology.peoplestore import read_people_file  # noqa: E402
from bot.engine.parse import OUR_FORM_PATH, parse_issue, render_issue_form_body  # noqa: E402
from bot.engine.plan import Plan, plan_request  # noqa: E402
from bot.engine.request import KINDS  # noqa: E402

SAMPLE_ROOTS = {"json": REPO / "bot" / "sample" / "json-era", "yaml": REPO / "bot" / "sample"}
CODE = re.compile(r"[a-z][a-z0-9-]*")
HOSTILE = [
    ",",
    ";",
    ":",
    "#",
    "{",
    "}",
    "!!",
    "- ",
    "'",
    '"',
    "<",
    "&amp;",
    "&",
    "\u200d",
    "\u200b",
    "\u202e",
    "\u05e9\u05dc\u05d5\u05dd",
    "\u2028",
    "\x85",
    "\x00",
    "\ud800",
    "../",
    "/etc/passwd",
    "%2e%2e%2f",
    "..\\",
    "~~",
    "```",
    "<!--",
    "_No response_",
    "N/A",
    "-Add ORCID here-",
]
BOXES = (
    "Verification: The author wishes to add an ORCID iD to their author page.",
    "Split/disambiguate: The author page includes papers from two or more different people.",
    "Merge profiles: A single author has multiple profiles with different spellings or "
    "variants of their name.",
    "Name change: This author has permanently changed their name.",
)
NAMES = ["Jin Liu", "Liu, Jin", "WANG Mingwen", "Valentin Barrière", "O'Brien: #1", "Yes"]
INSTITUTIONS = ["Tsinghua University", "Télécom: Paris #2", "- 'q' {x}", "N/A", "PhD, MIT"]


class BodyMaker:
    """Random issues built from the sample data's real values."""

    def __init__(self, index: DataIndex, rnd: random.Random) -> None:
        self.rnd = rnd
        self.index = index
        self.pages = sorted({index.resolve(o) for o in index.occurrences()} | set(index.people))
        self.people = sorted(index.people)
        self.items = sorted(index.items)
        self.orcids = sorted(index.by_orcid)

    def orcid(self) -> str:
        """Someone's iD, a fresh valid one, a mistyped one, or an iD-like mess."""
        rnd = self.rnd
        kind = rnd.random()
        if kind < 0.3:
            return rnd.choice(self.orcids)
        digits = "".join(rnd.choice("0123456789") for _ in range(15))
        check = checksum_char(digits)
        if kind > 0.8:
            check = rnd.choice([c for c in "0123456789X" if c != check])
        whole = digits + check
        written = rnd.choice(["-", " ", ""]).join(whole[i : i + 4] for i in range(0, 16, 4))
        return rnd.choice(["", "https://orcid.org/"]) + written

    def papers(self, page: str) -> list[str]:
        """Papers of the page (as IDs or URLs), others, and made-up ones."""
        rnd = self.rnd
        on_page = sorted({o.item for o in self.index.page_occurrences(page)})
        out = []
        for _ in range(rnd.randint(0, 4)):
            pick = rnd.random()
            if pick < 0.6 and on_page:
                item = rnd.choice(on_page)
            elif pick < 0.85:
                item = rnd.choice(self.items)
            else:
                item = rnd.choice(["2024.ccl-9.99", "P19-1001", "../../etc/passwd", "x"])
            out.append(rnd.choice(["", "https://aclanthology.org/"]) + item)
        return out

    def noise(self) -> str:
        """Hostile pieces and random characters, sometimes a very long line."""
        rnd = self.rnd
        parts = [rnd.choice(HOSTILE) for _ in range(rnd.randint(0, 4))]
        if rnd.random() < 0.2:
            parts.append("".join(chr(rnd.randint(32, 0x2FFF)) for _ in range(rnd.randint(1, 30))))
        if rnd.random() < 0.02:
            parts.append(rnd.choice(HOSTILE) * rnd.randint(1000, 20000))
        return "".join(parts)

    def value(self, good: str) -> str:
        """A field's value: as a person means it, with noise, or noise alone."""
        pick = self.rnd.random()
        if pick < 0.7:
            return good
        if pick < 0.9:
            return good + self.noise()
        return self.noise()

    def issue(self) -> dict[str, Any]:
        """One generated issue as GitHub's API gives it."""
        rnd = self.rnd
        page = rnd.choice(self.pages)
        pages = [page] + rnd.sample(self.pages, rnd.choice([0, 0, 1, 2]))
        papers = self.papers(page)
        orcid = self.orcid() if rnd.random() < 0.8 else ""
        institution = rnd.choice(INSTITUTIONS) if rnd.random() < 0.8 else ""
        name = rnd.choice(NAMES) if rnd.random() < 0.3 else ""
        form = rnd.random()
        if form < 0.45:
            target = rnd.choice(["new", "new", rnd.choice(self.people), "nobody", "../x"])
            body = render_issue_form_body(
                OUR_FORM_PATH,
                {
                    "author-page": self.value(f"https://aclanthology.org/people/{page}/"),
                    "papers": self.value("\n".join(papers)),
                    "target": self.value(target),
                    "orcid": self.value(orcid),
                    "institution": self.value(institution),
                    "name": self.value(name),
                    "notes": self.value(""),
                    "confirm": rnd.random() < 0.9,
                },
            )
            title, labels = f"Fix paper assignments: {page}", ["authorbot"]
        elif form < 0.9:
            kinds = {k for k in KINDS if rnd.random() < 0.3}
            boxes = "\n".join(
                f"- [{'X' if kind in kinds else ' '}] {text}"
                for kind, text in zip(KINDS, BOXES, strict=True)
            )
            fields = {
                "Author Pages in the Anthology": self.value(
                    "\n".join(f"https://aclanthology.org/people/{p}/" for p in pages)
                ),
                "Author ORCID": self.value(orcid or "_No response_"),
                "Institution of highest (anticipated) degree": self.value(
                    institution or "_No response_"
                ),
                "Type of Author Metadata Correction": boxes,
                "Supporting Information": self.value(" ".join(papers) or "_No response_"),
                "Preferred author name": self.value(name or "_No response_"),
            }
            body = "\n\n".join(f"### {k}\n\n{v}" for k, v in fields.items())
            title, labels = f"Author Page: {page}", ["correction", "author-page"]
        else:
            body = " ".join([self.noise(), *papers, orcid, self.noise()])
            title, labels = self.noise(), []
        if rnd.random() < 0.05:
            body = body.replace("\n", rnd.choice(["\r\n", "\r"]))
        return {"number": 1, "title": title, "body": body, "labels": [{"name": n} for n in labels]}


def contract_violations(plan: Plan) -> list[str]:
    """What is wrong with a plan (empty when it keeps the contract): its JSON, its
    notices, the one rule, and the people file it would write."""
    out = plan.to_json()
    wrong: list[str] = []
    try:
        schemas.validate(out, "plan")
    except Exception as exc:  # any schema error is a violation to report
        wrong.append(f"schema: {str(exc).splitlines()[0]}")
    for notice in out["problems"] + out["warnings"] + out["notes"]:
        if not CODE.fullmatch(notice["code"]) or not notice["message"].strip():
            wrong.append(f"notice: {notice}")
    if out["status"] == "ready" and out["check"]["other_occurrences_changed"] != 0:
        wrong.append(f"ready but moves others: {out['check']}")
    if any(not f.startswith("data/") or ".." in f for f in out["files"]):
        wrong.append(f"file outside data/: {out['files']}")
    path = plan.people_file.path if plan.people_file is not None else ""
    people = plan.files.get(path)
    if people is not None:
        try:
            after = read_people_file(path, people.new).entries
        except PeopleFileError as exc:
            wrong.append(f"{path} unreadable: {exc}")
        else:
            wrong += [
                f"{path} reads {pid} back differently"
                for pid, entry in plan.people_changes.items()
                if after.get(pid) != entry
            ]
    return wrong


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--era", choices=sorted(SAMPLE_ROOTS), default="json")
    args = parser.parse_args(argv)

    index = DataIndex.load(SAMPLE_ROOTS[args.era])
    maker = BodyMaker(index, random.Random(args.seed))
    times: list[float] = []
    statuses: Counter[str] = Counter()
    refusals: Counter[str] = Counter()
    exceptions: list[str] = []
    violations: list[str] = []
    body_chars = 0
    for n in range(args.count):
        issue = maker.issue()
        body_chars += len(issue["body"])
        started = time.perf_counter()
        try:
            plan = plan_request(index, parse_issue(issue))
        except Exception:  # what this benchmark exists to catch
            exceptions.append(f"#{n}: {traceback.format_exc(limit=3)}")
            continue
        times.append(time.perf_counter() - started)
        out = plan.to_json()
        statuses[out["status"]] += 1
        refusals.update(p["code"] for p in out["problems"])
        violations += [f"#{n}: {v}" for v in contract_violations(plan)]

    times.sort()
    ms = [t * 1000 for t in times]
    print(
        f"bodies                 {args.count} (seed {args.seed}, {body_chars:,} characters, "
        f"{index.people_file.path})"
    )
    print(f"exceptions             {len(exceptions)}")
    print(f"contract violations    {len(violations)}")
    print("statuses               " + ", ".join(f"{k} {v}" for k, v in statuses.most_common()))
    if ms:
        p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
        print(
            f"time per body (ms)     median {statistics.median(ms):.2f}, p99 {p99:.2f}, "
            f"max {ms[-1]:.2f}, total {sum(ms) / 1000:.1f} s"
        )
    print("refusals by code:")
    for code, count in refusals.most_common():
        print(f"  {code:28s} {count}")
    for line in (exceptions + violations)[:10]:
        print(line, file=sys.stderr)
    return 1 if exceptions or violations else 0


if __name__ == "__main__":
    sys.exit(main())
