"""The before/after table of a pull request and of the status comment: for each page
the change affects, its paper count before and after, and a link to a preview of the
page as the pull request's branch makes it (`/preview/<branch>/people/<id>/`, served
by authorbot, see `webhooks/preview.py`). Pure rendering, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.anthology.ids import page_url


def preview_url(public_url: str | None, branch: str, page_id: str) -> str | None:
    """The preview of a page on a branch, or None when the bot has no public address."""
    if not public_url:
        return None
    return f"{public_url.rstrip('/')}/preview/{branch}/people/{page_id}/"


def _count(n: int, other: int, side: str) -> str:
    if n == 0 and other > 0:
        return "0 (new page)" if side == "before" else "0 (page gone)"
    return str(n)


def before_after_table(
    counts: Mapping[str, tuple[int, int]], branch: str | None, public_url: str | None
) -> str:
    """The markdown table: page (linked to the live page), papers before, papers after,
    and the preview of the page after the change.

    Parameters:
        counts: page ID -> (papers before, papers after), in the order to show.
        branch: the pull request's branch (None: no preview column).
        public_url: authorbot's public address (None: no preview links).
    """
    if not counts:
        return ""
    lines = [
        "| Page | Papers before | Papers after | Preview after |",
        "| --- | --- | --- | --- |",
    ]
    for page_id, (before, after) in counts.items():
        link = preview_url(public_url, branch, page_id) if branch else None
        preview = f"[preview]({link})" if link and after > 0 else "—"
        lines.append(
            f"| [{page_id}]({page_url(page_id)}) | {_count(before, after, 'before')} "
            f"| {_count(after, before, 'after')} | {preview} |"
        )
    if branch and not public_url:
        lines += ["", "_Previews are off: the bot has no public address (`AUTHORBOT_PUBLIC_URL`)._"]
    return "\n".join(lines)
