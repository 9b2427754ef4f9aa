"""Judging an ORCID record against a plan: a pure function of two values.

A missing, private or deactivated record is the most common reason maintainers send a
request back, so it makes the request `needs-info`, with what to do. A name that does
not fit is only a warning for the maintainer (transliterations and name changes are
common); when ORCID did not answer, the check is skipped and the comment says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.anthology.names import name_slug
from bot.github.orcid import OrcidRecord


@dataclass(frozen=True)
class OrcidVerdict:
    """The outcome of the ORCID record check.

    `outcome`: `fits`, `name-differs`, `missing`, `private`, `deactivated`, `skipped`
    (ORCID did not answer) or `not-needed` (the plan names no ORCID iD). `problem` is a
    message for the person who filed the issue, set when they must act.
    """

    outcome: str
    orcid: str | None
    summary: str
    problem: str | None = None
    warning: str | None = None


def _tokens(name: str) -> list[str]:
    return [t for t in name_slug(name).split("-") if t]


def name_fits(paper_name: str, record_name: str) -> bool:
    """True when a name on a paper plausibly is the ORCID record's name.

    Word order is ignored (family names first are common); the family name (the last
    word, or the first when written family-first) must appear in full, every other word
    in full or by its initial.
    """
    paper, record = _tokens(paper_name), _tokens(record_name)
    if not paper or not record:
        return False
    words = set(record)
    # "Jung-Min" on the record is "JungMin" on the paper.
    words |= {a + b for a, b in zip(record, record[1:], strict=False)}
    record_initials = {t for t in record if len(t) == 1}
    first_letters = {t[0] for t in record}
    if paper[-1] not in words and paper[0] not in words:
        return False
    return all(
        t in words or t[0] in record_initials or (len(t) == 1 and t in first_letters) for t in paper
    )


def check_orcid(plan: dict[str, Any], record: OrcidRecord | None) -> OrcidVerdict:
    """Judge the ORCID record of the plan's target person.

    Parameters:
        plan: the plan's JSON (`target.orcid`, `target.names`, `moves[].name`).
        record: what ORCID said, or None when the check is switched off.
    """
    target = plan.get("target") or {}
    orcid = target.get("orcid")
    if not orcid:
        return OrcidVerdict("not-needed", None, "")
    link = f"[{orcid}](https://orcid.org/{orcid})"
    if record is None or record.status == "unavailable":
        why = f" ({record.detail})" if record is not None and record.detail else ""
        return OrcidVerdict(
            "skipped",
            orcid,
            f"ORCID record {link}: not checked, ORCID did not answer{why}. "
            "A maintainer should open the link before approving.",
        )
    if record.status == "missing":
        return OrcidVerdict(
            "missing",
            orcid,
            f"ORCID record {link}: **does not exist**.",
            problem=(
                f"ORCID has no record for the iD {orcid}. Please check the iD on "
                "https://orcid.org (sign in and copy the iD shown under your name), "
                "then edit this issue."
            ),
        )
    if record.status == "deactivated":
        return OrcidVerdict(
            "deactivated",
            orcid,
            f"ORCID record {link}: **deactivated or locked**.",
            problem=(
                f"The ORCID record {orcid} is deactivated or locked. Please give the iD of "
                "the record you use now by editing this issue."
            ),
        )
    if record.status == "private":
        return OrcidVerdict(
            "private",
            orcid,
            f"ORCID record {link}: exists, but **its name is not public**.",
            problem=(
                f"The ORCID record {orcid} does not show a public name, so we cannot check "
                "that it is yours. Please sign in to https://orcid.org, set the visibility "
                "of your name to *Everyone*, and then comment `@authorbot retry` here."
            ),
        )
    paper_names = sorted({m.get("name") for m in plan.get("moves") or [] if m.get("name")})
    for n in target.get("names") or []:
        paper_names.append(" ".join(p for p in (n.get("first"), n.get("last")) if p))
    shown = ", ".join(f'"{n}"' for n in record.names)
    if not paper_names or any(name_fits(p, r) for p in paper_names for r in record.names):
        return OrcidVerdict("fits", orcid, f"ORCID record {link}: public, name {shown} fits.")
    return OrcidVerdict(
        "name-differs",
        orcid,
        f"ORCID record {link}: public, but its name {shown} does not look like "
        f"the names on the papers ({', '.join(paper_names)}).",
        warning=(
            f"The name on the ORCID record ({shown}) does not look like the names on the "
            "papers; a maintainer should make sure it is the same person."
        ),
    )
