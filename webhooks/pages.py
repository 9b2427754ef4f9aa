"""The author pages, served from the data the engine uses: `/people/<person-id>/` and
`/people/<slug>/unverified/`, each with the "Fixing paper assignments" panel.

`pages_blueprint(index_provider, config)` is what the main app registers;
`create_page_app(data_root)` is an app with only the pages and an index at `/` to find
one (tests, previews), and `serve_pages(data_root, host, port)` runs one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)

from bot.anthology.index import DataIndex
from bot.anthology.resolve import is_unverified_page, page_slug, unverified_page
from bot.page.form import (
    DEFAULT_GITHUB_URL,
    DEFAULT_REPO,
    DEFAULT_URL_LIMIT,
    IssueFormConfig,
    plain_issue_url,
    script_settings,
)
from bot.page.search import MAX_HITS, example_pages, search_pages
from bot.page.view import build_page_view

BLUEPRINT_NAME = "authorbot_pages"
PAGE_DIR = Path(__file__).resolve().parent.parent / "bot" / "page"
STATIC_URL_PATH = "/static/authorpages"
EXAMPLES_EXTENSION = "authorbot_pages_examples"  # create_page_app's example pages

IndexProvider = Callable[[], DataIndex]

# The app config keys read when the blueprint is given no IssueFormConfig.
CONFIG_REPO = "AUTHORBOT_ISSUE_REPO"
CONFIG_GITHUB_URL = "AUTHORBOT_ISSUE_GITHUB_URL"
CONFIG_URL_LIMIT = "AUTHORBOT_ISSUE_URL_LIMIT"

# Everything the page uses comes from this server: no CDN, no web font. The policy
# makes a stray external resource fail loudly in the browser tests.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)


class RefreshingIndex:
    """A DataIndex loaded once and refreshed (`DataIndex.refresh`, which re-reads only
    changed files) at most every `min_interval` seconds, when a page asks for it.

    Parameters:
        root: the data repository (holds data/xml and its people file).
        min_interval: seconds between two checks of the files.
        clock: the time source (tests pass their own).
    """

    def __init__(
        self,
        root: Path | str,
        min_interval: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.index = DataIndex.load(root)
        self.min_interval = min_interval
        self._clock = clock
        self._checked = clock()
        self._lock = threading.Lock()

    def __call__(self) -> DataIndex:
        """The index, refreshed first when the last check is old enough."""
        now = self._clock()
        if now - self._checked >= self.min_interval:
            with self._lock:
                if now - self._checked >= self.min_interval:
                    self.index.refresh()
                    self._checked = now
        return self.index


def _page_href(page_id: str) -> str:
    """The address of an author page on this server."""
    if is_unverified_page(page_id):
        return url_for(f"{BLUEPRINT_NAME}.unverified_page", slug=page_slug(page_id))
    return url_for(f"{BLUEPRINT_NAME}.verified_page", person_id=page_id)


def render_not_found(page_id: str | None = None) -> tuple[str, int]:
    """The 404 page, in the pages' style.

    Parameters:
        page_id: the page asked for, if the address named one.

    Returns:
        The HTML and the status 404.
    """
    html = render_template(
        "authorpage_not_found.html",
        page_id=page_id,
        unverified=bool(page_id and is_unverified_page(page_id)),
        static_endpoint=f"{BLUEPRINT_NAME}.static",
    )
    return html, 404


def config_from_app() -> IssueFormConfig:
    """The IssueFormConfig from the current app's config (see pages_blueprint)."""
    settings = current_app.config
    return IssueFormConfig(
        repo=settings.get(CONFIG_REPO, DEFAULT_REPO),
        github_url=settings.get(CONFIG_GITHUB_URL, DEFAULT_GITHUB_URL),
        url_limit=int(settings.get(CONFIG_URL_LIMIT, DEFAULT_URL_LIMIT)),
    )


def pages_blueprint(
    index_provider: IndexProvider, config: IssueFormConfig | None = None
) -> Blueprint:
    """The author pages as a blueprint.

    Parameters:
        index_provider: returns the current DataIndex on each request (e.g. a
            RefreshingIndex, or the worker's index).
        config: where Submit sends the person (repository, GitHub's address, the
            URL length limit). Without it, each request reads the app's config:
            `AUTHORBOT_ISSUE_REPO` (default acl-org/acl-anthology),
            `AUTHORBOT_ISSUE_GITHUB_URL` (default https://github.com) and
            `AUTHORBOT_ISSUE_URL_LIMIT` (default 8000).

    Returns:
        The blueprint `authorbot_pages` (routes under `/people/`, static files
        under `/static/authorpages/`).
    """
    fixed_config = config
    blueprint = Blueprint(
        BLUEPRINT_NAME,
        __name__,
        template_folder=str(PAGE_DIR / "templates"),
        static_folder=str(PAGE_DIR / "static"),
        static_url_path=STATIC_URL_PATH,
    )

    def show(page_id: str) -> tuple[str, int]:
        config = fixed_config or config_from_app()
        view = build_page_view(index_provider(), page_id)
        if view is None:
            return render_not_found(page_id)
        html = render_template(
            "authorpage_person.html",
            view=view,
            settings=script_settings(config, page_id),
            plain_issue_url=plain_issue_url(config, page_id),
            page_href=_page_href,
            static_endpoint=f"{BLUEPRINT_NAME}.static",
        )
        return html, 200

    @blueprint.get("/people/<person_id>/")
    def verified_page(person_id: str) -> tuple[str, int]:
        return show(person_id)

    @blueprint.get("/people/<slug>/unverified/", endpoint="unverified_page")
    def unverified(slug: str) -> tuple[str, int]:
        return show(unverified_page(slug))

    @blueprint.get("/people/<letter>/<person_id>/")
    def letter_folder(letter: str, person_id: str) -> Any:
        """Older links put a letter folder before the ID (`/people/j/jin-liu/`)."""
        if len(letter) != 1:
            return render_not_found()
        return redirect(url_for(f"{BLUEPRINT_NAME}.verified_page", person_id=person_id), 301)

    @blueprint.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    return blueprint


def create_page_app(
    data_root: Path | str,
    repo: str = DEFAULT_REPO,
    *,
    github_url: str = DEFAULT_GITHUB_URL,
    url_limit: int = DEFAULT_URL_LIMIT,
    refresh_seconds: float = 30.0,
) -> Flask:
    """An app serving only the author pages of a data repository.

    Parameters:
        data_root: the data repository (holds data/xml and its people file).
        repo: the repository issues are filed in, `owner/name`.
        github_url: GitHub's base URL.
        url_limit: the longest new-issue URL the page builds.
        refresh_seconds: how often the data files are checked for changes.

    Returns:
        The Flask app: the pages, an index at `/` to find one; any other address
        answers with the pages' 404 page.
    """
    app = Flask(__name__)
    app.config.update(
        {CONFIG_REPO: repo, CONFIG_GITHUB_URL: github_url, CONFIG_URL_LIMIT: url_limit}
    )
    provider = RefreshingIndex(data_root, refresh_seconds)
    # Picked once, when the server starts: looking for them costs a pass over the data.
    examples = example_pages(provider.index)
    app.extensions[EXAMPLES_EXTENSION] = examples
    app.register_blueprint(pages_blueprint(provider))

    @app.get("/", endpoint="pages_index")
    def index_page() -> str:
        """Find a page: a search box (by name, ID, address or ORCID iD), and examples."""
        index = provider()
        query = request.args.get("q", "")[:200]
        return render_template(
            "authorpage_index.html",
            query=query.strip(),
            hits=search_pages(index, query),
            limit=MAX_HITS,
            examples=examples,
            people=f"{len(index.people):,}",
            items=f"{len(index.items):,}",
            page_href=_page_href,
            static_endpoint=f"{BLUEPRINT_NAME}.static",
        )

    @app.errorhandler(404)
    def not_found(_: Exception) -> tuple[str, int]:
        return render_not_found()

    return app


def serve_pages(
    data_root: Path | str,
    host: str = "127.0.0.1",
    port: int = 8080,
    repo: str = DEFAULT_REPO,
) -> None:
    """Serve the author pages of a data repository until interrupted (werkzeug's
    threaded development server: for previews, not production).

    Parameters:
        data_root: the data repository.
        host, port: where to listen.
        repo: the repository issues are filed in.
    """
    from werkzeug.serving import make_server

    app = create_page_app(data_root, repo)
    server = make_server(host, port, app, threaded=True)
    base = f"http://{host}:{server.server_port}"
    with app.test_request_context():
        examples = [_page_href(p) for p in app.extensions[EXAMPLES_EXTENSION]]
    print(f"Author pages of {data_root} at {base}/ (a search box by name or ID).", flush=True)
    if examples:
        print(f"For example: {' and '.join(base + e for e in examples)}", flush=True)
    print("Stop with Ctrl-C.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
