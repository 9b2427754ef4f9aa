"""End to end over real HTTP: signed webhooks from the GitHub stand-in to the real app,
a SQLite inbox, a worker, PyGithub talking to the stand-in, a real bare git repository."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from bot.anthology.index import DataIndex
from bot.engine.api import apply_plan, plan_issue
from bot.standins.datarepo import SAMPLE_DATA, push_change
from bot.standins.harness import wait_until
from bot.standins.issues import VERIFY_ORCID, verify_body
from tests.e2e.conftest import (
    MAINTAINER,
    STRANGER,
    TRIAGER,
    bot_comments,
    open_verify_issue,
    status_comments,
)

BRANCH = "authorbot/issue-1"
PULLS = r"/repos/acl-org/acl-anthology/pulls"


def git(bare: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(bare), *args], check=True, capture_output=True, text=True
    ).stdout


def engine_result(tmp: Path, issue: dict) -> dict[str, str]:
    """What the engine alone writes for this issue on a fresh copy of the sample data."""
    root = tmp / "engine-copy"
    shutil.copytree(SAMPLE_DATA / "data", root / "data")
    index = DataIndex.load(root)
    written = apply_plan(index, plan_issue(index, issue))
    return {path: (root / path).read_text("utf-8") for path in written}


def test_opened_posts_one_status_comment(deployment):
    number = open_verify_issue(deployment)
    deployment.wait_idle()
    comments = bot_comments(deployment, number)
    assert len(comments) == 1
    body = comments[0]["body"]
    assert body.startswith("<!-- authorbot:status -->\n### ✅ Ready")
    assert body.count("| [valentin-barriere/unverified]") == 4
    assert "papers moved: 4; other occurrences changed: 0" in body
    assert "valentin-barriere:\n  degree: Télécom Paris" in body
    assert 'public, name "Valentin Barriere" fits' in body
    assert deployment.github.labels_on(number) == {"correction", "author-page", "authorbot:ready"}
    # The bot's own comment came back as a webhook and was not answered.
    assert any(d.event == "issue_comment" for d in deployment.github.sent)
    assert deployment.github.pulls() == []


def test_edited_updates_the_same_comment(deployment):
    number = open_verify_issue(deployment)
    deployment.wait_idle()
    [before] = status_comments(deployment, number)
    bad = VERIFY_ORCID[:-1] + "7"
    deployment.github.edit_issue(number, "valentin", body=verify_body(orcid=bad))
    deployment.wait_idle()
    [after] = status_comments(deployment, number)
    assert after["id"] == before["id"]
    assert len(bot_comments(deployment, number)) == 1
    assert "### ✋ Needs information" in after["body"]
    assert f"The ORCID iD {bad} is not valid" in after["body"]
    assert "<sub>`orcid-checksum`</sub>" in after["body"]
    assert deployment.github.labels_on(number) == {
        "correction",
        "author-page",
        "authorbot:needs-info",
    }


def test_maintainer_approval_opens_one_pr_with_the_engines_diff(deployment, tmp_path):
    number = open_verify_issue(deployment)
    deployment.wait_idle()
    approve = deployment.github.comment(number, MAINTAINER, "Looks right.\n@authorbot approve")
    deployment.wait_idle()

    [pull] = deployment.github.pulls()
    assert pull["head"]["ref"] == BRANCH and pull["base"]["ref"] == "main"
    assert pull["state"] == "open"
    assert f"Closes #{number}" in pull["body"]
    assert "papers moved: 4; other occurrences changed: 0" in pull["body"]
    assert "approved by @maintainer-mia" in pull["body"]

    bare = deployment.bare
    main = git(bare, "rev-parse", "main").strip()
    assert git(bare, "rev-parse", f"{BRANCH}^").strip() == main  # one commit on main
    issue = deployment.github.state.issues[number]
    expected = engine_result(tmp_path, issue)
    changed = git(bare, "diff", "--name-only", "main", BRANCH).split()
    assert sorted(changed) == sorted(expected)
    for path, text in expected.items():
        assert git(bare, "show", f"{BRANCH}:{path}") == text

    [status] = status_comments(deployment, number)
    assert f"Pull request: {pull['html_url']}" in status["body"]
    assert "**Approved by @maintainer-mia.**" in status["body"]
    assert deployment.github.reactions_on(approve["id"]) == ["+1"]
    assert {"approved", "authorbot:pr-open"} <= deployment.github.labels_on(number)


def test_triage_role_may_approve_with_the_label(deployment):
    number = open_verify_issue(deployment)
    deployment.wait_idle()
    deployment.github.add_label(number, TRIAGER, "approved")
    deployment.wait_idle()
    [pull] = deployment.github.pulls()
    assert "approved by @triager-tom" in pull["body"]


def test_approval_by_a_non_collaborator_is_refused(deployment):
    number = open_verify_issue(deployment)
    deployment.wait_idle()
    request = deployment.github.comment(number, STRANGER, "@authorbot approve")
    deployment.wait_idle()
    assert deployment.github.pulls() == []
    assert git(deployment.bare, "branch", "--list", BRANCH).strip() == ""
    assert deployment.github.reactions_on(request["id"]) == ["-1"]
    replies = [c for c in bot_comments(deployment, number) if "authorbot:reply" in c["body"]]
    assert len(replies) == 1
    assert "Only maintainers of this repository (triage permission or higher)" in replies[0]["body"]
    # The refusal asked GitHub, not the payload's author_association.
    assert (
        deployment.github.count_requests(
            "GET", r"/repos/acl-org/acl-anthology/collaborators/stranger-sam/permission"
        )
        == 1
    )


def test_the_same_delivery_twice_makes_one_pr(deployment):
    number = open_verify_issue(deployment)
    deployment.wait_idle()
    deployment.github.comment(number, MAINTAINER, "@authorbot approve")
    deployment.wait_idle()
    [delivery] = [
        d
        for d in deployment.github.sent
        if d.event == "issue_comment" and json.loads(d.body)["sender"]["login"] == MAINTAINER
    ]
    assert deployment.github.post_delivery(delivery) == 200  # acknowledged, not stored again
    deployment.wait_idle()
    assert len(deployment.github.pulls()) == 1
    assert deployment.github.count_requests("POST", PULLS) == 1
    assert deployment.bot.inbox.get(delivery.id)["attempts"] == 1


def test_a_502_on_pr_creation_is_retried_and_makes_one_pr(deployment):
    number = open_verify_issue(deployment)
    deployment.wait_idle()
    fault = deployment.github.inject("POST", PULLS, status=502)
    deployment.github.comment(number, MAINTAINER, "@authorbot approve")
    deployment.wait_idle()
    assert fault.hits == 1
    assert len(deployment.github.pulls()) == 1
    assert deployment.github.count_requests("POST", PULLS) == 2
    assert deployment.bot.inbox.counts() == {"done": deployment.bot.inbox.counts()["done"]}


def test_a_pr_created_but_answered_with_502_is_not_created_again(deployment):
    number = open_verify_issue(deployment)
    deployment.wait_idle()
    deployment.github.inject("POST", PULLS, status=502, after=True)
    deployment.github.comment(number, MAINTAINER, "@authorbot approve")
    deployment.wait_idle()
    assert len(deployment.github.pulls()) == 1
    assert deployment.github.count_requests("POST", PULLS) == 1  # looked, found, no re-POST


def test_a_timeout_on_pr_creation_looks_before_retrying(make_deployment):
    dep = make_deployment(client_timeout=1.0)
    number = open_verify_issue(dep)
    dep.wait_idle()
    dep.github.inject("POST", PULLS, status=502, delay=1.6, after=True)
    dep.github.comment(number, MAINTAINER, "@authorbot approve")
    dep.wait_idle()
    assert len(dep.github.pulls()) == 1
    # The retry looked (its branch was pushed) and found it: no second create.
    assert dep.github.count_requests("GET", PULLS) >= 1
    creates = [p for m, p, _ in dep.github.seen if m == "POST" and re.fullmatch(PULLS, p)]
    assert len(creates) == 1  # as they arrived (the timed-out one answered late)
    [status] = status_comments(dep, number)
    assert dep.github.pulls()[0]["html_url"] in status["body"]


def test_secondary_rate_limit_waits_for_retry_after(deployment):
    number = open_verify_issue(deployment)
    deployment.wait_idle()
    comments = r"/repos/acl-org/acl-anthology/issues/\d+/comments"
    already = len(deployment.github.seen)
    deployment.github.inject("POST", comments, status=403, retry_after=1)
    deployment.github.comment(number, "someone", "@authorbot help")
    deployment.wait_idle()
    posts = [
        t
        for m, p, t in deployment.github.seen[already:]
        if m == "POST" and p.endswith(f"/issues/{number}/comments")
    ]
    assert len(posts) == 2
    assert posts[1] - posts[0] >= 0.95  # Retry-After: 1 was honoured
    assert sum("authorbot:reply" in c["body"] for c in bot_comments(deployment, number)) == 1


def test_an_edit_after_approval_withdraws_it_and_closes_the_pr(deployment):
    number = open_verify_issue(deployment)
    deployment.wait_idle()
    deployment.github.comment(number, MAINTAINER, "@authorbot approve")
    deployment.wait_idle()
    deployment.github.edit_issue(number, "valentin", body=verify_body(degree="Sorbonne"))
    deployment.wait_idle()
    [pull] = deployment.github.pulls()
    assert pull["state"] == "closed"
    [status] = status_comments(deployment, number)
    assert "that approval no longer holds" in status["body"]
    assert "approved" not in deployment.github.labels_on(number)


def test_default_branch_moved_rebuilds_the_branch_on_it(deployment):
    number = open_verify_issue(deployment)
    deployment.wait_idle()
    deployment.github.comment(number, MAINTAINER, "@authorbot approve")
    deployment.wait_idle()
    head = push_change(
        deployment.bare, deployment.workdir, "README.md", "hello\n", "Someone else's change"
    )
    deployment.github.comment(number, "valentin", "@authorbot retry")
    deployment.wait_idle()
    [pull] = deployment.github.pulls()
    assert pull["state"] == "open"
    assert git(deployment.bare, "rev-parse", f"{BRANCH}^").strip() == head


def test_id_command_and_help_and_unknown_commands(deployment):
    number = open_verify_issue(deployment)
    deployment.wait_idle()
    stranger = deployment.github.comment(number, STRANGER, "@authorbot id valentin-b")
    helper = deployment.github.comment(number, STRANGER, "@authorbot help")
    odd = deployment.github.comment(number, STRANGER, "@authorbot dance")
    chosen = deployment.github.comment(number, MAINTAINER, "@authorbot id valentin-barriere-tp")
    deployment.wait_idle()
    assert deployment.github.reactions_on(stranger["id"]) == ["-1"]
    assert deployment.github.reactions_on(helper["id"]) == ["+1"]
    assert deployment.github.reactions_on(odd["id"]) == ["confused"]
    assert deployment.github.reactions_on(chosen["id"]) == ["+1"]
    [status] = status_comments(deployment, number)
    assert (
        "[valentin-barriere-tp](https://aclanthology.org/people/valentin-barriere-tp/)"
        in (status["body"])
    )
    assert '"new_id":"valentin-barriere-tp"' in status["body"]


def test_orcid_record_missing_means_needs_info(make_deployment):
    dep = make_deployment(orcid_records={})
    number = open_verify_issue(dep)
    dep.wait_idle()
    [status] = status_comments(dep, number)
    assert "### ✋ Needs information" in status["body"]
    assert f"ORCID has no record for the iD {VERIFY_ORCID}" in status["body"]
    assert "authorbot:needs-info" in dep.github.labels_on(number)


def test_orcid_down_means_the_check_is_skipped(deployment):
    deployment.orcid.down = True
    number = open_verify_issue(deployment)
    deployment.wait_idle()
    [status] = status_comments(deployment, number)
    assert "### ✅ Ready" in status["body"]
    assert "not checked, ORCID did not answer" in status["body"]


def test_an_invalid_config_is_reported_on_the_issue(make_deployment):
    dep = make_deployment(extra_files={".github/authorbot.yml": "approval_label: 5\n"})
    number = open_verify_issue(dep)
    dep.wait_idle()
    [status] = status_comments(dep, number)
    assert "The bot's configuration is invalid" in status["body"]
    assert "`approval_label`: 5 is not of type 'string'" in status["body"]


def test_healthz_and_issue_not_ours(deployment):
    import requests

    answer = requests.get(deployment.webhook_url.replace("/webhook", "/healthz"), timeout=5)
    assert answer.status_code == 200 and answer.json()["ok"] is True
    issue = deployment.github.open_issue("someone", "Typo on the home page", "Hello", [])
    deployment.wait_idle()
    assert deployment.github.comments_on(issue["number"]) == []
    wait_until(lambda: deployment.bot.inbox.counts().get("done", 0) >= 1)


def test_a_merge_into_the_default_branch_rebuilds_open_bot_branches(deployment):
    number = open_verify_issue(deployment)
    deployment.wait_idle()
    deployment.github.comment(number, MAINTAINER, "@authorbot approve")
    deployment.wait_idle()
    head = push_change(
        deployment.bare, deployment.workdir, "data/NOTES.md", "notes\n", "Another request, merged"
    )
    deployment.github.announce_merge(MAINTAINER, "fix-typo")
    deployment.wait_idle()
    assert git(deployment.bare, "rev-parse", f"{BRANCH}^").strip() == head
    assert [p["state"] for p in deployment.github.pulls() if p["head"]["ref"] == BRANCH] == ["open"]


def test_cancel_closes_the_pr_and_a_new_approval_reopens_the_same_one(deployment):
    number = open_verify_issue(deployment)
    deployment.wait_idle()
    deployment.github.comment(number, MAINTAINER, "@authorbot approve")
    deployment.wait_idle()
    deployment.github.comment(number, TRIAGER, "@authorbot cancel")
    deployment.wait_idle()
    [first] = deployment.github.pulls()
    assert first["state"] == "closed"
    assert "approved" not in deployment.github.labels_on(number)
    [status] = status_comments(deployment, number)
    assert "**Cancelled by a maintainer.**" in status["body"]
    deployment.github.add_label(number, MAINTAINER, "approved")
    deployment.wait_idle()
    [again] = deployment.github.pulls()  # never a second pull request
    assert again["number"] == first["number"] and again["state"] == "open"
    sent = deployment.github.sent
    events = [json.loads(d.body)["action"] for d in sent if d.event == "pull_request"]
    assert events == ["opened", "closed", "reopened"]  # the same commit: nothing to edit
    [status] = status_comments(deployment, number)
    assert f"Pull request: {again['html_url']}" in status["body"]


def test_a_deleted_branch_is_put_back_to_reopen_the_pull_request(deployment):
    number = open_verify_issue(deployment)
    deployment.wait_idle()
    deployment.github.comment(number, MAINTAINER, "@authorbot approve")
    deployment.wait_idle()
    deployment.github.comment(number, MAINTAINER, "@authorbot cancel")
    deployment.wait_idle()
    deployment.github.delete_branch(BRANCH)  # GitHub's button under a closed pull request
    deployment.github.comment(number, MAINTAINER, "@authorbot approve")
    deployment.wait_idle()
    [pull] = deployment.github.pulls()
    assert pull["state"] == "open"
    assert (
        git(deployment.bare, "rev-parse", f"{BRANCH}^").strip()
        == git(deployment.bare, "rev-parse", "main").strip()
    )


def test_commands_on_a_closed_issue_are_answered(deployment):
    number = open_verify_issue(deployment)
    deployment.wait_idle()
    deployment.github.edit_issue(number, MAINTAINER, state="closed")
    request = deployment.github.comment(number, MAINTAINER, "@authorbot approve")
    deployment.wait_idle()
    assert deployment.github.pulls() == []
    assert deployment.github.reactions_on(request["id"]) == ["-1"]
    assert any(
        "this issue is closed, so I did nothing" in c["body"]
        for c in bot_comments(deployment, number)
    )


def test_an_engine_failure_is_reported_on_the_issue(deployment, monkeypatch):
    import bot.engine.api

    def broken(index, issue, new_id=None):
        raise RuntimeError("the engine tripped")

    monkeypatch.setattr(bot.engine.api, "plan_issue", broken)
    number = open_verify_issue(deployment)
    deployment.wait_idle()
    [status] = status_comments(deployment, number)
    assert "### ⚠️ I could not read this request" in status["body"]
    assert "RuntimeError: the engine tripped" in status["body"]
    assert deployment.bot.inbox.counts().get("failed") == 1


def test_the_approval_label_on_a_request_that_is_not_ready_is_taken_back(deployment):
    number = open_verify_issue(deployment, verify_body(orcid=VERIFY_ORCID[:-1] + "7"))
    deployment.wait_idle()
    deployment.github.add_label(number, MAINTAINER, "approved")
    deployment.wait_idle()
    assert deployment.github.pulls() == []
    assert "approved" not in deployment.github.labels_on(number)
    [status] = status_comments(deployment, number)
    assert (
        "> @maintainer-mia approved, but I cannot open a pull request while the request is "
        "needs-info." in status["body"]
    )
