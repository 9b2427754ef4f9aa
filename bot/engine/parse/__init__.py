"""Issue text -> FixRequest: reading the issue forms people file about author pages.

`parse_issue(issue)` is the entry point (see `issue.py` for which section feeds which
field). It is pure and never raises; what it could not read becomes a warning
(`FixRequest.warnings`), each with a stable code:

- `body-empty`, `body-not-text`: no readable text.
- `form-unrecognised`: no known form; only links, IDs and an ORCID iD were read.
- `placeholder`: a field still holds an old form's placeholder (`-Add ORCID here-`).
- `orcid-several`, `orcid-example`, `orcid-unreadable`, `orcid-checksum`,
  `orcid-from-text`: the ORCID iD is two iDs, the form's example, not an iD, has a
  bad check character, or was taken from the title or the prose.
- `page-as-name`, `page-unreadable`, `paper-in-pages`, `page-from-text`,
  `page-from-title`, `title-page-mismatch`: the author-page field gives a name,
  nothing usable, or papers; the page came from the prose or the title; the title
  names another page than the body.
- `kinds-none`, `kinds-all`, `kind-unknown`: the kind boxes.
- `target-missing`, `target-unreadable`, `target-unverified`: our `Assign them to`.
- `degree-unreadable`, `name-unreadable`: the institution or the preferred name.
- `degree-from-text`, `name-from-text`: the institution, the preferred name or a name
  change's new name was taken from the prose (the field is empty or the form has none).

Beyond the fields, the prose is read for what it says about each paper
(`stance.py`: `FixRequest.excluded`, `unclear`) and for the page to keep (`keep.py`).
- `not-confirmed`: a confirmation box is not ticked.
- `parse-failed`: a bug in the parser (the request is empty).
"""

from bot.engine.parse.issue import parse_issue
from bot.engine.parse.render import (
    OUR_FORM_PATH,
    load_form,
    render_issue_form_body,
    render_issue_title,
)

__all__ = [
    "OUR_FORM_PATH",
    "load_form",
    "parse_issue",
    "render_issue_form_body",
    "render_issue_title",
]
