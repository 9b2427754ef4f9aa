"""The command syntax in comments."""

from __future__ import annotations

from bot.worker.commands import Command, parse_commands


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
