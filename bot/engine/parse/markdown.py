"""Markdown around the values people type: line endings, comments, strike-through,
list bullets, emphasis, the `_No response_` GitHub writes for an empty field, and
the placeholders old forms left in the body."""

from __future__ import annotations

import re

NO_RESPONSE = "_No response_"

# Written by people for "nothing to say here"; compared lower-cased and without
# trailing punctuation.
_EMPTY_ANSWERS = frozenset(
    {
        "",
        "_no response_",
        "no response",
        "n/a",
        "na",
        "n.a",
        "none",
        "nil",
        "null",
        "-",
        "--",
        "---",
        "\u2013",
        "\u2014",
        "not applicable",
    }
)

# Old Anthology forms had a maintainer script insert `-Add ORCID here-`,
# `-Add insitution here-`, `-Provide Anthology IDs or Anthology URLs here-`,
# `-add author name here if needed-` into the body; people often leave them in.
_PLACEHOLDER = re.compile(r"-[ \t]*(?:add|provide|insert|enter)\b[^\n-]*-", re.IGNORECASE)
_TEMPLATE_TITLE_PLACEHOLDER = re.compile(r"\{replace with[^}\n]*\}", re.IGNORECASE)

_LIST_MARKER = re.compile(r"^(?:[-*+\u2022]|[0-9]{1,3}[.)])[ \t]+")
_BLOCKQUOTE = re.compile(r"^(?:>[ \t]?)+")
_STRUCK_TILDES = re.compile(r"(?<![\w~=/])(~{1,2})([^~\n]+)\1(?!~)")
_STRUCK_HTML = re.compile(r"<(s|del|strike)>[^<\n]*</\1>", re.IGNORECASE)
_WRAPPERS = ("**", "__", "`", "*", "_", '"', "\u201c", "'")
# Control characters, lone surrogates (from broken encodings; they cannot be
# written as UTF-8) and invisible characters (byte-order mark, zero-width space)
# that split words people see as one.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\u200b\u2060]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u3000]+")


def normalise_text(text: str) -> str:
    """Turn CRLF and CR line endings into LF, drop control and invisible characters,
    and replace lone surrogates with U+FFFD.

    Parameters:
        text: an issue body or title as GitHub stored it.

    Returns:
        The text with `\\n` line endings (tabs kept).
    """
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _SURROGATE.sub("\ufffd", text)


def strip_html_comments(text: str) -> str:
    """Remove `<!-- ... -->` comments (issue templates carry instructions in them).

    A scan with `str.find` rather than a regular expression, so that a body full of
    unclosed `<!--` stays linear. An unclosed comment runs to the end, as on GitHub.

    Parameters:
        text: markdown text.

    Returns:
        The text without comments.
    """
    pieces: list[str] = []
    position = 0
    while True:
        start = text.find("<!--", position)
        if start < 0:
            pieces.append(text[position:])
            break
        pieces.append(text[position:start])
        end = text.find("-->", start + 4)
        if end < 0:
            break
        position = end + 3
    return "".join(pieces)


def _is_struck(match: re.Match[str]) -> bool:
    """True when a `~...~` run is strike-through the way GitHub renders it (the
    struck text neither starts nor ends with a space)."""
    inner = match.group(2)
    return not inner[0].isspace() and not inner[-1].isspace()


def drop_struck_through(text: str) -> str:
    """Drop what people struck through (`~~done~~`, `~done~`, `<del>`): it is
    "already done" or "not this one", never part of the request.

    A line that begins with struck text (after a list bullet) is dropped whole,
    since its remainder is a comment on the struck item ("~~2024.x-1.3~~ done").
    Elsewhere only the struck part goes.

    Parameters:
        text: markdown text with `\\n` line endings.

    Returns:
        The text without struck lines and struck parts.
    """
    kept: list[str] = []
    for line in text.split("\n"):
        if "~" not in line and "<" not in line:
            kept.append(line)
            continue
        body = _LIST_MARKER.sub("", line.strip())
        first = _STRUCK_TILDES.match(body) or _STRUCK_HTML.match(body)
        if first and (first.re is _STRUCK_HTML or _is_struck(first)):
            continue
        line = _STRUCK_TILDES.sub(lambda m: "" if _is_struck(m) else m.group(0), line)
        kept.append(_STRUCK_HTML.sub("", line))
    return "\n".join(kept)


def collapse_spaces(text: str) -> str:
    """Collapse runs of spaces (also no-break and ideographic ones) to one, and trim.

    Parameters:
        text: one line.

    Returns:
        The line with single spaces and no leading or trailing whitespace.
    """
    return _SPACES.sub(" ", text).strip()


def unwrap_value(line: str) -> str:
    """Strip the markdown people put around a single value.

    Removes a blockquote `>`, a list bullet (`- `, `* `, `+ `, `1. `, `1) `),
    surrounding emphasis, backticks and quotes, and angle brackets around a URL
    (`<https://...>`), and collapses spaces.

    Parameters:
        line: one line of a field.

    Returns:
        The bare value, e.g. `**\\`2024.emnlp-main.1\\`**` -> `2024.emnlp-main.1`.
    """
    value = collapse_spaces(line)
    value = _BLOCKQUOTE.sub("", value).strip()
    value = _LIST_MARKER.sub("", value)
    # A bounded number of rounds: nested wrappers are at most a few deep, and a
    # line of a million asterisks must not take a million rounds.
    for _ in range(8):
        changed = False
        for wrapper in _WRAPPERS:
            if len(value) > 2 * len(wrapper) and value.startswith(wrapper):
                if value.endswith(wrapper):
                    value = value[len(wrapper) : -len(wrapper)].strip()
                    changed = True
        if value.startswith("<") and value.endswith(">") and " " not in value:
            value = value[1:-1].strip()
            changed = True
        if not changed or not value:
            break
    return value


def remove_placeholders(text: str) -> str:
    """Remove the placeholders old Anthology forms left in a field.

    Parameters:
        text: a field's text, e.g. `-Add ORCID here-`.

    Returns:
        The text without placeholders, stripped; `""` when only a placeholder was
        there.
    """
    return _TEMPLATE_TITLE_PLACEHOLDER.sub("", _PLACEHOLDER.sub("", text)).strip()


def has_placeholder(text: str) -> bool:
    """True when `text` still holds one of the old forms' placeholders."""
    return bool(_PLACEHOLDER.search(text) or _TEMPLATE_TITLE_PLACEHOLDER.search(text))


def is_empty_answer(text: str) -> bool:
    """True when a value means "nothing": empty, `_No response_`, `N/A`, `none`, `-`.

    Parameters:
        text: a field's value, unwrapped or not.

    Returns:
        Whether the person gave no value.
    """
    value = unwrap_value(text).lower().rstrip(".!").strip()
    return value in _EMPTY_ANSWERS or text.strip() == NO_RESPONSE


def meaningful_lines(text: str) -> list[str]:
    """The lines of a field that say something: struck-through lines, placeholders
    and empty answers dropped, each line unwrapped.

    Parameters:
        text: a field's text with `\\n` line endings.

    Returns:
        The unwrapped, non-empty lines in order.
    """
    lines: list[str] = []
    for line in drop_struck_through(remove_placeholders(text)).split("\n"):
        value = unwrap_value(line)
        if value and not is_empty_answer(value):
            lines.append(value)
    return lines


def quote(text: str, limit: int = 80) -> str:
    """Quote a piece of the user's text in a message: one line, at most `limit`
    characters, in backticks.

    Parameters:
        text: what they wrote.
        limit: the longest quote kept whole.

    Returns:
        e.g. `` `Jin Liu` `` or `` `a very long line…` ``.
    """
    flat = collapse_spaces(text.replace("`", "'").replace("\n", " "))
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "\u2026"
    return f"`{flat}`"
