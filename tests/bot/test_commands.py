"""The command syntax in comments."""

from __future__ import annotations

from bot.worker.commands import (
    ISSUE_VERBS,
    PULL_VERBS,
    Command,
    help_text,
    parse_commands,
    pull_help_text,
)


def test_commands_are_found_on_their_own_lines():
    body = "Thanks!\n@authorbot approve\n\n  @AuthorBot id jin-liu-mit  \n"
    assert parse_commands(body) == [
        Command("approve", (), "@authorbot approve"),
        Command("id", ("jin-liu-mit",), "@AuthorBot id jin-liu-mit"),
    ]


def test_quotes_code_blocks_and_mentions_in_prose_are_ignored():
    body = (
        "> @authorbot approve\n```\n@authorbot cancel\n```\n"
        "I asked @authorbot approve earlier\n@authorbotx approve\n"
    )
    assert parse_commands(body) == []


def test_a_bare_mention_asks_for_help_and_the_bot_suffix_is_accepted():
    assert [c.verb for c in parse_commands("@authorbot\n@authorbot[bot] preview")] == [
        "help",
        "preview",
    ]


def test_unknown_verbs_and_bad_ids_carry_an_error():
    dance, bad_id, no_id = parse_commands("@authorbot dance\n@authorbot id Jin_Liu\n@authorbot id")
    assert dance.error == "I do not know the command `dance`."
    assert bad_id.error is not None and "Jin_Liu" in bad_id.error
    assert no_id.error == "`id` takes exactly one person ID."


def test_who_may_use_what():
    verbs = {
        c.verb: c.needs_maintainer
        for c in parse_commands(
            "@authorbot approve\n@authorbot id a-b\n@authorbot cancel\n"
            "@authorbot help\n@authorbot preview\n@authorbot retry"
        )
    }
    assert verbs == {
        "approve": True,
        "id": True,
        "cancel": True,
        "help": False,
        "preview": False,
        "retry": False,
    }


def test_another_handle():
    assert [c.verb for c in parse_commands("@anthology-bot retry", "anthology-bot")] == ["retry"]


def test_batch_solo_and_refresh_are_for_maintainers_and_each_has_its_place():
    found = parse_commands(
        "@authorbot Batch\n@authorbot solo.\n@authorbot refresh\n@authorbot help"
    )
    assert [(c.verb, c.needs_maintainer, c.error) for c in found] == [
        ("batch", True, None),
        ("solo", True, None),
        ("refresh", True, None),
        ("help", False, None),
    ]
    # `batch` and `solo` move an issue; `refresh` rebuilds a pull request.
    assert {"batch", "solo"} <= ISSUE_VERBS and "refresh" not in ISSUE_VERBS
    assert PULL_VERBS == {"help", "refresh"}


def test_the_help_on_issues_and_on_pull_requests_name_their_commands():
    issue_help = help_text("anthology-bot", "ok-to-merge")
    assert "`@anthology-bot batch`" in issue_help and "`@anthology-bot solo`" in issue_help
    assert "refresh" not in issue_help and "`ok-to-merge` label" in issue_help
    pull_help = pull_help_text("anthology-bot")
    assert "`@anthology-bot refresh`" in pull_help and "`@anthology-bot help`" in pull_help
    assert "`@anthology-bot approve`" not in pull_help
