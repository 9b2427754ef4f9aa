"""Links in issue text: finding URLs, reading author-page URLs, and telling paper links
that are not Anthology URLs (Scholar, dblp, arXiv, a PDF elsewhere) from other links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from bot.anthology.ids import ANTHOLOGY_HOSTS

# A page ID as the schema allows it: a verified person ID or `{slug}/unverified`.
PAGE_ID = re.compile(r"[a-z][-a-z0-9]*(?:/unverified)?")
PERSON_ID = re.compile(r"[a-z][-a-z0-9]*")

# A URL starts with a scheme or `www.`, or is one of the sites people write without
# a scheme. It stops at whitespace and at the brackets and quotes markdown puts
# around it (`[text](url)`, `<url>`, `(url)`).
_URL = re.compile(
    r"(?:https?://|www\.|(?<![\w.@/-])(?:aclanthology\.org|aclweb\.org|orcid\.org)/)"
    r"[^\s<>()\[\]{}\"'`|\\^]+",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?*_~"

# Hosts of paper listings and copies elsewhere. A link there names a paper (or a
# list of them) but not by its Anthology ID, so it is reported back, never guessed.
_PAPER_HOSTS = (
    "scholar.google.",
    "dblp.org",
    "dblp.uni-trier.de",
    "semanticscholar.org",
    "arxiv.org",
    "doi.org",
    "dl.acm.org",
    "ieeexplore.ieee.org",
    "link.springer.com",
    "researchgate.net",
    "paperswithcode.com",
    "openreview.net/forum",
    "openreview.net/pdf",
)


@dataclass(frozen=True)
class FoundURL:
    """A URL in a text: where it is and how it was written (trailing punctuation
    of the sentence removed)."""

    start: int
    end: int
    url: str


def find_urls(text: str) -> list[FoundURL]:
    """Every URL in `text`, in order.

    Parameters:
        text: prose or a field, possibly markdown (`[a](https://...)`, `<https://...>`).

    Returns:
        The URLs with their positions; a sentence's final `.` or `,` (and markdown
        emphasis) is not part of the URL.
    """
    found: list[FoundURL] = []
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        if "://" not in url and not url.lower().startswith("www.") and "/" not in url:
            continue
        found.append(FoundURL(match.start(), match.start() + len(url), url))
    return found


def _host_and_path(url: str) -> tuple[str, list[str]] | None:
    """The host (without `www.`, lower case) and non-empty path segments of a URL."""
    try:
        parts = urlsplit(url if "://" in url else "https://" + url)
        host = (parts.hostname or "").removeprefix("www.")
    except ValueError:  # a malformed netloc, e.g. an unclosed IPv6 bracket
        return None
    return host, [unquote(segment) for segment in parts.path.split("/") if segment]


def page_id_from_url(url: str) -> str | None:
    """The page ID an author-page URL points to.

    Accepts `https://aclanthology.org/people/jin-liu/`,
    `.../people/jin-liu/unverified/`, the old letter folder `.../people/j/jin-liu/`,
    `http://`, `www.`, no trailing slash, a query or fragment, and the old
    `aclweb.org/anthology/people/...`.

    Parameters:
        url: the URL as written.

    Returns:
        `jin-liu` or `jin-liu/unverified`, or None when the URL is not an author page.
    """
    split = _host_and_path(url)
    if split is None:
        return None
    host, segments = split
    if host not in ANTHOLOGY_HOSTS:
        return None
    if host == "aclweb.org" and segments[:1] == ["anthology"]:
        segments = segments[1:]
    if segments[:1] != ["people"]:
        return None
    rest = [segment.lower() for segment in segments[1:]]
    # The old site filed pages under their first letter (`/people/j/jin-liu/`).
    if len(rest) >= 2 and len(rest[0]) == 1 and rest[1].startswith(rest[0]):
        rest = rest[1:]
    if rest and rest[0].endswith(".html"):
        rest[0] = rest[0].removesuffix(".html")
    if not rest or not PERSON_ID.fullmatch(rest[0]):
        return None
    if len(rest) >= 2 and rest[1] == "unverified":
        return f"{rest[0]}/unverified"
    return rest[0]


def is_paper_link(url: str) -> bool:
    """True when a non-Anthology-ID URL still points at a paper or a paper list:
    Google Scholar, dblp, Semantic Scholar, arXiv, a DOI, a publisher's page, an
    OpenReview forum, or any PDF.

    Parameters:
        url: the URL as written.

    Returns:
        Whether to report it back as a paper link we cannot use.
    """
    lowered = url.lower()
    split = _host_and_path(lowered)
    if split is None:
        return False
    host, segments = split
    where = host + "/" + "/".join(segments)
    if segments and segments[-1].endswith(".pdf"):
        return True
    return any(where.startswith(h) or ("." + h) in "." + where for h in _PAPER_HOSTS)


def is_orcid_link(url: str) -> bool:
    """True for a link to an ORCID record (read by the ORCID reader, not a paper)."""
    split = _host_and_path(url.lower())
    return split is not None and split[0] in {"orcid.org", "sandbox.orcid.org"}


# Parts of the Anthology's site that are not papers: linking them in prose says
# nothing about which papers are meant.
_SITE_SECTIONS = frozenset({"", "faq", "info", "venues", "events", "sigs", "search", "people"})


def is_anthology_paper_like(url: str) -> bool:
    """True for an aclanthology.org (or aclweb.org/anthology) link that is not an
    author page nor a part of the site (FAQ, venues, events...): meant as a paper,
    even when it does not hold a readable ID.

    Parameters:
        url: the URL as written.

    Returns:
        Whether the link should be reported back as a paper link we cannot read.
    """
    split = _host_and_path(url)
    if split is None or split[0] not in ANTHOLOGY_HOSTS:
        return False
    host, segments = split
    if host == "aclweb.org":
        if segments[:1] != ["anthology"]:
            return False
        segments = segments[1:]
    return (segments[0].lower() if segments else "") not in _SITE_SECTIONS
