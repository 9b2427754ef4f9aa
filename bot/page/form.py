"""What the page's script needs to know to pre-fill our issue form, and the one link
the page builds without JavaScript.

The link with the selection is built in the browser (`static/fix-assignments.js`);
Python only builds the plain link of the no-JavaScript explanation (template, title
and author page). `tests/test_page_browser.py` checks that both agree.

The same script runs on the Anthology's Hugo-built pages (site/): `drop_in_settings`
is the part of the settings that does not depend on the page, which the drop-in
carries as `site/assets/authorbot/settings.json` (`python -m bot.page.form` writes
it; a test checks that the file in the repository is up to date).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus, urlencode

from bot.anthology.ids import ANTHOLOGY_SITE, page_url
from bot.engine.parse.orcids import EXAMPLE_ORCIDS
from bot.engine.parse.render import OUR_FORM_PATH, load_form
from bot.page.view import PageView

DEFAULT_REPO = "acl-org/acl-anthology"
DEFAULT_GITHUB_URL = "https://github.com"
# Browsers and GitHub's front end take longer URLs, but proxies and GitHub's own
# redirect to the sign-in page do not always: stay well below 8 KiB.
DEFAULT_URL_LIMIT = 8000
# The Anthology's own author-page form (the "Fix author" button of its pages): where
# a person goes with what authorbot cannot do, such as papers whose author is unknown.
MAINTAINERS_TEMPLATE = "02-name-correction.yml"
MAINTAINERS_TITLE = "Author Page: "
# Where the drop-in's page-independent settings live in the repository.
DROP_IN_SETTINGS = Path(__file__).resolve().parents[2] / "site/assets/authorbot/settings.json"


@dataclass(frozen=True)
class IssueFormConfig:
    """Where Submit sends the person.

    Attributes:
        repo: the data repository, `owner/name`.
        github_url: GitHub's base URL (GitHub Enterprise: `https://HOST`).
        url_limit: the longest new-issue URL the page builds, in characters.
        form_path: our issue form (its file name is the `template` parameter).
    """

    repo: str = DEFAULT_REPO
    github_url: str = DEFAULT_GITHUB_URL
    url_limit: int = DEFAULT_URL_LIMIT
    form_path: Path = OUR_FORM_PATH

    @property
    def new_issue_url(self) -> str:
        """`https://github.com/<owner>/<repo>/issues/new`."""
        return f"{self.github_url.rstrip('/')}/{self.repo}/issues/new"

    @property
    def template(self) -> str:
        """The `template` query parameter: the form's file name."""
        return self.form_path.name


def form_fields(form: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The form's fields as the script renders them: id, type, label, and the
    options of a checkboxes field or the `render` language of a textarea.

    Parameters:
        form: the parsed issue form (load_form).

    Returns:
        One dict per field that is not a markdown block, in form order.
    """
    fields: list[dict[str, Any]] = []
    for element in form["body"]:
        if not isinstance(element, Mapping) or element.get("type") == "markdown":
            continue
        attributes = element.get("attributes", {})
        field: dict[str, Any] = {
            "id": element.get("id", ""),
            "type": element["type"],
            "label": str(attributes.get("label", "")),
        }
        if element["type"] == "checkboxes":
            field["options"] = [str(option["label"]) for option in attributes.get("options", [])]
        if attributes.get("render"):
            field["render"] = str(attributes["render"])
        fields.append(field)
    return fields


@lru_cache(maxsize=4)
def _read_form(path: Path) -> Mapping[str, Any]:
    """The issue form at `path`, read once per process (it ships with the code)."""
    return load_form(path)


def script_settings(config: IssueFormConfig, page_id: str) -> dict[str, Any]:
    """The settings the page hands its script (as JSON in the page).

    Parameters:
        config: where the issue goes.
        page_id: the page shown.

    Returns:
        `newIssueUrl`, `template`, `title` (the full issue title), `urlLimit`,
        `pageId`, `authorPage` (the value of the author-page field), `fields`, and
        `exampleOrcids` (the forms' example iDs, which the engine does not take).
    """
    form = _read_form(config.form_path)
    return {
        "newIssueUrl": config.new_issue_url,
        "template": config.template,
        "title": f"{form.get('title', '')}{page_id}",
        "urlLimit": config.url_limit,
        "pageId": page_id,
        "authorPage": page_url(page_id),
        "fields": form_fields(form),
        "exampleOrcids": sorted(EXAMPLE_ORCIDS),
    }


def maintainers_issue_url(config: IssueFormConfig, page_id: str) -> str:
    """The Anthology's own author-page form for a page, with its title filled in.

    Parameters:
        config: where issues go.
        page_id: the page shown.

    Returns:
        The URL.
    """
    return (
        f"{config.new_issue_url}?template={quote_plus(MAINTAINERS_TEMPLATE)}"
        f"&title={quote_plus(MAINTAINERS_TITLE + page_id)}"
    )


def page_settings(config: IssueFormConfig, view: PageView, people_url: str) -> dict[str, Any]:
    """Everything the panel's script reads from a page (as JSON in #fix-settings).

    Parameters:
        config: where the issue goes.
        view: the page.
        people_url: the address of an author page on this site, with `__ID__` in
            place of the person ID (links to the namesakes' pages).

    Returns:
        script_settings() and `name`, `verified`, `orcid` (the page's person's),
        `papers` [{id, year}] in page order (the titles are in the page),
        `targets` (the namesakes, with what tells them apart), `peopleUrl` and
        `maintainersUrl`.
    """
    settings = script_settings(config, view.page_id)
    settings.update(
        {
            "name": view.name,
            "verified": view.verified,
            "orcid": view.orcid,
            "papers": [{"id": paper.id, "year": paper.year} for paper in view.papers],
            "targets": [
                {
                    "id": target.id,
                    "name": target.name,
                    "otherNames": list(target.other_names),
                    "orcid": target.orcid,
                    "about": target.about,
                    "firstYear": target.first_year,
                    "lastYear": target.last_year,
                    "count": target.paper_count,
                    "latest": target.latest_title,
                    "swapped": target.swapped,
                }
                for target in view.targets
            ],
            "peopleUrl": people_url,
            "maintainersUrl": maintainers_issue_url(config, view.page_id),
        }
    )
    return settings


def drop_in_settings(config: IssueFormConfig | None = None) -> dict[str, Any]:
    """The page-independent settings the Hugo drop-in carries (site/assets/authorbot/
    settings.json); its partial adds the rest from the page's data.

    Parameters:
        config: where issues go (default: the Anthology's repository on github.com).

    Returns:
        `newIssueUrl`, `template`, `titlePrefix`, `urlLimit`, `fields`,
        `exampleOrcids`, `anthologyUrl` and `maintainersUrlPrefix` (the maintainers'
        form up to the URL-encoded page ID).
    """
    config = config or IssueFormConfig()
    form = _read_form(config.form_path)
    return {
        "newIssueUrl": config.new_issue_url,
        "template": config.template,
        "titlePrefix": str(form.get("title", "")),
        "urlLimit": config.url_limit,
        "fields": form_fields(form),
        "exampleOrcids": sorted(EXAMPLE_ORCIDS),
        "anthologyUrl": ANTHOLOGY_SITE,
        "maintainersUrlPrefix": maintainers_issue_url(config, ""),
    }


def drop_in_settings_text(config: IssueFormConfig | None = None) -> str:
    """drop_in_settings() as the JSON file holds it."""
    return json.dumps(drop_in_settings(config), indent=2, ensure_ascii=False) + "\n"


def plain_issue_url(config: IssueFormConfig, page_id: str) -> str:
    """The new-issue link of the no-JavaScript explanation: our form with the title
    and the author page filled in, the rest left to the person.

    Parameters:
        config: where the issue goes.
        page_id: the page shown.

    Returns:
        The URL.
    """
    settings = script_settings(config, page_id)
    query = urlencode(
        {
            "template": settings["template"],
            "title": settings["title"],
            "author-page": settings["authorPage"],
        }
    )
    return f"{config.new_issue_url}?{query}"


if __name__ == "__main__":
    # `python -m bot.page.form` rewrites the drop-in's settings after a change of the form.
    DROP_IN_SETTINGS.parent.mkdir(parents=True, exist_ok=True)
    DROP_IN_SETTINGS.write_text(drop_in_settings_text(), "utf-8")
    sys.stdout.write(f"wrote {DROP_IN_SETTINGS}\n")
