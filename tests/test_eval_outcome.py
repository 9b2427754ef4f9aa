"""Issue #8's "Done when", on the real-request evaluation set (tests/requests):

- no ready plan moves a paper the request excludes, moves one it does not list, or
  leaves out one it lists;
- at least 90% of the requests reach the maintainers' outcome;
- every request the bot cannot do gets an answer that names what is missing.

The cases are planned in-process on the full fixture by the evaluation script's own
functions (benchmarks/eval_requests.py), so the figures asserted here are the ones
the script prints.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "benchmarks" / "eval_requests.py"

pytestmark = pytest.mark.full


def _script() -> Any:
    spec = importlib.util.spec_from_file_location("eval_requests_outcome", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look the module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def summary(full_root: Path) -> dict[str, Any]:
    script = _script()
    cases = script.load_cases(script.DEFAULT_CASES, [])
    assert len(cases) >= 70
    results, _, _ = script.run(full_root, cases)
    return script.summarise(results)


def test_no_ready_plan_moves_an_excluded_or_unlisted_paper_or_drops_a_listed_one(summary):
    safety = summary["safety"]
    assert safety["moves_excluded"] == []
    assert safety["moves_unlisted"] == []
    assert safety["drops_listed"] == []
    # The worst outcome of all: ready where the maintainers asked or refused.
    assert safety["ready_not_ready"] == []


def test_at_least_nine_in_ten_reach_the_maintainers_outcome(summary):
    misses = "\n".join(f"{m['id']}: {m['reason']}" for m in summary["misses"])
    assert summary["reached"] >= 0.9 * summary["cases"], misses


def test_every_answer_that_asks_names_what_is_missing(summary):
    assert summary["safety"]["vague_question"] == []
    asked = [
        r for r in summary["results"] if r["expected"] != "ready" and r["status"] != "ready"
    ]
    assert asked and all(r["fields"].get("question") for r in asked)
