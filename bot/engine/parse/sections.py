"""Splitting an issue body into `### Heading` sections, the way GitHub renders an
issue form: for each field `### <Label>`, a blank line, the value, a blank line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    """One heading and the text under it (up to the next heading).

    `heading` is the heading's text without the `#` marks (`""` for any text before
    the first heading); `text` is the raw text under it, stripped of blank lines
    around it; `line` is the heading as written, so a section can be put back into
    running text.
    """

    heading: str
    text: str
    line: str = ""


def heading_text(line: str) -> str | None:
    """The text of a markdown ATX heading line, or None if the line is not one.

    A heading is up to three spaces, one to six `#`, at least one space, and some
    text; closing `#`s are dropped (`### Papers ###` -> `Papers`). `#hashtag` and
    `#1` are not headings, as on GitHub.

    Parameters:
        line: one line without its newline.

    Returns:
        The heading's text, or None.
    """
    stripped = line.lstrip(" ")
    if len(line) - len(stripped) > 3 or not stripped.startswith("#"):
        return None
    level = len(stripped) - len(stripped.lstrip("#"))
    rest = stripped[level:]
    if level > 6 or not rest[:1].isspace():
        return None
    text = rest.strip().rstrip("#").strip()
    return text or None


def _is_fence(line: str) -> bool:
    """True for a code fence line (``` or ~~~): headings inside code are text."""
    stripped = line.lstrip(" ")
    return stripped.startswith("```") or stripped.startswith("~~~")


def split_sections(body: str) -> tuple[Section, ...]:
    """Split a markdown body into its heading sections.

    Parameters:
        body: the issue body with `\\n` line endings.

    Returns:
        The sections in order. Text before the first heading, if any, is a section
        with heading `""`. A body without headings is one such section.
    """
    sections: list[Section] = []
    heading, heading_line = "", ""
    lines: list[str] = []
    in_fence = False
    for line in body.split("\n"):
        if _is_fence(line):
            in_fence = not in_fence
        found = None if in_fence else heading_text(line)
        if found is None:
            lines.append(line)
            continue
        if heading or "".join(lines).strip():
            sections.append(Section(heading, _trim_blank_lines(lines), heading_line))
        heading, heading_line, lines = found, line.strip(), []
    if heading or "".join(lines).strip():
        sections.append(Section(heading, _trim_blank_lines(lines), heading_line))
    return tuple(sections)


def _trim_blank_lines(lines: list[str]) -> str:
    """Join lines, leaving out blank lines at the start and the end."""
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[start:end])
