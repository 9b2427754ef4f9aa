"""The app manifest asks for the least that works; the config schema is a valid schema."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import yaml

from bot import schemas

REPO = Path(__file__).resolve().parents[2]


def test_app_manifest_permissions_and_events():
    manifest = yaml.safe_load((REPO / "app.yml").read_text("utf-8"))
    assert manifest["default_permissions"] == {
        "contents": "write",
        "issues": "write",
        "pull_requests": "write",
        "metadata": "read",
    }
    assert manifest["default_events"] == [
        "issues",
        "issue_comment",
        "pull_request",
        "pull_request_review",
        "pull_request_review_comment",
    ]
    assert manifest["hook_attributes"]["url"].endswith("/webhook")


def test_config_schema_is_valid():
    jsonschema.Draft202012Validator.check_schema(schemas.load_schema("config"))


def test_every_schema_is_valid_against_its_meta_schema():
    # The validators skip this check at run time (bot/schemas.py); here it is made.
    names = sorted(
        p.name.removesuffix(".schema.json") for p in schemas.SCHEMA_DIR.glob("*.schema.json")
    )
    assert {"config", "fix-request", "plan"} <= set(names)
    for name in names:
        schema = schemas.load_schema(name)
        jsonschema.validators.validator_for(schema).check_schema(schema)
