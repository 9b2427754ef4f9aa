"""GitHub requests per job (counted at the GitHub stand-in, over HTTP): lists are read
as they come, the installation token is kept until it runs out. The same measurement
prints its table in `benchmarks/github_calls.py`."""

from __future__ import annotations

import time

from benchmarks.github_calls import measure
from bot.github.client import TOKEN_MARGIN_SECONDS, Connector, GitHubAuth


def test_jobs_on_a_30_comment_thread_make_few_requests(tmp_path):
    rows = {row["kind"]: row for row in measure(tmp_path, comments=30)}
    for kind, row in rows.items():
        paths = row["paths"]
        # No item of a list is fetched again one by one.
        assert not any(p.startswith("GET /issues/comments/") for p in paths), (kind, paths)
        assert not any(p.startswith("GET /pulls/") for p in paths), (kind, paths)
        assert row["requests"] <= 8, (kind, paths)
    # The first approval opens the pull request without looking for one first (GitHub
    # refuses a second one from the same branch; tests/bot/test_pulls.py).
    assert "GET /pulls" not in rows["issue_comment: @authorbot approve (opens the PR)"]["paths"]
    tokens = sum(
        r["paths"].get("POST /app/installations/N/access_tokens", 0) for r in rows.values()
    )
    assert tokens == 1  # one token for all ten jobs
    first = rows["issues.opened (status comment posted)"]
    assert first["paths"]["GET /issues/N/comments"] == 1
    assert rows["issue_comment: chatter"]["requests"] == 1  # the configuration file only


def test_a_comment_thread_longer_than_a_page_is_read_in_pages_of_100(tmp_path):
    rows = {row["kind"]: row for row in measure(tmp_path, comments=150)}
    # 150 people's comments + the bot's status comment: two pages of 100.
    assert rows["issues.opened again (nothing to change)"]["paths"]["GET /issues/N/comments"] == 2


def test_an_installation_token_is_minted_again_only_when_it_runs_out(tmp_path):
    from benchmarks.github_calls import APP_ID, _app_key
    from bot.standins.datarepo import make_data_repo
    from bot.standins.github import FakeGitHub

    private, public = _app_key()
    fake = FakeGitHub(
        "o/r", make_data_repo(tmp_path), tokens={}, app_id=APP_ID, app_public_key=public
    )
    api = fake.start()
    now = [time.time()]
    try:
        connector = Connector(
            GitHubAuth(api_url=api, app_id=APP_ID, private_key=private), clock=lambda: now[0]
        )
        _, first = connector.connect(fake.installation_id)
        token_a = first()
        _, again = connector.connect(fake.installation_id)
        assert connector.minted == 1 and again() == token_a
        # An hour less the margin later, the token has too little time left.
        now[0] += 3600 - TOKEN_MARGIN_SECONDS + 1
        _, later = connector.connect(fake.installation_id)
        assert connector.minted == 2
        now[0] -= 3600 - TOKEN_MARGIN_SECONDS + 1  # the new token is good for an hour
        assert later() != token_a and first() == later()
        assert fake.count_requests("POST", r"/app/installations/\d+/access_tokens") == 2
    finally:
        fake.stop()
