"""The author page without a browser: the view model (bot/page/view.py), the form
settings and the no-JavaScript link (bot/page/form.py), and the Flask routes
(webhooks/pages.py)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.anthology.index import DataIndex
from bot.engine.parse import OUR_FORM_PATH, parse_issue, render_issue_form_body, render_issue_title
from bot.engine.plan import Plan
from bot.engine.request import Target
from bot.page.form import (
    DROP_IN_SETTINGS,
    IssueFormConfig,
    drop_in_settings,
    drop_in_settings_text,
    form_fields,
    page_settings,
    plain_issue_url,
    script_settings,
)
from bot.page.view import (
    PaperRow,
    PersonOnItem,
    build_page_view,
    group_by_year,
    natural_key,
)
from tests.conftest import SAMPLE_ROOT
from webhooks.pages import RefreshingIndex, create_page_app, pages_blueprint

YANG_LIU_TARGETS = [
    "yang-janet-liu", "yang-liu", "yang-liu-0146", "yang-liu-0745", "yang-liu-3m",
    "yang-liu-6011", "yang-liu-6849", "yang-liu-9215", "yang-liu-9252", "yang-liu-9738",
    "yang-liu-blcu", "yang-liu-dt", "yang-liu-edinburgh", "yang-liu-helsinki", "yang-liu-hk",
    "yang-liu-icsi", "yang-liu-ict", "yang-liu-microsoft", "yang-liu-pk", "yang-liu-ss",
    "yang-liu-tianjin", "yang-liu-umich", "yang-liu-wl",
]  # fmt: skip


# ------------------------------------------------------------------ view model


def test_unverified_page_lists_papers_by_year_newest_first(sample_index: DataIndex) -> None:
    view = build_page_view(sample_index, "yang-liu/unverified")
    assert view is not None
    assert (view.page_id, view.verified, view.name) == ("yang-liu/unverified", False, "Yang Liu")
    assert (view.orcid, view.degree, view.other_names) == (None, None, ())
    assert view.anthology_url == "https://aclanthology.org/people/yang-liu/unverified/"
    assert [(g.year, [p.id for p in g.papers]) for g in view.years] == [
        ("2025", ["2025.finnlp-2.26"]),
        ("2024", ["2024.ccl-1.3", "2024.ccl-1.96"]),
    ]


def test_paper_row_has_title_people_volume_and_links(sample_index: DataIndex) -> None:
    view = build_page_view(sample_index, "yang-liu/unverified")
    assert view is not None
    row = view.years[1].papers[0]
    assert row == PaperRow(
        id="2024.ccl-1.3",
        kind="paper",
        role="author",
        title="基于汉语字词资源的检索增强生成与应用评估(Chinese Character- and Word-Based "
        "Retrieval Augmented Generation and Application)",
        people=(
            PersonOnItem("Yaqi Yin", "yaqi-yin/unverified", False),
            PersonOnItem("Yang Liu", "yang-liu/unverified", True),
            PersonOnItem("Yue Wang", "yue-wang/unverified", False),
            PersonOnItem("Qiliang Liang", "qiliang-liang/unverified", False),
        ),
        volume_title="Proceedings of the 23rd Chinese National Conference on Computational "
        "Linguistics (Volume 1: Main Conference)",
        url="https://aclanthology.org/2024.ccl-1.3/",
        pdf_url="https://aclanthology.org/2024.ccl-1.3.pdf",
        year="2024",
    )


def test_targets_are_the_verified_namesakes(sample_index: DataIndex) -> None:
    view = build_page_view(sample_index, "yang-liu/unverified")
    assert view is not None
    assert [t.id for t in view.targets] == YANG_LIU_TARGETS
    ict = next(t for t in view.targets if t.id == "yang-liu-ict")
    assert (ict.name, ict.paper_count) == ("Yang Liu", 4)
    janet = view.targets[0]
    assert (janet.name, janet.other_names, janet.orcid) == (
        "Yang Janet Liu",
        ("Yang Liu",),
        "0000-0003-0435-2604",
    )


def test_targets_carry_what_tells_namesakes_apart(sample_index: DataIndex) -> None:
    view = build_page_view(sample_index, "yang-liu/unverified")
    assert view is not None
    ict = next(t for t in view.targets if t.id == "yang-liu-ict")
    assert (ict.first_year, ict.last_year, ict.paper_count) == ("2007", "2020", 4)
    assert ict.latest_title == (
        "Proceedings of the First Workshop on Automatic Simultaneous Translation"
    )
    assert ict.about == "刘洋; ICT, Tsinghua, Beijing Academy of Artificial Intelligence"
    assert not ict.swapped
    empty = next(t for t in view.targets if t.id == "yang-liu-0146")
    assert (empty.first_year, empty.last_year, empty.latest_title) == (None, None, None)


def test_namesakes_in_the_other_name_order_are_offered(data_copy: Path) -> None:
    """ "Wang Zheng" (family name first) and a verified "Zheng Wang" may be one person."""
    xml = data_copy / "data" / "xml" / "2099.names.xml"
    xml.write_text(
        """<?xml version='1.0' encoding='UTF-8'?>
<collection id="2099.names">
  <volume id="1" ingest-date="2099-01-01" type="proceedings">
    <meta>
      <booktitle>Names</booktitle>
      <year>2099</year>
    </meta>
    <paper id="1">
      <title>One</title>
      <author><first>Wang</first><last>Zheng</last></author>
    </paper>
    <paper id="2">
      <title>Two</title>
      <author id="zheng-wang-ntu"><first>Zheng</first><last>Wang</last></author>
    </paper>
  </volume>
</collection>
""",
        "utf-8",
    )
    people = data_copy / "data" / "yaml" / "people.yaml"
    text = people.read_text("utf-8")
    at = text.index("\nzheng-zhang:\n") + 1
    entry = "zheng-wang-ntu:\n  names:\n  - {first: Zheng, last: Wang}\n"
    people.write_text(text[:at] + entry + text[at:], "utf-8")
    index = DataIndex.load(data_copy)
    view = build_page_view(index, "wang-zheng/unverified")
    assert view is not None
    assert [(t.id, t.swapped) for t in view.targets] == [("zheng-wang-ntu", True)]
    theirs = build_page_view(index, "zheng-wang-ntu")
    assert theirs is not None and theirs.targets == ()  # nobody verified as "Wang Zheng"


def test_verified_page_shows_orcid_and_never_offers_itself(sample_index: DataIndex) -> None:
    view = build_page_view(sample_index, "yang-liu-ict")
    assert view is not None
    assert view.verified and view.name == "Yang Liu"
    assert [p.id for p in view.papers] == [
        "2020.autosimtrans-1",
        "Y10-1009",
        "D08-1010",
        "2007.iwslt-1.17",
    ]
    targets = [t.id for t in view.targets]
    assert "yang-liu-ict" not in targets
    assert targets == [t for t in YANG_LIU_TARGETS if t != "yang-liu-ict"]
    entry = sample_index.entry("yang-janet-liu")
    assert entry is not None
    janet = build_page_view(sample_index, "yang-janet-liu")
    assert janet is not None
    assert (janet.orcid, janet.other_names) == ("0000-0003-0435-2604", ("Yang Liu",))


def test_edited_volume_is_a_row_with_its_editors(sample_index: DataIndex) -> None:
    view = build_page_view(sample_index, "eneko-agirre")
    assert view is not None
    (row,) = view.papers
    assert (row.id, row.kind, row.role, row.volume_title) == (
        "2020.deelio-1",
        "volume",
        "editor",
        None,
    )
    assert [(p.name, p.is_this_person) for p in row.people] == [
        ("Eneko Agirre", True),
        ("Marianna Apidianaki", False),
        ("Ivan Vulić", False),
    ]
    assert row.pdf_url == "https://aclanthology.org/2020.deelio-1.pdf"


def test_unknown_pages_have_no_view(sample_index: DataIndex) -> None:
    assert build_page_view(sample_index, "no-such-person") is None
    assert build_page_view(sample_index, "no-such-name/unverified") is None


def test_years_sort_newest_first_unknown_last_and_ids_by_number() -> None:
    def row(item_id: str, year: str) -> PaperRow:
        return PaperRow(item_id, "paper", "author", "t", (), None, "", "", year)

    groups = group_by_year(
        [
            row("2019.x-1.10", "2019"),
            row("old-1", "Year unknown"),
            row("2021.x-1.2", "2021"),
            row("2019.x-1.9", "2019"),
        ]
    )
    assert [(g.year, [p.id for p in g.papers]) for g in groups] == [
        ("2021", ["2021.x-1.2"]),
        ("2019", ["2019.x-1.9", "2019.x-1.10"]),
        ("Year unknown", ["old-1"]),
    ]
    assert sorted(["W18-6310", "W18-631", "W18-64"], key=natural_key) == [
        "W18-64",
        "W18-631",
        "W18-6310",
    ]


def test_every_sample_page_offers_ids_the_parser_reads_back(sample_index: DataIndex) -> None:
    """The paper IDs and page addresses the pages put in the form come back unchanged
    (all of them in one issue, to keep the test fast)."""
    pages = sorted({sample_index.resolve(o) for o in sample_index.occurrences()})
    assert len(pages) > 1000
    views = [build_page_view(sample_index, page_id) for page_id in pages]
    assert all(view is not None for view in views)
    urls = [view.anthology_url for view in views if view is not None]
    ids = list(dict.fromkeys(p.id for view in views if view is not None for p in view.papers))
    assert set(ids) == {o.item for o in sample_index.occurrences()}
    body = render_issue_form_body(
        OUR_FORM_PATH,
        {"author-page": "\n".join(urls), "papers": "\n".join(ids), "target": "new"},
    )
    request = parse_issue({"title": "Fix paper assignments", "body": body})
    assert [p.id for p in request.pages] == pages
    assert [(p.kind, p.value) for p in request.papers] == [("anthology-id", i) for i in ids]
    assert request.target == Target(new=True)


# ------------------------------------------------------- form settings, no-JS link


def test_script_settings_follow_our_form() -> None:
    config = IssueFormConfig(repo="someone/data", github_url="https://ghe.example/")
    settings = script_settings(config, "yang-liu/unverified")
    assert settings == {k: v for k, v in drop_in_settings(config).items() if k in settings} | {
        "title": "Fix paper assignments: yang-liu/unverified",
        "pageId": "yang-liu/unverified",
        "authorPage": "https://aclanthology.org/people/yang-liu/unverified/",
    }
    assert settings["newIssueUrl"] == "https://ghe.example/someone/data/issues/new"
    assert settings["template"] == "fix-paper-assignments.yml"
    assert settings["title"] == render_issue_title(OUR_FORM_PATH, "yang-liu/unverified")
    assert settings["title"] == "Fix paper assignments: yang-liu/unverified"
    assert settings["authorPage"] == "https://aclanthology.org/people/yang-liu/unverified/"
    assert settings["urlLimit"] == 8000
    assert settings["exampleOrcids"] == ["0000-0002-1825-0097", "0009-0003-8868-7504"]
    assert [(f["id"], f["type"]) for f in settings["fields"]] == [
        ("author-page", "input"),
        ("papers", "textarea"),
        ("target", "input"),
        ("orcid", "input"),
        ("institution", "input"),
        ("name", "input"),
        ("notes", "textarea"),
        ("confirm", "checkboxes"),
    ]
    assert settings["fields"][-1]["options"] == [
        "The selected papers all belong to one person, and the names on them match the PDFs."
    ]


def test_drop_in_settings_file_is_up_to_date() -> None:
    """site/assets/authorbot/settings.json is what `python -m bot.page.form` writes
    from our form now (rewrite it after changing the form)."""
    assert DROP_IN_SETTINGS.read_text("utf-8") == drop_in_settings_text()


def test_page_settings_hand_the_script_the_page(sample_index: DataIndex) -> None:
    view = build_page_view(sample_index, "yang-liu-ict")
    assert view is not None
    settings = page_settings(IssueFormConfig(), view, "/people/__ID__/")
    assert (settings["name"], settings["verified"], settings["orcid"]) == (
        "Yang Liu",
        True,
        None,
    )
    assert [p["id"] for p in settings["papers"]] == [p.id for p in view.papers]
    assert settings["papers"][1] == {"id": "Y10-1009", "year": "2010"}
    assert len(settings["targets"]) == len(view.targets)
    janet = settings["targets"][0]
    assert janet == {
        "id": "yang-janet-liu",
        "name": "Yang Janet Liu",
        "otherNames": ["Yang Liu"],
        "orcid": "0000-0003-0435-2604",
        "about": "Georgetown University; 刘洋",
        "firstYear": None,
        "lastYear": None,
        "count": 0,
        "latest": None,
        "swapped": False,
    }
    assert settings["maintainersUrl"] == (
        "https://github.com/acl-org/acl-anthology/issues/new?template=02-name-correction.yml"
        "&title=Author+Page%3A+yang-liu-ict"
    )


def test_form_fields_keep_render_and_skip_markdown() -> None:
    form = {
        "body": [
            {"type": "markdown", "attributes": {"value": "hi"}},
            {"type": "textarea", "id": "log", "attributes": {"label": "Log", "render": "shell"}},
        ]
    }
    assert form_fields(form) == [
        {"id": "log", "type": "textarea", "label": "Log", "render": "shell"}
    ]


def test_plain_issue_url_fills_title_and_page_only() -> None:
    url = plain_issue_url(IssueFormConfig(), "jin-liu-4161")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://github.com/acl-org/acl-anthology/issues/new"
    )
    assert parse_qs(parts.query) == {
        "template": ["fix-paper-assignments.yml"],
        "title": ["Fix paper assignments: jin-liu-4161"],
        "author-page": ["https://aclanthology.org/people/jin-liu-4161/"],
    }
    assert "labels" not in url


# ----------------------------------------------------------------- Flask routes


@pytest.fixture(scope="module")
def client():
    app = create_page_app(SAMPLE_ROOT, "someone/data")
    return app.test_client()


def test_unverified_page_is_served_readable_without_javascript(client) -> None:
    response = client.get("/people/yang-liu/unverified/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>Yang Liu</h1>" in html
    assert html.count('class="paper"') == 3
    assert 'data-paper="2024.ccl-1.96"' in html
    assert '<div id="fix-root" class="abfix-root"></div>' in html  # the script's place
    assert "Cost-efficient Crowdsourcing for Span-based Sequence Labeling" in html
    assert 'href="https://aclanthology.org/2024.ccl-1.96.pdf"' in html
    assert "<noscript>" in html and "needs JavaScript" in html
    assert "https://github.com/someone/data/issues/new?template=fix-paper-assignments.yml" in html
    # Newest year first.
    assert html.index("2025.finnlp-2.26") < html.index("2024.ccl-1.3")


def test_page_uses_only_its_own_server(client) -> None:
    html = client.get("/people/wei-wang/unverified/").get_data(as_text=True)
    sources = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', html)
    assert sources == [
        "data:,",
        "/static/authorpages/authorpage.css",
        "/static/authorpages/fix-panel.css",
        "/static/authorpages/fix-assignments.js",
    ]
    for sheet in ("authorpage.css", "fix-panel.css"):
        css = client.get(f"/static/authorpages/{sheet}").get_data(as_text=True)
        assert "@import" not in css and "font-face" not in css and "url(" not in css
    response = client.get("/people/wei-wang/unverified/")
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_verified_page_and_letter_folder_redirect(client) -> None:
    html = client.get("/people/yang-janet-liu/").get_data(as_text=True)
    assert '<a href="https://orcid.org/0000-0003-0435-2604">' in html
    response = client.get("/people/y/yang-janet-liu/")
    assert (response.status_code, response.headers["Location"]) == (301, "/people/yang-janet-liu/")


@pytest.mark.parametrize(
    "path",
    ["/people/no-such-person/", "/people/no-such-name/unverified/", "/people/ab/cd/", "/elsewhere"],
)
def test_unknown_pages_are_404_in_the_same_style(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert '<h1 id="nf-heading">No such author page</h1>' in html
    assert "/static/authorpages/authorpage.css" in html


def test_refreshing_index_rereads_changed_files_after_the_interval(data_copy: Path) -> None:
    now = [0.0]
    provider = RefreshingIndex(data_copy, min_interval=10, clock=lambda: now[0])
    people = data_copy / "data" / "yaml" / "people.yaml"
    people.write_text(
        people.read_text("utf-8") + "zz-new-person:\n  names:\n  - {first: Zed, last: New}\n",
        "utf-8",
    )
    now[0] = 5.0
    assert "zz-new-person" not in provider().people
    now[0] = 10.0
    assert "zz-new-person" in provider().people


def test_blueprint_reads_the_repository_from_the_app_config(sample_index: DataIndex) -> None:
    from flask import Flask

    app = Flask(__name__)
    app.config["AUTHORBOT_ISSUE_REPO"] = "mirror/anthology"
    app.config["AUTHORBOT_ISSUE_GITHUB_URL"] = "https://ghe.example"
    app.register_blueprint(pages_blueprint(lambda: sample_index))
    html = app.test_client().get("/people/wei-wang/unverified/").get_data(as_text=True)
    assert '"newIssueUrl": "https://ghe.example/mirror/anthology/issues/new"' in html
    fixed = Flask(__name__)
    fixed.config["AUTHORBOT_ISSUE_REPO"] = "ignored/repo"
    fixed.register_blueprint(
        pages_blueprint(lambda: sample_index, IssueFormConfig(repo="given/repo"))
    )
    html = fixed.test_client().get("/people/wei-wang/unverified/").get_data(as_text=True)
    assert '"newIssueUrl": "https://github.com/given/repo/issues/new"' in html


# ------------------------------------------- what the bot answers the page's issue


def test_orcid_mismatch_answer_never_asks_for_a_box_our_form_lacks(
    sample_index: DataIndex,
) -> None:
    """An issue from the page naming an existing person with someone else's iD gets
    needs-info, and the answer speaks of our form's fields, not the Anthology
    form's 'Split/disambiguate' box."""
    from bot.engine.api import plan_issue

    body = render_issue_form_body(
        OUR_FORM_PATH,
        {
            "author-page": "https://aclanthology.org/people/wei-wang/unverified/",
            "papers": "2024.ccl-1.42",
            "target": "wei-wang-2396",
            "orcid": "0000-0003-1415-9269",
        },
    )
    plan = plan_issue(
        sample_index,
        {"title": "Fix paper assignments: wei-wang/unverified", "body": body, "labels": []},
    )
    assert plan.status == "needs-info"
    (mismatch,) = [p for p in plan.problems if p.code == "orcid-mismatch"]
    assert "tick" not in mismatch.message.lower()
    assert "Split/disambiguate" not in mismatch.message
    assert "Assign them to" in mismatch.message
    assert "wei-wang-2396 has the ORCID iD 0000-0002-1568-2396" in mismatch.message


def _plan_our_form(index: DataIndex, fields: dict[str, str]) -> Plan:
    from bot.engine.api import plan_issue

    body = render_issue_form_body(OUR_FORM_PATH, fields)
    title = render_issue_title(OUR_FORM_PATH, "alex-chengyu-fang")
    return plan_issue(index, {"title": title, "body": body, "labels": []})


def test_papers_already_on_the_target_answer_in_our_forms_terms(sample_index: DataIndex) -> None:
    """Our form with the page the papers are on under 'Assign them to' (someone who
    meant "not this person's"): nothing to change, and the answer says how our form
    moves papers (their page under 'Assign them to'), not the Anthology form's way
    (an ORCID iD of whom they belong to, or leaving it out)."""
    plan = _plan_our_form(
        sample_index,
        {
            "author-page": "https://aclanthology.org/people/alex-chengyu-fang/",
            "papers": "Y10-1012",
            "target": "alex-chengyu-fang",
        },
    )
    assert plan.status == "rejected"
    (nothing,) = [p for p in plan.problems if p.code == "nothing-to-do"]
    assert "https://aclanthology.org/people/alex-chengyu-fang/ already" in nothing.message
    assert "'Assign them to'" in nothing.message
    assert "leave it out" not in nothing.message
    assert "with the ORCID iD of the person they belong to" not in nothing.message


@pytest.mark.parametrize("target", ["", "I do not know", "alex-chengyu-fang/unverified"])
def test_no_target_answer_names_our_field(sample_index: DataIndex, target: str) -> None:
    """Our form without a usable 'Assign them to' (empty, prose, an unverified page):
    needs-info, and the one problem says which field to fill and with what."""
    plan = _plan_our_form(
        sample_index,
        {
            "author-page": "https://aclanthology.org/people/alex-chengyu-fang/",
            "papers": "Y10-1012",
            "target": target,
        },
    )
    assert plan.status == "needs-info"
    (missing,) = [p for p in plan.problems if p.code == "target-missing"]
    assert "'Assign them to'" in missing.message
    assert "jin-liu-4161" in missing.message and "new" in missing.message


@pytest.mark.parametrize("page", ["alex-chengyu-fang", "asif-ekbal"])  # without, with an iD
@pytest.mark.parametrize("kinds", [set(), {"split"}, {"verify"}])
def test_not_this_persons_unknown_whose_is_never_planned_ready(
    sample_index: DataIndex, page: str, kinds: set[str]
) -> None:
    """The panel's "not this person's, and I do not know whose" files nothing: it links
    the Anthology's own author-page form, which authorbot reads too. Filed there with
    no one to move the papers to, the request must not come out ready."""
    from bot.engine.api import plan_issue
    from tests.issues import anthology_issue

    paper = {"alex-chengyu-fang": "Y10-1012", "asif-ekbal": "Y10-1015"}[page]
    issue = anthology_issue(
        [page],
        kinds,
        info=f"This paper is not by the person of this page, and I do not know whose it is:\n"
        f"https://aclanthology.org/{paper}/",
    )
    plan = plan_issue(sample_index, issue)
    assert plan.status in ("needs-info", "rejected")
    assert plan.files == {}


# ------------------------------------------------------------ the Hugo drop-in


def test_site_install_copies_the_drop_in_and_refuses_other_folders(tmp_path: Path) -> None:
    """site/install.sh puts the partials and the very script and style of the Flask
    page into a Hugo site, and says what is wrong when the folder is not one."""
    import subprocess

    from tests.conftest import REPO

    install = REPO / "site" / "install.sh"
    usage = subprocess.run(["sh", str(install)], capture_output=True, text=True)
    assert usage.returncode == 2 and usage.stderr.startswith("usage: site/install.sh HUGO_DIR")
    wrong = subprocess.run(["sh", str(install), str(tmp_path)], capture_output=True, text=True)
    assert wrong.returncode == 2
    assert "has no layouts/ folder" in wrong.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written

    (tmp_path / "layouts").mkdir()
    done = subprocess.run(["sh", str(install), str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert '{{ partial "authorbot/fix-panel.html" . }}' in done.stdout
    static = REPO / "bot" / "page" / "static"
    for name in ("fix-assignments.js", "fix-panel.css"):
        assert (tmp_path / "assets/authorbot" / name).read_bytes() == (static / name).read_bytes()
    assert (tmp_path / "assets/authorbot/settings.json").read_text("utf-8") == (
        drop_in_settings_text()
    )
    partials = sorted(p.name for p in (tmp_path / "layouts/partials/authorbot").iterdir())
    assert partials == sorted(p.name for p in (REPO / "site/layouts/partials/authorbot").iterdir())
