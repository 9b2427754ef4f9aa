"""The JSON Schemas in the repository's top-level `schemas/` folder."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"


@cache
def load_schema(name: str) -> dict[str, Any]:
    """Read `schemas/<name>.schema.json`.

    Raises:
        FileNotFoundError: if there is no such schema.
    """
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text("utf-8"))


def validate(instance: Any, name: str) -> None:
    """Check `instance` against `schemas/<name>.schema.json`.

    Raises:
        jsonschema.ValidationError: if it does not fit.
    """
    jsonschema.validate(instance, load_schema(name))
