"""Property tests of the paper-ID and ORCID readers: whatever text they are given
they never raise, what they return is canonical (reading it again gives it back),
and every way people write a valid ID or iD reads as that ID or iD."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.anthology.ids import AnthologyID, build_id, id_from_url, parse_id, read_written_id
from bot.anthology.orcid import (
    ORCID_SHAPE,
    checksum_char,
    find_orcids,
    is_valid_orcid,
    normalise_orcid,
)

CANONICAL_ID = re.compile(
    r"[0-9]{4}\.[a-z0-9]+(?:-[a-z0-9]+(?:\.(?:0|[1-9][0-9]*))?)?"
    r"|[A-Z][0-9]{2}(?:-[0-9]{1,2}(?:[0-9]{2,3})?)?"
)

# Text people paste, with the characters that have tripped readers before: Unicode
# digits and dashes, zero-width characters, path tricks, URL escapes.
PIECES = [
    "2024.emnlp-main.123",
    "P19-1001",
    "W18-6310",
    "D19-5702",
    "C69-12001",
    "p19-1001.pdf",
    "2024.EMNLP-main.7v2",
    "0000-0002-1825-0097",
    "0000 0002 1825 009x",
    "000000021825009X",
    "https://aclanthology.org/",
    "http://www.aclweb.org/anthology/",
    "https://orcid.org/",
    "/people/",
    ".pdf",
    "v2",
    "/",
    "../",
    "%2e%2e%2f",
    "\\",
    "?q=1",
    "#",
    "[",
    "\u200d",
    "\u202e",
    "\u2010",
    "\u0660",
    "\uff10",
    "-",
    ".",
    " ",
]
hostile_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=20)), max_size=8).map(
    "".join
)

new_style = st.builds(
    lambda year, venue, vol, paper: (f"{year}.{venue}", vol, paper),
    st.integers(1950, 2099),
    st.from_regex(r"[a-z][a-z0-9]{0,9}", fullmatch=True),
    st.one_of(st.none(), st.from_regex(r"[a-z0-9]{1,6}", fullmatch=True)),
    st.one_of(st.none(), st.integers(0, 2000).map(str)),
).map(lambda t: (t[0], t[1], t[2] if t[1] is not None else None))


@st.composite
def old_style(draw: st.DrawFn) -> tuple[str, str | None, str | None]:
    """An old-style ID's parts as the Anthology numbers them."""
    letter = draw(st.sampled_from("ACDEHIJLMNOPQRSTUWXY"))
    coll = f"{letter}{draw(st.integers(0, 99)):02d}"
    if draw(st.booleans()):
        return coll, None, None
    wide = letter == "W" or coll == "C69"
    vol = draw(st.integers(0, 99 if wide else 9))
    if coll == "D19" and vol >= 5:
        wide = True
    if coll == "D19" and not wide:
        vol = draw(st.integers(0, 4))
    paper = draw(st.one_of(st.none(), st.integers(0, 99 if wide else 999)))
    return coll, str(vol), None if paper is None else str(paper)


def orcid_from(n: int) -> str:
    """The valid ORCID iD whose first fifteen digits are `n`."""
    digits = f"{n:015d}"
    whole = digits + checksum_char(digits)
    return "-".join(whole[i : i + 4] for i in range(0, 16, 4))


valid_orcids = st.integers(0, 10**15 - 1).map(orcid_from)


# --------------------------------------------------------------- Anthology IDs


@settings(max_examples=200, deadline=None)
@given(text=hostile_text)
def test_id_readers_never_raise_and_return_canonical_ids(text: str) -> None:
    for aid in (parse_id(text), read_written_id(text), id_from_url(text)):
        if aid is None:
            continue
        assert isinstance(aid, AnthologyID)
        assert CANONICAL_ID.fullmatch(aid.full), aid
        assert parse_id(aid.full) == aid
        assert read_written_id(aid.full) == aid
        assert "/" not in aid.full and "\\" not in aid.full and ".." not in aid.full


@settings(max_examples=150, deadline=None)
@given(parts=st.one_of(new_style, old_style()))
def test_a_built_id_reads_back_as_its_parts(parts: tuple[str, str | None, str | None]) -> None:
    coll, vol, paper = parts
    full = build_id(coll, vol, paper)
    aid = parse_id(full)
    strip = (lambda s: s.lstrip("0") or "0") if coll[0].isalpha() else (lambda s: s)
    assert aid == AnthologyID(
        coll,
        None if vol is None else strip(vol),
        None if paper is None else paper.lstrip("0") or "0",
    )
    assert aid is not None and aid.full == full


@settings(max_examples=150, deadline=None)
@example(parts=("1950.a", "0v0", None), scheme="https://", www="", suffix="/", pad="")
@given(
    parts=st.one_of(new_style, old_style()),
    scheme=st.sampled_from(["https://", "http://", ""]),
    www=st.sampled_from(["", "www."]),
    suffix=st.sampled_from(["/", "", ".pdf", "/#", "/?utm=x", ".pdf#page=2", "v2/"]),
    pad=st.sampled_from(["", " ", "\t"]),
)
def test_every_way_of_writing_an_id_reads_as_it(parts, scheme, www, suffix, pad) -> None:
    coll, vol, paper = parts
    aid = parse_id(build_id(coll, vol, paper))
    assert aid is not None
    if aid.volume is None:
        return  # a collection has no page of its own
    full = aid.full
    if suffix.startswith("v2") and aid.paper is None:
        suffix = "/"  # a revision belongs to a paper
    assert id_from_url(f"{pad}{scheme}{www}aclanthology.org/{full}{suffix}{pad}") == aid
    assert read_written_id(f"{pad}{full}{'.pdf' if suffix == '.pdf' else ''}{pad}") == aid
    assert read_written_id(full.lower() if full[0].isalpha() else full.upper()) == aid
    # Author pages, other sites and path tricks are not paper IDs.
    assert id_from_url(f"https://aclanthology.org/people/{full}/") is None
    assert id_from_url(f"https://example.org/{full}/") is None
    assert id_from_url(f"https://aclanthology.org/{full}/../../etc/passwd") is None
    assert read_written_id(f"../{full}") is None
    assert read_written_id(f"{full}/..") is None


# ------------------------------------------------------------------ ORCID iDs


@settings(max_examples=200, deadline=None)
@given(text=hostile_text)
def test_orcid_readers_never_raise_and_return_the_canonical_form(text: str) -> None:
    found = find_orcids(text)
    assert len(found) == len(set(found))
    for orcid in found:
        assert ORCID_SHAPE.fullmatch(orcid)
        assert normalise_orcid(orcid) == orcid
    one = normalise_orcid(text)
    if one is not None:
        assert ORCID_SHAPE.fullmatch(one)
        assert normalise_orcid(one) == one
        assert find_orcids(text) == [one]
    assert is_valid_orcid(text) == bool(
        ORCID_SHAPE.fullmatch(text) and checksum_char(text.replace("-", "")[:15]) == text[-1]
    )


@settings(max_examples=150, deadline=None)
@given(
    orcid=valid_orcids,
    sep=st.sampled_from(["-", " ", "", "\u2010", "\u2013", "\u00a0"]),
    prefix=st.sampled_from(["", "https://orcid.org/", "http://www.orcid.org/", "orcid.org/"]),
    tail=st.sampled_from(["", "/", " "]),
    lower=st.booleans(),
    noise=st.tuples(st.text(max_size=10), st.text(max_size=10)),
)
def test_every_way_of_writing_an_orcid_reads_as_it(orcid, sep, prefix, tail, lower, noise):
    assert is_valid_orcid(orcid)
    written = sep.join(orcid.split("-"))
    if lower:
        written = written.lower()
    assert normalise_orcid(f"{prefix}{written}{tail}") == orcid
    before, after = noise
    text = f"{before} {prefix}{written} {after}"
    assert orcid in find_orcids(text)


@settings(max_examples=150, deadline=None)
@given(orcid=valid_orcids, at=st.integers(0, 15), digit=st.sampled_from("0123456789X"))
def test_a_single_changed_character_fails_the_checksum(orcid: str, at: int, digit: str) -> None:
    chars = list(orcid.replace("-", ""))
    if chars[at] == digit or (digit == "X" and at < 15):
        return
    chars[at] = digit
    changed = "-".join("".join(chars[i : i + 4]) for i in range(0, 16, 4))
    assert not is_valid_orcid(changed)
