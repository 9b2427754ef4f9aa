"""`authorbot demo` runs the whole loop and shows the comment, the pull request, the
diff, and ends with sentences; it names no folder it deletes, and `--keep DIR` leaves
its data repository, inbox and clone there. It runs on today's files
(data/json/people.json) unless `--era yaml` asks for the files of the era before."""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile

from bot.demo import run_engine_demo, run_loop_demo

JSON_ENTRY = (
    '+  "valentin-barriere": {\n+    "names": [\n'
    '+      {"first": "Valentin", "last": "Barriere"}\n+    ],\n'
    '+    "degree": "Télécom Paris",\n'
)


def authorbot(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True, timeout=300
    )


def test_demo_opens_one_pull_request_and_prints_it():
    r = authorbot("demo")
    assert r.returncode == 0, r.stderr
    text = r.stdout
    assert "<!-- authorbot:status -->\n### ✅ Ready" in text
    assert "Pull request #2: Author page valentin-barriere: verify (#1)" in text
    assert '+      <author id="valentin-barriere"><first>Valentin</first>' in text
    assert "New entry in `data/json/people.json`:\n\n```json\n" in text
    assert JSON_ENTRY in text and "+++ b/data/json/people.json" in text
    summary = text.split("Summary\n" + "=" * 78 + "\n")[1]
    assert summary == (
        "The bot answered issue #1 with its status comment and, once @maintainer approved, "
        "opened pull request #2 from the branch authorbot/issue-1.\n"
        "The issue's labels are now approved, author-page, authorbot:pr-open, authorbot:ready "
        "and correction.\n"
        "The GitHub stand-in sent 10 signed webhook deliveries (the issue, the comments, the "
        "labels and the pull request, as GitHub would); the endpoint stored each in the inbox "
        "and the worker worked each once (10 done).\n"
    )
    # Nothing printed points into the temporary folder the demo removes.
    assert tempfile.gettempdir() not in text and "authorbot-demo-" not in text


def test_demo_keep_leaves_the_repository_inbox_and_clone(tmp_path):
    kept = tmp_path / "kept"
    out = io.StringIO()
    assert run_loop_demo(out, kept) == 0
    bare = kept / "origin.git"
    log = subprocess.run(
        ["git", "--git-dir", str(bare), "log", "--format=%s", "authorbot/issue-1"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert log.splitlines()[0] == "Author page valentin-barriere: move 4 occurrences (#1)"
    assert (kept / "state" / "inbox.sqlite3").is_file()
    assert (kept / "state" / "clones" / "acl-org__acl-anthology" / ".git").is_dir()
    assert f"Kept in {kept}: the data repository with the bot's branch ({bare};" in out.getvalue()


def test_engine_demo_keep_leaves_the_changed_data(tmp_path):
    out = io.StringIO()
    assert run_engine_demo(out, tmp_path) == 0
    text = out.getvalue()
    assert "Of 4 example issues, 3 were ready and applied; the other shows" in text
    assert 'id="yang-liu-5677"' in (tmp_path / "data-repo/data/xml/2024.ccl.xml").read_text()
    assert f"The changed data is kept in {tmp_path / 'data-repo'}" in text


def test_demo_keep_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "something").write_text("mine")
    r = authorbot("demo", "--engine-only", "--keep", str(tmp_path))
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == f"authorbot: --keep {tmp_path} is not empty; give a new or empty folder.\n"
    assert [p.name for p in tmp_path.iterdir()] == ["something"]


def test_demo_on_the_people_yaml_era(tmp_path):
    out = io.StringIO()
    assert run_loop_demo(out, tmp_path / "kept", era="yaml") == 0
    text = out.getvalue()
    assert "New entry in `data/yaml/people.yaml`:\n\n```yaml\n" in text
    assert "+valentin-barriere:\n+  degree: Télécom Paris\n" in text
    assert "data/json/people.json" not in text


def test_the_engine_demo_names_the_eras_people_file(tmp_path):
    for era, people in (("json", "data/json/people.json"), ("yaml", "data/yaml/people.yaml")):
        out = io.StringIO()
        assert run_engine_demo(out, tmp_path / era, era) == 0
        assert f"verified people in {people}," in out.getvalue()
