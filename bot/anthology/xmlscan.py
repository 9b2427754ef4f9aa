"""Reading a collection's XML fast: the items (volumes, front matter, papers) and
every `<author>`/`<editor>` occurrence, with where its line is in the file.

The Anthology writes each `<author>`/`<editor>` element on one line, so a line scan
finds every occurrence without building a tree, and an edit can replace that one
line and leave every other byte alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from bot.anthology.ids import build_id
from bot.anthology.names import Name

ROLE_AUTHOR = "author"
ROLE_EDITOR = "editor"
ROLE_VOLUME_EDITOR = "volume-editor"


class Item(NamedTuple):
    """A volume, a front matter or a paper. `title` is the title's XML markup as
    written (see `plain_text`); a volume's title is its booktitle."""

    id: str
    kind: str  # "volume" | "frontmatter" | "paper"
    collection: str
    volume: str  # full ID of the volume it is (in)
    title: str
    bibkey: str | None
    year: str | None


class Occurrence:
    """One `<author>`/`<editor>` element.

    `item` is the paper's (or for volume editors the volume's) full ID; `position`
    counts from 0 among the elements of the same role on that item; `start`/`end`
    are the character offsets of the element's whole line (without the newline) in
    the collection file.

    Occurrences are compared by identity: each stands for one element. The index
    that owns them updates `pid`, `orcid`, `start` and `end` in place after it
    writes a file itself (see DataIndex.note_written), so that a request does not
    pay for re-reading a file it just wrote; nothing else may change them.
    """

    __slots__ = ("item", "role", "position", "name", "pid", "orcid", "collection", "start", "end")

    def __init__(
        self,
        item: str,
        role: str,
        position: int,
        name: Name,
        pid: str | None,
        orcid: str | None,
        collection: str,
        start: int,
        end: int,
    ) -> None:
        self.item = item
        self.role = role
        self.position = position
        self.name = name
        self.pid = pid
        self.orcid = orcid
        self.collection = collection
        self.start = start
        self.end = end

    @property
    def key(self) -> str:
        """`<item>|<role>|<position>`, the key the reference oracle uses."""
        return f"{self.item}|{self.role}|{self.position}"

    def __repr__(self) -> str:
        return f"Occurrence({self.key}, {self.name.full!r}, id={self.pid!r})"


@dataclass(frozen=True, slots=True)
class CollectionScan:
    """What one collection file holds."""

    collection: str
    items: tuple[Item, ...]
    occurrences: tuple[Occurrence, ...]


class XMLScanError(ValueError):
    """A collection file is not in the shape the Anthology writes."""


# One pass over the file. Each branch ends in an empty group whose name tells
# `Match.lastgroup` which branch matched: the common one-line author/editor shape
# with its parts (A), any other author/editor line (O, read by the slower path),
# and the structural tags.
_SCAN = re.compile(
    r"\n[ \t]*<(?:"
    r"(?P<ae>author|editor)(?P<attrs>(?: [a-z-]+=\"[^\"]*\")*)>"
    # (a <first> after </last>, as some old files have it, or in a <variant>, sends
    # the line to the careful path)
    r"(?:<first>(?P<first>[^<]*)</first>|<first/>)?<last>(?P<last>[^<]*)</last>"
    r"(?![^\n]*<first)[^\n]*(?P<A>)"
    r"|(?P<odd>author|editor)(?=[ >/])[^\n]*(?P<O>)"
    # A paper's title is its first child (after the URL comment the Anthology writes
    # first in each item since 2026): read with the paper, it costs no pass of its own.
    r"|paper(?P<pattrs>[^>\n]*)>(?:\n[ \t]*<!--[^\n]*-->)?"
    r"(?:\n[ \t]*<title>(?P<ptitle>[^\n]*)</title>)?(?P<P>)"
    r"|frontmatter>(?P<F>)"
    r"|volume(?P<vattrs> [^>\n]*)>(?P<V>)"
    r"|meta>(?P<M>)"
    r"|event[ >](?P<E>)"
    r"|title>(?P<title>[^\n]*)</title>(?P<T>)"
    r"|booktitle>(?P<booktitle>[^\n]*)</booktitle>(?P<B>)"
    r"|bibkey>(?P<bibkey>[^<\n]*)</bibkey>(?P<K>)"
    r"|year>(?P<year>[^<\n]*)</year>(?P<Y>)"
    r")"
)
_ATTR = re.compile(r'\s([a-z-]+)="([^"]*)"')
_FIRST = re.compile(r"<first>([^<]*)</first>")
_LAST = re.compile(r"<last>([^<]*)</last>")
_MARKUP = re.compile(r"<[^>]+>")
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def unescape(text: str) -> str:
    """Resolve XML's five entities and character references."""
    if "&" not in text:
        return text

    def one(m: re.Match[str]) -> str:
        ref = m.group(1)
        if ref.startswith("#x"):
            return chr(int(ref[2:], 16))
        if ref.startswith("#"):
            return chr(int(ref[1:]))
        return _NAMED[ref]

    return _ENTITY.sub(one, text)


def plain_text(markup: str) -> str:
    """Title markup (`<fixed-case>`, `<tex-math>`, ...) reduced to its text."""
    return unescape(_MARKUP.sub("", markup)).strip()


def scan_collection(
    collection: str, text: str, names: dict[tuple[str | None, str], Name] | None = None
) -> CollectionScan:
    """Read one collection file.

    Parameters:
        collection: its ID (`2024.ccl`, `P19`): the file's name without `.xml`.
        text: the file's text.
        names: a dict used to share equal Name objects across files (saves memory
            and time); keys are the raw (first, last) texts.

    Returns:
        The items and occurrences, in file order.

    Raises:
        XMLScanError: an author/editor outside a volume, without `<last>`, or spread
            over several lines.
    """
    shared = names if names is not None else {}
    items: list[Item] = []
    occs: list[Occurrence] = []
    volume = None  # the current volume's full ID
    year = None
    item_id = None  # the current item (None outside volumes)
    item_kind = ""
    role_counts: dict[str, int] = {}
    title = bibkey = None
    in_meta = False

    volume_title = ""
    for m in _SCAN.finditer(text):
        branch = m.lastgroup
        if branch == "A" or branch == "O":
            if item_id is None:
                raise XMLScanError(f"{collection}: <author>/<editor> outside a volume or paper")
            if branch == "A":
                tag, first, last, attrs = m.group("ae", "first", "last", "attrs")
                pid = orcid = None
                if attrs:
                    found = dict(_ATTR.findall(attrs))
                    pid, orcid = found.get("id"), found.get("orcid")
                name = shared.get((first, last))
                if name is None:
                    name = Name(unescape(first) if first else None, unescape(last))
                    shared[(first, last)] = name
            else:
                tag = m.group("odd")
                name, pid, orcid = _odd_line(collection, m.group(0), item_id)
            role = (
                ROLE_VOLUME_EDITOR if in_meta else (ROLE_AUTHOR if tag == "author" else ROLE_EDITOR)
            )
            position = role_counts.get(role, 0)
            role_counts[role] = position + 1
            occs.append(
                Occurrence(
                    item_id, role, position, name, pid, orcid, collection, m.start() + 1, m.end()
                )
            )
        elif branch == "T":
            if title is None and item_kind != "volume":
                title = m.group("title")
        elif branch == "K":
            if bibkey is None and item_kind != "volume":
                bibkey = m.group("bibkey")
        elif branch == "P" or branch == "F":
            if item_id is not None and item_kind != "volume":
                items.append(
                    Item(item_id, item_kind, collection, volume or "", title or "", bibkey, year)
                )
            if volume is None:
                raise XMLScanError(f"{collection}: <paper> outside a volume")
            in_meta = False
            if branch == "F":
                item_id, item_kind = _paper_id(volume, "0"), "frontmatter"
            else:
                pid = dict(_ATTR.findall(m.group("pattrs"))).get("id")
                if pid is None:
                    raise XMLScanError(f"{collection}: <paper> without id")
                item_id, item_kind = _paper_id(volume, pid), "paper"
            role_counts = {}
            title, bibkey = (m.group("ptitle") if branch == "P" else None), None
        elif branch == "V":
            if volume is not None:
                _close_volume(
                    items, collection, volume, volume_title, year, item_id, item_kind, title, bibkey
                )
            vid = dict(_ATTR.findall(m.group("vattrs"))).get("id")
            if vid is None:
                raise XMLScanError(f"{collection}: <volume> without id")
            volume = build_id(collection, vid)
            item_id, item_kind, in_meta = volume, "volume", False
            role_counts, title, bibkey, year, volume_title = {}, None, None, None, ""
        elif branch == "M":
            in_meta = item_kind == "volume"
        elif branch == "B":
            if in_meta:
                volume_title = m.group("booktitle")
        elif branch == "Y":
            if in_meta:
                year = m.group("year")
        elif branch == "E":
            if volume is not None:
                _close_volume(
                    items, collection, volume, volume_title, year, item_id, item_kind, title, bibkey
                )
            volume = item_id = None
            item_kind = ""
    if volume is not None:
        _close_volume(
            items, collection, volume, volume_title, year, item_id, item_kind, title, bibkey
        )
    return CollectionScan(collection, tuple(items), tuple(occs))


def _close_volume(
    items: list[Item],
    collection: str,
    volume: str,
    volume_title: str,
    year: str | None,
    item_id: str | None,
    item_kind: str,
    title: str | None,
    bibkey: str | None,
) -> None:
    """Record the last paper of a volume (if any) and the volume itself."""
    if item_id is not None and item_kind != "volume":
        items.append(Item(item_id, item_kind, collection, volume, title or "", bibkey, year))
    items.append(Item(volume, "volume", collection, volume, volume_title, None, year))


def _paper_id(volume_full_id: str, paper: str) -> str:
    if volume_full_id[0].isdigit():
        return f"{volume_full_id}.{paper}"
    coll, _, vol = volume_full_id.partition("-")
    return build_id(coll, vol, paper)


def start_tag_attributes(line: str) -> dict[str, str]:
    """The attributes of the first start tag on an element's line."""
    return dict(_ATTR.findall(line, 0, line.find(">") + 1))


def _odd_line(collection: str, line: str, item_id: str) -> tuple[Name, str | None, str | None]:
    """An author/editor line in a less common shape (children in another order, an
    empty `<first></first>`): read its parts one by one."""
    line = line.lstrip("\n")
    tag = "author" if line.lstrip().startswith("<author") else "editor"
    if f"</{tag}>" not in line or ">" not in line:
        raise XMLScanError(f"{collection}: <{tag}> on {item_id} is not on one line")
    attrs = start_tag_attributes(line)
    # <variant> children hold the name in another script; the name itself is the
    # <first>/<last> pair outside them.
    head = re.sub(r"<variant\b.*?</variant>", "", line)
    last_m = _LAST.search(head)
    if last_m is None or not last_m.group(1):
        raise XMLScanError(f"{collection}: <{tag}> on {item_id} has no <last>")
    first_m = _FIRST.search(head)
    first = unescape(first_m.group(1)) if first_m and first_m.group(1) else None
    return Name(first, unescape(last_m.group(1))), attrs.get("id"), attrs.get("orcid")
