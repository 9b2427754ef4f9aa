"""Previews: the store unpacks a commit's data once, keeps a few, refuses bad records;
the middleware serves the pages of that commit under /preview/<branch>/, read-only.
Both eras of the data (people.json, people.yaml): the preview reads the people file
through `bot/anthology`, whichever the commit holds."""

from __future__ import annotations

import pytest
from flask import Flask

from bot.anthology.index import DataIndex
from bot.demo import SAMPLE_ERAS
from bot.engine.api import apply_plan, plan_issue
from bot.github.gitrepo import DataClone
from bot.github.previewstore import PreviewError, PreviewHead, PreviewStore
from bot.standins.datarepo import make_data_repo
from bot.standins.issues import VERIFY_LABELS, verify_body
from webhooks.preview import PreviewMiddleware, preview_path

PEOPLE = {"json": "data/json/people.json", "yaml": "data/yaml/people.yaml"}


@pytest.fixture(params=sorted(SAMPLE_ERAS))
def era(request) -> str:
    return request.param


@pytest.fixture
def clone(tmp_path, era) -> DataClone:
    clone = DataClone(tmp_path / "clone", str(make_data_repo(tmp_path, SAMPLE_ERAS[era])))
    clone.sync("main")
    return clone


def commit_change(clone: DataClone, base: str, text: str) -> str:
    readme = clone.path / "data" / "README"
    readme.write_text(text)
    head = clone.commit(["data/README"], text)
    clone.reset_to(base)
    return head


def test_a_commit_is_unpacked_once_and_only_a_few_are_kept(tmp_path, clone, era):
    base = clone.git("rev-parse", "HEAD")
    store = PreviewStore(tmp_path / "previews", keep=2)
    heads = [commit_change(clone, base, f"version {i}\n") for i in range(3)]
    git_dir = clone.path / ".git"
    store.record("authorbot/issue-1", heads[0], git_dir)
    head = store.head("authorbot/issue-1")
    assert head == PreviewHead("authorbot/issue-1", heads[0], str(git_dir), ".")
    root = store.data_dir(head)
    assert (root / "data" / "README").read_text() == "version 0\n"
    assert (root / PEOPLE[era]).is_file()
    marker = root / "data" / "marker"
    marker.write_text("unpacked once")
    assert store.data_dir(head) == root and marker.exists()
    for commit in heads[1:]:
        store.record("authorbot/issue-1", commit, git_dir)
        store.data_dir(store.head("authorbot/issue-1"))
    kept = sorted(p.name for p in (tmp_path / "previews" / "commits").iterdir())
    assert kept == sorted(heads[1:])
    # The clone's working copy was never touched.
    assert clone.git("status", "--porcelain") == ""
    assert clone.git("rev-parse", "HEAD") == base


def test_bad_records_and_missing_commits_are_refused(tmp_path, clone):
    store = PreviewStore(tmp_path / "previews")
    assert store.head("authorbot/issue-9") is None
    store.record("b", "0" * 40, clone.path / ".git")
    with pytest.raises(PreviewError, match="cannot read commit"):
        store.data_dir(store.head("b"))
    assert not any(p.name.startswith(".") for p in (tmp_path / "previews" / "commits").iterdir())
    sha = clone.git("rev-parse", "HEAD")
    with pytest.raises(PreviewError, match="not inside the repository"):
        store.data_dir(PreviewHead("b", sha, str(clone.path / ".git"), "../elsewhere"))
    path = store._head_path("b")
    path.write_text("{not json")
    assert store.head("b") is None


def test_the_middleware_serves_pages_of_the_branch_commit(tmp_path, clone):
    store = PreviewStore(tmp_path / "previews")
    base = clone.git("rev-parse", "HEAD")
    store.record("authorbot/batch-2026-02-01", base, clone.path / ".git")
    inner = Flask("inner")

    @inner.get("/elsewhere")
    def elsewhere() -> str:
        return "the other app"

    inner.wsgi_app = PreviewMiddleware(inner.wsgi_app, store)  # type: ignore[method-assign]
    client = inner.test_client()
    assert client.get("/elsewhere").text == "the other app"
    url = preview_path("authorbot/batch-2026-02-01", "wei-wang/unverified")
    page = client.get(url)
    assert page.status_code == 200
    assert page.headers["X-Authorbot-Preview-Commit"] == base
    assert "/preview/authorbot/batch-2026-02-01/static/authorpages/" in page.text
    assert client.get(preview_path("authorbot/batch-2026-02-01", "nobody-here")).status_code == 404
    assert client.post(url).status_code == 405
    assert client.get(preview_path("authorbot/unknown", "x")).status_code == 404
    assert client.get("/preview/../etc/people/x/").status_code == 404
    assert client.get("/preview/authorbot/batch-2026-02-01/other").status_code == 404
    css = client.get("/preview/authorbot/batch-2026-02-01/static/authorpages/authorpage.css")
    assert css.status_code == 200
    assert clone.git("status", "--porcelain") == "" and clone.git("rev-parse", "HEAD") == base


def test_a_page_the_branch_makes_is_served_from_its_commit_alone(tmp_path, clone, era):
    """A verification on the branch: its new page is in the preview of the branch's
    commit, with the papers it takes from the unverified page; main has no such page."""
    base = clone.git("rev-parse", "HEAD")
    index = DataIndex.load(clone.path)
    issue = {
        "number": 7,
        "title": "Author Page: valentin-barriere",
        "body": verify_body(),
        "labels": [{"name": n} for n in VERIFY_LABELS],
    }
    plan = plan_issue(index, issue)
    assert plan.status == "ready"
    target = plan.to_json()["target"]["id"]
    written = apply_plan(index, plan)
    assert PEOPLE[era] in written  # the era's own people file is what changed
    head = clone.commit(written, "Process verification (closes #7)")
    moved = {m["paper"] for m in plan.to_json()["moves"]}
    assert moved
    clone.reset_to(base)

    store = PreviewStore(tmp_path / "previews")
    store.record("authorbot/issue-7", head, clone.path / ".git")
    store.record("authorbot/batch-2026-02-01", base, clone.path / ".git")
    app = Flask("inner")
    app.wsgi_app = PreviewMiddleware(app.wsgi_app, store)  # type: ignore[method-assign]
    client = app.test_client()
    page = client.get(preview_path("authorbot/issue-7", target))
    assert page.status_code == 200, page.text
    assert page.headers["X-Authorbot-Preview-Commit"] == head
    for paper in moved:
        assert paper in page.text
    assert client.get(preview_path("authorbot/batch-2026-02-01", target)).status_code == 404
    assert clone.git("status", "--porcelain") == "" and clone.git("rev-parse", "HEAD") == base
