"""`authorbot demo` runs the whole loop and shows the comment, the pull request, the
diff: on today's files by default, on the people.yaml era with `--era yaml`."""

from __future__ import annotations

import io

import pytest

from bot.demo import run_loop_demo

NEW_ENTRY = {
    "json": '+  "valentin-barriere": {\n+    "names": [\n'
    '+      {"first": "Valentin", "last": "Barriere"}\n+    ],\n'
    '+    "degree": "Télécom Paris",\n',
    "yaml": "+valentin-barriere:\n+  degree: Télécom Paris\n",
}
PEOPLE = {"json": "data/json/people.json", "yaml": "data/yaml/people.yaml"}


@pytest.mark.parametrize("era", ["json", "yaml"])
def test_demo_opens_one_pull_request_and_prints_it(tmp_path, era):
    out = io.StringIO()
    assert run_loop_demo(out, tmp_path, era=era) == 0
    text = out.getvalue()
    assert "<!-- authorbot:status -->\n### ✅ Ready" in text
    assert f"New entry in `{PEOPLE[era]}`:\n\n```{era}\n" in text
    assert "Pull request #2: Author page valentin-barriere: verify (#1)" in text
    assert '+      <author id="valentin-barriere"><first>Valentin</first>' in text
    assert NEW_ENTRY[era] in text
    assert f"+++ b/{PEOPLE[era]}" in text
    assert "pull requests opened: 1" in text


def test_the_demo_runs_on_todays_files_by_default(capsys):
    from bot.cli import main

    assert main(["demo", "--engine-only"]) == 0
    assert "verified people in data/json/people.json" in capsys.readouterr().out
