"""FixRequest: what an issue asks for, as read from its text (before any data is consulted)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from bot import schemas

Kind = Literal["verify", "split", "merge", "name-change"]
KINDS: tuple[Kind, ...] = ("verify", "split", "merge", "name-change")

FormName = Literal["authorbot", "anthology-2026", "anthology-2024", "free-text"]

PaperRefKind = Literal["anthology-id", "bibkey", "title", "unusable-link"]


@dataclass(frozen=True)
class Notice:
    """A warning or problem found while reading the issue: a stable code and a message
    written for the person who filed it."""

    code: str
    message: str


@dataclass(frozen=True)
class PaperRef:
    """One paper the issue names.

    `kind` says how it was given: `anthology-id` (normalised full ID of a paper, a
    front matter or a volume, from a bare ID, an old-style ID or an aclanthology.org
    URL), `bibkey` or `title` (to be looked up in the data), or `unusable-link`
    (Scholar, dblp, a PDF elsewhere: reported back, never guessed).
    """

    kind: PaperRefKind
    value: str
    raw: str


@dataclass(frozen=True)
class PageRef:
    """An author page the issue names: `id` is a verified person ID (`jin-liu-4161`)
    or an unverified page ID (`jin-liu/unverified`)."""

    id: str
    raw: str

    @property
    def verified(self) -> bool:
        return not self.id.endswith("/unverified")


@dataclass(frozen=True)
class NameValue:
    """A person's name split the Anthology's way (`first` may be None)."""

    first: str | None
    last: str


@dataclass(frozen=True)
class Target:
    """Where the papers go. `id` names an existing verified person (or a requested ID
    for a new one); `new` asks for a new verified person. Both unset: not said."""

    id: str | None = None
    new: bool = False


@dataclass(frozen=True)
class FixRequest:
    """Everything an issue asks for, as text read it; validated with
    `schemas/fix-request.schema.json`."""

    form: FormName
    kinds: tuple[Kind, ...] = ()
    pages: tuple[PageRef, ...] = ()
    papers: tuple[PaperRef, ...] = ()
    target: Target = field(default_factory=Target)
    orcid: str | None = None
    orcid_raw: str | None = None
    degree: str | None = None
    preferred_name: NameValue | None = None
    notes: str = ""
    warnings: tuple[Notice, ...] = ()
    # What the prose says beyond the fields (parse/stance.py, parse/keep.py): papers
    # the person says are not theirs, papers they are unsure of, and the page they
    # ask to keep (its `raw` is the words that said so).
    excluded: tuple[PaperRef, ...] = ()
    unclear: tuple[PaperRef, ...] = ()
    keep: PageRef | None = None
    # Pages the issue names but says are handled otherwise ("goes away once its
    # metadata is corrected"), and pages named in words of doubt; `raw` is the line.
    pages_aside: tuple[PageRef, ...] = ()
    pages_unclear: tuple[PageRef, ...] = ()
    # The prose claims the rest of the page ("the rest are mine"; parse/stance.py).
    rest_mine: bool = False
    # The fields the form has (FieldName values, e.g. "papers", "name"), so
    # that a message names only a field the person can see. Provenance, not
    # content: two requests asking the same are equal whatever their form showed.
    sections: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the request (the schema's shape): tuples become lists."""
        return json.loads(json.dumps(asdict(self)))


def validate_fix_request(request: FixRequest) -> None:
    """Check a FixRequest against `schemas/fix-request.schema.json`.

    Raises:
        jsonschema.ValidationError: if the parser produced something out of shape
            (a bug in the parser, never the user's fault).
    """
    schemas.validate(request.to_dict(), "fix-request")
