"""A minimal Hugo site shaped like the Anthology's, for the browser tests.

`build_hugo_site(data_root, work)` exports a data repository in the shape the
Anthology's Hugo data has (bin/create_hugo_data.py of acl-org/acl-anthology:
`data/people.json` keyed by page ID, `data/papers/<collection>.json` keyed by full
paper ID, `data/volumes.json`), writes one content stub per author page (front
matter `name: <page ID>`), copies the site's own layouts (tests/hugo_layout, shaped
like the Anthology's people page, with the one include of the panel), installs the
drop-in with `site/install.sh` as the Anthology would, and builds it with Debian's
`hugo`. `StaticSite` serves the result on loopback.

The export reads the data through DataIndex and lists a page's papers in the page
view's order (newest year first, then by ID), so the Hugo page lists the same papers
in the same order as authorbot's own page. Where the Anthology's exporter asks its
library (`similar_verified`: the verified people sharing a name's slug or listed as
similar; acl-anthology 1.2.0 gives the same on the sample), this one computes it
from the index. Fields the panel does not read (coauthors, venues, bibtex) are left
empty or out.
"""

from __future__ import annotations

import html
import json
import shutil
import subprocess
import threading
from collections import Counter, defaultdict
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bot.anthology.ids import pdf_url
from bot.anthology.index import DataIndex
from bot.anthology.names import Name
from bot.anthology.resolve import is_unverified_page, page_slug, unverified_page
from bot.page.view import UNKNOWN_YEAR, item_title, natural_key

REPO = Path(__file__).resolve().parent.parent
LAYOUT = Path(__file__).resolve().parent / "hugo_layout"
INSTALL = REPO / "site" / "install.sh"
HUGO = Path("/usr/bin/hugo")
BOOTSTRAP_CSS = Path("/usr/share/javascript/bootstrap5/css/bootstrap.min.css")
EDITOR_ROLES = frozenset({"editor", "volume-editor"})


def _names_of(index: DataIndex, page_id: str) -> list[Name]:
    """A page's names, the canonical one first (for an unverified page: the spelling
    its papers print most often)."""
    entry = index.entry(page_id)
    if entry is not None:
        return list(entry.names)
    counts = Counter(o.name for o in index.page_occurrences(page_id))
    return sorted(counts, key=lambda name: (-counts[name], name.full))


def _similar(index: DataIndex, page_id: str, names: list[Name]) -> tuple[list[str], list[str]]:
    """The verified and unverified pages sharing a name's slug with this page, and the
    people its entry lists as similar."""
    slugs = {name.slug for name in names}
    if is_unverified_page(page_id):
        slugs.add(page_slug(page_id))
    verified: set[str] = set()
    for slug in slugs:
        verified.update(index.ids_for_slug(slug))
    entry = index.entry(page_id)
    if entry is not None:
        verified.update(entry.similar)
    unverified = {
        unverified_page(slug) for slug in slugs if index.page_exists(unverified_page(slug))
    }
    verified.discard(page_id)
    unverified.discard(page_id)
    return sorted(verified), sorted(unverified)


def _page_papers(index: DataIndex, page_id: str) -> list[str]:
    """The items on a page in the page's order: newest year first, then by ID
    (numbers compared as numbers), as the page view lists them."""
    items = {o.item for o in index.page_occurrences(page_id) if index.item(o.item) is not None}

    def key(item_id: str) -> tuple[tuple[int, int], tuple[tuple[int, int | str], ...]]:
        year = index.items[item_id].year or UNKNOWN_YEAR
        return ((0, -int(year)) if year.isdigit() else (1, 0)), natural_key(item_id)

    return sorted(items, key=key)


def _person(name: Name, page_id: str) -> dict[str, Any]:
    return {"id": page_id, "first": name.first, "last": name.last, "full": name.full}


def export_hugo_data(index: DataIndex, site: Path, limit: int | None = None) -> list[str]:
    """Write data/ and content/people/ of the site; return the page IDs that got a
    page (every author page, or the first `limit` of them; the data holds all)."""
    data = site / "data"
    (data / "papers").mkdir(parents=True, exist_ok=True)
    pages = sorted({index.resolve(o) for o in index.occurrences()} | set(index.people))
    people: dict[str, Any] = {}
    stubs: list[str] = []
    for page_id in pages:
        names = _names_of(index, page_id)
        if not names:
            continue  # a verified person with no name and no paper: no page
        canonical = names[0]
        person: dict[str, Any] = {
            "first": canonical.first,
            "last": canonical.last,
            "full": canonical.full,
            "slug": page_id,
            "papers": _page_papers(index, page_id),
            "coauthors": [],
            "venues": [],
        }
        if len(names) > 1:
            person["variant_entries"] = [
                {"first": n.first, "last": n.last, "full": n.full} for n in names[1:]
            ]
        entry = index.entry(page_id)
        if entry is not None and entry.comment:
            person["comment"] = entry.comment
        if entry is not None and entry.orcid:
            person["orcid"] = entry.orcid
        verified, unverified = _similar(index, page_id, names)
        if verified:
            person["similar_verified"] = verified
        if unverified:
            person["similar_unverified"] = unverified
        people[page_id] = person
        if limit is not None and len(stubs) >= limit:
            continue
        stubs.append(page_id)
        stub = site / "content" / "people" / f"{page_id}.md"
        stub.parent.mkdir(parents=True, exist_ok=True)
        # JSON strings are YAML strings: the front matter needs no YAML library.
        stub.write_text(
            f"---\nname: {json.dumps(page_id)}\ntitle: {json.dumps(canonical.full)}\n---\n",
            "utf-8",
        )
    (data / "people.json").write_text(json.dumps(people, ensure_ascii=False), "utf-8")

    papers: dict[str, dict[str, Any]] = defaultdict(dict)
    volumes: dict[str, Any] = {}
    for item in index.items.values():
        roles = EDITOR_ROLES if item.kind != "paper" else frozenset({"author"})
        authors = [
            _person(o.name, index.resolve(o))
            for o in index.on_item.get(item.id, [])
            if o.role in roles
        ]
        volume = index.item(item.volume)
        title = item_title(index, item)
        papers[item.collection][item.id] = {
            "paper_id": item.id.rsplit(".", 1)[-1],
            "bibkey": item.bibkey,
            "title": title,
            "title_html": html.escape(title),
            "url": f"https://aclanthology.org/{item.id}/",
            "pdf": pdf_url(item.id),
            "author": authors,
            "author_string": ", ".join(a["full"] for a in authors),
            "year": item.year or "",
            "parent_volume_id": item.volume,
            "booktitle": index.title(volume) if volume is not None else "",
        }
        if item.kind == "volume":
            volumes[item.id] = {"title": title, "year": item.year or ""}
    for collection, items in papers.items():
        (data / "papers" / f"{collection}.json").write_text(
            json.dumps(items, ensure_ascii=False), "utf-8"
        )
    (data / "volumes.json").write_text(json.dumps(volumes, ensure_ascii=False), "utf-8")
    return stubs


def build_hugo_site(data_root: Path, work: Path) -> Path:
    """Build the test site for a data repository; return the folder Hugo wrote.

    Raises:
        subprocess.CalledProcessError: when the install or the build fails (its
            output is in the exception).
    """
    site = work / "hugo"
    shutil.copytree(LAYOUT, site)
    (site / "static" / "vendor").mkdir(parents=True)
    shutil.copyfile(BOOTSTRAP_CSS, site / "static" / "vendor" / "bootstrap.min.css")
    subprocess.run(["sh", str(INSTALL), str(site)], check=True, capture_output=True, text=True)
    export_hugo_data(DataIndex.load(data_root), site)
    public = work / "public"
    subprocess.run(
        [str(HUGO), "--source", str(site), "--destination", str(public), "--quiet"],
        check=True,
        capture_output=True,
        text=True,
    )
    return public


class _Handler(SimpleHTTPRequestHandler):
    """Static files, with the same content policy as authorbot's pages (a stray
    external resource fails loudly) and no request log."""

    def end_headers(self) -> None:
        from webhooks.pages import CONTENT_SECURITY_POLICY

        self.send_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class StaticSite:
    """A folder served over HTTP on 127.0.0.1 (a free port) until `close()`."""

    def __init__(self, folder: Path) -> None:
        self.server = ThreadingHTTPServer(
            ("127.0.0.1", 0), partial(_Handler, directory=str(folder))
        )
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
