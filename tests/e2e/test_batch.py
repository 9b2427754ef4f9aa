"""Batch pull requests end to end: the Anthology maintainers' daily routine (approve a
day's verifications, merge one pull request, every issue closed by it) over the
GitHub stand-in, the real app and worker, and a real bare git repository."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
import requests

from bot.standins.datarepo import push_change
from bot.standins.orcid import FakeRecord
from tests.e2e.batching import (
    BATCH_CONFIG,
    DAY1,
    Clock,
    approve,
    batch_record,
    branch_matches_engine,
    closes_lines,
    commit_issues,
    engine_sequence,
    failed_deliveries,
    file_issue,
    git,
    independent_pages,
    issue_state,
    open_batches,
    orcid_for,
    push_engine_change,
    split_request,
    verification,
)
from tests.e2e.conftest import MAINTAINER, STRANGER, bot_comments, status_comments

BATCHED = {BATCH_CONFIG: "pull_requests: {verify: batch, split: batch}\n"}


@pytest.fixture
def clock() -> Clock:
    return Clock()


def start(make_deployment, clock, count: int = 0, **options):
    """A deployment that batches verifications and splits, with ORCID records for the
    first `count` independent pages."""
    reqs = [verification(page, i) for i, page in enumerate(independent_pages()[:count])]
    records = {r["orcid"]: r["record"] for r in reqs}
    records.update(options.pop("orcid_records", {}))
    dep = make_deployment(
        extra_files=options.pop("extra_files", BATCHED),
        orcid_records=records,
        clock=clock,
        **options,
    )
    return dep, reqs


def two_in_a_batch(make_deployment, clock):
    """Two verifications filed and approved: the deployment, their issue numbers and
    the one batch pull request they make."""
    dep, reqs = start(make_deployment, clock, 2)
    a, b = [file_issue(dep, r) for r in reqs]
    dep.wait_idle()
    approve(dep, a)
    approve(dep, b)
    dep.wait_idle()
    [pull] = open_batches(dep)
    return dep, a, b, pull


def test_ten_approvals_make_one_batch_pr_and_merging_it_closes_them_all(
    make_deployment, clock, tmp_path
):
    dep, reqs = start(make_deployment, clock, 10)
    numbers = [file_issue(dep, r) for r in reqs]
    dep.wait_idle(timeout=60)
    order = numbers[3:] + numbers[:3]  # approval order is not filing order
    for number in order:
        approve(dep, number)
    dep.wait_idle(timeout=120)

    [pull] = open_batches(dep)
    assert pull["head"]["ref"] == "authorbot/batch-2026-02-01"
    assert pull["title"] == "Bulk verifications 2026-02-01"
    assert [p["state"] for p in dep.github.pulls()] == ["open"]  # no per-issue ones
    assert commit_issues(dep, pull["number"]) == order  # one commit each, approval order
    assert closes_lines(pull["body"]) == order
    assert batch_record(pull["body"]) == order
    first = dep.github.pull_commits(pull["number"])[0]["commit"]["message"]
    target = first.split()[3]
    assert first.startswith(f"Process verification for {target} (closes #{order[0]})")
    issues = [dep.github.state.issues[n] for n in order]
    branch_matches_engine(dep, pull["head"]["ref"], engine_sequence(tmp_path, issues))
    # Before/after with previews, in the pull request and in each status comment.
    assert "### Status quo and preview" in pull["body"]
    preview = f"{dep.public_url}/preview/authorbot/batch-2026-02-01/people/{target}/"
    assert (
        f"| [{target}](https://aclanthology.org/people/{target}/) | 0 (new page) |"
        in (pull["body"])
    )
    assert f"[preview]({preview})" in pull["body"]
    for number in order:
        [status] = status_comments(dep, number)
        assert f"one commit of the batch pull request {pull['html_url']}" in status["body"]
        assert "/preview/authorbot/batch-2026-02-01/people/" in status["body"]
        assert issue_state(dep, number).batch == "authorbot/batch-2026-02-01"
        assert {"approved", "authorbot:pr-open"} <= dep.github.labels_on(number)

    # Withdrawing one rebuilds the batch with the other nine.
    gone = order[4]
    dep.github.comment(gone, MAINTAINER, "@authorbot cancel")
    dep.wait_idle(timeout=120)
    [pull] = open_batches(dep)
    kept = [n for n in order if n != gone]
    assert commit_issues(dep, pull["number"]) == kept
    assert closes_lines(pull["body"]) == kept
    issues = [dep.github.state.issues[n] for n in kept]
    branch_matches_engine(dep, pull["head"]["ref"], engine_sequence(tmp_path, issues))
    assert issue_state(dep, gone).batch is None
    assert "authorbot:pr-open" not in dep.github.labels_on(gone)

    # The maintainer merges the one pull request: every issue in it is closed.
    dep.github.merge_pull(pull["number"], MAINTAINER)
    dep.wait_idle(timeout=60)
    assert all(dep.github.state.issues[n]["state"] == "closed" for n in kept)
    assert dep.github.state.issues[gone]["state"] == "open"
    assert open_batches(dep) == []
    assert failed_deliveries(dep) == 0


def test_two_requests_for_the_same_person_are_applied_in_approval_order(
    make_deployment, clock, tmp_path
):
    wei_wang = {"0000-0002-0707-8076": FakeRecord("Wei", "Wang")}  # wei-wang-8076's iD
    dep, _ = start(make_deployment, clock, orcid_records=wei_wang)
    page = "wei-wang/unverified"
    a = file_issue(dep, split_request(page, ["2024.ccl-1.42"], "wei-wang-8076"))
    b = file_issue(dep, split_request(page, ["2024.ccl-3.37"], "wei-wang-8076"))
    dep.wait_idle()
    approve(dep, b)
    dep.wait_idle()
    approve(dep, a)
    dep.wait_idle()
    [pull] = open_batches(dep)
    assert pull["title"] == "Author/metadata corrections 2026-02-01"
    assert commit_issues(dep, pull["number"]) == [b, a]
    # a was planned on top of b: its commit follows b's, in the same file.
    commits = dep.github.pull_commits(pull["number"])
    assert commits[1]["parents"][0]["sha"] == commits[0]["sha"]
    assert f"- #{a} touches the same people as #{b}, earlier in this batch" in pull["body"]
    expected = engine_sequence(tmp_path, [dep.github.state.issues[b], dep.github.state.issues[a]])
    assert list(expected) == ["data/xml/2024.ccl.xml"]
    branch_matches_engine(dep, pull["head"]["ref"], expected)
    assert "| [wei-wang-8076](https://aclanthology.org/people/wei-wang-8076/) |" in pull["body"]


def test_a_request_that_no_longer_applies_on_top_of_an_earlier_one_is_taken_out(
    make_deployment, clock
):
    orcid_a, orcid_b = orcid_for(40), orcid_for(41)
    dep, _ = start(
        make_deployment,
        clock,
        orcid_records={
            orcid_a: FakeRecord("Dan", "Klein"),
            orcid_b: FakeRecord("Dan", "Klein"),
        },
    )
    page = "dan-klein/unverified"
    split = file_issue(dep, split_request(page, ["D08-1012"], "new", orcid_a))
    verify = verification(page, 0)
    verify["body"] = verify["body"].replace(verify["orcid"], orcid_b)
    whole = file_issue(dep, verify)
    dep.wait_idle()
    assert "### ✅ Ready" in status_comments(dep, split)[0]["body"]
    assert "### ✅ Ready" in status_comments(dep, whole)[0]["body"]
    approve(dep, split)
    dep.wait_idle()
    request = approve(dep, whole)
    dep.wait_idle()

    [pull] = open_batches(dep)
    assert commit_issues(dep, pull["number"]) == [split]
    # The verification was approved for the page with 4 papers as `dan-klein`; after
    # the split that page is someone else's: it is out, and its issue says why.
    assert dep.github.reactions_on(request["id"]) == ["-1"]
    reply = [c for c in bot_comments(dep, whole) if f"authorbot:reply {request['id']}" in c["body"]]
    assert "I could not add this request to the batch pull request" in reply[0]["body"]
    assert f"#{split} (earlier in the batch)" in reply[0]["body"]
    state = issue_state(dep, whole)
    assert state.approved is None and state.batch is None
    assert "approved" not in dep.github.labels_on(whole)
    assert failed_deliveries(dep) == 0


def test_the_default_branch_moving_rebuilds_the_batch(make_deployment, clock, tmp_path):
    dep, reqs = start(make_deployment, clock, 3)
    numbers = [file_issue(dep, r) for r in reqs]
    dep.wait_idle()
    for number in numbers:
        approve(dep, number)
    dep.wait_idle(timeout=60)
    [pull] = open_batches(dep)
    branch = pull["head"]["ref"]

    # Someone merges an unrelated change.
    head = push_change(dep.bare, tmp_path, "README.md", "Data of the Anthology.\n", "Add a README")
    dep.github.announce_merge(MAINTAINER, "readme")
    dep.wait_idle(timeout=60)
    [pull] = open_batches(dep)
    commits = dep.github.pull_commits(pull["number"])
    assert commits[0]["parents"][0]["sha"] == head  # rebuilt on the new default branch
    assert commit_issues(dep, pull["number"]) == numbers

    # Someone does the second request by hand and merges it: it no longer applies.
    push_engine_change(dep.bare, tmp_path, dep.github.state.issues[numbers[1]])
    dep.github.announce_merge(MAINTAINER, "by-hand")
    dep.wait_idle(timeout=60)
    [pull] = open_batches(dep)
    assert pull["head"]["ref"] == branch
    assert commit_issues(dep, pull["number"]) == [numbers[0], numbers[2]]
    assert f"#{numbers[1]}: planned on the current default branch" in pull["body"]
    state = issue_state(dep, numbers[1])
    assert state.approved is None and state.batch is None
    notes = [c["body"] for c in bot_comments(dep, numbers[1]) if "left-batch" in c["body"]]
    assert len(notes) == 1 and f"out of the batch pull request #{pull['number']}" in notes[0]
    assert failed_deliveries(dep) == 0


def test_closing_the_batch_unmerged_leaves_its_issues_approved_and_waiting(make_deployment, clock):
    dep, a, b, pull = two_in_a_batch(make_deployment, clock)
    dep.github.close_pull(pull["number"], MAINTAINER)
    dep.wait_idle()
    for number in (a, b):
        state = issue_state(dep, number)
        assert state.approved and state.waiting and state.pr is None
        [status] = status_comments(dep, number)
        assert "**Approved, waiting.**" in status["body"]
        notes = [
            c["body"]
            for c in bot_comments(dep, number)
            if "authorbot:reply wait-" in c["body"] and "stays approved and waits" in c["body"]
        ]
        assert len(notes) == 1
        assert "authorbot:pr-open" not in dep.github.labels_on(number)
    assert open_batches(dep) == []

    # Approving one again (the same day) reopens that pull request, with it alone.
    approve(dep, b)
    dep.wait_idle()
    [again] = open_batches(dep)
    assert again["number"] == pull["number"]
    assert commit_issues(dep, again["number"]) == [b]
    assert issue_state(dep, a).waiting
    assert len(dep.github.pulls()) == 1


def test_a_new_days_approvals_join_the_open_batch_and_the_next_day_opens_a_new_one(
    make_deployment, clock
):
    dep, reqs = start(make_deployment, clock, 3)
    a, b, c = [file_issue(dep, r) for r in reqs]
    dep.wait_idle()
    approve(dep, a)
    dep.wait_idle()
    clock.now = DAY1 + timedelta(days=1)
    approve(dep, b)
    dep.wait_idle()
    [pull] = open_batches(dep)
    assert pull["head"]["ref"] == "authorbot/batch-2026-02-01"  # the open one, joined
    assert commit_issues(dep, pull["number"]) == [a, b]
    dep.github.merge_pull(pull["number"], MAINTAINER)
    dep.wait_idle()
    approve(dep, c)
    dep.wait_idle()
    [new] = open_batches(dep)
    assert new["head"]["ref"] == "authorbot/batch-2026-02-02"
    assert new["title"] == "Bulk verifications 2026-02-02"
    assert commit_issues(dep, new["number"]) == [c]
    # The new batch stands on the merged one.
    assert (
        dep.github.pull_commits(new["number"])[0]["parents"][0]["sha"]
        == git(dep.bare, "rev-parse", "main").strip()
    )


def test_batch_and_solo_move_an_issue_between_the_two(make_deployment, clock):
    dep, reqs = start(make_deployment, clock, 2, extra_files={})  # per-issue by default
    a, b = [file_issue(dep, r) for r in reqs]
    dep.wait_idle()
    approve(dep, a)
    approve(dep, b)
    dep.wait_idle()
    solo_pulls = {p["head"]["ref"]: p for p in dep.github.pulls()}
    assert set(solo_pulls) == {f"authorbot/issue-{a}", f"authorbot/issue-{b}"}

    refused = dep.github.comment(a, STRANGER, "@authorbot batch")
    dep.wait_idle()
    assert dep.github.reactions_on(refused["id"]) == ["-1"]
    assert open_batches(dep) == []

    dep.github.comment(a, MAINTAINER, "@authorbot batch")
    dep.github.comment(b, MAINTAINER, "@authorbot batch")
    dep.wait_idle()
    [pull] = open_batches(dep)
    assert commit_issues(dep, pull["number"]) == [a, b]
    states = {p["head"]["ref"]: p["state"] for p in dep.github.pulls()}
    assert states[f"authorbot/issue-{a}"] == states[f"authorbot/issue-{b}"] == "closed"
    assert issue_state(dep, a).mode == "batch"

    dep.github.comment(a, MAINTAINER, "@authorbot solo")
    dep.wait_idle()
    [pull] = open_batches(dep)
    assert commit_issues(dep, pull["number"]) == [b]
    own = [p for p in dep.github.pulls() if p["head"]["ref"] == f"authorbot/issue-{a}"]
    assert [p["state"] for p in own] == ["open"]  # its own pull request, reopened
    assert own[0]["number"] == solo_pulls[f"authorbot/issue-{a}"]["number"]

    dep.github.comment(b, MAINTAINER, "@authorbot solo")
    dep.wait_idle()
    assert open_batches(dep) == []  # the emptied batch is closed
    assert len(dep.github.pulls()) == 3
    assert failed_deliveries(dep) == 0


def test_commands_and_reviews_on_the_batch_pull_request(make_deployment, clock):
    dep, a, b, pull = two_in_a_batch(make_deployment, clock)
    number = pull["number"]
    gh = dep.github

    helped = gh.comment(number, STRANGER, "@authorbot help")
    refused = gh.comment(number, STRANGER, "@authorbot refresh")
    refreshed = gh.comment(number, MAINTAINER, "Please redo it.\n@authorbot refresh")
    misplaced = gh.comment(number, MAINTAINER, "@authorbot approve")
    dep.wait_idle()
    assert gh.reactions_on(helped["id"]) == ["+1"]
    assert gh.reactions_on(refused["id"]) == ["-1"]
    assert gh.reactions_on(refreshed["id"]) == ["+1"]
    assert gh.reactions_on(misplaced["id"]) == ["confused"]
    replies = {c["body"].split("\n", 1)[0]: c["body"] for c in bot_comments(dep, number)}
    assert (
        "`@authorbot refresh` | rebuild it"
        in replies[f"<!-- authorbot:reply {helped['id']} help -->"]
    )
    assert (
        "rebuilt on the default branch: 2 requests in it"
        in replies[f"<!-- authorbot:reply {refreshed['id']} refresh -->"]
    )
    assert (
        f"on the issues (#{a} and #{b})"
        in replies[f"<!-- authorbot:reply {misplaced['id']} approve -->"]
    )

    # Review comments: a command is answered in its thread; the rest is left alone.
    plain = gh.review_comment(number, MAINTAINER, "Is this the right spelling?")
    asked = gh.review_comment(number, MAINTAINER, "@authorbot help")
    gh.review(number, MAINTAINER, "Looks good.\n\n@authorbot refresh", state="approved")
    gh.review(number, MAINTAINER, "", state="approved")
    dep.wait_idle()
    thread = gh.review_comments_on(number)
    answers = [c for c in thread if c["user"]["login"] == "authorbot[bot]"]
    assert len(answers) == 1 and answers[0]["in_reply_to_id"] == asked["id"]
    assert "`@authorbot help`" in answers[0]["body"]
    assert not any(c.get("in_reply_to_id") == plain["id"] for c in thread)
    assert gh.state.review_reactions[asked["id"]][0]["content"] == "+1"
    review_answers = [c for c in bot_comments(dep, number) if "reply review-" in c["body"]]
    assert len(review_answers) == 1 and "rebuilt on the default branch" in review_answers[0]["body"]
    assert failed_deliveries(dep) == 0


def test_previews_are_served_from_the_branch_commit_and_read_only(make_deployment, clock):
    dep, reqs = start(make_deployment, clock, 1)
    [number] = [file_issue(dep, r) for r in reqs]
    dep.wait_idle()
    approve(dep, number)
    dep.wait_idle()
    [pull] = open_batches(dep)
    branch = pull["head"]["ref"]
    plan_target = dep.github.pull_commits(pull["number"])[0]["commit"]["message"].split()[3]
    url = f"{dep.public_url}/preview/{branch}/people/{plan_target}/"
    assert f"[preview]({url})" in pull["body"]

    page = requests.get(url, timeout=30)
    assert page.status_code == 200
    assert page.headers["X-Authorbot-Preview-Commit"] == pull["head"]["sha"]
    # The page of the new person exists only on the branch, and its links stay there.
    live = requests.get(f"{dep.public_url}/people/{plan_target}/", timeout=30)
    assert live.status_code == 404
    assert f'href="/preview/{branch}/static/authorpages/' in page.text
    gone = reqs[0]["title"].split(": ", 1)[1]
    assert (
        requests.get(f"{dep.public_url}/preview/{branch}/people/{gone}/", timeout=30).status_code
        == 404
    )
    assert requests.post(url, timeout=30).status_code == 405
    assert (
        requests.get(f"{dep.public_url}/preview/no-such/people/x/", timeout=30).status_code == 404
    )
    # Serving it did not touch the worker's clone.
    clone = dep.settings.clone_path("acl-org/acl-anthology")
    assert (
        git(clone / ".git", "rev-parse", "HEAD").strip()
        == git(dep.bare, "rev-parse", "main").strip()
    )
    porcelain = subprocess.run(
        ["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True, check=True
    ).stdout
    assert porcelain == ""


def test_a_member_closed_by_hand_leaves_the_batch(make_deployment, clock):
    dep, a, b, pull = two_in_a_batch(make_deployment, clock)
    # Someone rewrites the body (the hidden record is gone): its closes lines still say.
    dep.github.state.pulls[pull["number"]]["body"] = f"Our notes.\n\ncloses #{a}\ncloses #{b}"
    dep.github.edit_issue(a, MAINTAINER, state="closed")
    dep.wait_idle()
    [pull] = open_batches(dep)
    assert commit_issues(dep, pull["number"]) == [b]
    assert closes_lines(pull["body"]) == [b] and batch_record(pull["body"]) == [b]
    assert failed_deliveries(dep) == 0


def test_an_edited_member_is_rebuilt_or_leaves_as_its_edit_says(make_deployment, clock, tmp_path):
    dep, reqs = start(make_deployment, clock, 3)
    a, b, c = [file_issue(dep, r) for r in reqs]
    dep.wait_idle()
    for number in (a, b, c):
        approve(dep, number)
    dep.wait_idle(timeout=60)
    [pull] = open_batches(dep)
    head = pull["head"]["sha"]

    # An edit that does not change what was approved: the same batch, nothing pushed.
    body = dep.github.state.issues[b]["body"]
    dep.github.edit_issue(b, "author-ana", body=body + "\n\nThanks!")
    dep.wait_idle()
    [pull] = open_batches(dep)
    assert pull["head"]["sha"] == head
    assert commit_issues(dep, pull["number"]) == [a, b, c]
    assert issue_state(dep, b).approved

    # An edit that changes it (another institution): b leaves, the batch is rebuilt
    # from the default branch with a and c, and b's issue says why.
    changed = body.replace("Saarland University", "University of Tartu")
    assert changed != body
    dep.github.edit_issue(b, "author-ana", body=changed)
    dep.wait_idle(timeout=60)
    [pull] = open_batches(dep)
    assert commit_issues(dep, pull["number"]) == [a, c]
    assert closes_lines(pull["body"]) == [a, c] and batch_record(pull["body"]) == [a, c]
    issues = [dep.github.state.issues[n] for n in (a, c)]
    branch_matches_engine(dep, pull["head"]["ref"], engine_sequence(tmp_path, issues))
    state = issue_state(dep, b)
    assert state.approved is None and state.batch is None
    [status] = status_comments(dep, b)
    assert "that approval no longer holds" in status["body"]
    assert "approved" not in dep.github.labels_on(b)
    assert "authorbot:pr-open" not in dep.github.labels_on(b)

    # Approved again as it reads now, it joins at the end.
    approve(dep, b)
    dep.wait_idle(timeout=60)
    [pull] = open_batches(dep)
    assert commit_issues(dep, pull["number"]) == [a, c, b]
    issues = [dep.github.state.issues[n] for n in (a, c, b)]
    branch_matches_engine(dep, pull["head"]["ref"], engine_sequence(tmp_path, issues))
    assert "University of Tartu" in git(dep.bare, "diff", "main", pull["head"]["ref"])
    assert failed_deliveries(dep) == 0


def test_refresh_rebuilds_both_kinds_of_pull_request_on_a_base_moved_without_an_event(
    make_deployment, clock, tmp_path
):
    """The default branch moved by a push the bot heard nothing about: `refresh` on
    each pull request rebuilds it on the new head."""
    wei_wang = {"0000-0002-0707-8076": FakeRecord("Wei", "Wang")}
    dep, reqs = start(make_deployment, clock, 2, orcid_records=wei_wang)
    a, b = [file_issue(dep, r) for r in reqs]
    split = file_issue(
        dep, split_request("wei-wang/unverified", ["2024.ccl-1.42"], "wei-wang-8076")
    )
    dep.wait_idle()
    approve(dep, a)
    approve(dep, b)
    dep.github.comment(split, MAINTAINER, "@authorbot solo")
    approve(dep, split)
    dep.wait_idle(timeout=60)
    [batch] = open_batches(dep)
    [own] = [p for p in dep.github.pulls() if p["head"]["ref"] == f"authorbot/issue-{split}"]

    head = push_change(dep.bare, tmp_path, "README.md", "Data.\n", "Add a README")  # no event
    dep.wait_idle()
    assert dep.github.pull_commits(batch["number"])[0]["parents"][0]["sha"] != head
    for pull in (batch, own):
        dep.github.comment(pull["number"], MAINTAINER, "@authorbot refresh")
    dep.wait_idle(timeout=60)
    [batch] = open_batches(dep)
    assert dep.github.pull_commits(batch["number"])[0]["parents"][0]["sha"] == head
    assert commit_issues(dep, batch["number"]) == [a, b]
    [own_commit] = dep.github.pull_commits(own["number"])
    assert own_commit["parents"][0]["sha"] == head
    assert [p["state"] for p in dep.github.pulls()] == ["open", "open"]
    assert failed_deliveries(dep) == 0


def test_a_review_comment_that_cannot_be_answered_fails_no_job(make_deployment, clock):
    dep, reqs = start(make_deployment, clock, 1)
    [a] = [file_issue(dep, r) for r in reqs]
    dep.wait_idle()
    approve(dep, a)
    dep.wait_idle()
    [pull] = open_batches(dep)
    # The comment is deleted (404) or the conversation locked (403) before the answer.
    gone = dep.github.inject(
        "POST", r".*/comments/\d+/replies", status=404, times=100, body={"message": "Not Found"}
    )
    dep.github.review_comment(pull["number"], MAINTAINER, "@authorbot help")
    dep.wait_idle()
    assert gone.hits >= 1
    dep.github.faults.remove(gone)
    locked = {"message": "Unable to create comment because issue is locked."}
    dep.github.inject("POST", r".*/comments/\d+/reactions", status=403, times=100, body=locked)
    dep.github.review_comment(pull["number"], MAINTAINER, "@authorbot refresh")
    dep.wait_idle()
    assert failed_deliveries(dep) == 0
    assert dep.bot.inbox.counts().get("done", 0) >= 1
    [pull] = open_batches(dep)
    assert commit_issues(dep, pull["number"]) == [a]
