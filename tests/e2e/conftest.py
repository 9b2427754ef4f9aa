"""Fixtures for the end-to-end tests: the whole bot on loopback (see
`bot/standins/harness.py`): a bare data repository, the GitHub and ORCID stand-ins
over HTTP, the real app, a real SQLite inbox, and a worker thread."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.standins.harness import LocalDeployment
from bot.standins.issues import VERIFY_LABELS, VERIFY_ORCID, VERIFY_TITLE, verify_body
from bot.standins.orcid import FakeRecord

MAINTAINER = "maintainer-mia"
TRIAGER = "triager-tom"
STRANGER = "stranger-sam"
AUTHOR = "valentin"


@pytest.fixture
def make_deployment(tmp_path: Path) -> Iterator:
    """A factory: `make_deployment(**options)` starts a LocalDeployment; all are stopped
    at the end of the test."""
    started: list[LocalDeployment] = []

    def make(**options) -> LocalDeployment:
        options.setdefault(
            "roles", {MAINTAINER: "maintain", TRIAGER: "triage", "writer-wes": "write"}
        )
        options.setdefault("orcid_records", {VERIFY_ORCID: FakeRecord("Valentin", "Barriere")})
        dep = LocalDeployment(tmp_path / f"dep{len(started)}", **options)
        started.append(dep)
        return dep.start()

    yield make
    for dep in started:
        dep.stop()


@pytest.fixture
def deployment(make_deployment) -> LocalDeployment:
    """A started deployment with the default roles and ORCID records."""
    return make_deployment()


def open_verify_issue(dep: LocalDeployment, body: str | None = None) -> int:
    """File the sample verification request as its author; returns the issue number."""
    issue = dep.github.open_issue(AUTHOR, VERIFY_TITLE, body or verify_body(), VERIFY_LABELS)
    return issue["number"]


def bot_comments(dep: LocalDeployment, number: int) -> list[dict]:
    """The bot's comments on an issue."""
    return [c for c in dep.github.comments_on(number) if c["user"]["login"] == "authorbot[bot]"]


def status_comments(dep: LocalDeployment, number: int) -> list[dict]:
    """The bot's status comments on an issue (there must be one)."""
    return [c for c in bot_comments(dep, number) if "<!-- authorbot:status -->" in c["body"]]
