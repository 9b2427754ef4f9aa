"""The integrity check (bot/anthology/integrity.py) and where it runs: `authorbot
check`, and before every plan and apply (the bot's jobs: tests/e2e/test_bot_loop.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bot.anthology.index import DataIndex
from bot.anthology.integrity import DataIntegrityError, index_integrity, require_integrity
from tests.conftest import SAMPLE_JSON_ROOT
from tests.issues import our_issue

PEOPLE = "data/yaml/people.yaml"


def authorbot(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True, timeout=120
    )


def drop_entry(root: Path, pid: str) -> None:
    """Remove one person's block from the people file."""
    path = root / PEOPLE
    lines = path.read_text("utf-8").splitlines(keepends=True)
    start = lines.index(f"{pid}:\n")
    end = start + 1
    while end < len(lines) and lines[end].startswith(" "):
        end += 1
    path.write_text("".join(lines[:start] + lines[end:]), "utf-8")


def files_of(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_the_sample_is_whole(sample_index):
    report = require_integrity(sample_index)
    assert report.ok and report.problems() == []
    assert report.people == len(sample_index.people) == 725
    assert report.ids_used == 412 and report.lines_with_id == 531


def test_a_person_missing_from_the_people_file_is_named_with_a_file(data_copy):
    drop_entry(data_copy, "orphee-de-clercq")
    report = index_integrity(DataIndex.load(data_copy))
    assert not report.ok
    (unknown,) = report.unknown
    assert unknown.pid == "orphee-de-clercq" and unknown.lines == 3
    assert report.problems() == [
        "1 person ID in data/xml (3 author/editor lines) is not defined in "
        "data/yaml/people.yaml: 'orphee-de-clercq' (data/xml/2022.wassa.xml, 2022.wassa-1, "
        "and 2 more lines)"
    ]


def test_an_empty_people_file_is_refused_and_names_the_first_few(data_copy):
    (data_copy / PEOPLE).write_text("", "utf-8")
    index = DataIndex.load(data_copy)
    try:
        require_integrity(index)
    except DataIntegrityError as exc:
        report = exc.report
        message = str(exc)
    else:
        raise AssertionError("an empty people file passed the check")
    assert report.people == 0 and len(report.unknown) == 412
    assert message.startswith("data/yaml/people.yaml defines no one: it is empty or cut short; ")
    assert "412 person IDs in data/xml (531 author/editor lines) are not defined" in message
    assert "'aaron-maladry' (data/xml/2022.wassa.xml, 2022.wassa-1.16)" in message
    assert message.endswith(", and 409 more")


def test_check_command_on_a_whole_repository(data_copy):
    r = authorbot("check", str(data_copy))
    assert r.returncode == 0, r.stderr
    assert f"{data_copy}: 725 people in data/yaml/people.yaml; 15 collection files" in r.stdout
    assert "Whole: loaded in " in r.stdout and " ms." in r.stdout


def test_check_command_on_an_xml_id_nobody_has(data_copy):
    xml = data_copy / "data/xml/2024.ccl.xml"
    text = xml.read_text("utf-8")
    xml.write_text(text.replace("<author>", '<author id="no-such-person">', 1), "utf-8")
    r = authorbot("check", str(data_copy))
    assert r.returncode == 2
    assert "Problem: 1 person ID in data/xml (1 author/editor line) is not defined" in r.stdout
    assert "'no-such-person' (data/xml/2024.ccl.xml, 2024.ccl-1." in r.stdout
    assert "Not whole: loaded in" in r.stdout


def test_apply_refuses_an_emptied_people_file_and_writes_nothing(data_copy, tmp_path):
    # The issue's report: with people.yaml emptied, apply wrote a people file of one
    # entry while hundreds of ids in the XML pointed at no one.
    (data_copy / PEOPLE).write_text("", "utf-8")
    issue = tmp_path / "issue.json"
    issue.write_text(
        json.dumps(
            our_issue(
                "yang-liu/unverified", ["2024.ccl-1.3"], "new", "0000-0002-1234-5677", "Tsinghua"
            )
        ),
        "utf-8",
    )
    before = files_of(data_copy)
    for command in ("plan", "apply"):
        r = authorbot(command, str(data_copy), str(issue))
        assert r.returncode == 2 and r.stdout == ""
        assert r.stderr.startswith(
            f"authorbot: the data in {data_copy} is not whole, so nothing is planned on it: "
            "data/yaml/people.yaml defines no one"
        )
        assert r.stderr.count("\n") == 1
    assert files_of(data_copy) == before


def test_the_report_names_the_people_file_the_repository_has():
    # A repository of today's files: the report names data/json/people.json.
    report = index_integrity(DataIndex.load(SAMPLE_JSON_ROOT))
    assert report.people_file == "data/json/people.json"
