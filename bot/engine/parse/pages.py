"""Author pages an issue names: in the author-page field, in the title, in prose.

The field is meant for page URLs, but people also put paper URLs there (those are
papers: they are moved to the papers, with a warning), plain names (returned as a
warning: turning a name into a page is a lookup in the data, not reading), or prose.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.engine.parse.links import PAGE_ID, find_urls, page_id_from_url
from bot.engine.parse.markdown import (
    drop_struck_through,
    has_placeholder,
    meaningful_lines,
    quote,
    remove_placeholders,
)
from bot.engine.parse.papers import blank_urls, ref_from_token, ref_from_url
from bot.engine.parse.stance import PageStance, page_line_stance
from bot.engine.request import Notice, PageRef, PaperRef

_SEPARATORS = re.compile(r"[\s,;]+")
_JOINERS = frozenset({"and", "&", "or"})
# Lower-case words inside names ("Jan van der Berg", "Ahmad bin Ali").
_NAME_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du"}
    | {"la", "le", "bin", "binti", "al", "el", "ter", "ten", "zu", "y", "e"}
)


@dataclass(frozen=True)
class PagesReading:
    """What the author-page field gave: pages, paper links put there by mistake, and
    notices for the person who filed."""

    pages: tuple[PageRef, ...] = ()
    papers: tuple[PaperRef, ...] = ()
    notices: tuple[Notice, ...] = ()
    # Pages named in words that set them aside or doubt them (parse/stance.py's
    # `page_line_stance`); each PageRef's `raw` is the line that said so.
    aside: tuple[PageRef, ...] = ()
    unclear: tuple[PageRef, ...] = ()


def page_ids_in_words(text: str) -> list[str] | None:
    """The page IDs of a line that is nothing but page IDs (`jin-liu`,
    `jin-liu/unverified, chen-kehai`); None when the line is anything else.

    A bare word counts as a page ID only with a hyphen or `/unverified`, and only
    when the whole line is IDs: otherwise "well-known" in a sentence would be a page.

    Parameters:
        text: one unwrapped line.

    Returns:
        The IDs in order, or None.
    """
    words = [word for word in _SEPARATORS.split(text.strip().rstrip(".")) if word]
    words = [word.strip("/") for word in words if word.lower() not in _JOINERS]
    if not words:
        return None
    for word in words:
        if not PAGE_ID.fullmatch(word) or ("-" not in word and "/" not in word):
            return None
        if ref_from_token(word, in_list=True) is not None:
            return None  # `p19-1001` or a bibkey: a paper, not a page
    return words


def looks_like_name(text: str) -> bool:
    """True when a line is plausibly a person's name ("Jin Liu", "Jan van der Berg",
    "王明文"), or several separated by commas or "and", not a sentence: one to six
    words each, no digits, each word starting with a capital (or a letter without
    case), apart from name particles.

    Parameters:
        text: one unwrapped line.

    Returns:
        Whether to report the line as a name given instead of a page.
    """
    parts = [part for part in re.split(r"[,;/]|\band\b", text) if part.strip()]
    return bool(parts) and all(_looks_like_one_name(part) for part in parts)


def _looks_like_one_name(text: str) -> bool:
    """looks_like_name for one name."""
    words = text.strip().rstrip(".").split()
    if not 1 <= len(words) <= 6 or any(ch.isdigit() for ch in text):
        return False
    for word in words:
        if word in _NAME_PARTICLES:
            continue
        letters = word.replace("-", "").replace("'", "").replace("\u2019", "").replace(".", "")
        if not letters.isalpha() or word[0].islower():
            return False
    return True


def read_pages_field(text: str | None, label: str) -> PagesReading:
    """Read the author-page field (ours: `Author page`; the Anthology's:
    `Author Pages`).

    Parameters:
        text: the field's text, or None when the body has no such section.
        label: the field's name as the person saw it, for messages.

    Returns:
        The pages (in order, each once), the paper references found there, and
        notices: `paper-in-pages` (paper links moved to the papers),
        `page-as-name` (a name, no page), `page-unreadable` (nothing usable),
        `placeholder`.
    """
    if text is None:
        return PagesReading()
    pages: list[PageRef] = []
    said: dict[PageStance, list[PageRef]] = {"aside": [], "unclear": []}
    papers: list[PaperRef] = []
    names: list[str] = []
    other: list[str] = []
    for line in meaningful_lines(text):
        found_here = False
        urls = find_urls(line)
        stance = page_line_stance(line) if urls and _has_words(line) else None
        for url in urls:
            page_id = page_id_from_url(url.url)
            if page_id is not None:
                if stance is None:
                    pages.append(PageRef(page_id, url.url))
                else:
                    said[stance].append(PageRef(page_id, line.strip()))
                found_here = True
                continue
            ref = ref_from_url(url.url, in_list=False)
            # Only Anthology papers are papers here; a Scholar or dblp link in this
            # field is a profile, reported below if no page is found.
            if ref is not None and ref.kind == "anthology-id":
                papers.append(ref)
                found_here = True
        if urls:
            if not found_here:
                other.append(line)
            continue
        ids = page_ids_in_words(line)
        if ids is not None:
            pages.extend(PageRef(page_id, page_id) for page_id in ids)
            continue
        refs = [ref_from_token(word, in_list=False) for word in _SEPARATORS.split(line)]
        bare = [ref for ref in refs if ref is not None]
        if bare:
            papers.extend(bare)
        elif looks_like_name(line):
            names.append(line)
        else:
            other.append(line)
    notices: list[Notice] = []
    if papers:
        listed = ", ".join(ref.value for ref in papers[:5])
        notices.append(
            Notice(
                "paper-in-pages",
                f"The \u201c{label}\u201d field lists papers ({listed}), not author "
                "pages: I read them as the papers this request is about.",
            )
        )
    if not pages and not said["aside"] and names:
        notices.append(
            Notice(
                "page-as-name",
                f"The \u201c{label}\u201d field gives the name "
                f"{', '.join(quote(name) for name in names[:3])} rather than a page: "
                "please give the URL of the author page, like "
                "https://aclanthology.org/people/jin-liu/ .",
            )
        )
    if not pages and not papers and not names and not said["aside"] and not said["unclear"]:
        cleaned = remove_placeholders(drop_struck_through(text)).strip()
        if other:
            notices.append(
                Notice(
                    "page-unreadable",
                    f"I could not find an author page in the \u201c{label}\u201d field "
                    f"({quote(other[0])}): please give the page's URL, like "
                    "https://aclanthology.org/people/jin-liu/ .",
                )
            )
        elif not cleaned and has_placeholder(text):
            notices.append(
                Notice(
                    "placeholder",
                    f"The \u201c{label}\u201d field still holds the form's placeholder: "
                    "please replace it with the URL of the author page.",
                )
            )
    return _sorted_out(pages, said, papers, notices)


def _has_words(line: str) -> bool:
    """True when a line has words besides its links (a sentence about them)."""
    rest = blank_urls(line)
    return len(re.findall(r"[^\W\d_]{2,}", rest)) >= 2


def _sorted_out(
    pages: Sequence[PageRef],
    said: dict[PageStance, list[PageRef]],
    papers: Sequence[PaperRef] = (),
    notices: Sequence[Notice] = (),
) -> PagesReading:
    """The reading, each page once: a page both listed plainly and set aside (or
    doubted) is unclear; a page set aside is out of the pages."""
    listed = dedupe_pages(pages)
    out_ids = {page.id for page in said["aside"]}
    unsure = [*said["unclear"], *(p for p in said["aside"] if p.id in {q.id for q in listed})]
    unsure_ids = {page.id for page in unsure}
    return PagesReading(
        tuple(page for page in listed if page.id not in out_ids | unsure_ids),
        tuple(papers),
        tuple(notices),
        dedupe_pages([p for p in said["aside"] if p.id not in unsure_ids]),
        dedupe_pages(unsure),
    )


def read_pages_in_prose(text: str) -> PagesReading:
    """Author-page URLs anywhere in prose, sorted by what the words around them say
    (parse/stance.py's `page_line_stance`): listed, set aside, or doubted.

    Parameters:
        text: prose, possibly markdown; struck-through text ignored.

    Returns:
        A reading with `pages`, `aside` and `unclear` (no papers, no notices).
    """
    pages: list[PageRef] = []
    said: dict[PageStance, list[PageRef]] = {"aside": [], "unclear": []}
    for line in drop_struck_through(text).split("\n"):
        found = find_pages(line)
        stance = page_line_stance(line) if found else None
        if stance is None:
            pages.extend(found)
        else:
            said[stance].extend(PageRef(page.id, line.strip()) for page in found)
    return _sorted_out(pages, said)


def find_pages(text: str) -> list[PageRef]:
    """Author-page URLs anywhere in prose (bare IDs are not guessed from prose).

    Parameters:
        text: prose, possibly markdown; struck-through text ignored.

    Returns:
        The pages in order (not yet deduplicated).
    """
    pages: list[PageRef] = []
    for url in find_urls(drop_struck_through(text)):
        page_id = page_id_from_url(url.url)
        if page_id is not None:
            pages.append(PageRef(page_id, url.url))
    return pages


def pages_in_title(title: str) -> list[PageRef]:
    """The page a title names after its colon: `Author Page: jin-liu/unverified`,
    `Fix paper assignments: jin-liu`, or a page URL.

    Parameters:
        title: the issue's title.

    Returns:
        The pages named (usually one); none for `{replace with author name}` or a
        plain name.
    """
    rest = title.split(":", 1)[1] if ":" in title else title
    rest = remove_placeholders(rest)
    urls = find_urls(rest)
    if urls:
        return [
            PageRef(page_id, url.url)
            for url in urls
            if (page_id := page_id_from_url(url.url)) is not None
        ]
    ids = page_ids_in_words(rest) if ":" in title else None
    return [PageRef(page_id, rest.strip()) for page_id in ids or []]


def dedupe_pages(pages: Sequence[PageRef]) -> tuple[PageRef, ...]:
    """Each page once, first mention first.

    Parameters:
        pages: pages in the order found.

    Returns:
        The pages without repeats.
    """
    seen: set[str] = set()
    kept: list[PageRef] = []
    for page in pages:
        if page.id not in seen:
            seen.add(page.id)
            kept.append(page)
    return tuple(kept)


def reconcile_title(
    pages: Sequence[PageRef], title_pages: Sequence[PageRef]
) -> tuple[tuple[PageRef, ...], list[Notice]]:
    """Combine the pages of the body with the page the title names.

    The body wins: the title is pre-filled or typed once and often stale (it says
    `jin-liu/unverified` while the page listed is the verified `jin-liu`). The
    title is used only when the body names no page.

    Parameters:
        pages: the pages the body names.
        title_pages: the pages the title names.

    Returns:
        The pages to use and notices: `page-from-title` (the body named none),
        `title-page-mismatch` (the title names a page the body does not).
    """
    if not pages:
        if not title_pages:
            return (), []
        used = dedupe_pages(title_pages)
        return used, [
            Notice(
                "page-from-title",
                f"The issue lists no author page, so I used the one in its title "
                f"({', '.join(page.id for page in used)}).",
            )
        ]
    notices: list[Notice] = []
    listed = {page.id for page in pages}
    for title_page in title_pages:
        if title_page.id in listed:
            continue
        base = title_page.id.removesuffix("/unverified")
        twin = next((p.id for p in pages if p.id.removesuffix("/unverified") == base), None)
        shown = twin or ", ".join(page.id for page in pages)
        notices.append(
            Notice(
                "title-page-mismatch",
                f"The title names the page {title_page.id}, but the page listed in the "
                f"issue is {shown}: I used the listed page.",
            )
        )
    return tuple(pages), notices
