"""The JSON Schemas of the repository's top-level `schemas/` folder (`bot/schema_files/`
in an installed wheel)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

_HERE = Path(__file__).resolve().parent
# In the repository the schemas are its top-level `schemas/` folder; an installed wheel
# carries them inside the package (pyproject.toml maps `schemas/` to `bot/schema_files/`).
SCHEMA_DIR = (
    _HERE / "schema_files" if (_HERE / "schema_files").is_dir() else _HERE.parent / "schemas"
)


@cache
def load_schema(name: str) -> dict[str, Any]:
    """Read `schemas/<name>.schema.json`.

    Raises:
        FileNotFoundError: if there is no such schema.
    """
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text("utf-8"))


@cache
def validator(name: str) -> jsonschema.protocols.Validator:
    """A validator for `schemas/<name>.schema.json`.

    The schema itself is not checked against its meta-schema here: that check walks
    the whole draft 2020-12 meta-schema (about 100 ms, paid by the first request a
    process works); the schemas are fixed files, checked by the tests
    (`tests/bot/test_manifest_and_schema.py`).
    """
    schema = load_schema(name)
    return jsonschema.validators.validator_for(schema)(schema)


def validate(instance: Any, name: str) -> None:
    """Check `instance` against `schemas/<name>.schema.json`.

    Raises:
        jsonschema.ValidationError: if it does not fit.
    """
    validator(name).validate(instance)


def errors(instance: Any, name: str) -> list[str]:
    """Every way `instance` does not fit the schema, as readable lines (empty: it fits)."""
    out = []
    for error in sorted(validator(name).iter_errors(instance), key=lambda e: list(e.path)):
        where = "/".join(str(p) for p in error.path) or "(top)"
        out.append(f"{where}: {error.message}")
    return out
