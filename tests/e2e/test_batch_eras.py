"""Batch pull requests, before/after counts and previews on both eras of the
Anthology's files: a data repository with `data/json/people.json` (today) and one with
`data/yaml/people.yaml` (before 2026). The bot, the batch and the preview read the
people file through `bot/anthology`, so the same routine works on either; each branch
holds the engine's edits of its own era's files, and each preview shows the pages as
that branch's commit makes them."""

from __future__ import annotations

import re

import pytest
import requests

from bot.demo import SAMPLE_ERAS
from bot.standins.orcid import FakeRecord
from tests.e2e.batching import (
    BATCH_CONFIG,
    Clock,
    approve,
    branch_matches_engine,
    closes_lines,
    commit_issues,
    engine_sequence,
    failed_deliveries,
    file_issue,
    git,
    independent_pages,
    open_batches,
    split_request,
    verification,
)
from tests.e2e.conftest import MAINTAINER, status_comments

PEOPLE = {"json": "data/json/people.json", "yaml": "data/yaml/people.yaml"}
ERAS = sorted(SAMPLE_ERAS)


def papers_on(html: str) -> set[str]:
    """The Anthology IDs of the items a page links to."""
    return set(re.findall(r'href="https://aclanthology\.org/([A-Za-z0-9.\-]+)/"', html))


def preview(url: str) -> requests.Response:
    page = requests.get(url, timeout=30)
    assert page.status_code == 200, (url, page.status_code, page.text[:300])
    return page


@pytest.mark.parametrize("era", ERAS)
def test_a_days_verifications_make_one_batch_on_either_era(make_deployment, tmp_path, era):
    source = SAMPLE_ERAS[era]
    reqs = [verification(p, i, source) for i, p in enumerate(independent_pages(12, source)[:3])]
    dep = make_deployment(
        data_source=source,
        extra_files={BATCH_CONFIG: "pull_requests: {verify: batch}\n"},
        orcid_records={r["orcid"]: r["record"] for r in reqs},
        clock=Clock(),
    )
    numbers = [file_issue(dep, r) for r in reqs]
    dep.wait_idle(timeout=60)
    for number in numbers:
        approve(dep, number)
    dep.wait_idle(timeout=120)

    [pull] = open_batches(dep)
    branch = pull["head"]["ref"]
    assert branch == "authorbot/batch-2026-02-01"
    assert commit_issues(dep, pull["number"]) == numbers
    assert closes_lines(pull["body"]) == numbers
    # Commit by commit the engine's edits of this era's files, and only those.
    issues = [dep.github.state.issues[n] for n in numbers]
    expected = engine_sequence(tmp_path, issues, source)
    assert PEOPLE[era] in expected
    other = PEOPLE["yaml" if era == "json" else "json"]
    assert not any(path.startswith(other.rsplit("/", 1)[0]) for path in expected)
    branch_matches_engine(dep, branch, expected)

    # Every new page: 0 papers before, its papers after, and a preview of the commit;
    # the unverified page it comes from is gone after.
    for req, commit in zip(reqs, dep.github.pull_commits(pull["number"]), strict=True):
        target = commit["commit"]["message"].split()[3]
        gone = req["title"].split(": ", 1)[1]
        assert re.search(
            rf"^\| \[{re.escape(gone)}\]\([^)]*\) \| \d+ \| 0 \(page gone\) \| — \|$",
            pull["body"],
            re.M,
        ), (gone, pull["body"])
        url = f"{dep.public_url}/preview/{branch}/people/{target}/"
        row = re.search(
            rf"^\| \[{re.escape(target)}\]\([^)]*\) \| 0 \(new page\) \| (\d+) \| "
            rf"\[preview\]\({re.escape(url)}\) \|$",
            pull["body"],
            re.M,
        )
        assert row is not None, (target, pull["body"])
        page = preview(url)
        assert page.headers["X-Authorbot-Preview-Commit"] == pull["head"]["sha"]
        assert len(papers_on(page.text)) == int(row.group(1)) > 0
        assert requests.get(f"{dep.public_url}/people/{target}/", timeout=30).status_code == 404
    for number in numbers:
        [status] = status_comments(dep, number)
        assert f"/preview/{branch}/people/" in status["body"]

    dep.github.merge_pull(pull["number"], MAINTAINER)
    dep.wait_idle(timeout=60)
    assert all(dep.github.state.issues[n]["state"] == "closed" for n in numbers)
    assert open_batches(dep) == []
    assert failed_deliveries(dep) == 0


@pytest.mark.parametrize("era", ERAS)
def test_a_split_is_reviewed_from_its_pull_request_on_either_era(make_deployment, era):
    """The hard kind, with a pull request of its own: the pull request and the status
    comment show each page's papers before and after, and the previews show the pages
    as the branch makes them."""
    source = SAMPLE_ERAS[era]
    orcid = "0000-0002-0707-8076"  # wei-wang-8076's iD in the sample
    dep = make_deployment(data_source=source, orcid_records={orcid: FakeRecord("Wei", "Wang")})
    moved = ["2024.ccl-1.42", "2024.ccl-3.37"]
    number = file_issue(
        dep, split_request("wei-wang/unverified", moved, "wei-wang-8076", orcid=orcid)
    )
    dep.wait_idle()
    approve(dep, number)
    dep.wait_idle()

    [pull] = dep.github.pulls()
    branch = f"authorbot/issue-{number}"
    assert pull["head"]["ref"] == branch and pull["state"] == "open"
    assert f"`{PEOPLE[era]}`" in pull["body"]
    base = f"{dep.public_url}/preview/{branch}/people"
    rows = [
        "| [wei-wang-8076](https://aclanthology.org/people/wei-wang-8076/) | 0 (new page) | 2 "
        f"| [preview]({base}/wei-wang-8076/) |",
        "| [wei-wang/unverified](https://aclanthology.org/people/wei-wang/unverified/) | 5 | 3 "
        f"| [preview]({base}/wei-wang/unverified/) |",
    ]
    [status] = status_comments(dep, number)
    for row in rows:
        assert row in pull["body"]
        assert row in status["body"]

    target = preview(f"{base}/wei-wang-8076/")
    assert target.headers["X-Authorbot-Preview-Commit"] == pull["head"]["sha"]
    assert papers_on(target.text) == set(moved)
    rest = papers_on(preview(f"{base}/wei-wang/unverified/").text)
    assert len(rest) == 3 and not rest & set(moved)
    # The preview is of the branch: the default branch still has all five there.
    main = git(dep.bare, "rev-parse", "main").strip()
    assert pull["head"]["sha"] != main
    assert failed_deliveries(dep) == 0
