"""Anthology IDs: reading paper, volume and collection IDs, new style and old style.

New style: `2024.emnlp-main.123` (collection `2024.emnlp`, volume `main`, paper
`123`); `.0` is the volume's front matter; `2024.emnlp-main` is the volume.
Old style (before 2020): `P19-1001` is collection `P19`, volume `1`, paper `1`.
The volume takes two digits for every `W` collection, for `C69`, and for `D19`
when the first digit is 5 or more (`W18-6310`, `D19-5702`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

_NEW_STYLE = re.compile(
    r"(?P<coll>[0-9]{4}\.[a-z0-9]+)(?:-(?P<vol>[a-z0-9]+)(?:\.(?P<paper>[0-9]+))?)?"
)
_OLD_STYLE = re.compile(r"(?P<coll>[A-Z][0-9]{2})(?:-(?P<rest>[0-9]{1,6}))?")
COLLECTION_ID = re.compile(r"[0-9]{4}\.[a-z0-9]+|[A-Z][0-9]{2}")


@dataclass(frozen=True, slots=True, order=True)
class AnthologyID:
    """A parsed Anthology ID. `volume` and `paper` are None for a collection or a
    volume; `paper == "0"` is a volume's front matter."""

    collection: str
    volume: str | None = None
    paper: str | None = None

    @property
    def full(self) -> str:
        """The canonical written form (`P19-1001`, `2024.emnlp-main.123`)."""
        return build_id(self.collection, self.volume, self.paper)

    @property
    def volume_id(self) -> str | None:
        """The full ID of the volume this ID is in (None for a collection)."""
        if self.volume is None:
            return None
        return build_id(self.collection, self.volume)

    @property
    def is_volume(self) -> bool:
        return self.volume is not None and self.paper is None

    @property
    def is_frontmatter(self) -> bool:
        return self.paper == "0"

    def __str__(self) -> str:
        return self.full


def _wide_volume(collection: str, first_digit: str) -> bool:
    """True when an old-style collection numbers its volumes with two digits."""
    return (
        collection.startswith("W")
        or collection == "C69"
        or (collection == "D19" and int(first_digit) >= 5)
    )


def build_id(collection: str, volume: str | None = None, paper: str | None = None) -> str:
    """Write an Anthology ID from its parts, padding old-style IDs the Anthology's way.

    Parameters:
        collection: `P19`, `2024.emnlp`.
        volume: `1`, `main`, or None.
        paper: `1`, `0` (front matter), or None.

    Returns:
        `P19-1001`, `W18-6310`, `2024.emnlp-main.1`, `2024.emnlp-main`, `P19`.
    """
    if volume is None:
        return collection
    if collection[0].isdigit():
        return f"{collection}-{volume}" if paper is None else f"{collection}-{volume}.{paper}"
    if _wide_volume(collection, volume[0]) or collection[0] == "W":
        out = f"{collection}-{int(volume):02d}"
        return out if paper is None else out + f"{int(paper):02d}"
    out = f"{collection}-{int(volume):01d}"
    return out if paper is None else out + f"{int(paper):03d}"


def parse_id(text: str) -> AnthologyID | None:
    """Read a whole string as an Anthology ID; None if it is not one.

    Old-style IDs of four or more digits after the hyphen are papers, shorter
    ones volumes (`P18-1` is a volume). Leading zeros are dropped.
    """
    m = _NEW_STYLE.fullmatch(text)
    if m:
        return AnthologyID(m["coll"], m["vol"], _strip_zeros(m["paper"]))
    m = _OLD_STYLE.fullmatch(text)
    if not m:
        return None
    coll, rest = m["coll"], m["rest"]
    if rest is None:
        return AnthologyID(coll)
    if len(rest) < 4:
        return AnthologyID(coll, _strip_zeros(rest))
    width = 2 if _wide_volume(coll, rest[0]) else 1
    return AnthologyID(coll, _strip_zeros(rest[:width]), _strip_zeros(rest[width:]))


def _strip_zeros(number: str | None) -> str | None:
    if number is None:
        return None
    return number.lstrip("0") or "0"


def collection_file(collection: str) -> str:
    """The path of a collection's XML file, relative to the data repository's root."""
    return f"data/xml/{collection}.xml"


# People write old-style IDs in lower case (`p19-1001`) and add a revision suffix
# (`2024.emnlp-main.123v2`) or a file extension; none of that is part of the ID.
_OLD_STYLE_LOWER = re.compile(r"[a-z][0-9]{2}(?:-[0-9]{1,6})?")
_FILE_SUFFIX = re.compile(r"\.(?:pdf|bib)$", re.IGNORECASE)
_REVISION_SUFFIX = re.compile(r"(?<=[0-9])v[0-9]{1,2}$")
ANTHOLOGY_HOSTS = ("aclanthology.org", "aclweb.org")
ANTHOLOGY_SITE = "https://aclanthology.org"


def page_url(page_id: str) -> str:
    """The aclanthology.org address of an author page (`jin-liu-4161` or
    `jin-liu/unverified`)."""
    return f"{ANTHOLOGY_SITE}/people/{page_id}/"


def item_url(item_id: str) -> str:
    """The aclanthology.org address of a paper or volume."""
    return f"{ANTHOLOGY_SITE}/{item_id}/"


def pdf_url(item_id: str) -> str:
    """The aclanthology.org PDF of a paper or volume."""
    return f"{ANTHOLOGY_SITE}/{item_id}.pdf"


def read_written_id(text: str) -> AnthologyID | None:
    """Read an Anthology ID as people write it; None if it is not one.

    More lenient than `parse_id`: it drops surrounding whitespace, a `.pdf` or
    `.bib` extension and a revision suffix (`v2`), and accepts a lower-case
    old-style letter (`p19-1001`) or an upper-case new-style venue.

    Parameters:
        text: one token, e.g. `P19-1001.pdf`, `2024.EMNLP-main.123v2`.

    Returns:
        The parsed ID (`P19-1001`, `2024.emnlp-main.123`), or None.
    """
    token = _FILE_SUFFIX.sub("", text.strip())
    # Only papers have revisions: an ID that reads whole (the volume `1950.x-0v0`)
    # is not cut.
    return _read_token(token) or _read_token(_REVISION_SUFFIX.sub("", token))


def _read_token(token: str) -> AnthologyID | None:
    """parse_id after undoing the case people write IDs in (`p19-1001`, `2024.EMNLP-main.1`)."""
    if _OLD_STYLE_LOWER.fullmatch(token):
        token = token[0].upper() + token[1:]
    elif token[:4].isascii() and token[:4].isdigit() and token[4:5] == ".":
        token = token.lower()
    return parse_id(token)


def id_from_url(url: str) -> AnthologyID | None:
    """Read the Anthology ID out of an aclanthology.org (or old aclweb.org) URL.

    Accepts `http://` or no scheme, `www.`, a trailing slash or none, `.pdf`,
    query strings and fragments (`#`, `#anchor`), and the legacy paths
    `/papers/P19-1001/`, `/volumes/2022.wassa-1/` and
    `aclweb.org/anthology/P19-1001.pdf`. Author pages (`/people/...`) are not IDs.

    Parameters:
        url: the URL as written.

    Returns:
        The ID of the paper, front matter or volume, or None when the URL is not an
        Anthology paper or volume URL.
    """
    try:
        parts = urlsplit(url.strip() if "://" in url else "https://" + url.strip())
        host = (parts.hostname or "").removeprefix("www.")
    except ValueError:  # malformed netloc, e.g. an unclosed IPv6 bracket
        return None
    if host not in ANTHOLOGY_HOSTS:
        return None
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if host == "aclweb.org":
        if not segments or segments[0] != "anthology":
            return None
        segments = segments[1:]
    if not segments or segments[0] == "people":
        return None
    return read_written_id(segments[-1])
