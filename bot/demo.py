"""`authorbot demo`: the bundled example issues against the bundled sample data,
with no GitHub account and nothing outside the package."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent / "sample"


def sample_issues() -> list[tuple[str, dict]]:
    """The example issues shipped with the package, by file name."""
    return [
        (p.stem, json.loads(p.read_text("utf-8")))
        for p in sorted((SAMPLE / "issues").glob("*.json"))
    ]


def run(engine_only: bool = False) -> int:
    """Run the demo; returns the exit code (0 when every example did what it shows).

    With the bot installed, the whole loop runs (bot.service.demo_loop); with
    `engine_only`, each example is planned and applied on a copy of the sample data.
    """
    if not engine_only:
        try:
            from bot.service import demo_loop
        except ImportError:
            pass
        else:
            return int(demo_loop())
    return run_engine_demo()


def run_engine_demo() -> int:
    """Plan and apply every example issue on a scratch copy of the sample data."""
    from bot.anthology.index import DataIndex
    from bot.engine.api import apply_plan, plan_issue
    from bot.engine.render import render_text

    with tempfile.TemporaryDirectory(prefix="authorbot-demo-") as tmp:
        root = Path(tmp) / "data-repo"
        shutil.copytree(SAMPLE / "data", root / "data")
        index = DataIndex.load(root)
        print(f"Sample data: {len(index.people)} verified people, {len(index.items)} items.")
        for name, issue in sample_issues():
            print()
            print("=" * 78)
            print(f"Issue #{issue['number']} ({name}): {issue['title']}")
            print("=" * 78)
            plan = plan_issue(index, issue)
            print(render_text(plan))
            if plan.status == "ready":
                written = apply_plan(index, plan)
                print(f"\nApplied: wrote {', '.join(written)}")
    return 0
