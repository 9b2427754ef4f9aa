"""The `authorbot` command as the bot and the acceptance checks run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.anthology.people import PEOPLE_JSON, PEOPLE_YAML
from tests.conftest import CASES, MINI_ROOT, SHARED
from tests.issues import anthology_issue, our_issue

PEOPLE = {"json": PEOPLE_JSON, "yaml": PEOPLE_YAML}


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
    )


def write_issue(tmp_path: Path, issue: dict) -> str:
    path = tmp_path / "issue.json"
    path.write_text(json.dumps(issue), "utf-8")
    return str(path)


def test_plan_prints_table_and_diff_and_writes_nothing(era, era_copy, tmp_path):
    data_copy, people = era_copy, PEOPLE[era]
    before = (data_copy / people).read_text("utf-8")
    issue = write_issue(
        tmp_path,
        our_issue(
            "yang-liu/unverified",
            ["2024.ccl-1.3"],
            "new",
            "0000-0002-1234-5677",
            "Tsinghua University",
        ),
    )
    r = run("plan", str(data_copy), issue)
    assert r.returncode == 0, r.stderr
    assert "2024.ccl-1.3  Yang Liu" in r.stdout
    assert "yang-liu/unverified  yang-liu-5677" in r.stdout
    assert f"+++ b/{people}" in r.stdout and "+++ b/data/xml/2024.ccl.xml" in r.stdout
    assert (data_copy / people).read_text("utf-8") == before


def test_apply_json_has_the_contract_fields(era, era_copy, tmp_path):
    data_copy = era_copy
    issue = write_issue(
        tmp_path,
        our_issue(
            "yang-liu/unverified",
            ["2024.ccl-1.3"],
            "new",
            "0000-0002-1234-5677",
            "Tsinghua University",
        ),
    )
    r = run("apply", str(data_copy), issue, "--json", "--id", "yang-liu-thu")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["status"] == "ready"
    assert out["target"]["id"] == "yang-liu-thu" and out["target"]["new"] is True
    assert (
        out["target"]["orcid"] == "0000-0002-1234-5677"
        and out["target"]["degree"] == "Tsinghua University"
    )
    assert out["target"]["names"] == [{"first": "Yang", "last": "Liu"}]
    assert out["moves"] == [
        {
            "paper": "2024.ccl-1.3",
            "role": "author",
            "position": 1,
            "name": "Yang Liu",
            "title": out["moves"][0]["title"],
            "from": "yang-liu/unverified",
            "to": "yang-liu-thu",
        }
    ]
    assert out["problems"] == []
    assert out["files"] == sorted(["data/xml/2024.ccl.xml", PEOPLE[era]])
    assert out["people_file"] == PEOPLE[era]
    assert 'id="yang-liu-thu"' in (data_copy / "data/xml/2024.ccl.xml").read_text("utf-8")
    from bot import schemas

    schemas.validate(out, "plan")


def test_refusal_exits_2_with_problems(era_copy, tmp_path):
    data_copy = era_copy
    issue = write_issue(
        tmp_path,
        anthology_issue(["valentin-barriere/unverified"], {"verify"}, "0000-0002-4345-7947", "X"),
    )
    r = run("apply", str(data_copy), issue, "--json")
    assert r.returncode == 2
    out = json.loads(r.stdout)
    assert out["status"] == "needs-info" and out["problems"][0]["code"] == "orcid-checksum"


def test_a_missing_data_folder_is_the_users_mistake_not_an_internal_error(tmp_path):
    issue = write_issue(tmp_path, our_issue("x", [], "new"))
    r = run("plan", str(tmp_path / "no-such-dir"), issue)
    assert r.returncode == 2
    assert "no-such-dir does not exist" in r.stderr and "internal error" not in r.stderr


def test_issue_from_stdin(era_copy):
    data_copy = era_copy
    issue = json.dumps(our_issue("wei-wang/unverified", ["2024.wassa-1.45"], "wei-wang-8076"))
    r = run("plan", str(data_copy), "-", "--json", stdin=issue)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["moves"][0]["to"] == "wei-wang-8076"


@pytest.mark.skipif(not CASES.exists(), reason="../shared/corpus/cases not found")
def test_every_corpus_case_passes_the_reference_judge():
    authorbot = Path(sys.executable).parent / "authorbot"
    r = subprocess.run(
        [
            sys.executable,
            str(SHARED / "tools" / "check_cases.py"),
            str(CASES),
            str(MINI_ROOT),
            str(authorbot),
            sys.executable,
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip().splitlines()[-1] == "10/10 cases pass"
