"""`authorbot demo` runs the whole loop and shows the comment, the pull request, the diff."""

from __future__ import annotations

import io

from bot.demo import run_loop_demo


def test_demo_opens_one_pull_request_and_prints_it(tmp_path):
    out = io.StringIO()
    assert run_loop_demo(out, tmp_path) == 0
    text = out.getvalue()
    assert "<!-- authorbot:status -->\n### ✅ Ready" in text
    assert "Pull request #2: Author page valentin-barriere: verify (#1)" in text
    assert '+      <author id="valentin-barriere"><first>Valentin</first>' in text
    assert "+valentin-barriere:\n+  degree: Télécom Paris\n" in text
    assert "pull requests opened: 1" in text
