"""What a newcomer reads: every command's help says what it does, `serve --help` and
`worker --help` list every environment variable the settings read, and the README's
`plan` example runs as written and prints what the README shows."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import ENVIRONMENT

REPO = Path(__file__).resolve().parent.parent
COMMANDS = ("plan", "apply", "check", "demo", "serve", "worker", "pages")


def authorbot(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_main_help_lists_every_command_and_the_exit_codes():
    out = authorbot("--help").stdout
    for command in COMMANDS:
        assert re.search(rf"^    {command} +\S", out, re.M), command
    flat = " ".join(out.split())
    assert "Start with `authorbot demo`" in flat and "Exit codes: 0 done" in flat


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_a_description(command):
    r = authorbot(command, "--help")
    assert r.returncode == 0
    usage, description = r.stdout.split("\n\n")[:2]
    assert usage.startswith(f"usage: authorbot {command}")
    # A description is sentences, not the options list.
    assert not description.startswith(("positional arguments", "options"))
    assert len(description.split()) >= 15 and description.rstrip().endswith(".")


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_serve_and_worker_help_list_the_environment(command):
    out = authorbot(command, "--help").stdout
    listed = re.findall(r"^  ([A-Z][A-Z0-9_]+)  ", out.split("environment")[1], re.M)
    assert listed == [name for name, _ in ENVIRONMENT]


def test_the_environment_table_names_every_variable_the_settings_read():
    source = (REPO / "bot" / "settings.py").read_text("utf-8")
    read = set(re.findall(r"env(?:\.get\(|\[)\"([A-Z][A-Z0-9_]+)\"", source))
    assert read and read == {name for name, _ in ENVIRONMENT}


def test_the_readme_plan_example_runs_as_written():
    readme = (REPO / "README.md").read_text("utf-8")
    after = readme.split("Try it in this clone on the bundled sample")[1]
    command, shown = re.findall(r"```(?:sh)?\n(.*?)```", after, re.S)[:2]
    args = command.split()
    assert args[0] == ".venv/bin/authorbot"
    r = authorbot(*args[1:])
    assert r.returncode == 0, r.stderr
    expected = shown.split("...")[0]
    assert r.stdout.startswith(expected)
