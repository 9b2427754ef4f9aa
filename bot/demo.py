"""`authorbot demo`: the bundled example issues against the bundled sample data,
with no GitHub account and nothing outside the package."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent / "sample"
# The sample data repository in each era of the Anthology's files (same archive):
# data/json/people.json since 2026, data/yaml/people.yaml before.
SAMPLE_ERAS = {"json": SAMPLE / "json-era", "yaml": SAMPLE}
DEFAULT_ERA = "json"


def sample_issues() -> list[tuple[str, dict]]:
    """The example issues shipped with the package, by file name."""
    return [
        (p.stem, json.loads(p.read_text("utf-8")))
        for p in sorted((SAMPLE / "issues").glob("*.json"))
    ]


def run(engine_only: bool = False, era: str = DEFAULT_ERA) -> int:
    """Run the demo; returns the exit code (0 when every example did what it shows).

    With the bot installed, the whole loop runs (bot.service.demo_loop); with
    `engine_only`, each example is planned and applied on a copy of the sample data.
    `era` picks the sample data: `json` (today's files) or `yaml` (before 2026).
    """
    if not engine_only:
        try:
            from bot.service import demo_loop
        except ImportError:
            pass
        else:
            return int(demo_loop(era=era))
    return run_engine_demo(era)


def run_engine_demo(era: str = DEFAULT_ERA) -> int:
    """Plan and apply every example issue on a scratch copy of the era's sample data."""
    from bot.anthology.index import DataIndex
    from bot.engine.api import apply_plan, plan_issue
    from bot.engine.render import render_text

    with tempfile.TemporaryDirectory(prefix="authorbot-demo-") as tmp:
        root = Path(tmp) / "data-repo"
        shutil.copytree(SAMPLE_ERAS[era] / "data", root / "data")
        index = DataIndex.load(root)
        print(
            f"Sample data: {len(index.people)} verified people in {index.people_file.path}, "
            f"{len(index.items)} items."
        )
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
