"""Is the data repository whole enough to change? The check `authorbot check` makes, and
the command line and the bot make before every plan, apply and job.

It refuses a repository whose people file lists no one, or whose XML gives authors or
editors person IDs (`<author id="...">`) that the people file does not define: there
the resolution rules no longer say which page a paper is on, and a plan made on top
would be wrong. (A people file that cannot be read at all fails earlier, when the
index is loaded: `PeopleFileError`, `XMLScanError`.)

It works on the loaded index (the people by ID, the occurrences by explicit ID), not
on a file format, and costs one pass over the distinct IDs: milliseconds on the full
archive (with a snapshot, the counts of lines come from it: see `index_integrity`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from bot.anthology.ids import collection_file
from bot.anthology.index import DataIndex, DataRootError
from bot.anthology.people import PeopleFileError
from bot.anthology.xmlscan import Occurrence, XMLScanError

# How many unknown IDs a message names before "and N more".
NAMED = 3


@dataclass(frozen=True)
class UnknownPerson:
    """A person ID the XML uses that the people file does not define."""

    pid: str
    lines: int  # author/editor lines carrying it
    first_file: str  # `data/xml/<collection>.xml` of its first line
    first_item: str  # the paper (or volume) of that line

    def describe(self) -> str:
        """`'jane-doe' (data/xml/2022.acl.xml, 2022.acl-long.1, and 2 more lines)`."""
        more = f", and {self.lines - 1} more line{'s' if self.lines > 2 else ''}"
        return (
            f"{self.pid!r} ({self.first_file}, {self.first_item}{more if self.lines > 1 else ''})"
        )


@dataclass(frozen=True)
class IntegrityReport:
    """What the check found.

    Attributes:
        people_file: the people file, relative to the repository root (for messages).
        people: how many people it defines.
        ids_used: distinct person IDs carried by author/editor lines in the XML.
        lines_with_id: author/editor lines that carry one.
        unknown: the IDs among `ids_used` that the people file does not define, by ID.
    """

    people_file: str
    people: int
    ids_used: int
    lines_with_id: int
    unknown: tuple[UnknownPerson, ...]

    @property
    def ok(self) -> bool:
        """True when the repository may be planned on and changed."""
        return self.people > 0 and not self.unknown

    def problems(self) -> list[str]:
        """One sentence per problem, naming the files (empty when `ok`)."""
        out = []
        if self.people == 0:
            out.append(f"{self.people_file} defines no one: it is empty or cut short")
        if self.unknown:
            n = len(self.unknown)
            named = ", ".join(u.describe() for u in self.unknown[:NAMED])
            rest = f", and {n - NAMED} more" if n > NAMED else ""
            lines = sum(u.lines for u in self.unknown)
            out.append(
                f"{n} person ID{'s' if n > 1 else ''} in data/xml "
                f"({lines} author/editor line{'s' if lines > 1 else ''}) "
                f"{'are' if n > 1 else 'is'} not defined in {self.people_file}: {named}{rest}"
            )
        return out


class DataIntegrityError(ValueError):
    """The data repository fails the integrity check; the message says how, naming
    the files."""

    def __init__(self, report: IntegrityReport) -> None:
        super().__init__("; ".join(report.problems()))
        self.report = report


# Everything that means "this data repository cannot be worked on as it is": not a
# data repository, a file not in the Anthology's shape (or not UTF-8 text), or not
# whole. The maintainers must fix the data; no retry helps.
DATA_ERRORS: tuple[type[Exception], ...] = (
    DataRootError,
    PeopleFileError,
    XMLScanError,
    UnicodeDecodeError,
    DataIntegrityError,
)


def check_integrity(
    people: Mapping[str, object],
    lines_with_id: Mapping[str, int],
    lines_of: Callable[[str], Sequence[Occurrence]],
    people_file: str,
) -> IntegrityReport:
    """Check a loaded repository.

    Parameters:
        people: the people the people file defines, by ID (the values are not read).
        lines_with_id: how many author/editor lines carry each explicit person ID
            (`DataIndex.explicit_id_lines`; zeros are ignored).
        lines_of: the lines that carry an ID (`DataIndex.by_pid`), asked only for the
            IDs the people file does not define, to name where they are.
        people_file: the people file's path in the repository, for messages.

    Returns:
        The report; `report.ok` says whether to go on.
    """
    unknown = []
    ids_used = lines = 0
    for pid, count in lines_with_id.items():
        if not count:
            continue
        ids_used += 1
        lines += count
        if pid not in people:
            first = min(lines_of(pid), key=lambda o: (o.collection, o.start))
            unknown.append(UnknownPerson(pid, count, collection_file(first.collection), first.item))
    unknown.sort(key=lambda u: u.pid)
    return IntegrityReport(people_file, len(people), ids_used, lines, tuple(unknown))


def index_integrity(index: DataIndex) -> IntegrityReport:
    """`check_integrity` of a loaded index. It counts the lines with an ID from the
    snapshot where the index has not built them (`DataIndex.explicit_id_lines`), so it
    builds only the lines of IDs the people file does not define."""
    return check_integrity(
        index.people,
        index.explicit_id_lines(),
        lambda pid: index.by_pid[pid],
        index.people_file.path,
    )


def require_integrity(index: DataIndex) -> IntegrityReport:
    """`check_integrity` of a loaded index, raising when it fails.

    Raises:
        DataIntegrityError: the people file defines no one, or the XML uses IDs it
            does not define.
    """
    report = index_integrity(index)
    if not report.ok:
        raise DataIntegrityError(report)
    return report
