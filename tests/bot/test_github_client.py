"""The PyGithub adapter against the GitHub stand-in over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.github.client import GitHubAuth, GitHubRepo, role_at_least
from bot.github.errors import PermanentError, TransientError
from bot.standins.datarepo import git, make_data_repo
from tests.fakegithub import FakeGitHub

BIG = "x" * (1024 * 1024 + 10) + "\n"


@pytest.fixture
def fake(tmp_path) -> Iterator[FakeGitHub]:
    bare = make_data_repo(tmp_path, extra_files={"big.txt": BIG, ".github/authorbot.yml": "a: 1\n"})
    server = FakeGitHub(
        "o/r",
        bare,
        tokens={"t": "authorbot[bot]"},
        roles={"tria": "triage", "own": "admin", "wri": "write"},
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def repo(fake) -> GitHubRepo:
    gh, _ = GitHubAuth(
        api_url=fake.base_url,
        token="t",
        timeout=2,
        seconds_between_requests=None,
        seconds_between_writes=None,
    ).connect(None)
    return GitHubRepo(gh, "o/r")


def test_files_over_a_megabyte_come_through_the_blob_api(fake, repo):
    assert repo.read_file(".github/authorbot.yml") == "a: 1\n"
    assert fake.count_requests("GET", r"/repos/o/r/git/blobs/.*") == 0
    assert repo.read_file("big.txt") == BIG
    assert fake.count_requests("GET", r"/repos/o/r/git/blobs/.*") == 1
    assert repo.read_file("no/such/file") is None


def test_roles_come_from_role_name(repo):
    assert [repo.collaborator_role(u) for u in ("tria", "own", "wri", "nobody")] == [
        "triage",
        "admin",
        "write",
        "read",
    ]
    assert role_at_least("triage") and role_at_least("admin")
    assert not role_at_least("read") and not role_at_least("none")


def test_comments_labels_and_reactions(fake, repo):
    number = fake.open_issue("u", "Author Page: x", "body", ["correction"])["number"]
    for i in range(35):  # more than one page
        fake.comment(number, "u", f"c{i}")
    comments = repo.list_comments(number)
    assert [c["body"] for c in comments][-1] == "c34" and len(comments) == 35
    mine = repo.create_comment(number, "hello")
    repo.edit_comment(number, mine["id"], "hello again")
    repo.react(number, mine["id"], "+1")
    repo.react(number, mine["id"], "+1")
    assert fake.reactions_on(mine["id"]) == ["+1"]
    repo.add_labels(number, ["a", "b"])
    repo.remove_label(number, "a")
    repo.remove_label(number, "never-there")
    assert fake.labels_on(number) == {"correction", "b"}
    assert repo.get_issue(number)["title"] == "Author Page: x"


def test_pull_requests_are_found_by_branch_and_never_duplicated(fake, repo, tmp_path):
    with pytest.raises(PermanentError) as info:
        repo.create_pull("t", "b", "feature", "main")  # no such branch
    assert info.value.status == 422
    git(tmp_path, "--git-dir", str(fake.git_dir), "branch", "feature", "main")
    assert repo.find_open_pull("feature") is None
    pull = repo.create_pull("t", "b", "feature", "main")
    assert repo.find_open_pull("feature")["number"] == pull["number"]
    with pytest.raises(PermanentError) as info:
        repo.create_pull("t", "b", "feature", "main")
    assert info.value.status == 422
    repo.edit_pull(pull["number"], state="closed")
    assert repo.find_open_pull("feature") is None


@pytest.mark.parametrize(
    ("status", "retry_after", "expected"),
    [(502, None, None), (503, 3, 3.0), (403, 7, 7.0), (429, None, 60.0)],
)
def test_server_errors_and_rate_limits_are_transient(fake, repo, status, retry_after, expected):
    fake.inject("GET", r"/repos/o/r", status=status, retry_after=retry_after)
    with pytest.raises(TransientError) as info:
        repo.default_branch()
    assert info.value.retry_after == expected
    assert repo.default_branch() == "main"


def test_a_timeout_is_transient_and_a_404_is_permanent(fake, repo):
    gh, _ = GitHubAuth(
        api_url=fake.base_url,
        token="t",
        timeout=1,
        seconds_between_requests=None,
        seconds_between_writes=None,
    ).connect(None)
    fake.inject("GET", r"/repos/o/r/issues/\d+", status=None, delay=1.3)
    with pytest.raises(TransientError, match="did not answer"):
        GitHubRepo(gh, "o/r").get_issue(1)
    with pytest.raises(PermanentError):
        repo.get_issue(999)


def test_bad_credentials_are_permanent(fake):
    gh, _ = GitHubAuth(
        api_url=fake.base_url,
        token="wrong",
        seconds_between_requests=None,
        seconds_between_writes=None,
    ).connect(None)
    with pytest.raises(PermanentError) as info:
        GitHubRepo(gh, "o/r").default_branch()
    assert info.value.status == 401


def test_github_app_auth_gets_an_installation_token(tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    fake = FakeGitHub(
        "o/r",
        make_data_repo(tmp_path),
        tokens={},
        installation_id=77,
        app_id="1234",
        app_public_key=public,
    )
    fake.start()
    try:
        auth = GitHubAuth(
            api_url=fake.base_url,
            app_id="1234",
            private_key=private,
            seconds_between_requests=None,
            seconds_between_writes=None,
        )
        gh, token = auth.connect(77)
        assert GitHubRepo(gh, "o/r").default_branch() == "main"
        assert token().startswith("ghs_") and fake.tokens[token()] == "authorbot[bot]"
        with pytest.raises(PermanentError):
            auth.connect(None)
    finally:
        fake.stop()


def test_a_first_approval_creates_at_once_and_finds_a_pull_request_it_did_not_know(
    fake, repo, tmp_path
):
    from bot.config import default_config
    from bot.worker.context import JobContext
    from bot.worker.pulls import ensure_pull

    config = default_config()
    ctx = JobContext(repo=repo, workspace=None, orcid=None, config=config)  # type: ignore[arg-type]
    branch = config.branch_for(7)
    git(tmp_path, "--git-dir", str(fake.git_dir), "branch", branch, "main")
    # A job opened this pull request and was killed before the issue's state noted it.
    earlier = repo.create_pull("old title", "old body", branch, "main")
    before = fake.count_requests("GET", r"/repos/o/r/pulls")
    pull = ensure_pull(ctx, branch, "Verify #7", "closes #7", "main", None)
    assert pull["number"] == earlier["number"]  # GitHub said it exists: found, updated
    assert pull["title"] == "Verify #7"
    assert len([p for p in fake.state.pulls.values() if p["state"] == "open"]) == 1
    assert fake.count_requests("GET", r"/repos/o/r/pulls") == before + 1  # after the 422
    # Given the open one: nothing to look for, nothing to create.
    again = ensure_pull(ctx, branch, "Verify #7", "closes #7", "main", pull)
    assert again["number"] == earlier["number"]
    assert fake.count_requests("GET", r"/repos/o/r/pulls") == before + 1
    assert fake.count_requests("POST", r"/repos/o/r/pulls") == 2
