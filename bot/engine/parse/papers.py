"""Papers an issue names: Anthology URLs and IDs (new and old style, volumes),
bibkeys, titles, and links elsewhere that cannot be used.

Nothing here consults the data: a bibkey or a title is returned as such for the
engine to look up, and a Scholar or dblp link is returned to be reported back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.anthology.ids import AnthologyID, id_from_url, read_written_id
from bot.engine.parse.links import (
    find_urls,
    is_anthology_paper_like,
    is_orcid_link,
    is_paper_link,
    page_id_from_url,
)
from bot.engine.parse.markdown import (
    drop_struck_through,
    has_placeholder,
    meaningful_lines,
    quote,
    unwrap_value,
)
from bot.engine.request import Notice, PaperRef

_TOKEN = re.compile(r"[^\s,;()\[\]<>{}\"'`*|]+")
_TOKEN_EDGES = ".:!?~_/"
_BIBKEY_PART = re.compile(r"[a-z0-9]+")
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")
_NEW_STYLE_START = re.compile(r"[0-9]{4}\.")
# "These are my papers", "My papers are the following": a line introducing a list,
# not a title (a title does not speak of "my papers").
_INTRO = re.compile(
    r"^(?:(?:these|here|the following|following|below)\b.{0,60}"
    r"\b(?:papers?|publications?|works?|mine)\b|my (?:own )?(?:papers|publications|works)\b)"
    r"[^\n]{0,40}$",
    re.IGNORECASE,
)


def is_bibkey(token: str) -> bool:
    """True when `token` has the shape of an Anthology bibkey.

    A bibkey is lower-case words joined by hyphens, the first a name, with a year
    (19xx/20xx) that is neither first nor last: `cheng-etal-2022-semantically`,
    `wassa-2022-approaches`. Person IDs (`jin-liu-4161`) have no word after the
    number, so they are not bibkeys.

    Parameters:
        token: one word of text.

    Returns:
        Whether it is bibkey-shaped (whether the paper exists is the engine's
        question).
    """
    parts = token.split("-")
    if len(parts) < 3 or not parts[0].isalpha() or not parts[0].isascii():
        return False
    if not all(_BIBKEY_PART.fullmatch(part) for part in parts):
        return False
    return any(_YEAR.fullmatch(part) for part in parts[1:-1])


def _is_paper_or_volume(aid: AnthologyID | None) -> bool:
    """True for the ID of a paper, a front matter or a volume (not a collection)."""
    return aid is not None and aid.volume is not None


def _written_like_a_paper(token: str, aid: AnthologyID) -> bool:
    """In prose only IDs that cannot be anything else count: new-style IDs, and
    old-style paper IDs (`P19-1001`), not old-style volumes (`P18-1`) that look
    like ordinary words with numbers."""
    return bool(_NEW_STYLE_START.match(token)) or aid.paper is not None


def ref_from_url(url: str, *, in_list: bool) -> PaperRef | None:
    """The paper a URL names.

    Parameters:
        url: a URL as written (from find_urls).
        in_list: True in a papers section, where every link is meant as a paper;
            False in prose, where only links to papers elsewhere (Scholar, dblp,
            arXiv, a PDF) and unreadable Anthology links are reported back.

    Returns:
        `anthology-id` for an Anthology paper or volume URL, `unusable-link` for a
        paper link that is not one, or None for author pages, ORCID records and
        (in prose) other links.
    """
    aid = id_from_url(url)
    if aid is not None and _is_paper_or_volume(aid):
        return PaperRef("anthology-id", aid.full, url)
    if page_id_from_url(url) is not None or is_orcid_link(url):
        return None
    if in_list or is_paper_link(url) or is_anthology_paper_like(url):
        return PaperRef("unusable-link", url, url)
    return None


def ref_from_token(token: str, *, in_list: bool) -> PaperRef | None:
    """The paper a bare word names: an Anthology ID or a bibkey.

    Parameters:
        token: one word, e.g. `2024.emnlp-main.123`, `N19-2007`, `2022.wassa-1`,
            `cheng-etal-2022-semantically`.
        in_list: True in a papers section (old-style volumes such as `P18-1`
            allowed), False in prose.

    Returns:
        An `anthology-id` or `bibkey` reference, or None.
    """
    word = token.strip(_TOKEN_EDGES)
    if not word:
        return None
    aid = read_written_id(word)
    if aid is not None and _is_paper_or_volume(aid):
        if in_list or _written_like_a_paper(word, aid):
            return PaperRef("anthology-id", aid.full, token.strip(_TOKEN_EDGES))
    if is_bibkey(word):
        return PaperRef("bibkey", word, word)
    return None


@dataclass(frozen=True)
class PlacedRef:
    """A paper reference and where it is written in its line (`start`, `end`)."""

    start: int
    end: int
    ref: PaperRef


def blank_urls(line: str) -> str:
    """The line with every URL replaced by spaces (positions kept), so that words
    and punctuation inside a URL are not read as prose."""
    pieces: list[str] = []
    position = 0
    for url in find_urls(line):
        pieces.append(line[position : url.start])
        pieces.append(" " * (url.end - url.start))
        position = url.end
    pieces.append(line[position:])
    return "".join(pieces)


def placed_refs(line: str, *, in_list: bool) -> list[PlacedRef]:
    """The URL and bare-word references in one line, in order, with their places.

    Parameters:
        line: one line of text.
        in_list: as for ref_from_url and ref_from_token.

    Returns:
        The references found, ordered by where they start.
    """
    found: list[PlacedRef] = []
    for url in find_urls(line):
        ref = ref_from_url(url.url, in_list=in_list)
        if ref is not None:
            found.append(PlacedRef(url.start, url.end, ref))
    # Bare words are read in the text without its URLs, so a URL's path is not
    # read again as words.
    for match in _TOKEN.finditer(blank_urls(line)):
        ref = ref_from_token(match.group(0), in_list=in_list)
        if ref is not None:
            found.append(PlacedRef(match.start(), match.end(), ref))
    found.sort(key=lambda placed: placed.start)
    return found


def _refs_in_line(line: str, *, in_list: bool) -> list[PaperRef]:
    """The URL and bare-word references in one line (or a prose text), in order."""
    return [placed.ref for placed in placed_refs(line, in_list=in_list)]


def _title_of(line: str) -> str:
    """A title line without the punctuation and quotes around it."""
    return unwrap_value(unwrap_value(line).rstrip(".,;").strip())


# Words a title of a paper does not have but a sentence to the maintainers does.
_NOT_TITLE_WORDS = frozenset(
    {"i", "i'm", "i've", "my", "me", "mine", "please", "thanks", "thank", "hi", "hello"}
    | {"dear", "regards", "sincerely", "kindly"}
)

# A line that says how a name splits ("given name - Keren", "Family name: Gruteke Klein").
_NAME_PART_LINE = re.compile(
    r"^\W*(?:(?:given|first|fore|family|last|middle)[ \t-]*names?|surname)\b", re.IGNORECASE
)


def title_ref_of_line(line: str) -> PaperRef | None:
    """A line of a list in prose read as a paper's title, or None when it does not
    read like one: it has a link, fewer than three or more than forty words, ends
    in a colon, or speaks to the maintainers ("please", "my", "thanks").

    Parameters:
        line: one line, e.g. "1. Instructed Language Models with Retrievers Are
            Powerful Entity Linkers. (EMNLP 2023)".

    Returns:
        A `title` reference (the engine looks it up, venue and year included).
    """
    if len(line.split()) < 3 or line.rstrip().endswith(":") or find_urls(line):
        return None
    if _NAME_PART_LINE.match(line):
        return None  # "given name - Keren": how a name splits, not a title
    title = _title_of(line)
    words = title.split()
    if not 3 <= len(words) <= 40:
        return None
    if {word.strip(".,;:!?()\"'").lower() for word in words} & _NOT_TITLE_WORDS:
        return None
    return PaperRef("title", title, line)


def read_paper_list(text: str | None) -> tuple[list[PaperRef], list[Notice]]:
    """Read a papers section (ours, or the old form's `Your papers`): one paper a line.

    Every URL and ID on a line is taken; a line with none is a title (but a line
    ending in `:` or speaking of "my papers", like "These are my papers",
    introduces a list and is skipped).
    Struck-through lines are ignored.

    Parameters:
        text: the section's text, or None when the body has no such section.

    Returns:
        The references in order (not yet deduplicated) and notices: `placeholder`
        when the old form's placeholder is all there is.
    """
    if text is None:
        return [], []
    refs: list[PaperRef] = []
    for line in meaningful_lines(text):
        in_line = _refs_in_line(line, in_list=True)
        if in_line:
            refs.extend(in_line)
            continue
        if find_urls(line) or line.endswith(":") or _INTRO.match(line):
            continue  # an author page or ORCID link, or an intro line
        title = _title_of(line)
        if title:
            refs.append(PaperRef("title", title, line))
    notices: list[Notice] = []
    if not refs and has_placeholder(text):
        notices.append(
            Notice(
                "placeholder",
                f"The papers field still says {quote(text.strip())}: please replace it "
                "with the Anthology URLs of your papers, one a line.",
            )
        )
    return refs, notices


def find_paper_refs(text: str) -> list[PaperRef]:
    """Papers named in prose (Supporting Information, notes, a free-text issue).

    Only what cannot be mistaken is taken: Anthology URLs and IDs, bibkeys, and
    links to papers elsewhere. Titles are never guessed from prose.

    Parameters:
        text: prose, possibly markdown.

    Returns:
        The references in order (not yet deduplicated); struck-through text ignored.
    """
    refs: list[PaperRef] = []
    for line in drop_struck_through(text).split("\n"):
        refs.extend(_refs_in_line(line, in_list=False))
    return refs


def dedupe_papers(refs: Iterable[PaperRef]) -> tuple[PaperRef, ...]:
    """Each paper once, first mention first (`.pdf` and `/` URLs of one paper are
    one paper; titles compared without case).

    Parameters:
        refs: references in the order found.

    Returns:
        The references without repeats.
    """
    seen: set[tuple[str, str]] = set()
    kept: list[PaperRef] = []
    for ref in refs:
        key = (ref.kind, ref.value.casefold() if ref.kind == "title" else ref.value)
        if key not in seen:
            seen.add(key)
            kept.append(ref)
    return tuple(kept)
