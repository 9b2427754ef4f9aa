"""One Flask app serves both the webhook and, when configured, the author pages."""

from __future__ import annotations

from pathlib import Path

from bot.github.client import GitHubAuth
from bot.service import build_app
from bot.settings import Settings
from tests.conftest import SAMPLE_ROOT


def settings(tmp_path: Path, pages: Path | None) -> Settings:
    return Settings(
        webhook_secret=b"s3cret",
        auth=GitHubAuth(api_url="http://127.0.0.1:9", token="t"),
        state_dir=tmp_path,
        pages_data_root=pages,
        issue_repo="example/data",
    )


def test_pages_are_served_beside_the_webhook_when_configured(tmp_path: Path):
    client = build_app(settings(tmp_path, SAMPLE_ROOT)).test_client()
    page = client.get("/people/yang-liu/unverified/")
    assert page.status_code == 200
    assert "example/data" in page.get_data(as_text=True)
    assert client.get("/people/nobody-at-all/").status_code == 404
    assert client.post("/webhook", data=b"{}").status_code == 401
    assert client.get("/healthz").status_code == 200


def test_without_a_data_checkout_there_are_no_pages(tmp_path: Path):
    client = build_app(settings(tmp_path, None)).test_client()
    assert client.get("/people/yang-liu/unverified/").status_code == 404
    assert client.get("/healthz").status_code == 200
