"""An issue filed from the author page (our form, as GitHub renders it from the
pre-filled fields, with the template's labels) is worked by the bot without help:
a ready status comment, and one pull request once a maintainer approves."""

from __future__ import annotations

import yaml

from bot.engine.parse import OUR_FORM_PATH, render_issue_form_body, render_issue_title
from bot.standins.orcid import FakeRecord
from tests.e2e.conftest import MAINTAINER, bot_comments, status_comments


def file_from_page(dep, values: dict[str, str], page: str) -> int:
    form = yaml.safe_load(OUR_FORM_PATH.read_text("utf-8"))
    body = render_issue_form_body(OUR_FORM_PATH, values)
    title = render_issue_title(OUR_FORM_PATH, page)
    return dep.github.open_issue("yang-author", title, body, form["labels"])["number"]


def test_an_issue_from_the_page_is_worked_to_one_pull_request(make_deployment):
    deployment = make_deployment(orcid_records={"0000-0002-1234-5677": FakeRecord("Yang", "Liu")})
    number = file_from_page(
        deployment,
        {
            "author-page": "https://aclanthology.org/people/yang-liu/unverified/",
            "papers": "2024.ccl-1.3\n2025.finnlp-2.26",
            "target": "new",
            "orcid": "0000-0002-1234-5677",
            "institution": "Tsinghua University",
            "name": "",
            "notes": "",
        },
        "yang-liu/unverified",
    )
    deployment.wait_idle()
    [status] = status_comments(deployment, number)
    assert status["body"].startswith("<!-- authorbot:status -->\n### ✅ Ready")
    assert "papers moved: 2; other occurrences changed: 0" in status["body"]
    assert "yang-liu-5677:\n  degree: Tsinghua University" in status["body"]
    deployment.github.comment(number, MAINTAINER, "@authorbot approve")
    deployment.wait_idle()
    pulls = deployment.github.pulls()
    assert len(pulls) == 1
    assert pulls[0]["head"]["ref"] == f"authorbot/issue-{number}"
    assert f"Closes #{number}" in pulls[0]["body"]
    assert len(status_comments(deployment, number)) == 1
    assert len(bot_comments(deployment, number)) >= 1
