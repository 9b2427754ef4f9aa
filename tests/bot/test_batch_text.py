"""The batch pull request's text and record, the before/after table, the batch
configuration and the page counts: pure functions of values."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, default_config, parse_config
from bot.engine.counts import affected_pages, page_paper_count, paper_counts
from bot.worker.batchtext import (
    BatchRecord,
    MemberView,
    batch_body,
    batch_title,
    member_commit_message,
    read_record,
)
from bot.worker.beforeafter import before_after_table, preview_url


def plan(kinds=("verify",), target="jin-liu", moves=2):
    return {
        "status": "ready",
        "kinds": list(kinds),
        "target": {"id": target, "new": True},
        "moves": [
            {"paper": f"P{i}", "from": f"{target}/unverified", "to": target} for i in range(moves)
        ],
        "check": {"papers_moved": moves, "other_occurrences_changed": 0},
    }


def test_the_record_round_trips_and_bad_ones_read_as_none():
    record = BatchRecord("2026-02-01", (12, 5, 9))
    assert read_record("intro\n" + record.to_line() + "\nrest") == record
    assert read_record("no record") is None
    assert read_record('<!-- authorbot:batch {"members": ["x"]} -->') is None


def test_titles_and_commit_messages_follow_the_maintainers_habit():
    assert batch_title("2026-02-01", [plan(), plan()]) == "Bulk verifications 2026-02-01"
    mixed = [plan(), plan(kinds=("verify", "split"))]
    assert batch_title("2026-02-01", mixed) == "Author/metadata corrections 2026-02-01"
    message = member_commit_message(plan(), 42)
    assert message.splitlines()[0] == "Process verification for jin-liu (closes #42)"
    assert "papers moved: 2; other occurrences changed: 0" in message
    split = member_commit_message(plan(kinds=("verify", "split"), target="x-y"), 7)
    assert split.startswith("Process verification and split for x-y (closes #7)")


def test_the_body_lists_members_in_order_with_closes_lines_and_previews():
    members = [
        MemberView(5, plan(target="a-b"), "mia"),
        MemberView(3, plan(target="a-b", moves=1), "tom", replanned_after=(5,)),
    ]
    counts = {"a-b": (0, 3), "a-b/unverified": (3, 0)}
    body = batch_body(
        BatchRecord("2026-02-01", (5, 3)),
        members,
        counts,
        "authorbot/batch-2026-02-01",
        "https://bot.example.org",
        left=[(8, "planned on the current default branch, it is needs-info: gone")],
    )
    assert body.splitlines()[0] == BatchRecord("2026-02-01", (5, 3)).to_line()
    assert body.rstrip().splitlines()[-2:] == ["closes #5", "closes #3"]
    assert "| #5 | verification | [a-b](https://aclanthology.org/people/a-b/) | 2 | @mia |" in body
    assert "- #3 touches the same people as #5, earlier in this batch" in body
    assert "- #8: planned on the current default branch, it is needs-info: gone" in body
    assert (
        "| [a-b](https://aclanthology.org/people/a-b/) | 0 (new page) | 3 | "
        "[preview](https://bot.example.org/preview/authorbot/batch-2026-02-01/people/a-b/) |"
    ) in body
    assert "| 3 | 0 (page gone) | — |" in body


def test_the_table_says_when_previews_are_off():
    table = before_after_table({"x": (2, 3)}, "authorbot/issue-1", None)
    assert "| [x](https://aclanthology.org/people/x/) | 2 | 3 | — |" in table
    assert "Previews are off" in table
    assert before_after_table({}, "b", None) == ""
    assert (
        preview_url("https://h/", "b/c", "x/unverified")
        == "https://h/preview/b/c/people/x/unverified/"
    )
    assert preview_url(None, "b", "x") is None


def test_batch_mode_per_kind_in_the_configuration():
    config = parse_config("pull_requests: {verify: batch, split: batch}\n")
    assert config.mode_for(["verify"]) == "batch"
    assert config.mode_for(["verify", "split"]) == "batch"
    assert config.mode_for(["verify", "merge"]) == "per-issue"
    assert config.mode_for([]) == "per-issue"
    assert default_config().mode_for(["verify"]) == "per-issue"
    assert config.batch_branch("2026-02-01") == "authorbot/batch-2026-02-01"
    assert config.is_batch_branch("authorbot/batch-2026-02-01")
    assert not config.is_batch_branch("authorbot/batch-today")
    assert config.issue_of_branch("authorbot/issue-17") == 17
    assert config.issue_of_branch("authorbot/batch-2026-02-01") is None
    with pytest.raises(ConfigError) as info:
        parse_config("pull_requests: {verify: daily, typo: batch}\n")
    assert info.value.problems == [
        "`pull_requests`: Additional properties are not allowed ('typo' was unexpected)",
        "`pull_requests.verify`: 'daily' is not one of ['per-issue', 'batch']",
    ]


@pytest.mark.parametrize("era", ["json", "yaml"])
def test_page_counts_count_items_not_occurrences(era):
    from bot.anthology.index import DataIndex
    from bot.demo import SAMPLE_ERAS

    index = DataIndex.load(SAMPLE_ERAS[era])
    assert affected_pages(plan(target="a-b")) == ["a-b", "a-b/unverified"]
    unverified = "dan-klein/unverified"
    assert page_paper_count(index, unverified) == 4
    assert page_paper_count(index, "no-such-person") == 0
    assert paper_counts(index, ["wei-wang/unverified", unverified]) == {
        "wei-wang/unverified": 5,
        unverified: 4,
    }


def test_closes_lines_are_read_in_order_once():
    from bot.worker.batchtext import closes_lines

    body = "Notes.\ncloses #4\nCloses #2\ncloses #4\nnot closes #9\ncloses #x\n"
    assert closes_lines(body) == [4, 2]


def test_affected_pages_list_each_page_once_verified_ones_first():
    split = {
        "target": {"id": "jin-liu-mit", "new": False},
        "moves": [
            {"paper": "P1", "from": "jin-liu", "to": "jin-liu-mit"},
            {"paper": "P2", "from": "jin-liu/unverified", "to": "jin-liu-mit"},
            {"paper": "P3", "from": "jin-liu", "to": "jin-liu-mit"},
        ],
    }
    assert affected_pages(split) == ["jin-liu-mit", "jin-liu", "jin-liu/unverified"]
    assert affected_pages({"status": "needs-info", "moves": []}) == []
