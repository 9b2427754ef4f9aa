"""The author page in a real headless browser (Debian's chromium, driven by Playwright).

What a person does on `/people/<slug>/unverified/`: open the panel, tick papers,
choose whom they belong to, type a bad ORCID iD and see the error, fix it, press
Submit. GitHub is never reached: the new-issue URL is caught on its way out, then
rendered into an issue body the way GitHub renders our form and parsed by the
engine, which must give back exactly what was selected.

Set AUTHORBOT_PAGE_SCREENSHOT=docs/page.png to (re)write the README's screenshot.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest

from bot.anthology.index import DataIndex
from bot.anthology.orcid import checksum_char, is_valid_orcid
from bot.engine.parse import OUR_FORM_PATH, parse_issue, render_issue_form_body, render_issue_title
from bot.engine.request import FixRequest, NameValue, Target
from bot.page.form import IssueFormConfig, plain_issue_url
from bot.page.view import build_page_view
from tests.conftest import SAMPLE_ROOT

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
    # Nothing but the local server resolves: a stray external request fails at once.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
NEW_ISSUE = "https://github.com/acl-org/acl-anthology/issues/new"
FIELD_IDS = ["author-page", "papers", "target", "orcid", "institution", "name", "notes"]
TEMPLATE_LABELS = ["authorbot", "fix-paper-assignments"]
BULK_PAPERS = 600

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium is missing (apt-get install chromium; .ci/run does it)",
    ),
]


# -------------------------------------------------------------------- fixtures


def _bulk_collection(count: int) -> str:
    """A collection of `count` papers by one author, `Bulk Author`."""
    papers = "".join(
        f"""    <paper id="{n}">
      <title>Bulk paper number {n}</title>
      <author><first>Bulk</first><last>Author</last></author>
      <url hash="00000000">2099.bulk-1.{n}</url>
      <bibkey>author-2099-bulk-{n}</bibkey>
    </paper>
"""
        for n in range(1, count + 1)
    )
    return f"""<?xml version='1.0' encoding='UTF-8'?>
<collection id="2099.bulk">
  <volume id="1" ingest-date="2099-01-01" type="proceedings">
    <meta>
      <booktitle>Proceedings of the Bulk Workshop</booktitle>
      <year>2099</year>
      <venue>bulk</venue>
    </meta>
{papers}  </volume>
</collection>
"""


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Two page servers on loopback: the sample data, and the sample data plus an
    author with BULK_PAPERS papers (too many for one link)."""
    from werkzeug.serving import make_server

    from webhooks.pages import create_page_app

    bulk_root = tmp_path_factory.mktemp("bulk")
    shutil.copytree(SAMPLE_ROOT / "data", bulk_root / "data")
    (bulk_root / "data" / "xml" / "2099.bulk.xml").write_text(
        _bulk_collection(BULK_PAPERS), "utf-8"
    )
    running = []
    bases = {}
    for name, root in (("sample", SAMPLE_ROOT), ("bulk", bulk_root)):
        server = make_server("127.0.0.1", 0, create_page_app(root), threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        running.append(server)
        bases[name] = f"http://127.0.0.1:{server.server_port}"
    yield bases
    for server in running:
        server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    playwright.stop()


class Session:
    """A browser context whose requests to GitHub are caught (answered by a stub, never
    sent) and whose every request is recorded."""

    def __init__(self, browser: Any, **options: Any) -> None:
        self.context = browser.new_context(**options)
        self.github_urls: list[str] = []
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.context.route("https://github.com/**", self._catch)
        self.context.set_default_timeout(5000)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _catch(self, route: Any) -> None:
        self.github_urls.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>stub</title>stub")

    def open(self, url: str, *, panel: bool = True) -> Any:
        """Load a page and (by default) open the panel with its button."""
        self.page.goto(url)
        if panel:
            self.page.get_by_role("button", name="Fix paper assignments").click()
        return self.page

    def submit_and_catch(self) -> str:
        """Press Submit; the URL of the GitHub tab it opens (caught)."""
        with self.context.expect_page() as opened:
            self.page.get_by_role("button", name="Submit").click()
        opened.value.wait_for_load_state()
        assert len(self.github_urls) == 1
        return self.github_urls[-1]

    def foreign_requests(self) -> list[str]:
        """Requests that went anywhere but the local servers or the caught GitHub."""
        return [
            url
            for url in self.requests
            if not url.startswith(("http://127.0.0.1:", "https://github.com/", "data:"))
        ]


@pytest.fixture
def session(browser: Any) -> Iterator[Session]:
    made = Session(browser, viewport={"width": 1280, "height": 900})
    yield made
    made.context.close()


# --------------------------------------------------------------------- helpers


def query_of(url: str) -> dict[str, str]:
    """The query parameters of a new-issue URL, in order, each once."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == NEW_ISSUE
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    assert len({key for key, _ in pairs}) == len(pairs), "a parameter given twice"
    return dict(pairs)


def file_issue(query: dict[str, str]) -> FixRequest:
    """What the bot reads from the issue GitHub makes of these query parameters: the
    body rendered from the form, the title, the template's labels."""
    values = {key: query[key] for key in FIELD_IDS if key in query}
    body = render_issue_form_body(OUR_FORM_PATH, values)
    return parse_issue(
        {
            "title": query["title"],
            "body": body,
            "labels": [{"name": name} for name in TEMPLATE_LABELS],
        }
    )


def checked_papers(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "input.paper-check:checked", "boxes => boxes.map(box => box.value)"
    )


# ------------------------------------------------------------------------ tests


def test_new_page_request_round_trips(session: Session, servers: dict[str, str]) -> None:
    page = session.page
    page.goto(servers["sample"] + "/people/yang-liu/unverified/")
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

    orcid = page.get_by_label(re.compile(r"^ORCID iD"))
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

    assert page.locator("#fix-result").is_visible()
    assert page.locator("#fix-result-link").get_attribute("href") == url
    assert session.foreign_requests() == []
    assert session.errors == []


def test_existing_target_with_a_year_ticked_round_trips(
    session: Session, servers: dict[str, str]
) -> None:
    page = session.open(servers["sample"] + "/people/wei-wang/unverified/")
    page.get_by_role("checkbox", name="Select all papers of 2024").check()
    assert checked_papers(page) == ["2024.ccl-1.42", "2024.ccl-3.37", "2024.wassa-1.45"]
    page.locator('input.paper-check[value="2025.knowllm-1.3"]').check()
    year_2025 = page.get_by_role("checkbox", name="Select all papers of 2025")
    assert year_2025.evaluate("box => [box.checked, box.indeterminate]") == [False, True]
    page.get_by_role("radio", name=re.compile(r"wei-wang-2396")).check()

    submit = page.get_by_role("button", name="Submit")
    assert submit.is_enabled()  # for an existing page the ORCID iD is optional...
    orcid = page.get_by_label(re.compile(r"^ORCID iD"))
    orcid.fill("0000-0002-1568-239")
    assert submit.is_disabled()  # ...but must be valid when given
    orcid.blur()
    assert page.locator("#fix-orcid-message").inner_text().startswith("This ORCID iD is incomplete")
    orcid.fill("")
    assert submit.is_enabled()

    query = query_of(session.submit_and_catch())
    assert query["papers"] == "2025.knowllm-1.3\n2024.ccl-1.42\n2024.ccl-3.37\n2024.wassa-1.45"
    assert (query["target"], query["orcid"], query["institution"]) == ("wei-wang-2396", "", "")
    request = file_issue(query)
    assert [p.id for p in request.pages] == ["wei-wang/unverified"]
    assert [p.value for p in request.papers] == [
        "2025.knowllm-1.3",
        "2024.ccl-1.42",
        "2024.ccl-3.37",
        "2024.wassa-1.45",
    ]
    assert request.target == Target("wei-wang-2396")
    assert (request.orcid, request.degree, request.preferred_name) == (None, None, None)


def test_cancel_clears_the_selection_and_closes_the_panel(
    session: Session, servers: dict[str, str]
) -> None:
    page = session.open(servers["sample"] + "/people/wei-wang/unverified/")
    page.get_by_role("checkbox", name="Select all papers of 2025").check()
    page.locator('input.paper-check[value="2024.ccl-1.42"]').check()
    page.get_by_label("A new author page").check()
    page.get_by_label(re.compile(r"^ORCID iD")).fill("0000-0003-1415-9269")
    assert len(checked_papers(page)) == 3

    page.get_by_role("button", name="Cancel").click()
    assert not page.locator("#fix-panel").is_visible()
    assert checked_papers(page) == []
    assert page.eval_on_selector_all("input[name='target']:checked", "r => r.length") == 0
    assert page.get_by_label(re.compile(r"^ORCID iD")).input_value() == ""
    opener = page.get_by_role("button", name="Fix paper assignments")
    assert opener.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.id") == "fix-open"
    assert not page.locator("input.paper-check").first.is_visible()

    opener.click()
    assert page.locator("#fix-count").inner_text() == "No paper selected."
    assert page.get_by_role("button", name="Submit").is_disabled()
    assert session.github_urls == []


def test_too_long_selection_offers_the_text_and_opens_what_fits(
    session: Session, servers: dict[str, str]
) -> None:
    session.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = session.open(servers["bulk"] + "/people/bulk-author/unverified/")
    page.get_by_role("checkbox", name="Select all papers of 2099").check()
    selected = checked_papers(page)
    assert len(selected) == BULK_PAPERS
    page.get_by_label("A new author page").check()
    page.get_by_label(re.compile(r"^ORCID iD")).fill("0000-0002-1694-233X")
    page.get_by_label(re.compile(r"^Institution of highest")).fill("Universität Stuttgart")
    page.get_by_role("button", name="Submit").click()

    notice = page.locator("#fix-toolong")
    assert notice.is_visible()
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
    opened.value.wait_for_load_state()
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


def test_script_helpers_agree_with_the_python_side(
    session: Session, servers: dict[str, str]
) -> None:
    page = session.open(servers["sample"] + "/people/yang-liu/unverified/", panel=False)
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
    assert page.evaluate(
        "() => AuthorbotFix.readOrcid('0000-0002-1825-0097', JSON.parse("
        "document.getElementById('fix-settings').textContent).exampleOrcids)"
    ) == {"status": "example", "orcid": "0000-0002-1825-0097"}

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


def test_page_without_javascript_lists_the_papers(browser: Any, servers: dict[str, str]) -> None:
    offline = Session(browser, java_script_enabled=False, viewport={"width": 1000, "height": 800})
    try:
        page = offline.open(servers["sample"] + "/people/wei-wang/unverified/", panel=False)
        assert page.get_by_role("heading", name="Wei Wang", level=1).is_visible()
        view = build_page_view(DataIndex.load(SAMPLE_ROOT), "wei-wang/unverified")
        assert view is not None
        titles = page.locator("li.paper .paper-title a").all_inner_texts()
        assert titles == [paper.title for paper in view.papers]
        assert len(titles) == 5
        assert page.locator("li.paper").first.is_visible()
        assert not page.locator("#fix-open").is_visible()
        assert not page.locator("#fix-panel").is_visible()
        assert not page.locator("input.paper-check").first.is_visible()
        link = page.get_by_role("link", name="our form on GitHub")
        assert link.is_visible()
        assert link.get_attribute("href") == plain_issue_url(
            IssueFormConfig(), "wei-wang/unverified"
        )
        assert offline.foreign_requests() == []
    finally:
        offline.context.close()


def test_phone_width_keyboard_and_labels(browser: Any, servers: dict[str, str]) -> None:
    phone = Session(browser, viewport={"width": 390, "height": 844}, has_touch=True)
    try:
        page = phone.open(servers["sample"] + "/people/yang-liu/unverified/", panel=False)
        page.focus("#fix-open")
        page.keyboard.press("Enter")
        assert page.locator("#fix-panel").is_visible()
        assert page.evaluate("document.activeElement.id") == "fix-heading"
        page.focus('input.paper-check[value="2024.ccl-1.3"]')
        page.keyboard.press("Space")
        assert checked_papers(page) == ["2024.ccl-1.3"]
        assert page.locator("#fix-bar").inner_text().startswith("1 paper selected.")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        unnamed = page.evaluate(
            """() => [...document.querySelectorAll('input, textarea, button, select')]
                 .filter(el => el.offsetParent !== null)
                 .filter(el => !((el.labels && el.labels.length) || el.getAttribute('aria-label')
                                 || (el.tagName === 'BUTTON' && el.textContent.trim())))
                 .map(el => el.id || el.name)"""
        )
        assert unnamed == []
        assert phone.errors == []
    finally:
        phone.context.close()


def test_screenshot(browser: Any, servers: dict[str, str], tmp_path: Path) -> None:
    """The page with a selection in progress (and an ORCID iD error showing)."""
    shot = Session(browser, viewport={"width": 1280, "height": 1640})
    try:
        page = shot.open(servers["sample"] + "/people/yang-liu/unverified/")
        page.locator('input.paper-check[value="2024.ccl-1.3"]').check()
        page.locator('input.paper-check[value="2024.ccl-1.96"]').check()
        page.get_by_label("A new author page").check()
        page.get_by_label(re.compile(r"^ORCID iD")).fill("0000-0003-1415-9268")
        page.get_by_label(re.compile(r"^Institution of highest")).fill("University of Edinburgh")
        page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
        target = Path(os.environ.get("AUTHORBOT_PAGE_SCREENSHOT") or tmp_path / "page.png")
        page.screenshot(path=str(target))
        assert target.stat().st_size > 10_000
    finally:
        shot.context.close()
