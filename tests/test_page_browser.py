"""The author page's panel in a real headless browser (Debian's chromium, driven by
Playwright), on both pages that carry it: authorbot's own page (Flask) and a page
built by Debian's `hugo` from a site shaped like the Anthology's, with the drop-in
of site/ installed by `site/install.sh` (tests/hugo_site.py). Every test runs on
both (`[flask]`, `[hugo]`).

What a person does: open the panel, tick papers, choose whom they belong to (a
namesake, another page by ID or address, a new page), type a bad ORCID iD and see
the error, fix it, press Submit. GitHub is never reached: the new-issue URL is
caught on its way out, rendered into an issue body the way GitHub renders our form,
parsed, and planned by the engine against the same data, which must be ready.

The sites are built from the people.yaml sample (with a few test papers added); the
people.json sample gets both sites too, and a request of each target kind from them.

Set AUTHORBOT_PAGE_SCREENSHOT=docs/page.png and AUTHORBOT_HUGO_SCREENSHOT=
docs/hugo-panel.png to (re)write the docs' screenshots (with a CJK font installed,
e.g. Debian's fonts-wqy-microhei, or the sample's Chinese titles show as boxes).
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest

from bot.anthology.index import DataIndex
from bot.anthology.orcid import checksum_char, is_valid_orcid
from bot.engine.api import plan_issue
from bot.engine.parse import OUR_FORM_PATH, parse_issue, render_issue_form_body, render_issue_title
from bot.engine.parse.links import page_id_from_url
from bot.engine.plan import Plan
from bot.engine.request import FixRequest, NameValue, Target
from bot.page.form import IssueFormConfig, page_settings, plain_issue_url
from bot.page.view import build_page_view
from tests.conftest import REPO, SAMPLE_JSON_ROOT, SAMPLE_ROOT
from tests.hugo_site import BOOTSTRAP_CSS, HUGO, StaticSite, build_hugo_site

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Nothing but the local servers resolves: a stray external request fails at once.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
NEW_ISSUE = "https://github.com/acl-org/acl-anthology/issues/new"
FIELD_IDS = ["author-page", "papers", "target", "orcid", "institution", "name", "notes"]
TEMPLATE_LABELS = ["authorbot", "fix-paper-assignments"]
BULK_PAPERS = 600  # by Bulk Author in 2099: too many for one link
BULK_2098 = 150  # by Bulk Author in 2098: they fit, long notes beside them do not
SCRIPT = REPO / "bot" / "page" / "static" / "fix-assignments.js"
STYLE = REPO / "bot" / "page" / "static" / "fix-panel.css"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium is missing (apt-get install chromium; .ci/run does it)",
    ),
]


# -------------------------------------------------------------------- the data


def _bulk_collection(collection: str, year: int, count: int) -> str:
    """A collection of `count` papers by one author, `Bulk Author`."""
    papers = "".join(
        f"""    <paper id="{n}">
      <title>Bulk paper number {n} of {year}</title>
      <author><first>Bulk</first><last>Author</last></author>
      <url hash="00000000">{collection}-1.{n}</url>
      <bibkey>author-{year}-bulk-{n}</bibkey>
    </paper>
"""
        for n in range(1, count + 1)
    )
    return f"""<?xml version='1.0' encoding='UTF-8'?>
<collection id="{collection}">
  <volume id="1" ingest-date="{year}-01-01" type="proceedings">
    <meta>
      <booktitle>Proceedings of the Bulk Workshop {year}</booktitle>
      <year>{year}</year>
      <venue>bulk</venue>
    </meta>
{papers}  </volume>
</collection>
"""


# "Wang Zheng" (family name first, an unverified page) beside a verified "Zheng Wang".
NAMES_COLLECTION = """<?xml version='1.0' encoding='UTF-8'?>
<collection id="2099.names">
  <volume id="1" ingest-date="2099-01-01" type="proceedings">
    <meta>
      <booktitle>Proceedings of the Name Order Workshop</booktitle>
      <year>2099</year>
      <venue>names</venue>
    </meta>
    <paper id="1">
      <title>Family Names First in Author Lists</title>
      <author><first>Wang</first><last>Zheng</last></author>
      <author><first>Ada</first><last>Quill</last></author>
      <url hash="00000000">2099.names-1.1</url>
      <bibkey>zheng-2099-family</bibkey>
    </paper>
    <paper id="2">
      <title>Given Names First in Author Lists</title>
      <author id="zheng-wang-ntu"><first>Zheng</first><last>Wang</last></author>
      <url hash="00000000">2099.names-1.2</url>
      <bibkey>wang-2099-given</bibkey>
    </paper>
  </volume>
</collection>
"""
ZHENG_WANG = """zheng-wang-ntu:
  comment: Nanyang Technological University
  names:
  - {first: Zheng, last: Wang}
"""


@pytest.fixture(scope="module")
def data_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample data, plus Bulk Author's 750 papers and the name-order pair."""
    root = tmp_path_factory.mktemp("pages-data")
    shutil.copytree(SAMPLE_ROOT / "data", root / "data")
    xml = root / "data" / "xml"
    (xml / "2099.bulk.xml").write_text(_bulk_collection("2099.bulk", 2099, BULK_PAPERS), "utf-8")
    (xml / "2098.bulk.xml").write_text(_bulk_collection("2098.bulk", 2098, BULK_2098), "utf-8")
    (xml / "2099.names.xml").write_text(NAMES_COLLECTION, "utf-8")
    people = root / "data" / "yaml" / "people.yaml"
    text = people.read_text("utf-8")
    at = text.index("\nzheng-zhang:\n") + 1  # people.yaml is sorted by ID
    people.write_text(text[:at] + ZHENG_WANG + text[at:], "utf-8")
    return root


@pytest.fixture(scope="module")
def data_index(data_root: Path) -> DataIndex:
    """The data the pages show, for planning what they file (never applied)."""
    return DataIndex.load(data_root)


@pytest.fixture(scope="module")
def flask_base(data_root: Path) -> Iterator[str]:
    """authorbot's own author pages, served by Flask on loopback."""
    from werkzeug.serving import make_server

    from webhooks.pages import create_page_app

    server = make_server("127.0.0.1", 0, create_page_app(data_root), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def hugo_base(data_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The Anthology-shaped Hugo site with the drop-in, built and served on loopback."""
    if not HUGO.exists():
        pytest.skip("/usr/bin/hugo is missing (apt-get install hugo; .ci/run does it)")
    if not BOOTSTRAP_CSS.exists():
        pytest.skip(
            f"{BOOTSTRAP_CSS} is missing (apt-get install libjs-bootstrap5; .ci/run does it)"
        )
    public = build_hugo_site(data_root, tmp_path_factory.mktemp("hugo"))
    site = StaticSite(public)
    yield site.base
    site.close()


@pytest.fixture(params=["flask", "hugo"])
def site(request: pytest.FixtureRequest) -> str:
    """The base URL of one of the two sites (each test runs on both)."""
    return request.getfixturevalue(f"{request.param}_base")


# ------------------------------------------------------------- the browser


@pytest.fixture(scope="module")
def playwright() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    driver = sync_playwright().start()
    yield driver
    driver.stop()


@pytest.fixture(scope="module")
def browser(playwright: Any) -> Iterator[Any]:
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


class Session:
    """A browser context whose requests to GitHub are caught (answered by a stub, never
    sent) and whose every request is recorded."""

    def __init__(self, browser: Any, base: str, **options: Any) -> None:
        self.base = base
        self.context = browser.new_context(**options)
        self.github_urls: list[str] = []
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.context.route("https://github.com/**", self._catch)
        self.context.set_default_timeout(15000)  # the machine may be busy
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _catch(self, route: Any) -> None:
        self.github_urls.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>stub</title>stub")

    def open(self, page_id: str, *, panel: bool = True) -> Any:
        """Load an author page and (by default) open the panel with its button."""
        self.page.goto(f"{self.base}/people/{page_id}/")
        if panel:
            self.page.get_by_role("button", name="Fix paper assignments").click()
        return self.page

    def submit_and_catch(self) -> str:
        """Press Submit; the URL of the GitHub tab it opens (caught)."""
        with self.context.expect_page() as opened:
            self.page.get_by_role("button", name="Submit").click()
        opened.value.wait_for_url("https://github.com/**")
        assert len(self.github_urls) == 1
        return self.github_urls[-1]

    def foreign_requests(self) -> list[str]:
        """Requests that went anywhere but the local servers or the caught GitHub."""
        return [
            url
            for url in self.requests
            if not url.startswith(("http://127.0.0.1:", "https://github.com/", "data:", "about:"))
        ]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session(browser: Any, site: str) -> Iterator[Session]:
    made = Session(browser, site, viewport={"width": 1280, "height": 900})
    yield made
    assert made.errors == []
    made.close()


@pytest.fixture
def phone(browser: Any, site: str) -> Iterator[Session]:
    made = Session(browser, site, viewport={"width": 390, "height": 844}, has_touch=True)
    yield made
    assert made.errors == []
    made.close()


# --------------------------------------------------------------------- helpers


def query_of(url: str) -> dict[str, str]:
    """The query parameters of a new-issue URL, in order, each once."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == NEW_ISSUE
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    assert len({key for key, _ in pairs}) == len(pairs), "a parameter given twice"
    return dict(pairs)


def issue_of(query: dict[str, str]) -> dict[str, Any]:
    """The issue GitHub makes of these query parameters: the body rendered from the
    form, the title, the template's labels."""
    values = {key: query[key] for key in FIELD_IDS if key in query}
    return {
        "number": 1,
        "title": query["title"],
        "body": render_issue_form_body(OUR_FORM_PATH, values),
        "labels": [{"name": name} for name in TEMPLATE_LABELS],
    }


def file_issue(query: dict[str, str]) -> FixRequest:
    """What the bot reads from the issue GitHub makes of these query parameters."""
    return parse_issue(issue_of(query))


def plan_of(query: dict[str, str], index: DataIndex) -> Plan:
    """What the engine plans for that issue."""
    return plan_issue(index, issue_of(query))


def assert_ready(plan: Plan, papers: list[str], target: str | None) -> None:
    """The plan is ready, moves exactly these papers, to this person (None: a new one)."""
    assert plan.status == "ready", [p.message for p in plan.problems]
    assert sorted({move.occurrence.item for move in plan.moves}) == sorted(papers)
    assert plan.target is not None
    if target is None:
        assert plan.target_is_new
    else:
        assert (plan.target.id, plan.target_is_new) == (target, False)


def checked_papers(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "input.paper-check:checked", "boxes => boxes.map(box => box.value)"
    )


def settings_of(page: Any) -> dict[str, Any]:
    return page.evaluate("() => JSON.parse(document.getElementById('fix-settings').textContent)")


def orcid_field(page: Any) -> Any:
    return page.get_by_label(re.compile(r"^ORCID iD"))


def rect(page: Any, selector: str) -> dict[str, float]:
    return page.eval_on_selector(
        selector,
        "el => { const r = el.getBoundingClientRect();"
        " return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,"
        " width: r.width, height: r.height}; }",
    )


def in_view(page: Any, selector: str) -> bool:
    """True when the whole element is inside the viewport and inside every element
    around it that clips (a scrolling panel)."""
    return page.eval_on_selector(
        selector,
        """el => {
             const r = el.getBoundingClientRect();
             if (r.height === 0 || r.top < 0 || r.bottom > innerHeight) return false;
             for (let box = el.parentElement; box; box = box.parentElement) {
               const o = getComputedStyle(box).overflowY;
               if (o === 'auto' || o === 'scroll' || o === 'hidden') {
                 const b = box.getBoundingClientRect();
                 if (r.top < b.top - 1 || r.bottom > b.bottom + 1) return false;
               }
             }
             return true;
           }""",
    )


# ------------------------------------------------------- the round trips, ready


def test_new_page_request_round_trips(session: Session, data_index: DataIndex) -> None:
    page = session.open("yang-liu/unverified", panel=False)
    checkbox = page.locator('input.paper-check[value="2024.ccl-1.96"]')
    assert not checkbox.is_visible()  # no checkboxes until the panel is open
    page.get_by_role("button", name="Fix paper assignments").click()
    assert page.locator("#fix-panel").is_visible()
    submit = page.get_by_role("button", name="Submit")
    assert submit.is_disabled()
    assert page.locator("#fix-missing").inner_text() == (
        "To submit, select at least one paper; choose whom the papers belong to."
    )

    page.get_by_role("checkbox", name=re.compile(r"^Select Cost-efficient Crowdsourcing")).check()
    page.locator('input.paper-check[value="2025.finnlp-2.26"]').check()
    assert page.locator("#fix-count").inner_text() == "2 papers selected."
    page.get_by_label("A new author page").check()
    assert submit.is_disabled()
    assert page.locator("#fix-missing").inner_text() == (
        "To submit, give an ORCID iD; give the institution of the highest degree."
    )

    orcid = orcid_field(page)
    orcid.press_sequentially("0000-0003-1415-9268")  # the check character is wrong
    message = page.locator("#fix-orcid-message")
    assert message.inner_text() == (
        "This ORCID iD is not valid: its last character does not match the others. "
        "Please check it for a typo."
    )
    assert orcid.get_attribute("aria-invalid") == "true"
    assert submit.is_disabled()

    orcid.fill("0000-0002-1825-0097")  # the form's example, which the engine ignores
    assert message.inner_text() == (
        "This is the example iD shown on the form, not yours: please give your own."
    )
    assert submit.is_disabled()
    orcid.fill("0000-0003-0435-2604")  # a listed namesake's iD: not a new page then
    assert message.inner_text() == (
        "This ORCID iD belongs to yang-janet-liu: choose that page above instead of a new one."
    )
    assert submit.is_disabled()
    orcid.fill("https://orcid.org/0000-0003-1415-9269")
    assert message.inner_text() == "Valid ORCID iD: 0000-0003-1415-9269"
    assert orcid.get_attribute("aria-invalid") == "false"
    assert submit.is_disabled()
    assert page.locator("#fix-missing").inner_text() == (
        "To submit, give the institution of the highest degree."
    )
    page.get_by_label(re.compile(r"^Institution of highest")).fill("University of Edinburgh")
    page.get_by_label(re.compile(r"^Preferred name")).fill("Yang Liu")
    page.get_by_label(re.compile(r"^Notes for the maintainers")).fill("Two of these are mine.")
    assert submit.is_enabled()

    url = session.submit_and_catch()
    query = query_of(url)
    assert list(query) == ["template", "title", *FIELD_IDS]
    assert query == {
        "template": "fix-paper-assignments.yml",
        "title": "Fix paper assignments: yang-liu/unverified",
        "author-page": "https://aclanthology.org/people/yang-liu/unverified/",
        "papers": "2025.finnlp-2.26\n2024.ccl-1.96",
        "target": "new",
        "orcid": "0000-0003-1415-9269",
        "institution": "University of Edinburgh",
        "name": "Yang Liu",
        "notes": "Two of these are mine.",
    }
    assert query["title"] == render_issue_title(OUR_FORM_PATH, "yang-liu/unverified")

    request = file_issue(query)
    assert request.form == "authorbot"
    assert [p.id for p in request.pages] == ["yang-liu/unverified"]
    assert [(p.kind, p.value) for p in request.papers] == [
        ("anthology-id", "2025.finnlp-2.26"),
        ("anthology-id", "2024.ccl-1.96"),
    ]
    assert request.target == Target(new=True)
    assert (request.orcid, request.degree) == ("0000-0003-1415-9269", "University of Edinburgh")
    assert request.preferred_name == NameValue("Yang", "Liu")
    assert request.notes == "Two of these are mine."
    # The page cannot tick the confirmation box: the person does, on GitHub.
    assert [w.code for w in request.warnings] == ["not-confirmed"]
    assert_ready(plan_of(query, data_index), ["2025.finnlp-2.26", "2024.ccl-1.96"], None)

    assert page.locator("#fix-result").is_visible()
    assert page.locator("#fix-result-text").inner_text().startswith("GitHub's form opened")
    assert page.locator("#fix-result-link").get_attribute("href") == url
    assert session.foreign_requests() == []


def test_existing_namesake_with_a_year_ticked_round_trips(
    session: Session, data_index: DataIndex
) -> None:
    page = session.open("wei-wang/unverified")
    page.get_by_role("checkbox", name="Select all papers of 2024").check()
    assert checked_papers(page) == ["2024.ccl-1.42", "2024.ccl-3.37", "2024.wassa-1.45"]
    page.locator('input.paper-check[value="2025.knowllm-1.3"]').check()
    year_2025 = page.get_by_role("checkbox", name="Select all papers of 2025")
    assert year_2025.evaluate("box => [box.checked, box.indeterminate]") == [False, True]
    page.get_by_role("radio", name=re.compile(r"wei-wang-2396")).check()

    submit = page.get_by_role("button", name="Submit")
    assert submit.is_enabled()  # for an existing page the ORCID iD is optional...
    orcid = orcid_field(page)
    orcid.fill("0000-0002-1568-239")
    assert submit.is_disabled()  # ...but must be valid when given
    orcid.blur()
    assert page.locator("#fix-orcid-message").inner_text().startswith("This ORCID iD is incomplete")
    orcid.fill("0000-0002-1568-2396")  # theirs: fine
    assert page.locator("#fix-orcid-message").inner_text() == "Valid ORCID iD: 0000-0002-1568-2396"
    assert submit.is_enabled()
    orcid.fill("")
    assert submit.is_enabled()

    query = query_of(session.submit_and_catch())
    papers = ["2025.knowllm-1.3", "2024.ccl-1.42", "2024.ccl-3.37", "2024.wassa-1.45"]
    assert query["papers"] == "\n".join(papers)
    assert (query["target"], query["orcid"], query["institution"]) == ("wei-wang-2396", "", "")
    request = file_issue(query)
    assert [p.id for p in request.pages] == ["wei-wang/unverified"]
    assert [p.value for p in request.papers] == papers
    assert request.target == Target("wei-wang-2396")
    assert (request.orcid, request.degree, request.preferred_name) == (None, None, None)
    assert_ready(plan_of(query, data_index), papers, "wei-wang-2396")


def test_another_existing_page_named_by_its_id_or_address_round_trips(
    session: Session, data_index: DataIndex
) -> None:
    page = session.open("yang-liu/unverified")
    page.locator('input.paper-check[value="2024.ccl-1.3"]').check()
    page.get_by_role("radio", name=re.compile(r"^Another existing author page")).check()
    where = page.get_by_label("ID or address of the author page")
    message = page.locator("#fix-other-message")
    submit = page.get_by_role("button", name="Submit")
    assert submit.is_disabled()
    assert page.locator("#fix-missing").inner_text() == (
        "To submit, give the ID or address of the author page."
    )
    for typed, said in [
        (
            "https://aclanthology.org/people/jin-liu/unverified/",
            "jin-liu/unverified is an unverified page: papers can be assigned to a verified "
            "author page (an ID like jin-liu-4161) or to a new one.",
        ),
        (
            "https://aclanthology.org/2024.ccl-1.3/",
            "This address is not an author page: author pages look like "
            "https://aclanthology.org/people/jin-liu-4161/.",
        ),
        (
            "Yang Liu",
            "This is neither an author page ID nor its address: IDs look like jin-liu-4161, "
            "addresses like https://aclanthology.org/people/jin-liu-4161/.",
        ),
        (
            "https://aclanthology.org/people/yang-liu/unverified",
            "yang-liu/unverified is an unverified page: papers can be assigned to a verified "
            "author page (an ID like jin-liu-4161) or to a new one.",
        ),
    ]:
        where.fill(typed)
        assert message.inner_text() == said, typed
        assert where.get_attribute("aria-invalid") == "true"
        assert submit.is_disabled()
    where.fill("http://www.aclanthology.org/people/y/yang-liu-umich")
    assert message.inner_text() == (
        "The papers go to yang-liu-umich (authorbot checks that this author page exists)."
    )
    link = page.locator("#fix-target-link")
    assert link.inner_text() == "Open the author page of yang-liu-umich (new tab)"
    assert link.get_attribute("href") == "/people/yang-liu-umich/"
    assert submit.is_enabled()
    # An ORCID iD the page knows belongs to someone else is caught for a typed page too.
    orcid_field(page).fill("0000-0003-0435-2604")
    assert page.locator("#fix-orcid-message").inner_text() == (
        "This ORCID iD belongs to yang-janet-liu, not to yang-liu-umich: choose "
        "yang-janet-liu or correct the iD."
    )
    assert submit.is_disabled()
    orcid_field(page).fill("")
    # The bare ID, as the person may copy it from the other page's address, goes too.
    where.fill(" yang-liu-umich ")
    assert message.inner_text() == (
        "The papers go to yang-liu-umich (authorbot checks that this author page exists)."
    )
    assert submit.is_enabled()

    query = query_of(session.submit_and_catch())
    assert (query["papers"], query["target"]) == ("2024.ccl-1.3", "yang-liu-umich")
    assert file_issue(query).target == Target("yang-liu-umich")
    assert_ready(plan_of(query, data_index), ["2024.ccl-1.3"], "yang-liu-umich")


def test_papers_that_are_not_this_persons_leave_a_verified_page(
    session: Session, data_index: DataIndex
) -> None:
    page = session.open("yang-liu-ict")
    legend = page.locator("#fix-panel legend").inner_text()
    assert legend == (
        "2. Whose papers are they? They leave Yang Liu\u2019s page for the author you choose."
    )
    page.locator('input.paper-check[value="D08-1010"]').check()
    page.get_by_role("radio", name="Not Yang Liu\u2019s, and I do not know whose").check()
    note = page.locator("#fix-unknown-note")
    assert note.is_visible()
    assert "authorbot can move papers only to a person" in note.inner_text()
    maintainers = page.get_by_role("link", name=re.compile(r"^Tell the maintainers"))
    assert maintainers.get_attribute("href") == (
        "https://github.com/acl-org/acl-anthology/issues/new?template=02-name-correction.yml"
        "&title=Author+Page%3A+yang-liu-ict"
    )
    assert not orcid_field(page).is_visible()  # nothing to say about an unknown author
    assert page.get_by_role("button", name="Submit").is_disabled()
    assert page.locator("#fix-missing").inner_text() == (
        "To submit, choose whom the papers belong to (authorbot needs an author to move them to)."
    )
    # The papers' real author has no page yet: a new one, with their iD.
    page.get_by_label("A new author page").check()
    assert not note.is_visible()
    orcid_field(page).fill("0000-0003-1415-9269")
    page.get_by_label(re.compile(r"^Institution of highest")).fill("Peking University")
    query = query_of(session.submit_and_catch())
    assert (query["author-page"], query["papers"], query["target"]) == (
        "https://aclanthology.org/people/yang-liu-ict/",
        "D08-1010",
        "new",
    )
    plan = plan_of(query, data_index)
    assert_ready(plan, ["D08-1010"], None)
    assert plan.sources == ["yang-liu-ict"]


def test_swapped_name_order_namesake_is_offered_and_round_trips(
    session: Session, data_index: DataIndex
) -> None:
    page = session.open("wang-zheng/unverified")
    radio = page.get_by_role("radio", name=re.compile(r"zheng-wang-ntu"))
    row = page.locator(".abfix-target", has=page.locator("#" + radio.get_attribute("id")))
    assert "name in the other order" in row.inner_text()
    assert "Nanyang Technological University" in row.inner_text()
    page.locator('input.paper-check[value="2099.names-1.1"]').check()
    radio.check()
    query = query_of(session.submit_and_catch())
    assert query["target"] == "zheng-wang-ntu"
    assert_ready(plan_of(query, data_index), ["2099.names-1.1"], "zheng-wang-ntu")


# ---------------------------------------------------------- the rough edges


def test_orcid_of_a_different_person_than_the_chosen_page_is_caught(session: Session) -> None:
    page = session.open("wei-wang/unverified")
    page.locator('input.paper-check[value="2024.ccl-1.42"]').check()
    page.get_by_role("radio", name=re.compile(r"wei-wang-2396")).check()
    submit = page.get_by_role("button", name="Submit")
    assert submit.is_enabled()
    orcid_field(page).fill("0000-0003-1415-9269")  # valid, but not wei-wang-2396's
    assert page.locator("#fix-orcid-message").inner_text() == (
        "wei-wang-2396 has the ORCID iD 0000-0002-1568-2396, not 0000-0003-1415-9269. If the "
        "papers are by someone else, choose that person's page or a new page; otherwise "
        "correct the iD, or leave it empty."
    )
    assert orcid_field(page).get_attribute("aria-invalid") == "true"
    assert submit.is_disabled()
    assert page.locator("#fix-missing").inner_text() == (
        "To submit, correct the ORCID iD or choose another author."
    )
    # The same iD with a new page is a request authorbot can do.
    page.get_by_label("A new author page").check()
    assert page.locator("#fix-orcid-message").inner_text() == "Valid ORCID iD: 0000-0003-1415-9269"


def test_namesakes_tell_people_apart_with_one_tab_stop_each(session: Session) -> None:
    page = session.open("yang-liu/unverified")
    rows = page.locator("#fix-targets .abfix-target:has(input[data-kind='person'])")
    assert rows.count() == 23
    page.get_by_role("button", name=re.compile(r"^Show 18 more people")).click()
    ict = page.locator(".abfix-target", has=page.locator("input[value='yang-liu-ict']"))
    text = ict.inner_text()
    assert "2007\u20132020 \u00b7 4 papers" in text  # years active and paper count
    assert "ICT, Tsinghua" in text  # the comment (institutions)
    assert "Latest: Proceedings of the First Workshop on Automatic Simultaneous Translation" in text
    janet = page.locator(".abfix-target", has=page.locator("input[value='yang-janet-liu']"))
    assert "ORCID 0000-0003-0435-2604" in janet.inner_text()
    assert "Georgetown University" in janet.inner_text()
    # One focusable element per namesake (its radio button), and the radio buttons
    # are one group: one tab stop for the whole list.
    focusable = page.eval_on_selector_all(
        "#fix-targets .abfix-target:has(input[data-kind='person'])",
        "rows => rows.map(row => row.querySelectorAll("
        "'a[href], button, input, select, textarea, [tabindex]').length)",
    )
    assert focusable == [1] * 23
    # No scroll area inside the panel.
    scrollers = page.eval_on_selector_all(
        "#fix-panel *",
        "els => els.filter(el => el.tagName !== 'TEXTAREA'"
        " && ['auto', 'scroll'].includes(getComputedStyle(el).overflowY))"
        ".map(el => el.id || el.className)",
    )
    assert scrollers == []


def test_open_button_hides_while_the_panel_is_open(session: Session) -> None:
    page = session.open("wei-wang/unverified", panel=False)
    page.get_by_role("button", name="Fix paper assignments").click()
    assert page.locator("#fix-panel").is_visible()
    assert not page.locator("#fix-open").is_visible()
    page.get_by_role("button", name="Cancel").click()
    assert page.locator("#fix-open").is_visible()


def test_escape_closes_the_panel_and_keeps_the_choices(session: Session) -> None:
    page = session.open("wei-wang/unverified")
    page.locator('input.paper-check[value="2024.ccl-1.42"]').check()
    page.get_by_label(re.compile(r"^Institution of highest")).fill("Tsinghua")
    page.keyboard.press("Escape")
    assert not page.locator("#fix-panel").is_visible()
    opener = page.get_by_role("button", name="Fix paper assignments")
    assert opener.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.id") == "fix-open"
    assert not page.locator("input.paper-check").first.is_visible()
    # Escape keeps what was chosen (Cancel clears it).
    opener.click()
    assert checked_papers(page) == ["2024.ccl-1.42"]
    assert page.get_by_label(re.compile(r"^Institution of highest")).input_value() == "Tsinghua"


def test_cancel_clears_the_selection_and_closes_the_panel(session: Session) -> None:
    page = session.open("wei-wang/unverified")
    page.get_by_role("checkbox", name="Select all papers of 2025").check()
    page.locator('input.paper-check[value="2024.ccl-1.42"]').check()
    page.get_by_label("A new author page").check()
    orcid_field(page).fill("0000-0003-1415-9269")
    assert len(checked_papers(page)) == 3

    page.get_by_role("button", name="Cancel").click()
    assert not page.locator("#fix-panel").is_visible()
    assert checked_papers(page) == []
    assert page.eval_on_selector_all("input[name='target']:checked", "r => r.length") == 0
    assert orcid_field(page).input_value() == ""
    opener = page.get_by_role("button", name="Fix paper assignments")
    assert opener.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.id") == "fix-open"
    assert not page.locator("input.paper-check").first.is_visible()

    opener.click()
    assert page.locator("#fix-count").inner_text() == "No paper selected."
    assert page.get_by_role("button", name="Submit").is_disabled()
    assert session.github_urls == []


def test_check_targets_are_at_least_24_pixels(session: Session) -> None:
    page = session.open("wei-wang/unverified")
    sizes = page.eval_on_selector_all(
        "input.paper-check, input.year-check, #fix-panel input[type=radio]",
        "boxes => boxes.map(b => { const r = b.getBoundingClientRect();"
        " return [b.value || b.dataset.year, Math.min(r.width, r.height)]; })",
    )
    assert [name for name, size in sizes if size < 24] == []
    assert len(sizes) == 5 + 2 + 4 + 2  # papers, years, namesakes, other and new


def test_confirmation_is_in_view_after_submit(session: Session) -> None:
    page = session.open("yang-liu/unverified")
    page.locator('input.paper-check[value="2024.ccl-1.3"]').check()
    page.get_by_role("radio", name=re.compile(r"yang-liu-icsi")).check()
    page.get_by_label(re.compile(r"^Notes for the maintainers")).fill("One paper of mine.")
    session.submit_and_catch()
    assert page.locator("#fix-result").is_visible()
    assert in_view(page, "#fix-result")
    assert in_view(page, "#fix-result-link")


def test_a_blocked_tab_is_noticed(playwright: Any, site: str) -> None:
    """With Chromium's popup blocker on (Playwright turns it off by default), a new
    tab needs a user's action, and one action opens one tab: a Submit whose action
    another tab already used is blocked, and the page must say so."""
    strict = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=CHROMIUM_ARGS,
        ignore_default_args=["--disable-popup-blocking"],
    )
    try:
        made = Session(strict, site, viewport={"width": 1280, "height": 900})
        page = made.open("wei-wang/unverified")
        page.locator('input.paper-check[value="2024.ccl-1.42"]').check()
        page.get_by_role("radio", name=re.compile(r"wei-wang-2396")).check()
        page.evaluate(
            "() => { const other = window.open('about:blank'); if (other) other.close();"
            " document.getElementById('fix-form').requestSubmit(); }"
        )
        assert (
            page.locator("#fix-result")
            .inner_text()
            .startswith(
                "Your browser blocked the new tab, so GitHub's form did not open. Nothing is "
                "lost: open it with this link."
            )
        )
        assert in_view(page, "#fix-result")
        link = page.locator("#fix-result-link")
        assert page.evaluate("document.activeElement.id") == "fix-result-link"
        assert made.github_urls == []
        # The person's own click on the link opens the form.
        with made.context.expect_page() as opened:
            link.click()
        opened.value.wait_for_url("https://github.com/**")
        assert query_of(made.github_urls[-1])["target"] == "wei-wang-2396"
        assert made.errors == []
    finally:
        strict.close()


def test_too_long_selection_offers_the_text_and_opens_what_fits(session: Session) -> None:
    session.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = session.open("bulk-author/unverified")
    page.get_by_role("checkbox", name="Select all papers of 2099").check()
    selected = checked_papers(page)
    assert len(selected) == BULK_PAPERS
    page.get_by_label("A new author page").check()
    orcid_field(page).fill("0000-0002-1694-233X")
    page.get_by_label(re.compile(r"^Institution of highest")).fill("Universität Stuttgart")
    page.get_by_role("button", name="Submit").click()

    notice = page.locator("#fix-toolong")
    assert notice.is_visible()
    assert in_view(page, "#fix-toolong-heading")
    assert session.github_urls == []  # nothing opens before the person has the text
    text = page.locator("#fix-toolong-text").inner_text()
    match = re.fullmatch(
        rf"Your selection of {BULK_PAPERS} papers is too long to pass to GitHub in one link\. "
        r"GitHub's form will open with the first (\d+)\.",
        text,
    )
    assert match, text
    included = int(match.group(1))

    # The text to paste is the whole request, as GitHub would render it.
    full_values = {
        "author-page": "https://aclanthology.org/people/bulk-author/unverified/",
        "papers": "\n".join(selected),
        "target": "new",
        "orcid": "0000-0002-1694-233X",
        "institution": "Universität Stuttgart",
    }
    body = page.locator("#fix-toolong-body").input_value()
    assert body == render_issue_form_body(OUR_FORM_PATH, full_values)
    pasted = parse_issue({"title": "Fix paper assignments: bulk-author/unverified", "body": body})
    assert [p.value for p in pasted.papers] == selected
    assert (pasted.target, pasted.orcid) == (Target(new=True), "0000-0002-1694-233X")
    page.get_by_role("button", name="Copy the text").click()
    page.wait_for_function("document.getElementById('fix-copy-status').textContent !== ''")
    assert page.locator("#fix-copy-status").inner_text() == "Copied."
    assert page.evaluate("navigator.clipboard.readText()") == body

    with session.context.expect_page() as opened:
        page.get_by_role(
            "link", name=f"Open GitHub's form (with {included} of {BULK_PAPERS} papers)"
        ).click()
    opened.value.wait_for_url("https://github.com/**")
    (url,) = session.github_urls
    assert 7000 < len(url) <= 8000
    query = query_of(url)
    assert query["papers"].split("\n") == selected[:included]
    assert query["notes"] == (
        f"The author page could pass only the first {included} of the {BULK_PAPERS} selected "
        "papers to this form (the link would have been too long). It offered the complete "
        "request as text: edit this issue and replace its text with it."
    )
    # The most that fit: one paper more would not.
    one_more = page.evaluate(
        """([papers, n, total]) => {
             const s = JSON.parse(document.getElementById('fix-settings').textContent);
             const note = 'The author page could pass only the first ' + (n + 1) + ' of the '
               + total + ' selected papers to this form (the link would have been too long). '
               + 'It offered the complete request as text: edit this issue and replace its '
               + 'text with it.';
             return AuthorbotFix.buildIssueUrl(s, {
               'author-page': s.authorPage, papers: papers.slice(0, n + 1).join('\\n'),
               target: 'new', orcid: '0000-0002-1694-233X',
               institution: 'Universität Stuttgart', name: '', notes: note}).length;
           }""",
        [selected, included, BULK_PAPERS],
    )
    assert one_more > 8000
    request = file_issue(query)
    assert [p.value for p in request.papers] == selected[:included]
    assert (request.target, request.orcid, request.degree) == (
        Target(new=True),
        "0000-0002-1694-233X",
        "Universität Stuttgart",
    )


def test_long_notes_are_cut_before_any_paper_is_left_out(session: Session) -> None:
    page = session.open("bulk-author/unverified")
    page.get_by_role("checkbox", name="Select all papers of 2098").check()
    selected = checked_papers(page)
    assert len(selected) == BULK_2098
    page.get_by_label("A new author page").check()
    orcid_field(page).fill("0000-0002-1694-233X")
    page.get_by_label(re.compile(r"^Institution of highest")).fill("Universität Stuttgart")
    # About 5,400 characters once in a URL: they fit alone, not beside the papers.
    notes = (("Notiz über Prüfungen: " + "ü" * 150 + "\n") * 6)[:1000]
    page.get_by_label(re.compile(r"^Notes for the maintainers")).fill(notes)
    page.get_by_role("button", name="Submit").click()
    assert page.locator("#fix-toolong-text").inner_text() == (
        f"Your notes are too long to pass to GitHub in one link. GitHub's form will open "
        f"with all {BULK_2098} papers and the notes cut short."
    )
    body = page.locator("#fix-toolong-body").input_value()
    assert notes.strip() in body  # the complete request keeps every word
    with session.context.expect_page() as opened:
        page.get_by_role("link", name="Open GitHub's form (notes cut short)").click()
    opened.value.wait_for_url("https://github.com/**")
    (url,) = session.github_urls
    assert len(url) <= 8000
    query = query_of(url)
    assert query["papers"].split("\n") == selected  # every paper
    kept, _, note = query["notes"].partition(" [\u2026]\n\n")
    assert kept and notes.startswith(kept)
    assert note.startswith("The author page had to cut these notes short")
    # The notes were cut no shorter than needed: one more character would not fit.
    longer = page.evaluate(
        """([notes, papers]) => {
             const s = JSON.parse(document.getElementById('fix-settings').textContent);
             const values = {'author-page': s.authorPage, target: 'new',
               orcid: '0000-0002-1694-233X', institution: 'Universität Stuttgart', name: '',
               notes: notes};
             return AuthorbotFix.fitIssueUrl(s, values, papers);
           }""",
        [notes, selected],
    )
    assert (longer["included"], longer["total"], longer["notesCut"]) == (
        BULK_2098,
        BULK_2098,
        True,
    )
    assert longer["url"] == url


def test_script_helpers_agree_with_the_python_side(session: Session) -> None:
    page = session.open("yang-liu/unverified", panel=False)
    rng = random.Random(4)
    orcids = []
    for _ in range(300):
        first15 = "".join(rng.choice("0123456789") for _ in range(15))
        check = checksum_char(first15) if rng.random() < 0.5 else rng.choice("0123456789X")
        digits = first15 + check
        orcids.append("-".join(digits[i : i + 4] for i in range(0, 16, 4)))
    statuses = page.evaluate("ids => ids.map(id => AuthorbotFix.readOrcid(id).status)", orcids)
    assert statuses == ["ok" if is_valid_orcid(o) else "checksum" for o in orcids]
    assert "ok" in statuses and "checksum" in statuses
    written = {
        "https://orcid.org/0000-0002-1825-0097/": ["ok", "0000-0002-1825-0097"],
        " 0000 0002 1694 233x ": ["ok", "0000-0002-1694-233X"],
        "0000000218250097": ["ok", "0000-0002-1825-0097"],
        "0000-0002-1825": ["incomplete", None],
        "orcid please": ["shape", None],
        "0000-0002-1825-0097-1": ["shape", None],
        "": ["empty", None],
    }
    assert page.evaluate(
        "texts => texts.map(t => {"
        " const r = AuthorbotFix.readOrcid(t); return [r.status, r.orcid]; })",
        list(written),
    ) == list(written.values())
    assert page.evaluate(
        "() => AuthorbotFix.readOrcid('0000-0002-1825-0097', JSON.parse("
        "document.getElementById('fix-settings').textContent).exampleOrcids)"
    ) == {"status": "example", "orcid": "0000-0002-1825-0097"}

    # Author page addresses: the script reads them as the engine's parser does.
    addresses = [
        "https://aclanthology.org/people/jin-liu-4161/",
        "http://www.aclanthology.org/people/j/jin-liu/",
        "aclanthology.org/people/jin-liu/unverified",
        "https://aclanthology.org/people/Jin-Liu-4161?x=1#top",
        "https://www.aclweb.org/anthology/people/j/jin-liu/",
        "https://aclanthology.org/2024.emnlp-main.123/",
        "https://example.org/people/jin-liu/",
    ]
    read = page.evaluate("xs => xs.map(x => AuthorbotFix.readPageRef(x))", addresses)
    for address, got in zip(addresses, read, strict=True):
        expected = page_id_from_url(address)
        if expected is None:
            assert got["status"] == "not-a-page", address
        else:
            assert got["id"] == expected, address
            assert got["status"] == ("unverified" if "/" in expected else "ok"), address
    assert page.evaluate("AuthorbotFix.readPageRef(' jin-liu-4161 ')") == {
        "status": "ok",
        "id": "jin-liu-4161",
    }

    samples: list[dict[str, str]] = [
        {},
        {
            "author-page": "https://aclanthology.org/people/jin-liu/unverified/",
            "papers": "2024.emnlp-main.123\nP19-1001\n",
            "target": "  new ",
            "orcid": "",
            "institution": "Universität Stuttgart",
            "name": "刘 洋",
            "notes": "line 1\n\nline 3",
        },
        {"papers": "   ", "notes": "### not a heading\n- [X] not a box"},
    ]
    settings_fields = "JSON.parse(document.getElementById('fix-settings').textContent).fields"
    rendered = page.evaluate(
        f"samples => samples.map(v => AuthorbotFix.renderBody({settings_fields}, v))", samples
    )
    assert rendered == [render_issue_form_body(OUR_FORM_PATH, values) for values in samples]

    # The no-JavaScript link and the script's link agree on what both fill in.
    script_url = page.evaluate(
        "() => { const s = JSON.parse(document.getElementById('fix-settings').textContent);"
        " return AuthorbotFix.buildIssueUrl(s, {'author-page': s.authorPage}); }"
    )
    plain = plain_issue_url(IssueFormConfig(), "yang-liu/unverified")
    script_query = parse_qs(urlsplit(script_url).query)
    plain_query = parse_qs(urlsplit(plain).query)
    assert {k: script_query[k] for k in plain_query} == plain_query
    assert script_url.split("?")[0] == plain.split("?")[0] == NEW_ISSUE


def test_page_without_javascript_lists_the_papers(
    browser: Any, site: str, data_index: DataIndex
) -> None:
    offline = Session(
        browser, site, java_script_enabled=False, viewport={"width": 1000, "height": 800}
    )
    try:
        page = offline.open("wei-wang/unverified", panel=False)
        assert page.get_by_role("heading", name="Wei Wang").first.is_visible()
        view = build_page_view(data_index, "wei-wang/unverified")
        assert view is not None
        titles = [
            page.locator(f'a[href$="/{paper.id}/"]').first.inner_text() for paper in view.papers
        ]
        assert titles == [paper.title for paper in view.papers]
        assert len(titles) == 5
        assert not page.locator("#fix-open").is_visible()
        assert not page.locator("#fix-panel").is_visible()
        assert page.locator("input.paper-check").count() == 0
        link = page.get_by_role("link", name="our form on GitHub")
        assert link.is_visible()
        assert link.get_attribute("href") == plain_issue_url(
            IssueFormConfig(), "wei-wang/unverified"
        )
        assert offline.foreign_requests() == []
    finally:
        offline.close()


def test_phone_width_keyboard_and_labels(phone: Session) -> None:
    page = phone.open("yang-liu/unverified", panel=False)
    page.focus("#fix-open")
    page.keyboard.press("Enter")
    assert page.locator("#fix-panel").is_visible()
    assert page.evaluate("document.activeElement.id") == "fix-heading"
    page.focus('input.paper-check[value="2024.ccl-1.3"]')
    page.keyboard.press("Space")
    assert checked_papers(page) == ["2024.ccl-1.3"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll('input, textarea, button, select')]
             .filter(el => el.offsetParent !== null)
             .filter(el => !((el.labels && el.labels.length) || el.getAttribute('aria-label')
                             || (el.tagName === 'BUTTON' && el.textContent.trim())))
             .map(el => el.id || el.name)"""
    )
    assert unnamed == []


def test_phone_shows_there_are_more_namesakes(phone: Session) -> None:
    page = phone.open("yang-liu/unverified")
    shown = page.locator("#fix-targets input[data-kind='person']:visible")
    assert shown.count() == 5
    more = page.get_by_role("button", name=re.compile(r"^Show 18 more people with this name"))
    more.scroll_into_view_if_needed()
    assert more.is_visible()
    assert in_view(page, "#fix-more")
    more.click()
    assert shown.count() == 23
    # The most recently active first: yang-liu-ict and yang-liu-icsi (2020), then by ID.
    first = page.eval_on_selector_all(
        "#fix-targets input[data-kind='person']", "rs => rs.slice(0, 6).map(r => r.value)"
    )
    assert first == [
        "yang-liu-ict", "yang-liu-icsi", "yang-janet-liu", "yang-liu", "yang-liu-0146",
        "yang-liu-0745",
    ]  # fmt: skip
    assert page.evaluate("document.activeElement.value") == "yang-liu-0745"  # the 6th


def test_phone_bar_never_covers_the_panel(phone: Session) -> None:
    page = phone.open("yang-liu/unverified")
    page.locator('input.paper-check[value="2024.ccl-1.96"]').check()
    height = page.evaluate("document.documentElement.scrollHeight")
    seen_bar = False
    for y in range(0, height, 150):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)))")
        bar = page.locator("#fix-bar")
        if not bar.is_visible():
            continue
        seen_bar = True
        assert bar.inner_text().startswith("1 paper selected.")
        b, p = rect(page, "#fix-bar"), rect(page, "#fix-panel")
        overlap = min(b["bottom"], p["bottom"]) - max(b["top"], p["top"])
        assert overlap <= 0, f"the bar covers the panel at scroll {y}"
    assert seen_bar  # once the panel is out of view, the bar shows the count
    page.get_by_role("link", name="Back to the panel").click()
    assert page.evaluate("document.activeElement.id") == "fix-heading"


def test_screenshot(
    browser: Any, site: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """The page with a selection in progress (and an ORCID iD error showing)."""
    shot = Session(browser, site, viewport={"width": 1280, "height": 900})
    try:
        page = shot.open("yang-liu/unverified")
        page.locator('input.paper-check[value="2024.ccl-1.3"]').check()
        page.locator('input.paper-check[value="2024.ccl-1.96"]').check()
        page.get_by_label("A new author page").check()
        orcid_field(page).fill("0000-0003-1415-9268")
        page.get_by_label(re.compile(r"^Institution of highest")).fill("University of Edinburgh")
        page.evaluate(
            "document.activeElement.blur(); window.scrollTo(0, 0);"
            " document.getElementById('fix-panel').scrollTop = 0"
        )
        hugo = "hugo" in request.node.callspec.id
        wanted = os.environ.get(
            "AUTHORBOT_HUGO_SCREENSHOT" if hugo else "AUTHORBOT_PAGE_SCREENSHOT"
        )
        target = Path(wanted or tmp_path / "page.png")
        page.screenshot(path=str(target))
        assert target.stat().st_size > 10_000
        assert shot.errors == []
    finally:
        shot.close()


# ------------------------------------------------------ the people.json era


@pytest.fixture(scope="module")
def json_index() -> DataIndex:
    """The bundled sample in the people.json era (the same people as the YAML one)."""
    return DataIndex.load(SAMPLE_JSON_ROOT)


@pytest.fixture(scope="module")
def json_flask_base() -> Iterator[str]:
    """authorbot's own author pages on the people.json sample."""
    from werkzeug.serving import make_server

    from webhooks.pages import create_page_app

    server = make_server("127.0.0.1", 0, create_page_app(SAMPLE_JSON_ROOT), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def json_hugo_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The Hugo site with the drop-in, its data exported from the people.json sample."""
    if not HUGO.exists() or not BOOTSTRAP_CSS.exists():
        pytest.skip(f"{HUGO} or {BOOTSTRAP_CSS} is missing (.ci/run installs both)")
    site = StaticSite(build_hugo_site(SAMPLE_JSON_ROOT, tmp_path_factory.mktemp("hugo-json")))
    yield site.base
    site.close()


@pytest.fixture(params=["flask", "hugo"])
def json_site(request: pytest.FixtureRequest) -> str:
    """One of the two sites built on the people.json sample."""
    return request.getfixturevalue(f"json_{request.param}_base")


# One request per target kind: the page, the paper ticked, how the target is chosen
# (a namesake's ID, "other:<typed>", or "new"), and the person the papers go to.
JSON_ERA_REQUESTS = {
    "new page": ("yang-liu/unverified", "2024.ccl-1.96", "new", None),
    "namesake": ("wei-wang/unverified", "2024.ccl-1.42", "wei-wang-2396", "wei-wang-2396"),
    "another page by ID": (
        "yang-liu/unverified",
        "2024.ccl-1.3",
        "other:yang-liu-umich",
        "yang-liu-umich",
    ),
}


@pytest.mark.parametrize("kind", list(JSON_ERA_REQUESTS))
def test_people_json_era_pages_file_what_plans_ready(
    browser: Any, json_site: str, json_index: DataIndex, sample_index: DataIndex, kind: str
) -> None:
    """On pages built from the people.json sample, both sites show what the YAML
    sample's page would (the same settings), and the issue filed for each target kind
    plans ready against the people.json data."""
    page_id, paper, choice, target = JSON_ERA_REQUESTS[kind]
    made = Session(browser, json_site, viewport={"width": 1280, "height": 900})
    try:
        page = made.open(page_id)
        view = build_page_view(sample_index, page_id)
        assert view is not None
        yaml_era = page_settings(IssueFormConfig(), view, "/people/__ID__/")
        shown = settings_of(page)
        assert {key: shown.get(key) for key in yaml_era} == yaml_era
        page.locator(f'input.paper-check[value="{paper}"]').check()
        if choice == "new":
            page.get_by_label("A new author page").check()
            orcid_field(page).fill("0000-0003-1415-9269")
            page.get_by_label(re.compile(r"^Institution of highest")).fill("Tsinghua University")
        elif choice.startswith("other:"):
            page.get_by_role("radio", name=re.compile(r"^Another existing author page")).check()
            page.get_by_label("ID or address of the author page").fill(choice[len("other:") :])
        else:
            page.get_by_role("radio", name=re.compile(choice)).check()
        query = query_of(made.submit_and_catch())
        plan = plan_of(query, json_index)
        assert_ready(plan, [paper], target)
        assert plan.people_file is not None
        assert plan.people_file.path == "data/json/people.json"
        assert made.errors == []
    finally:
        made.close()


# ------------------------------------------------ both sites, the same script


def test_both_sites_load_one_script_and_agree_on_every_setting(
    browser: Any, flask_base: str, hugo_base: str
) -> None:
    """The Hugo page and authorbot's page load the same script and style, byte for
    byte, and hand it the same settings (the keys the script reads)."""
    keys = [
        "newIssueUrl", "template", "title", "urlLimit", "fields", "exampleOrcids", "pageId",
        "authorPage", "name", "verified", "orcid", "papers", "targets", "peopleUrl",
        "maintainersUrl",
    ]  # fmt: skip
    found: dict[str, dict[str, Any]] = {}
    for name, base in (("flask", flask_base), ("hugo", hugo_base)):
        made = Session(browser, base)
        try:
            for page_id in ["yang-liu/unverified", "yang-liu-ict", "wang-zheng/unverified",
                            "eneko-agirre", "bulk-author/unverified"]:  # fmt: skip
                made.open(page_id, panel=False)
                settings = settings_of(made.page)
                found.setdefault(page_id, {})[name] = {key: settings[key] for key in keys}
            sources = made.page.eval_on_selector_all(
                "script[src], link[rel=stylesheet]", "els => els.map(el => el.src || el.href)"
            )
        finally:
            made.close()
        script = next(url for url in sources if "fix-assignments" in url)
        style = next(url for url in sources if "fix-panel" in url)
        with urllib.request.urlopen(script) as response:
            assert response.read() == SCRIPT.read_bytes(), name
        with urllib.request.urlopen(style) as response:
            assert response.read() == STYLE.read_bytes(), name
    for page_id, both in found.items():
        assert both["flask"] == both["hugo"], page_id
    targets = found["wang-zheng/unverified"]["hugo"]["targets"]
    assert [(t["id"], t["swapped"]) for t in targets] == [("zheng-wang-ntu", True)]
    assert json.loads((REPO / "site/assets/authorbot/settings.json").read_text("utf-8"))
