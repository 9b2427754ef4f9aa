"""Which page the person asks to keep when pages are merged: "please keep the first
page's ID", "merge them into https://aclanthology.org/people/jin-liu/", "jin-liu
should remain", "please retain my full-name page, Shikhar Kumar Sarma".

Only a page the issue names can be kept (the engine then checks it exists); the
words are kept with it, so the plan can say what it read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.anthology.names import name_slug
from bot.anthology.resolve import is_unverified_page, page_slug
from bot.engine.parse.links import find_urls, page_id_from_url
from bot.engine.parse.markdown import collapse_spaces, drop_struck_through
from bot.engine.request import PageRef

_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")
# The words that ask to keep something, and where the kept page is said: after the
# verb ("keep X", "merge into X") or before it ("X should remain").
_KEEP_BEFORE_OBJECT = re.compile(
    # (not "keep in mind", "keep publishing under X": no page is kept there)
    r"\b(?:keep|keeping|retain|retaining|preserve|maintain)\b(?!\s+(?:in\s+mind|track|up|\w+ing)\b)"
    r"|\bmerge\w*\b.{0,200}?\b(?:into|onto|under)\b"
    r"|\b(?:as|be)\s+(?:the\s+|my\s+)?(?:main|primary|canonical|master|surviving)\b",
    re.IGNORECASE,
)
_KEEP_AFTER_SUBJECT = re.compile(
    r"\b(?:should|must|shall|to|will|can)\s+(?:remain|stay|survive|be\s+kept|be\s+retained"
    r"|be\s+the\s+(?:main|primary|canonical|surviving))\b",
    re.IGNORECASE,
)
_ORDINALS: tuple[tuple[re.Pattern[str], str], ...] = (
    # ("my first name", "the first author" name no page)
    (re.compile(r"\b(?:the\s+)?(?:first|former|1st)\b(?!\s+(?:names?|authors?)\b)", re.I), "first"),
    (re.compile(r"\b(?:the\s+)?(?:second|2nd)\b(?!\s+(?:names?|authors?)\b)", re.I), "second"),
    (re.compile(r"\b(?:the\s+)?latter\b", re.IGNORECASE), "last"),
    (re.compile(r"\b(?:the|my)\s+unverified\b", re.IGNORECASE), "unverified"),
    (re.compile(r"\b(?:the|my)\s+(?:verified|main|official)\b", re.IGNORECASE), "verified"),
)
_NAME = re.compile(r"[A-Z][\w'.-]*(?:\s+(?:[A-Z][\w'.-]*|van|von|de|der|del|da|di|le|la))+")


def _by_ordinal(text: str, pages: Sequence[PageRef]) -> str | None:
    """The page an ordinal or a kind names ("the first", "the verified one")."""
    for pattern, which in _ORDINALS:
        if not pattern.search(text):
            continue
        if which == "first" and pages:
            return pages[0].id
        if which == "second" and len(pages) >= 2:
            return pages[1].id
        if which == "last" and len(pages) >= 2:
            return pages[-1].id
        kind = [p.id for p in pages if is_unverified_page(p.id) == (which == "unverified")]
        if which in ("verified", "unverified") and len(kind) == 1:
            return kind[0]
    return None


def _named_page(text: str, pages: Sequence[PageRef]) -> str | None:
    """The page of the issue that a text names: by URL, by ID, by ordinal or kind,
    or by the name whose slug is the page's."""
    for url in find_urls(text):
        page_id = page_id_from_url(url.url)
        if page_id is not None:
            return page_id
    ids = {p.id for p in pages}
    for word in re.findall(r"[a-z][-a-z0-9]*(?:/unverified)?", text):
        if word in ids and ("-" in word or "/" in word):
            return word
    ordinal = _by_ordinal(text, pages)
    if ordinal is not None:
        return ordinal
    for match in _NAME.finditer(text):
        slug = name_slug(match.group(0))
        named = [p.id for p in pages if page_slug(p.id) == slug]
        if len(named) == 1:
            return named[0]
    return None


def read_keep(prose: str, pages: Sequence[PageRef]) -> PageRef | None:
    """The page the prose asks to keep, or None.

    Parameters:
        prose: Supporting Information (or a free-text body).
        pages: the pages the issue names, in order (for "the first page").

    Returns:
        The page, with `raw` the sentence that asked for it.
    """
    if len(pages) < 2:
        return None
    text = drop_struck_through(prose)
    for sentence in _SENTENCE.split(text):
        sentence = collapse_spaces(sentence)
        verb = _KEEP_BEFORE_OBJECT.search(sentence)
        page_id = _named_page(sentence[verb.end() :], pages) if verb else None
        if page_id is None:
            subject = _KEEP_AFTER_SUBJECT.search(sentence)
            if subject is not None:
                page_id = _named_page(sentence[: subject.start()], pages)
        if page_id is not None:
            return PageRef(page_id, sentence)
    return None
