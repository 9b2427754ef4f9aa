"""`.github/authorbot.yml`: defaults, overrides, and errors a maintainer can act on."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, default_config, parse_config


def issue(title: str, labels=(), body: str = "") -> dict:
    return {"title": title, "body": body, "labels": [{"name": n} for n in labels]}


def test_defaults_recognise_both_forms_and_nothing_else():
    config = default_config()
    assert config.handles(issue("Fix paper assignments: jin-liu/unverified"))
    assert config.handles(issue("Author Page: jin-liu"))
    assert config.handles(issue("whatever", ["correction", "author-page"]))
    assert not config.handles(issue("whatever", ["correction"]))
    assert not config.handles(issue("Broken link on the home page"))
    assert config.branch_for(12) == "authorbot/issue-12"
    assert config.approval_label == "approved"


def test_overrides_merge_over_the_defaults():
    config = parse_config(
        "approval_label: lgtm\nlabels: {ready: ok}\nbranch_prefix: bot/\n"
        "forms:\n  anthology-author-page: {enabled: false}\n"
        "  mine: {title_pattern: '^Mine:', marker: '### X', match: all}\n"
    )
    assert config.approval_label == "lgtm"
    assert config.labels["ready"] == "ok" and config.labels["needs_info"] == "authorbot:needs-info"
    assert config.branch_for(3) == "bot/3"
    assert not config.handles(issue("Author Page: x"))
    assert not config.handles(issue("Mine: x"))
    assert config.handles(issue("Mine: x", body="### X\n"))


def test_invalid_configs_say_where_and_why():
    with pytest.raises(ConfigError) as info:
        parse_config("approval_label: 5\nforms: {a: {title_pattern: '('}}\nextra: 1\n")
    assert info.value.problems == [
        "`(top level)`: Additional properties are not allowed ('extra' was unexpected)",
        "`approval_label`: 5 is not of type 'string'",
        "`forms.a.title_pattern`: '(' is not a 'regex'",
    ]
    with pytest.raises(ConfigError, match="not valid YAML"):
        parse_config("a: [")


def test_an_empty_file_is_the_defaults():
    assert parse_config("") == default_config()
