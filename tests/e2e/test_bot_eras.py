"""The whole bot over HTTP on both eras of the Anthology's files: a data repository
with `data/json/people.json` (today) and one with `data/yaml/people.yaml` (before
2026) get the same status comment and equivalent pull requests, each naming its own
file; and a repository that moves from one to the other while a request is open
(as the Anthology's did) is followed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.anthology.index import DataIndex
from bot.demo import SAMPLE_ERAS
from bot.engine.api import apply_plan, plan_issue
from bot.standins.datarepo import git as git_in
from tests.e2e.conftest import MAINTAINER, open_verify_issue, status_comments

BRANCH = "authorbot/issue-1"
PEOPLE = {"json": "data/json/people.json", "yaml": "data/yaml/people.yaml"}


def git(bare: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(bare), *args], check=True, capture_output=True, text=True
    ).stdout


def approved_pull(dep) -> tuple[int, dict, str]:
    """File the sample request, approve it; (issue number, the PR, the status comment)."""
    number = open_verify_issue(dep)
    dep.wait_idle()
    dep.github.comment(number, MAINTAINER, "@authorbot approve")
    dep.wait_idle()
    [pull] = dep.github.pulls()
    [status] = status_comments(dep, number)
    return number, pull, status["body"]


def neutral(text: str, era: str) -> str:
    """A status comment or PR body without what differs by design: the people file's
    name, the entry block in its syntax, and the fingerprint of the approved plan
    (it covers the entry's text, so an approval is of what will be written)."""
    text = re.sub(r"\n```" + era + r"\n.*?\n```\n", "\n<entry>\n", text, flags=re.S)
    text = re.sub(r'"approved":"[0-9a-f]+"', '"approved":"<fingerprint>"', text)
    text = text.replace(PEOPLE[era], "<people>")
    # The files are listed sorted by path, so the people file's place differs.
    return re.sub(
        r"^Files: (.*)$",
        lambda m: "Files: " + ", ".join(sorted(m[1].split(", "))),
        text,
        flags=re.M,
    )


def changed_lines(bare: Path, path: str) -> list[tuple[str, str]]:
    """The lines a bot branch removes and adds in one file, without line numbers."""
    diff = git(bare, "diff", "--unified=0", "main", BRANCH, "--", path)
    return [
        (line[0], line[1:])
        for line in diff.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


@pytest.mark.parametrize("era", ["json", "yaml"])
def test_the_pull_request_is_the_engines_edit_of_the_eras_files(make_deployment, tmp_path, era):
    dep = make_deployment(data_source=SAMPLE_ERAS[era])
    number, pull, status = approved_pull(dep)
    assert f"New entry in `{PEOPLE[era]}`:\n\n```{era}\n" in status
    other = PEOPLE["yaml" if era == "json" else "json"]
    assert other not in status and other not in pull["body"]
    assert f"`{PEOPLE[era]}`" in pull["body"]
    # The branch holds exactly what the engine alone writes on that era's data.
    root = tmp_path / "engine"
    shutil.copytree(SAMPLE_ERAS[era] / "data", root / "data")
    index = DataIndex.load(root)
    written = apply_plan(index, plan_issue(index, dep.github.state.issues[number]))
    assert PEOPLE[era] in written
    changed = git(dep.bare, "diff", "--name-only", "main", BRANCH).split()
    assert sorted(changed) == sorted(written)
    for path in written:
        assert git(dep.bare, "show", f"{BRANCH}:{path}") == (root / path).read_text("utf-8")


def test_both_eras_get_the_same_answer_and_equivalent_pull_requests(make_deployment):
    runs = {}
    for era in ("json", "yaml"):
        dep = make_deployment(data_source=SAMPLE_ERAS[era])
        runs[era] = (dep, *approved_pull(dep))
    statuses = {era: neutral(run[3], era) for era, run in runs.items()}
    bodies = {era: neutral(run[2]["body"], era) for era, run in runs.items()}
    assert statuses["json"] == statuses["yaml"]
    assert bodies["json"] == bodies["yaml"]
    files = {
        era: git(run[0].bare, "diff", "--name-only", "main", BRANCH).split()
        for era, run in runs.items()
    }
    xml = {era: sorted(f for f in fs if f.startswith("data/xml/")) for era, fs in files.items()}
    assert xml["json"] == xml["yaml"] and xml["json"]
    for path in xml["json"]:
        assert changed_lines(runs["json"][0].bare, path) == changed_lines(
            runs["yaml"][0].bare, path
        )
    # The people file: the same entries, each era's own writing of them.
    entries = {}
    for era, run in runs.items():
        root = Path(run[0].workdir) / f"check-{era}"
        git_in(run[0].workdir, "clone", "--quiet", "--branch", BRANCH, str(run[0].bare), str(root))
        entries[era] = DataIndex.load(root).people
    assert entries["json"] == entries["yaml"]


def test_a_repository_that_moves_to_people_json_is_followed(make_deployment, tmp_path):
    dep = make_deployment(data_source=SAMPLE_ERAS["yaml"])
    number, pull, status = approved_pull(dep)
    assert "data/yaml/people.yaml" in status
    # The data repository's own transition commit: data/yaml goes, data/json comes,
    # and the XML takes the JSON era's shape.
    work = tmp_path / "transition"
    git_in(tmp_path, "clone", "--quiet", "--branch", "main", str(dep.bare), str(work))
    shutil.rmtree(work / "data")
    shutil.copytree(SAMPLE_ERAS["json"] / "data", work / "data")
    git_in(work, "add", "--all")
    git_in(work, "commit", "--quiet", "-m", "Transition from YAML to JSON data files")
    git_in(work, "push", "--quiet", "origin", "main")
    dep.github.comment(number, "valentin", "@authorbot retry")
    dep.wait_idle()
    [status] = status_comments(dep, number)
    assert "data/json/people.json" in status["body"]
    assert "data/yaml/people.yaml" not in status["body"]
    # The approved entry is now written in another syntax: the bot asks again rather
    # than keep an approval of text that changed; approved again, it opens the PR on
    # the new files.
    dep.github.comment(number, MAINTAINER, "@authorbot approve")
    dep.wait_idle()
    open_pulls = [p for p in dep.github.pulls() if p["state"] == "open"]
    assert len(open_pulls) == 1
    changed = git(dep.bare, "diff", "--name-only", "main", BRANCH).split()
    assert "data/json/people.json" in changed and "data/yaml/people.yaml" not in changed
    assert (
        git(dep.bare, "rev-parse", f"{BRANCH}^").strip()
        == git(dep.bare, "rev-parse", "main").strip()
    )
