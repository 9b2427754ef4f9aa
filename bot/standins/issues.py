# ruff: noqa: E501 (the form's own text, line by line)
"""Requests as people file them, for the demo and the tests (the sample data holds their
papers): the Anthology's "Author Page" form, verifying Valentin Barriere's page."""

from __future__ import annotations

VERIFY_TITLE = "Author Page: valentin-barriere/unverified"
VERIFY_LABELS = ["correction", "author-page"]
VERIFY_ORCID = "0000-0002-4345-7946"

_BODY = """### Confirming that Author is Published in the Anthology

- [X] I confirm that this concerns an author who already has at least one publication in the Anthology.

### Confirming that Paper Metadata is Correct

- [X] I confirm that all affected papers show the exact same names on the website as on the PDF.

### Author Pages in the Anthology

https://aclanthology.org/people/{page}/

### Author ORCID

https://orcid.org/{orcid}

### Institution of highest (anticipated) degree

{degree}

### Type of Author Metadata Correction

- [X] Verification: The author wishes to add an ORCID iD to their author page.
- [ ] Split/disambiguate: The author page includes papers from two or more different people.
- [ ] Merge profiles: A single author has multiple profiles with different spellings or variants of their name.
- [ ] Name change: This author has permanently changed their name.

### Supporting Information

verification

### Preferred author name

_No response_

### OpenReview profile page URL

_No response_"""


def verify_body(
    orcid: str = VERIFY_ORCID,
    degree: str = "Télécom Paris",
    page: str = "valentin-barriere/unverified",
) -> str:
    """The issue body asking to verify `page` (by default Valentin Barriere's
    unverified page) with this ORCID iD."""
    return _BODY.format(orcid=orcid, degree=degree, page=page)
