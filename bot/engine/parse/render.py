"""Rendering an issue form's body the way GitHub does, from the form's YAML and the
values of its fields: what the author page pre-fills and what the tests parse back.

GitHub writes, for each field that is not a markdown block, `### <label>`, a blank
line and the value, and joins the fields with a blank line. An empty value is
`_No response_`; a checkboxes field is one `- [X] <label>` / `- [ ] <label>` line per
option; a dropdown is its chosen options joined by `, `; a textarea with `render:`
is wrapped in a code fence of that language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from bot.engine.parse.markdown import NO_RESPONSE

OUR_FORM_PATH = Path(__file__).resolve().parents[2] / "forms" / "fix-paper-assignments.yml"

FieldValue = str | Sequence[str] | bool | None


def load_form(form_yaml: str | Path | Mapping[str, Any]) -> Mapping[str, Any]:
    """The form definition as a mapping.

    Parameters:
        form_yaml: the YAML text of an issue form, a Path to a form file (read
            here), or the already-parsed mapping.

    Returns:
        The parsed form.

    Raises:
        ValueError: when it is not an issue form (no `body` list).
    """
    if isinstance(form_yaml, Path):
        form_yaml = form_yaml.read_text("utf-8")
    form = yaml.safe_load(form_yaml) if isinstance(form_yaml, str) else form_yaml
    if not isinstance(form, Mapping) or not isinstance(form.get("body"), list):
        raise ValueError("not an issue form: it has no `body` list")
    return form


def _render_checkboxes(element: Mapping[str, Any], value: FieldValue) -> str:
    """The `- [X] label` lines of a checkboxes field; `value` is the ticked labels,
    or True / False for all / none."""
    options = [str(option["label"]) for option in element["attributes"]["options"]]
    if isinstance(value, bool):
        ticked = set(options) if value else set()
    elif value is None:
        ticked = set()
    elif isinstance(value, str):
        ticked = {value}
    else:
        ticked = set(value)
    unknown = ticked - set(options)
    if unknown:
        raise ValueError(f"no such option in {element.get('id')!r}: {sorted(unknown)}")
    return "\n".join(f"- [{'X' if label in ticked else ' '}] {label}" for label in options)


def _render_value(element: Mapping[str, Any], value: FieldValue) -> str:
    """The rendered value of an input, textarea or dropdown field."""
    if isinstance(value, bool):
        raise ValueError(f"field {element.get('id')!r} takes text, not {value!r}")
    if value is not None and not isinstance(value, str):
        value = ", ".join(value)
    text = (value or "").strip()
    if not text:
        return NO_RESPONSE
    language = element.get("attributes", {}).get("render")
    if element["type"] == "textarea" and language:
        return f"```{language}\n{text}\n```"
    return text


def render_issue_form_body(
    form_yaml: str | Path | Mapping[str, Any], values: Mapping[str, FieldValue]
) -> str:
    """Render an issue body exactly as GitHub renders a submitted issue form.

    Parameters:
        form_yaml: the form (YAML text, a Path to the file, or the parsed mapping),
            e.g. OUR_FORM_PATH.
        values: field id -> value. Text for inputs and textareas (multi-line
            text for a textarea); the chosen options for a dropdown; the ticked
            option labels for checkboxes, or True / False for all / none. Fields
            left out are empty.

    Returns:
        The body, without a final newline (as GitHub stores it).

    Raises:
        ValueError: for a value whose id the form does not have, or a checkbox
            label it does not offer.
    """
    form = load_form(form_yaml)
    elements = [e for e in form["body"] if isinstance(e, Mapping) and e.get("type") != "markdown"]
    ids = {element.get("id") for element in elements}
    unknown = set(values) - ids
    if unknown:
        raise ValueError(f"the form has no field {sorted(unknown)}")
    parts: list[str] = []
    for element in elements:
        label = str(element["attributes"]["label"])
        value = values.get(element.get("id", ""))
        if element["type"] == "checkboxes":
            rendered = _render_checkboxes(element, value)
        else:
            rendered = _render_value(element, value)
        parts.append(f"### {label}\n\n{rendered}")
    return "\n\n".join(parts)


def render_issue_title(form_yaml: str | Path | Mapping[str, Any], text: str) -> str:
    """The title GitHub pre-fills from the form (`Fix paper assignments: `) followed
    by `text` (the page ID).

    Parameters:
        form_yaml: the form, as for render_issue_form_body.
        text: what follows the form's title, e.g. `jin-liu/unverified`.

    Returns:
        e.g. `Fix paper assignments: jin-liu/unverified`.
    """
    return f"{load_form(form_yaml).get('title', '')}{text}"
