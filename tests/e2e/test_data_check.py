"""The bot checks the data before every job: on a default branch whose people file was
emptied, it plans and changes nothing and says so on the issue (naming the file); once
a maintainer fixes the data, `@authorbot retry` works the request."""

from __future__ import annotations

from bot.standins.datarepo import SAMPLE_DATA, push_change
from tests.e2e.conftest import MAINTAINER, open_verify_issue, status_comments

PEOPLE = "data/yaml/people.yaml"


def test_a_broken_data_repository_is_refused_until_fixed(deployment):
    push_change(deployment.bare, deployment.workdir, PEOPLE, "", "Oops: empty the people file")
    number = open_verify_issue(deployment)
    deployment.wait_idle()
    approval = deployment.github.comment(number, MAINTAINER, "@authorbot approve")
    deployment.wait_idle()
    assert deployment.github.reactions_on(approval["id"]) == ["-1"]
    [status] = status_comments(deployment, number)
    body = status["body"]
    assert "### ⚠️ The data repository needs a maintainer first" in body
    assert "data/yaml/people.yaml defines no one: it is empty or cut short;" in body
    assert "person IDs in data/xml" in body and "(data/xml/" in body
    assert "I planned and changed nothing" in body
    assert deployment.github.pulls() == []
    assert "authorbot:ready" not in deployment.github.labels_on(number)

    good = (SAMPLE_DATA / PEOPLE).read_text("utf-8")
    push_change(deployment.bare, deployment.workdir, PEOPLE, good, "Restore the people file")
    deployment.github.comment(number, MAINTAINER, "@authorbot retry")
    deployment.wait_idle()
    [status] = status_comments(deployment, number)
    assert "### ✅ Ready" in status["body"]
