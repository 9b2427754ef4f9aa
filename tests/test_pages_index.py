"""The index of `authorbot pages`: a search box by name, ID, address or ORCID iD at `/`,
example pages, and the example address printed when the server starts. The search
itself (bot/page/search.py) is a pure function of the index."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
import requests
from werkzeug.serving import make_server

from bot.anthology.index import DataIndex
from bot.page.search import example_pages, search_pages
from tests.conftest import SAMPLE_ROOT
from webhooks.pages import create_page_app


def pages(hits) -> list[str]:
    return [h.page_id for h in hits]


def test_a_name_finds_exact_pages_first(sample_index: DataIndex):
    hits = search_pages(sample_index, "  Wei WANG ")
    assert pages(hits)[:2] == ["wei-wang", "wei-wang/unverified"]
    assert "wei-wang-8076" in pages(hits)
    # Then the pages with a name that contains it: Mingwen Wang is also "Ming-Wei Wang".
    assert pages(hits)[5:] == [
        "chun-wei-wang/unverified",
        "hsin-wei-wang/unverified",
        "mingwen-wang",
        "yi-wei-wang/unverified",
    ]
    eight = next(h for h in hits if h.page_id == "wei-wang-8076")
    assert eight.verified and eight.name == "Wei Wang" and eight.orcid == "0000-0002-0707-8076"


def test_an_id_an_address_and_an_orcid_find_their_page(sample_index: DataIndex):
    assert pages(search_pages(sample_index, "wei-wang-8076")) == ["wei-wang-8076"]
    url = "https://aclanthology.org/people/yang-liu/unverified/"
    [hit] = search_pages(sample_index, url)
    assert hit.page_id == "yang-liu/unverified" and not hit.verified and hit.name == "Yang Liu"
    assert pages(search_pages(sample_index, "https://orcid.org/0000-0002-0707-8076")) == [
        "wei-wang-8076"
    ]
    assert search_pages(sample_index, "0000-0002-1825-0097") == []  # nobody's
    assert search_pages(sample_index, "nobody-at-all/unverified") == []


def test_a_short_query_is_cut_at_the_limit(sample_index: DataIndex):
    assert len(search_pages(sample_index, "li", limit=7)) == 7
    assert search_pages(sample_index, "   ") == [] and search_pages(sample_index, "!!") == []


def test_examples_are_pages_that_exist(sample_index: DataIndex):
    examples = example_pages(sample_index)
    assert examples == ["pengyuan-liu", "wei-wang/unverified"]
    assert all(sample_index.page_exists(p) for p in examples)


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    server = make_server("127.0.0.1", 0, create_page_app(SAMPLE_ROOT), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def test_the_index_has_a_search_box_and_examples(base: str):
    r = requests.get(f"{base}/", timeout=10)
    assert r.status_code == 200
    assert '<input type="search" id="q" name="q" value=""' in r.text
    assert '<form method="get" action="/" role="search">' in r.text
    assert '<a href="/people/pengyuan-liu/">' in r.text
    assert '<a href="/people/wei-wang/unverified/">' in r.text


def test_searching_lists_pages_that_open(base: str):
    r = requests.get(f"{base}/", params={"q": "wei wang"}, timeout=10)
    assert r.status_code == 200
    links = re.findall(r'<li><a href="([^"]+)">', r.text)
    assert links[:2] == ["/people/wei-wang/", "/people/wei-wang/unverified/"]
    assert "/people/wei-wang-8076/" in links
    for link in links:
        assert requests.get(base + link, timeout=10).status_code == 200
    none = requests.get(f"{base}/", params={"q": "<b>nobody</b>"}, timeout=10)
    assert "No author page matches\n    “&lt;b&gt;nobody&lt;/b&gt;”" in none.text


def test_pages_command_prints_an_example_address_that_works():
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "pages", str(SAMPLE_ROOT), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        second = proc.stdout.readline()
        assert re.fullmatch(
            rf"Author pages of {re.escape(str(SAMPLE_ROOT))} at http://127\.0\.0\.1:\d+/ "
            r"\(a search box by name or ID\)\.\n",
            first,
        )
        urls = re.findall(r"http://\S+/", second)
        assert second.startswith("For example: ") and len(urls) == 2
        for url in urls:
            assert requests.get(url, timeout=10).status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)
    assert proc.returncode == 0
