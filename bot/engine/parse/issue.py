"""From a GitHub issue to a FixRequest: recognise the form, read each field, gather
the warnings. Pure: no I/O, no data; and it never raises, because the bot must
answer every issue, however it is written.

Which section feeds which FixRequest field (ours / the Anthology's 2026 and 2024-2025
forms / free text):

- pages: `Author page` / `Author Pages` (or `Author Pages in the Anthology`), else
  page URLs in the prose / page URLs anywhere.
- papers: `Papers` and paper links put in `Author page` / paper links put in
  `Author Pages`, then `Your papers` (2024), then URLs, IDs and bibkeys in
  `Supporting Information` / URLs, IDs and bibkeys anywhere.
- target: `Assign them to` / unset (the engine decides from kinds, pages, ORCID iD
  and the data) / unset.
- kinds: none (our form has no kind boxes) / the ticked boxes of
  `Type of Author Metadata Correction` / none.
- orcid: `ORCID iD` / `Author ORCID` / an iD anywhere.
- degree: `Institution of highest (anticipated) degree` on every form / none.
- preferred_name: `Preferred name` / `Preferred author name` / none.
- notes: `Notes` / `Supporting Information` (plus the OpenReview URL and the name in
  another script) / the body.

When the body names no page, the page in the title is used; when the ORCID field has
no iD, one in the title or the prose is used; both with a warning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.engine.parse.degree import find_degree, read_degree
from bot.engine.parse.forms import FieldName, FormFields, collect_fields, recognise_form
from bot.engine.parse.keep import read_keep
from bot.engine.parse.kinds import kind_of_label, read_checkboxes, read_kinds
from bot.engine.parse.markdown import (
    is_empty_answer,
    normalise_text,
    quote,
    remove_placeholders,
    strip_html_comments,
)
from bot.engine.parse.orcids import OrcidReading, read_orcid_field, read_orcid_in_text
from bot.engine.parse.pages import (
    PagesReading,
    dedupe_pages,
    pages_in_title,
    read_pages_field,
    read_pages_in_prose,
    reconcile_title,
)
from bot.engine.parse.papers import dedupe_papers, find_paper_refs, read_paper_list
from bot.engine.parse.preferred_name import (
    find_name_parts,
    find_new_name,
    find_preferred_name,
    read_preferred_name,
)
from bot.engine.parse.sections import split_sections
from bot.engine.parse.stance import read_prose, says_rest_is_mine
from bot.engine.parse.target import read_target
from bot.engine.request import FixRequest, FormName, Kind, NameValue, Notice, Target

# Sections of the Anthology's forms that FixRequest has no field for; they are kept
# in the notes, under their heading, for the maintainer.
_EXTRA_NOTES: tuple[tuple[FieldName, str], ...] = (
    ("openreview", "OpenReview profile page URL"),
    ("script-name", "Author name in another script"),
)


def _issue_text(issue: object) -> tuple[str, str, list[str], list[Notice]]:
    """The title, body and label names of an issue, whatever shape it arrives in.

    Parameters:
        issue: GitHub's issue JSON as a mapping (anything else is read as empty).

    Returns:
        (title, body, labels, notices): texts with `\\n` line endings and no HTML
        comments; notices `body-not-text` (the body was not a string) and
        `body-empty`.
    """
    notices: list[Notice] = []
    fields: Mapping[Any, Any] = issue if isinstance(issue, Mapping) else {}
    title = fields.get("title")
    title = normalise_text(title) if isinstance(title, str) else ""
    raw_body = fields.get("body")
    if isinstance(raw_body, bytes | bytearray):
        raw_body = bytes(raw_body).decode("utf-8", errors="replace")
    if raw_body is not None and not isinstance(raw_body, str):
        notices.append(Notice("body-not-text", "The issue's text could not be read as text."))
        raw_body = ""
    body = strip_html_comments(normalise_text(raw_body or ""))
    if not body.strip():
        notices.append(
            Notice(
                "body-empty",
                "The issue has no text: please fill in the form (the author page, the "
                "papers, your ORCID iD and your institution).",
            )
        )
    labels: list[str] = []
    raw_labels = fields.get("labels")
    if isinstance(raw_labels, Sequence) and not isinstance(raw_labels, str):
        for label in raw_labels:
            name = label.get("name") if isinstance(label, Mapping) else label
            if isinstance(name, str):
                labels.append(name)
    return " ".join(title.split()), body, labels, notices


def _orcid(title: str, field_text: str | None, prose: Sequence[tuple[str, str]]) -> OrcidReading:
    """The ORCID field's iD; failing that, one from the title or the prose."""
    reading = read_orcid_field(field_text)
    if reading.found:
        return reading
    fallback = read_orcid_in_text([("title", title), *prose])
    return fallback if fallback.found else reading


def _confirm_notices(text: str | None) -> list[Notice]:
    """`not-confirmed` when a confirmation box is left unticked."""
    boxes = read_checkboxes(text or "")
    unticked = [box.label for box in boxes if not box.checked]
    if not unticked:
        return []
    return [
        Notice(
            "not-confirmed",
            "A confirmation is not ticked: \u201c"
            + unticked[0]
            + "\u201d. Please check it holds and tick it.",
        )
    ]


def _kinds_text(fields: FormFields) -> str | None:
    """The kinds section's text; when it holds no box but the kind boxes were pasted
    under another heading (sections out of order), those boxes."""
    text = fields.get("kinds")
    if text is not None and read_checkboxes(text):
        return text
    stray = [
        line
        for name, section in fields.texts.items()
        if name not in ("confirm", "script-direction")
        for line in section.split("\n")
        if (boxes := read_checkboxes(line)) and kind_of_label(boxes[0].label) is not None
    ]
    return "\n".join(stray) if stray else text


def _anthology_prose(fields: FormFields) -> str:
    """Supporting Information and any text under headings no form has: where the
    Anthology's forms leave people to write their papers."""
    parts: list[str] = []
    support = fields.get("notes")
    if support is not None and not is_empty_answer(support):
        parts.append(support.strip())
    parts.extend(text.strip() for text in fields.extra if text.strip())
    return "\n\n".join(parts)


def _anthology_notes(fields: FormFields) -> str:
    """The prose, then the sections FixRequest has no field for, under their heading."""
    parts = [_anthology_prose(fields)] if _anthology_prose(fields) else []
    for name, heading in _EXTRA_NOTES:
        text = fields.get(name)
        if text is not None:
            value = remove_placeholders(text).strip()
            if value and not is_empty_answer(value):
                parts.append(f"{heading}: {value}")
    return "\n\n".join(parts)


def _with_pages_in_prose(
    field: PagesReading, prose: str, merge: bool, notices: list[Notice]
) -> PagesReading:
    """Add the author-page links of the prose to the pages of the field.

    A merge names every page that is the person, and people often put the second
    one in the prose; so does anyone who leaves the field empty. Otherwise a page
    in the prose is left out: it is as likely to be someone else's ("not the Jin Liu
    at https://...") and a verification must name one page only. A page the words
    set aside or doubt (parse/stance.py's `page_line_stance`) joins those of the
    field.
    """
    pages = field.pages
    if pages and not merge:
        return field
    said = read_pages_in_prose(prose)
    named = {p.id for p in (*pages, *field.aside, *field.unclear)}
    aside = dedupe_pages([*field.aside, *(p for p in said.aside if p.id not in named)])
    unclear = dedupe_pages([*field.unclear, *(p for p in said.unclear if p.id not in named)])
    found = [page for page in said.pages if page.id not in named]
    field = PagesReading(pages, field.papers, field.notices, aside, unclear)
    if not found:
        return field
    used = dedupe_pages(found)
    listed = ", ".join(page.id for page in used)
    notices.append(
        Notice(
            "page-from-text",
            f"I also took the author page link in the text ({listed})."
            if pages
            else f"The \u201cAuthor Pages\u201d field gives no page, so I used the page "
            f"link in the text ({listed}).",
        )
    )
    return PagesReading(pages + used, field.papers, field.notices, aside, unclear)


def _read_form(form: FormName, title: str, fields: FormFields, notices: list[Notice]) -> FixRequest:
    """Read the fields of a recognised form (ours or the Anthology's)."""
    ours = form == "authorbot"
    pages_label = "Author page" if ours else "Author Pages"
    pages_read = read_pages_field(fields.get("pages"), pages_label)
    notices.extend(pages_read.notices)

    listed, paper_notices = read_paper_list(fields.get("papers"))
    notices.extend(paper_notices)
    notes = (fields.get("notes") or "").strip() if ours else _anthology_notes(fields)
    if ours and is_empty_answer(notes):
        notes = ""
    # Our form asks for papers in their own field; the Anthology's forms leave them
    # to the prose of Supporting Information, where the words around a paper say
    # whether it is the person's (parse/stance.py).
    prose = "" if ours else _anthology_prose(fields)
    reading = read_prose(prose)
    papers = dedupe_papers([*pages_read.papers, *listed, *reading.mine])

    kinds: tuple[Kind, ...] = ()
    kind_notices: list[Notice] = []
    if not ours:
        kinds, kind_notices = read_kinds(_kinds_text(fields))
    pages_read = _with_pages_in_prose(pages_read, prose, "merge" in kinds, notices)
    pages, title_notices = reconcile_title(pages_read.pages, pages_in_title(title))
    notices.extend(title_notices)

    where = "notes" if ours else "supporting information"
    orcid = _orcid(title, fields.get("orcid"), [(where, notes)] if notes else [])
    notices.extend(orcid.notices)

    degree, degree_notices = read_degree(fields.get("degree"))
    notices.extend(degree_notices)
    if degree is None and not degree_notices and prose:
        degree = find_degree(prose)
        if degree is not None:
            notices.append(_degree_from_text(degree))

    target = Target()
    if ours:
        target, target_notices = read_target(fields.get("target"))
        notices.extend(target_notices)
    notices.extend(kind_notices)

    name, name_notices = read_preferred_name(fields.get("name"))
    notices.extend(name_notices)
    if name is None and not name_notices and "name" not in fields.texts:
        name = find_preferred_name(prose)
        if name is not None:
            notices.append(
                _name_from_text("The form has no preferred-name field; I took the name", name)
            )
    if name is None and not name_notices:
        name = find_name_parts(prose)
        if name is not None:
            notices.append(
                Notice(
                    "name-from-text",
                    "I took the name as the text splits it: given names "
                    f"{quote(name.first or '')}, family name {quote(name.last)}.",
                )
            )
    if name is None and not name_notices and "name-change" in kinds:
        name = find_new_name(prose)
        if name is not None:
            notices.append(
                _name_from_text("No preferred name is given, so I took the new name", name)
            )
    notices.extend(_confirm_notices(fields.get("confirm")))

    return FixRequest(
        form=form,
        kinds=kinds,
        pages=pages,
        papers=papers,
        target=target,
        orcid=orcid.orcid,
        orcid_raw=orcid.raw,
        degree=degree,
        preferred_name=name,
        notes=notes,
        warnings=tuple(notices),
        excluded=dedupe_papers(reading.not_mine),
        unclear=dedupe_papers(reading.unclear),
        keep=read_keep(prose, pages),
        pages_aside=pages_read.aside,
        pages_unclear=pages_read.unclear,
        rest_mine=says_rest_is_mine(prose),
        sections=tuple(fields.texts),
    )


def _name_from_text(said: str, name: NameValue) -> Notice:
    shown = f"{name.first} {name.last}" if name.first else name.last
    return Notice("name-from-text", f"{said} from the text: {shown}.")


def _degree_from_text(degree: str) -> Notice:
    return Notice(
        "degree-from-text",
        f"No institution field is filled in, so I took the degree institution from the "
        f"text: {degree}.",
    )


def _read_free_text(title: str, body: str, notices: list[Notice]) -> FixRequest:
    """Read an issue that uses no known form: what can be found without guessing
    (page and paper links, Anthology IDs, bibkeys, an ORCID iD)."""
    if body.strip():
        notices.append(
            Notice(
                "form-unrecognised",
                "This issue does not use the author-page form, so I read only the links, "
                "IDs and ORCID iD in its text. Filing it with the form makes sure nothing "
                "is missed.",
            )
        )
    said = read_pages_in_prose(body)
    pages, title_notices = reconcile_title(said.pages, pages_in_title(title))
    notices.extend(title_notices)
    # No list of a form here: titles are not guessed from a free text.
    reading = read_prose(body, titles=False)
    papers = dedupe_papers([*find_paper_refs(title), *reading.mine])
    orcid = read_orcid_in_text([("title", title), ("issue", body)], from_elsewhere=False)
    notices.extend(orcid.notices)
    degree = find_degree(body)
    if degree is not None:
        notices.append(_degree_from_text(degree))
    return FixRequest(
        form="free-text",
        pages=pages,
        papers=papers,
        orcid=orcid.orcid,
        orcid_raw=orcid.raw,
        degree=degree,
        notes=body.strip(),
        warnings=tuple(notices),
        excluded=dedupe_papers(reading.not_mine),
        unclear=dedupe_papers(reading.unclear),
        keep=read_keep(body, pages),
        pages_aside=said.aside,
        pages_unclear=said.unclear,
        rest_mine=says_rest_is_mine(body),
    )


def _parse(issue: object) -> FixRequest:
    """parse_issue without its safety net."""
    title, body, labels, notices = _issue_text(issue)
    sections = split_sections(body)
    form = recognise_form(title, labels, sections)
    if form == "free-text":
        return _read_free_text(title, body, notices)
    return _read_form(form, title, collect_fields(sections), notices)


def parse_issue(issue: Mapping[str, Any]) -> FixRequest:
    """Read what an issue asks for.

    Parameters:
        issue: GitHub's issue JSON (`number`, `title`, `body`, `labels[].name`,
            `user.login`); any shape is accepted, a missing or non-text body too.

    Returns:
        The FixRequest, always valid against `schemas/fix-request.schema.json`, with
        `warnings` for the person who filed. Papers given by bibkey or title are
        returned as such: looking them up is the engine's work.
    """
    try:
        return _parse(issue)
    except Exception:  # the bot must answer every issue; this is a bug to report
        return FixRequest(
            form="free-text",
            warnings=(
                Notice(
                    "parse-failed",
                    "I could not read this issue (a fault in authorbot, not in your "
                    "text): a maintainer will look at it.",
                ),
            ),
        )
