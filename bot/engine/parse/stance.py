"""Which papers named in prose are the person's, which they say are someone else's,
and which they are unsure of: the way a maintainer reads Supporting Information.

People write "Only https://aclanthology.org/2024.ccl-1.75/ is mine; the others are
by different people", "This one is someone else's, please remove it: <url>", "All
papers on this page are mine except P19-1001", or a list under "Not mine:". A
paper's *stance* is read from the words around it:

1. The line is cut into clauses at sentence ends (`.`, `!`, `?`, `;`), colons, and
   words that turn a sentence ("but", "however", "whereas", "except", ", which").
2. In a clause with words of doubt ("not sure", "maybe", "possibly") every paper is
   *unclear*.
3. Otherwise a paper takes the stance of the nearest marker in its clause: *not
   mine* ("not mine", "someone else", "a different person", "wrongly", "remove"
   when nothing is being added or moved) or *mine* ("mine", "my paper", "I wrote",
   "belongs to me", "move", "add", "merge"). A move or removal that is negated
   ("please do not remove X") or reported ("were wrongly added to my profile",
   "wrongly assigned papers") is no marker: it asks for nothing.
4. A clause without markers takes the stance of the clause before it on the line;
   one that starts with "except"/"apart from"/"other than" takes the opposite
   ("all are mine except X": X is not mine). A clause without papers that points
   back ("...; it is mine", ", these are not", ", it may be") gives its stance to
   the papers before it whose own words said none, or only that they were
   misplaced ("X was wrongly assigned; it is mine too": X is mine).
5. A line that introduces a list (it ends in a colon, or is a short heading such as
   "**Not mine**") gives its stance to the lines after it, until a line of ordinary
   prose. A sentence ending in a full stop speaks for itself only: "This page mixes
   several people." says nothing about the links listed after it.

A paper with no stance at all is read as the person's, as before: listing a paper
means it is theirs. Titles are taken from prose only as items of a list (a bullet
or a number, or the lines under an introducing line ending in a colon), and only
when the line reads like a title (parse/papers.py decides); their stance is the
list's, since words inside a title are the title's.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.engine.parse.markdown import drop_struck_through
from bot.engine.parse.papers import PlacedRef, blank_urls, placed_refs, title_ref_of_line
from bot.engine.request import PaperRef

Stance = Literal["mine", "not-mine", "unclear"]

# Where a clause ends: sentence ends and colons (followed by a space or the end),
# and words that turn a sentence. Matched on the line with its URLs blanked out,
# so the dots of a URL or an ID never cut.
_CLAUSE_END = re.compile(
    r"[.!?;:](?=\s|$)"
    # (the look-behind starts a match only at the first of a run of blanks: a
    # line of a million blanks is not tried from every one of them)
    r"|(?<![\s,]),?\s+(?=(?:but|however|whereas|while|although|though|except|apart\s+from"
    r"|other\s+than|excluding|besides)\b)"
    r"|,\s*(?=(?:which|who|that)\b)"
    # ", it is mine", ", these are not": a clause about the papers before it
    r"|,\s*(?=(?:it|this|they|these|both)(?:'s|\s+(?:is|are|was|were|belongs?|does|do)\b))",
    re.IGNORECASE,
)
_TURNING = re.compile(
    r"^\s*(?:but\s+not|except(?:\s+for)?|apart\s+from|other\s+than|excluding|besides)\b",
    re.IGNORECASE,
)
# "X is not", "Y are not" at the end of a clause: the ellipsis of "... not mine".
_ELLIPTIC_NOT = re.compile(r"\b(?:is|are|was|were)\s*(?:not|n't)\s*$", re.IGNORECASE)

_DOUBT = re.compile(
    r"\bnot\s+(?:\w+\s+)?(?:sure|certain|clear)\b|\bunsure\b|\buncertain\b|\bunclear\b"
    r"|\bmaybe\b|\bperhaps\b|\bpossibly\b|\bprobably\b|\bmight\b|\bcould\s+be\b"
    r"|\bmay\s+(?:be|not)\b|\b(?:don't|do\s+not|doesn't|does\s+not)\s+know\b"
    r"|\bcan(?:'t|not|\s+not)\s+tell\b|\bnot\s+(?:\w+\s+)?remember\b",
    re.IGNORECASE,
)
_NOT_MINE = re.compile(
    r"\bnot\s+(?:\w+\s+)?(?:mine|my|me|ours?|by\s+me|written\s+by\s+me|authored\s+by\s+me)\b"
    r"|\b(?:isn't|aren't|wasn't|weren't)\s+(?:\w+\s+)?(?:mine|my|me|ours?|by\s+me)\b"
    r"|\b(?:i|we)(?:\s+am|'m|\s+are|'re|\s+was|\s+were)\s+not\s+(?:\w+\s+)?"
    r"(?:an?\s+|the\s+|one\s+of\s+the\s+)?(?:co-?)?authors?\b"
    r"|\b(?:i|we)\s+(?:did\s+not|didn't|never|have\s+not|haven't)\s+(?:\w+\s+)?"
    r"(?:write|wrote|written|author|authored|co-?author|contribute|publish)"
    r"|\bnot\s+(?:an?\s+|the\s+)?(?:co-?)?author\s+(?:of|on)\b"
    r"|\b(?:do|does|did)\s*(?:not|n't)\s+belong\s+to\s+(?:me|us)\b"
    r"|\bbelongs?\s+to\s+(?:someone|somebody|another|a\s+different|different|other|the\s+owner"
    r"|the\s+other|a\s+namesake|my\s+namesake|a\s+person|that\s+person)\b"
    r"|\b(?:someone|somebody|anyone)\s+else\b"
    r"|\b(?:another|a\s+different|different|other|unrelated)\s+(?:person|people|persons"
    r"|authors?|researchers?|individuals?|scholars?|namesakes?)\b"
    r"|\bnamesakes?\b"
    r"|\bnot\s+(?:related|connected)\s+to\s+me\b",
    re.IGNORECASE,
)
# "Wrongly assigned", "incorrectly listed": the paper is on the wrong page, which is
# most often the person's (not mine), but may be another's ("X was wrongly
# assigned; it is mine too"): a clause that follows and says whose it is wins.
_MISPLACED = re.compile(
    r"\b(?:wrongly|incorrectly|mistakenly|erroneously|falsely|wrong|by\s+(?:a\s+)?mistake)\b",
    re.IGNORECASE,
)
# A clause about the papers of the clause before: "...; it is mine", ", these are not".
_BACK_REFERENCE = re.compile(
    r"^[\s,;:.!?-]*(?:it|this(?:\s+one)?|that(?:\s+one)?|they|these|those|both)\b",
    re.IGNORECASE,
)
# "another Jin Liu", "a different Wei Wang": a name after the word, written with
# capitals (so matched with case).
_OTHER_NAMED = re.compile(
    r"\b(?:[Aa]nother|[Oo]ther|[Dd]ifferent)\s+[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)+"
)
# Taking a paper off a page is "not mine" only when nothing is being added or moved
# in the same clause ("remove them from the unverified page and add them to mine"
# is a move of the person's own papers).
_REMOVE = re.compile(
    r"\b(?:remove|removed|delete|unlink|detach|exclude|take\s+(?:it|them|this|these)?\s*(?:off|out))\b",
    re.IGNORECASE,
)
# "Please do not remove X", "do not merge X": neither taking off nor adding is asked.
_NEGATED = re.compile(r"(?:\bnot|\bnever|n't)\s+(?:\w+\s+)?$", re.IGNORECASE)
_MOVE = re.compile(
    r"\b(?:move|moved|add|added|merge|merged|transfer|assign|assigned|put|link|linked"
    r"|associate|include|migrate|claim|attach)\b|\b(?:to|into|onto)\s+my\b",
    re.IGNORECASE,
)
# "were wrongly added to my profile", "wrongly assigned papers": a move reported, not
# asked for; its words (and where it went) say nothing about whose the paper is.
_REPORTED = re.compile(
    r"\b(?:(?:was|were|is|are|been|got|get|gets)\s+(?:\w+ly\s+|also\s+|all\s+|not\s+)?"
    r"|(?:wrongly|incorrectly|mistakenly|erroneously|falsely|automatically)\s+)"
    r"(?:moved|added|merged|transferred|assigned|put|linked|associated|included|migrated"
    r"|claimed|attached)\b(?:\s+(?:\w+\s+){0,3}?(?:to|into|onto|under|on|with)\s+(?:my|our|me)\b)?",
    re.IGNORECASE,
)
# "my" says whose paper it is, except in "my page" / "my profile" (where a paper is,
# not whose: "X on my page is not mine").
_MINE = re.compile(
    # "my paper X": the noun belongs to the marker, so that it stands next to the paper.
    r"\b(?:my|our)\s+(?:own\s+)?(?:papers?|publications?|works?|articles?)\b"
    r"|\bmine\b|\bours?\b|\bbelongs?\s+to\s+(?:me|us)\b"
    r"|\bmy\b(?!\s+(?:own\s+)?(?:\w+\s+)?(?:page|profile|site|account|list|name|entry)s?\b)"
    r"|\b(?:is|are|was|were)\s+(?:also\s+|all\s+)?(?:me|by\s+me)\b"
    r"|\b(?:i|we)\s+(?:wrote|authored|co-?authored|published|am\s+(?:an?\s+|the\s+)?"
    r"(?:co-?)?author)\b|\b(?:written|authored)\s+by\s+me\b",
    re.IGNORECASE,
)
# Any word a marker (or doubt) could start with: a line without one has no stance,
# and is not analysed clause by clause.
_ANY_MARKER = re.compile(
    r"\b(?:not|isn't|aren't|wasn't|weren't|i|we|i'm|we're|do|does|did|belongs?|someone"
    r"|somebody|anyone|another|a|different|other|unrelated|namesakes?|wrongly|incorrectly|by"
    r"|mistakenly|erroneously|falsely|wrong|remove|removed|delete|unlink|detach|exclude"
    r"|take|mine|my|ours?|is|are|was|were|written|authored|move|moved|add|added|merge"
    r"|merged|transfer|assign|assigned|put|link|linked|associate|include|migrate|claim"
    r"|attach|to|into|onto|unsure|uncertain|unclear|maybe|perhaps|possibly|probably|might"
    r"|could|may|don't|doesn't|can't|cannot|can)\b",
    re.IGNORECASE,
)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+\u2022]|\(?[0-9]{1,3}[.)\]]|\[[0-9]{1,3}\])\s+")


@dataclass(frozen=True)
class ProseReading:
    """The papers of a prose text by stance, each list in the order found (not
    deduplicated; a paper may be in two lists when the text says both)."""

    mine: tuple[PaperRef, ...] = ()
    not_mine: tuple[PaperRef, ...] = ()
    unclear: tuple[PaperRef, ...] = ()


@dataclass(frozen=True)
class _Marker:
    start: int
    end: int
    stance: Stance
    misplaced: bool = False  # a word like "wrongly": whose the paper is, a later clause may say


class _LineMarkers:
    """Every marker of a line, found with one pass of each pattern over the whole
    line and then handed to its clauses by place (so a line of many clauses costs
    what a line of one does)."""

    def __init__(self, blanked: str) -> None:
        self.text = blanked
        self.not_mine = _sorted(
            [
                *(
                    _Marker(m.start(), m.end(), "not-mine")
                    for pattern in (_NOT_MINE, _OTHER_NAMED)
                    for m in pattern.finditer(blanked)
                ),
                *(
                    _Marker(m.start(), m.end(), "not-mine", True)
                    for m in _MISPLACED.finditer(blanked)
                ),
            ]
        )
        self.removes = _sorted(
            _Marker(m.start(), m.end(), "not-mine")
            for m in _REMOVE.finditer(blanked)
            if not _negated(blanked, m.start())
        )
        reported = list(_REPORTED.finditer(blanked))
        reported_starts = [m.start() for m in reported]
        self.moves = _sorted(
            _Marker(m.start(), m.end(), "mine")
            for m in _MOVE.finditer(blanked)
            if not _negated(blanked, m.start())
            and not _inside(reported, reported_starts, m.start(), m.end())
        )
        self.mine = _sorted(_Marker(m.start(), m.end(), "mine") for m in _MINE.finditer(blanked))
        self.doubts = [m.start() for m in _DOUBT.finditer(blanked)]
        self.starts = {
            id(group): [m.start for m in group]
            for group in (self.not_mine, self.removes, self.moves, self.mine)
        }

    def _within(self, markers: list[_Marker], start: int, end: int) -> list[_Marker]:
        """The markers of one of the lists that start in [start, end)."""
        starts = self.starts[id(markers)]
        return markers[bisect.bisect_left(starts, start) : bisect.bisect_left(starts, end)]

    def doubt(self, start: int, end: int) -> bool:
        """True when a word of doubt starts in the span."""
        at = bisect.bisect_left(self.doubts, start)
        return at < len(self.doubts) and self.doubts[at] < end

    def markers(self, start: int, end: int) -> list[_Marker]:
        """The markers starting in a clause, sorted by place. "Remove" counts as
        not mine only when the clause moves nothing; a marker of "mine" inside
        one of "not mine" ("not *mine*") is not counted."""
        not_mine = self._within(self.not_mine, start, end)
        moves = self._within(self.moves, start, end)
        if not moves:
            not_mine = _sorted([*not_mine, *self._within(self.removes, start, end)])
        not_starts = [m.start for m in not_mine]
        mine = []
        for marker in _sorted([*self._within(self.mine, start, end), *moves]):
            at = bisect.bisect_left(not_starts, marker.end)
            if not any(n.end > marker.start for n in not_mine[max(at - 3, 0) : at]):
                mine.append(marker)
        return _sorted([*not_mine, *mine])


def _negated(blanked: str, start: int) -> bool:
    """True when a "not"/"never"/"n't" comes just before `start` ("please do not
    remove X"): the word there asks for nothing."""
    return _NEGATED.search(blanked, max(start - 40, 0), start) is not None


def _inside(spans: Sequence[re.Match[str]], starts: Sequence[int], start: int, end: int) -> bool:
    """True when [start, end) lies inside one of the matches (`starts` their starts)."""
    at = bisect.bisect_right(starts, start) - 1
    return at >= 0 and end <= spans[at].end()


def _sorted(markers: Iterable[_Marker]) -> list[_Marker]:
    return sorted(markers, key=lambda m: m.start)


def _clauses(blanked: str) -> list[tuple[int, int]]:
    """The spans of a line's clauses (see the module's rule 1)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _CLAUSE_END.finditer(blanked):
        if match.end() > start:
            spans.append((start, match.start() if match.group(0).strip() else match.end()))
            start = match.end()
    spans.append((start, len(blanked)))
    # A clause of blanks only is a link on its own: kept, its papers need a stance.
    return [(s, e) for s, e in spans if e > s]


def _opposite(stance: Stance | None) -> Stance | None:
    if stance == "mine":
        return "not-mine"
    if stance == "not-mine":
        return "mine"
    return stance


def _nearest(markers: Sequence[_Marker], starts: Sequence[int], placed: PlacedRef) -> _Marker:
    """The marker nearest to a paper (by characters between them).

    `markers` are sorted by start (`starts` their starts); only those on either
    side of the paper can be nearest, found by bisection, so a clause of many
    papers and many markers stays linear.
    """
    at = bisect.bisect_left(starts, placed.start)
    near = markers[max(at - 2, 0) : at + 2]

    def gap(marker: _Marker) -> int:
        return max(marker.start - placed.end, placed.start - marker.end, 0)

    return min(near, key=gap)


def _read_line(
    line: str, refs: Sequence[PlacedRef], context: Stance | None
) -> tuple[list[tuple[PaperRef, Stance | None]], Stance | None]:
    """The papers of one line with their stances, and the line's own stance (the
    stance of its last clause that has one, or None)."""
    blanked = blank_urls(line)
    found = _LineMarkers(blanked)
    out: list[tuple[PaperRef, Stance | None]] = []
    previous: Stance | None = None
    own: Stance | None = None
    next_ref = 0
    # The papers of the clause before whose stance their own words did not say (no
    # marker, or only a word like "wrongly"): a clause pointing back may say it.
    unsaid: list[int] = []
    for start, end in _clauses(blanked):
        in_clause: list[PlacedRef] = []
        while next_ref < len(refs) and refs[next_ref].start < end:
            in_clause.append(refs[next_ref])
            next_ref += 1
        markers = found.markers(start, end)
        text = blanked[start:end]
        # Doubt and "X is not" speak for every paper of the clause; otherwise the
        # nearest marker does; a clause without markers speaks as the one before
        # (or, after "except", the opposite).
        whole: Stance | None = None
        if found.doubt(start, end):
            whole = "unclear"
        elif in_clause and _ELLIPTIC_NOT.search(text):
            whole = "not-mine"
        stance = whole or (markers[-1].stance if markers else None)
        starts = [m.start for m in markers]
        points_back = _BACK_REFERENCE.match(text) and blanked[end : end + 1] != ":"
        if unsaid and not in_clause and points_back:
            # "X was wrongly assigned; it is mine", "X, it may be": this clause says
            # whose X is ("this one is mine: Y" is about Y).
            said = [m.stance for m in markers if not m.misplaced]
            back = whole or ("not-mine" if _ELLIPTIC_NOT.search(text) else None)
            back = back or (said[-1] if said else None)
            for at in unsaid if back else ():
                out[at] = (out[at][0], back)
            stance = back or stance
        unsaid = []
        if stance is not None:
            own = stance
        elif _TURNING.match(text):
            stance = _opposite(previous)
        for placed in in_clause:
            if whole is not None:
                out.append((placed.ref, whole))
                continue
            marker = _nearest(markers, starts, placed) if markers else None
            if marker is None or marker.misplaced:
                unsaid.append(len(out))
            out.append((placed.ref, marker.stance if marker else stance or previous or context))
        if stance is not None:
            previous = stance
        elif in_clause:
            previous = previous or context
    return out, own


def read_prose(text: str, *, titles: bool = True) -> ProseReading:
    """Read the papers a prose text names, by stance (see the module's rules).

    Parameters:
        text: prose, possibly markdown (Supporting Information, a free-text body).
        titles: also read titles from the items of lists.

    Returns:
        The papers the person says are theirs (or says nothing about), the papers
        they say are someone else's, and the papers they are unsure of.
    """
    read: dict[Stance, list[PaperRef]] = {"mine": [], "not-mine": [], "unclear": []}
    context: Stance | None = None
    in_list = False  # under a line that introduces a list (its lines may be titles)
    listed = False  # a line of that list was read
    for raw in drop_struck_through(text.replace("\u2019", "'")).split("\n"):
        line = raw.strip()
        if not line:
            # A blank line after a list of unbulleted lines ends it (bulleted items
            # may still follow, as items).
            in_list = in_list and not listed
            continue
        is_item = bool(_LIST_ITEM.match(line))
        refs = placed_refs(line, in_list=False)
        heads = line.endswith(":") or (not refs and not is_item and _is_heading(line))
        # A line without papers is read only when it may introduce a list, and has a
        # word a marker could start with: a long text without papers costs no clause
        # analysis.
        analyse = bool(refs) or (heads and _ANY_MARKER.search(line) is not None)
        found, own = _read_line(line, refs, context) if analyse else ([], None)
        if not found and titles and (is_item or in_list):
            ref = title_ref_of_line(line)
            if ref is not None:
                found = [(ref, context)]
        for ref, stance in found:
            read[stance or "mine"].append(ref)
        if heads:
            context, in_list, listed = own, True, False
            continue
        listed = listed or bool(found)
        if not found and not is_item:
            # A sentence about something else ("The page mixes several people.")
            # ends the list: it does not speak for the papers after it.
            context, in_list = None, False
    return ProseReading(tuple(read["mine"]), tuple(read["not-mine"]), tuple(read["unclear"]))


def _is_heading(line: str) -> bool:
    """A short line that is not a sentence ("**Not mine**", "Papers by others"):
    it heads the lines after it."""
    text = line.strip("#*_ ")
    return bool(text) and len(text.split()) <= 8 and not text.endswith((".", "!", "?"))


# A page named in words that say it is handled otherwise: "the third one (<url>) goes
# away once its metadata is corrected", "<url> will be fixed in a separate issue",
# "please ignore <url>", "do not merge <url>".
_ASIDE = re.compile(
    r"\bgo(?:es|ing)?\s+away\b|\bdisappear"
    r"|\b(?:will|would|should|shall|is\s+going\s+to)\s+(?:be\s+)?(?:fixed|corrected|handled"
    r"|resolved|addressed|dealt\s+with|removed|gone)\b"
    r"|\b(?:fixed|corrected|handled|dealt\s+with|filed|reported)\s+(?:separately|elsewhere)\b"
    r"|\b(?:a\s+separate|another|a\s+different|its\s+own|a\s+metadata)\s+(?:issue|request"
    r"|ticket|correction|fix|pull\s+request)\b"
    r"|\bignore\b|\bnot\s+(?:part\s+of|(?:to\s+be\s+)?(?:included|merged|touched|changed))\b"
    r"|\b(?:do\s+not|don't|no\s+need\s+to)\s+(?:merge|include|touch|change)\b",
    re.IGNORECASE,
)

PageStance = Literal["aside", "unclear"]


def page_line_stance(line: str) -> PageStance | None:
    """What a line of prose says about the author pages it links to.

    `aside` when it says they are handled otherwise ("goes away once its metadata
    is corrected", "will be fixed in a separate issue", "ignore", "do not merge")
    and asks for no move; `unclear` when it doubts ("maybe also <url>") or both
    sets a page aside and asks to move or merge; None when it says neither (a page
    listed is part of the request).

    Parameters:
        line: one line with its URLs (they are blanked before reading).
    """
    blanked = blank_urls(line.replace("\u2019", "'"))
    if _DOUBT.search(blanked):
        return "unclear"
    if not _ASIDE.search(blanked):
        return None
    moves = [m for m in _MOVE.finditer(blanked) if not _negated(blanked, m.start())]
    return "unclear" if moves else "aside"


# "The rest are mine", "all the other papers are mine", "all papers on this page are
# mine except ...": the person has read the page and claims what they did not set aside.
_REST_MINE = re.compile(
    r"\b(?:the\s+)?(?:rest|others|remaining(?:\s+(?:ones|papers|publications))?"
    r"|other\s+(?:ones|papers|publications))\b(?:\s+(?:on|of|in)\s+(?:this|the|my)\s+page)?"
    r"\s+(?:are|is)\s+(?:all\s+)?(?:mine|by\s+me|my\s+(?:own\s+)?(?:papers|work))\b"
    r"|\ball\s+(?:the\s+)?(?:other\s+)?(?:papers|publications|ones)?\s*(?:on\s+(?:this|the|my)\s+page\s+)?"
    r"(?:are|is)\s+mine\s*,?\s+(?:except|but|apart\s+from|other\s+than)\b",
    re.IGNORECASE,
)


def says_rest_is_mine(text: str) -> bool:
    """True when the prose claims the papers of the page it did not set aside ("The
    rest are mine", "all papers on this page are mine except X").

    Parameters:
        text: Supporting Information.
    """
    return (
        _REST_MINE.search(blank_urls(drop_struck_through(text.replace("\u2019", "'")))) is not None
    )
