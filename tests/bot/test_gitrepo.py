"""The persistent clone against a real bare repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.github.errors import TransientError
from bot.github.gitrepo import BranchResult, DataClone, _branch_patterns
from bot.standins.datarepo import git, make_data_repo, push_change


@pytest.fixture
def origin(tmp_path) -> Path:
    return make_data_repo(tmp_path)


def bare_git(bare: Path, *args: str) -> str:
    return git(bare, "--git-dir", str(bare), *args)


def test_clones_once_then_fetches_new_commits(tmp_path, origin):
    clone = DataClone(tmp_path / "clone", str(origin))
    first = clone.sync("main")
    assert first == bare_git(origin, "rev-parse", "main")  # read from packed-refs
    marker = clone.path / ".git" / "marker"
    marker.write_text("still the same clone")
    (clone.path / "data" / "stray.txt").write_text("left by a crashed job")
    head = push_change(origin, tmp_path, "data/new.txt", "new\n", "A new commit")
    assert clone.sync("main") == head != first  # from the loose ref fetch wrote
    assert clone.sync("main") == head == clone.git("rev-parse", "origin/main")
    assert marker.exists()  # not cloned again
    assert (clone.path / "data" / "new.txt").read_text() == "new\n"
    assert not (clone.path / "data" / "stray.txt").exists()


def test_publishing_a_branch_is_idempotent(tmp_path, origin):
    clone = DataClone(tmp_path / "clone", str(origin))
    base = clone.sync("main")
    people = clone.path / "data" / "yaml" / "people.yaml"

    def publish():
        people.write_text(people.read_text() + "# change\n")
        try:
            return clone.publish_branch(
                "authorbot/issue-1", base, ["data/yaml/people.yaml"], "One change"
            )
        finally:
            clone.reset_to(base)

    first = publish()
    assert first.pushed and bare_git(origin, "rev-parse", "authorbot/issue-1") == first.head
    assert bare_git(origin, "rev-parse", "authorbot/issue-1^") == base
    second = publish()
    assert not second.pushed and second.head == first.head
    assert "# change" not in people.read_text()  # the clone is back on the base


def test_a_moved_base_rebuilds_the_branch(tmp_path, origin):
    clone = DataClone(tmp_path / "clone", str(origin))
    base = clone.sync("main")
    readme = clone.path / "data" / "README"
    readme.write_text("mine\n")
    first = clone.publish_branch("b", base, ["data/README"], "Mine")
    new_base = push_change(origin, tmp_path, "other.txt", "x\n", "Someone else's")
    assert clone.sync("main") == new_base
    readme.write_text("mine\n")
    second = clone.publish_branch("b", new_base, ["data/README"], "Mine")
    assert second.pushed and second.head != first.head
    assert bare_git(origin, "rev-parse", "b^") == new_base


def test_credentials_stay_out_of_the_git_config(tmp_path, origin):
    clone = DataClone(tmp_path / "clone", "https://github.example/o/r.git", token=lambda: "s3cr3t")
    env = clone._env()
    assert env["GIT_CONFIG_KEY_0"] == "http.extraHeader"
    assert env["GIT_CONFIG_VALUE_0"].startswith("Authorization: Basic ")
    assert "s3cr3t" not in env["GIT_CONFIG_VALUE_0"]  # base64, and only in the environment
    assert (
        "GIT_CONFIG_KEY_0" not in DataClone(tmp_path / "c2", str(origin), token=lambda: "t")._env()
    )


def test_a_chain_of_commits_is_pushed_once_and_compared_by_trees_and_messages(tmp_path, origin):
    clone = DataClone(tmp_path / "clone", str(origin))
    base = clone.sync("main")
    people = clone.path / "data" / "yaml" / "people.yaml"

    def build(messages):
        for message in messages:
            people.write_text(people.read_text() + f"# {message}\n")
            head = clone.commit(["data/yaml/people.yaml"], message)
        try:
            return clone.push_commits("authorbot/batch-2026-02-01", base, head)
        finally:
            clone.reset_to(base)

    first = build(["one (closes #1)", "two (closes #2)"])
    assert first.pushed
    assert bare_git(origin, "rev-list", "--count", f"main..{first.head}").strip() == "2"
    again = build(["one (closes #1)", "two (closes #2)"])  # rebuilt: new ids, same chain
    assert not again.pushed and again.head == first.head
    fewer = build(["two (closes #2)"])
    assert fewer.pushed
    assert bare_git(origin, "log", "--format=%s", f"main..{fewer.head}").strip() == (
        "two (closes #2)"
    )
    assert clone.chain(base, fewer.head) == [
        (bare_git(origin, "rev-parse", f"{fewer.head}^{{tree}}").strip(), "two (closes #2)")
    ]
    assert clone.chain(fewer.head, base) is None  # not a line of commits on that base


def test_a_deleted_branch_is_put_back_where_it_was(tmp_path, origin):
    clone = DataClone(tmp_path / "clone", str(origin))
    base = clone.sync("main")
    (clone.path / "data" / "README").write_text("x\n")
    head = clone.publish_branch("authorbot/issue-3", base, ["data/README"], "x").head
    clone.reset_to(base)
    bare_git(origin, "update-ref", "-d", "refs/heads/authorbot/issue-3")
    assert clone.restore_branch("authorbot/issue-3", head)
    assert bare_git(origin, "rev-parse", "authorbot/issue-3").strip() == head
    assert not clone.restore_branch("authorbot/issue-3", "0" * 40)


def test_a_commit_of_files_leaves_the_checkout_alone(tmp_path, origin):
    """`commit_files` makes the commit from bytes: HEAD, git's index and the working
    tree stay as they were; the commit holds the base's files but those given."""
    clone = DataClone(tmp_path / "clone", str(origin))
    base = clone.sync("main")
    odd = 'data/a "quoted" name\\x.txt'
    head = clone.commit_files(
        base,
        {"data/README": [b"new ", memoryview(b"text \xc3\xa9\n")], odd: [b"odd\n"]},
        "Two files\n\nclosing (#3)",
    )
    assert clone.git("rev-parse", "HEAD") == base
    assert clone.git("status", "--porcelain") == ""
    assert clone.git("rev-parse", f"{head}^") == base
    assert clone.git("show", f"{head}:data/README") == "new text é"
    assert clone.git("show", f"{head}:{odd}") == "odd"
    changed = clone.git("diff", "--name-only", "-z", base, head).strip("\0").split("\0")
    assert sorted(changed) == sorted(["data/README", odd])
    assert clone.git("log", "-1", "--format=%B%an", head) == "Two files\n\nclosing (#3)\nauthorbot"
    result = clone.push_commits("b", base, head)
    assert result.pushed and bare_git(origin, "rev-parse", "b") == head


def test_the_push_leases_on_the_head_the_job_saw(tmp_path, origin):
    """The job asks the remote once: a branch moved by someone after that answer is
    still not overwritten (the push is refused), and the next job asks again."""
    clone = DataClone(tmp_path / "clone", str(origin))
    base = clone.sync("main")
    mine = clone.commit_files(base, {"data/README": [b"mine\n"]}, "Mine")
    assert clone.remote_head("b") is None
    theirs = push_change(origin, tmp_path, "data/README", "theirs\n", "Theirs", branch="main")
    bare_git(origin, "update-ref", "refs/heads/b", theirs)  # someone made the branch since
    with pytest.raises(TransientError):
        clone.push_commits("b", base, mine)
    assert bare_git(origin, "rev-parse", "b") == theirs
    clone.sync("main")  # a new job
    assert clone.remote_head("b") == theirs
    assert clone.push_commits("b", base, mine).pushed  # leased on what it saw: ours now
    assert bare_git(origin, "rev-parse", "b") == mine


def test_the_bot_branches_come_with_the_sync_and_the_push_leases_on_them(tmp_path, origin):
    """Branches under `tracked` are fetched by `sync`: the job reads their heads from
    the clone (as the job began, no second question to the remote), leases the push on
    that, sees its own push, and a branch deleted on the remote is gone after the next
    sync."""
    clone = DataClone(tmp_path / "clone", str(origin))
    clone.tracked = ("authorbot/issue-", "authorbot/batch-", "authorbot/")  # the last covers both
    base = clone.sync("main")
    theirs = push_change(origin, tmp_path, "data/README", "theirs\n", "Theirs", branch="main")
    bare_git(origin, "update-ref", "refs/heads/authorbot/issue-7", theirs)
    clone.sync("main")
    assert clone.remote_head("authorbot/issue-7") == theirs
    assert clone.remote_head("authorbot/issue-8") is None
    bare_git(origin, "update-ref", "-d", "refs/heads/authorbot/issue-7")
    assert clone.remote_head("authorbot/issue-7") == theirs  # the head as the job began
    mine = clone.commit_files(base, {"data/README": [b"mine\n"]}, "Mine")
    assert clone.git("rev-parse", "refs/authorbot/commit") == mine
    with pytest.raises(TransientError):  # leased on that head: the branch is gone since
        clone.push_commits("authorbot/issue-7", base, mine)
    assert clone.remote_head("authorbot/issue-7") is None  # asked again after a push
    clone.sync("main")  # a new job: the deleted branch was pruned here too
    assert clone.remote_head("authorbot/issue-7") is None
    assert clone.push_commits("authorbot/issue-7", base, mine).pushed
    assert clone.remote_head("authorbot/issue-7") == mine  # its own push, not the stale ref
    clone.sync("main")
    # The same chain is there: nothing pushed, compared from the commits the sync fetched.
    again = clone.commit_files(base, {"data/README": [b"mine\n"]}, "Mine")
    assert clone.push_commits("authorbot/issue-7", base, again) == BranchResult(
        head=mine, base=base, pushed=False
    )
    assert bare_git(origin, "rev-parse", "authorbot/issue-7") == mine


def test_only_plain_branch_prefixes_are_fetched_each_once():
    assert _branch_patterns(("authorbot/issue-", "authorbot/", "x y", "", "a/../b", "b*")) == (
        "authorbot/",
    )
    assert _branch_patterns(("fix-", "authorbot/batch-", "fix-")) == ("authorbot/batch-", "fix-")
