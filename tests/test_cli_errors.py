"""Mistakes in what a person gives `authorbot plan|apply` are answered as such: exit 2
and one sentence on standard error that names the file and says what is wrong with
it; no traceback, no "internal error" (exit 1 is kept for authorbot's own faults), and
nothing written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.issues import our_issue

GOOD_ISSUE = our_issue(
    "yang-liu/unverified", ["2024.ccl-1.3"], "new", "0000-0002-1234-5677", "Tsinghua University"
)


def authorbot(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], capture_output=True, input=stdin, timeout=120
    )


def said(r: subprocess.CompletedProcess) -> str:
    """The one line of the answer, checked to be an answer to a user mistake."""
    err = r.stderr.decode("utf-8")
    assert r.returncode == 2, err
    assert r.stdout == b""
    assert err.startswith("authorbot: ") and err.count("\n") == 1, err
    assert "internal error" not in err and "Traceback" not in err and "Error:" not in err
    return err


@pytest.fixture
def good_issue(tmp_path: Path) -> str:
    path = tmp_path / "issue.json"
    path.write_text(json.dumps(GOOD_ISSUE), "utf-8")
    return str(path)


def files_of(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("command", ["plan", "apply"])
def test_a_folder_without_data(tmp_path, good_issue, command):
    empty = tmp_path / "checkout"
    empty.mkdir()
    err = said(authorbot(command, str(empty), good_issue))
    assert f"{empty} holds no data/xml/" in err and "root of a data repository" in err


def test_a_data_folder_that_is_a_file(good_issue):
    err = said(authorbot("plan", good_issue, good_issue))
    assert f"the data folder {good_issue} is a file, not a folder" in err


def test_a_missing_issue_file(data_copy, tmp_path):
    missing = tmp_path / "issue-17.json"
    err = said(authorbot("apply", str(data_copy), str(missing)))
    assert err == f"authorbot: the issue file {missing} does not exist.\n"


def test_an_issue_file_that_is_not_json(data_copy, tmp_path):
    path = tmp_path / "issue.json"
    path.write_text('{"title": "Fix my page",\n "body": ', "utf-8")
    before = files_of(data_copy)
    err = said(authorbot("apply", str(data_copy), str(path)))
    assert f"the issue file {path} is not JSON (Expecting value at line 2, column 10)" in err
    assert files_of(data_copy) == before


@pytest.mark.parametrize("content", [b"\x7fELF\x02\x01\x01\x00\x00\xff\xfe", b"{\x00\x00}"])
def test_a_binary_issue_file(data_copy, tmp_path, content):
    path = tmp_path / "issue.bin"
    path.write_bytes(content)
    err = said(authorbot("plan", str(data_copy), str(path)))
    assert f"the issue file {path} is not text (a binary file?)" in err


def test_a_folder_given_as_the_issue(data_copy, tmp_path):
    err = said(authorbot("plan", str(data_copy), str(tmp_path)))
    assert err == f"authorbot: the issue file {tmp_path} is a folder; give the issue's JSON file.\n"


def test_an_empty_issue_file(data_copy, tmp_path):
    path = tmp_path / "issue.json"
    path.write_text("\n", "utf-8")
    assert f"the issue file {path} is empty" in said(authorbot("plan", str(data_copy), str(path)))


def test_json_that_is_not_a_github_issue(data_copy, tmp_path):
    path = tmp_path / "foo.json"
    path.write_text('{"foo": "bar"}', "utf-8")
    err = said(authorbot("plan", str(data_copy), str(path)))
    assert f"the issue file {path} is not a GitHub issue: it has no title and no body" in err


def test_a_json_list_on_standard_input(data_copy):
    err = said(authorbot("plan", str(data_copy), "-", stdin=b"[1, 2]"))
    assert "the issue on standard input holds a JSON list, not a GitHub issue" in err


def test_an_issue_whose_body_is_not_text(data_copy, tmp_path):
    path = tmp_path / "issue.json"
    path.write_text(json.dumps({**GOOD_ISSUE, "body": ["a", "list"]}), "utf-8")
    err = said(authorbot("plan", str(data_copy), str(path)))
    assert "is not a GitHub issue: its title and body must be text" in err


@pytest.mark.parametrize(
    "entry, problem",
    [
        ("  names: 5\n", "entry 'aaron-smith' has no names"),
        ("  names:\n  - {first: Aaron}\n", "entry 'aaron-smith' has a name without 'last'"),
        (
            "  names:\n  - {first: Aaron, last: Smith}\n  similar: 7\n",
            "entry 'aaron-smith' has 'similar' that is not a list",
        ),
    ],
)
def test_a_malformed_people_file_names_the_file_and_the_entry(
    data_copy, good_issue, entry, problem
):
    people = data_copy / "data/yaml/people.yaml"
    people.write_text("aaron-smith:\n" + entry + people.read_text("utf-8"), "utf-8")
    before = files_of(data_copy)
    err = said(authorbot("apply", str(data_copy), good_issue))
    assert f"the data in {data_copy} cannot be read" in err
    assert "people.yaml" in err and problem in err
    assert files_of(data_copy) == before


def test_an_xml_file_that_is_not_utf8_is_named(data_copy, good_issue):
    (data_copy / "data/xml/2024.ccl.xml").write_bytes(b"<?xml version='1.0'?>\n<x>\xff</x>\n")
    err = said(authorbot("plan", str(data_copy), good_issue))
    assert "data/xml/2024.ccl.xml is not UTF-8 text" in err


def test_a_people_file_that_is_not_utf8(data_copy, good_issue):
    (data_copy / "data/yaml/people.yaml").write_bytes(b"aaron-smith:\n  names: \xff\n")
    err = said(authorbot("plan", str(data_copy), good_issue))
    assert f"the people file in {data_copy} is not UTF-8 text" in err
