"""The bot's configuration: `.github/authorbot.yml` in the data repository.

Read, checked against `schemas/config.schema.json`, and merged over the defaults.
An invalid file raises `ConfigError`, which the bot reports on the issue instead of
guessing. Secrets never live here; they come from the environment (`bot/settings.py`).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

import jsonschema
import yaml

from bot import schemas

CONFIG_PATH = ".github/authorbot.yml"

DEFAULTS: dict[str, Any] = {
    "handle": "authorbot",
    "approval_label": "approved",
    "branch_prefix": "authorbot/issue-",
    "labels": {
        "ready": "authorbot:ready",
        "needs_info": "authorbot:needs-info",
        "rejected": "authorbot:rejected",
        "pr_open": "authorbot:pr-open",
    },
    "paths": {"data_root": "."},
    "forms": {
        "authorbot": {
            "enabled": True,
            "title_pattern": r"^\s*Fix paper assignments:",
            "labels": ["authorbot", "fix-paper-assignments"],
            "marker": "### Assign them to",
            "match": "any",
        },
        "anthology-author-page": {
            "enabled": True,
            "title_pattern": r"^\s*Author Page:",
            "labels": ["correction", "author-page"],
            "match": "any",
        },
    },
    "orcid_check": True,
    # How approved requests reach the default branch, per request kind: `per-issue`
    # (one pull request per issue) or `batch` (one open pull request collects them).
    "pull_requests": {
        "verify": "per-issue",
        "split": "per-issue",
        "merge": "per-issue",
        "name-change": "per-issue",
    },
    "batch_branch_prefix": "authorbot/batch-",
}

# The request kinds of the engine (plan `kinds`) and the two ways to merge them.
REQUEST_KINDS = ("verify", "split", "merge", "name-change")
PER_ISSUE, BATCH = "per-issue", "batch"


class ConfigError(Exception):
    """The configuration file is not valid; `problems` are messages for a maintainer."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class FormRule:
    """How to recognise issues filed with one form."""

    name: str
    enabled: bool
    title_pattern: str | None
    labels: tuple[str, ...]
    marker: str | None
    match: str

    def fits(self, issue: dict[str, Any]) -> bool:
        """True when the issue (GitHub's issue JSON) was filed with this form."""
        if not self.enabled:
            return False
        title = issue.get("title") or ""
        body = issue.get("body") or ""
        names = {
            label["name"] if isinstance(label, dict) else str(label)
            for label in issue.get("labels") or []
        }
        tests: list[bool] = []
        if self.title_pattern:
            tests.append(re.search(self.title_pattern, title) is not None)
        if self.labels:
            tests.append(set(self.labels) <= names)
        if self.marker:
            tests.append(self.marker in body)
        if not tests:
            return False
        return all(tests) if self.match == "all" else any(tests)


@dataclass(frozen=True)
class Config:
    """The merged configuration."""

    handle: str
    approval_label: str
    branch_prefix: str
    labels: dict[str, str]
    data_root: str
    forms: tuple[FormRule, ...]
    orcid_check: bool
    pull_requests: dict[str, str] = field(default_factory=lambda: dict(DEFAULTS["pull_requests"]))
    batch_branch_prefix: str = "authorbot/batch-"

    def mode_for(self, kinds: list[str] | tuple[str, ...]) -> str:
        """`batch` when every kind of a request is configured `batch`, else `per-issue`
        (a verify+split request goes alone unless both kinds are batched)."""
        if not kinds:
            return PER_ISSUE
        modes = {self.pull_requests.get(kind, PER_ISSUE) for kind in kinds}
        return BATCH if modes == {BATCH} else PER_ISSUE

    def batch_branch(self, day: str) -> str:
        """The batch branch opened on `day` (`authorbot/batch-2026-02-01`)."""
        return f"{self.batch_branch_prefix}{day}"

    def is_batch_branch(self, branch: str) -> bool:
        """True for a batch branch of this configuration."""
        return bool(
            re.fullmatch(re.escape(self.batch_branch_prefix) + r"\d{4}-\d{2}-\d{2}", branch)
        )

    def issue_of_branch(self, branch: str) -> int | None:
        """The issue number of a per-issue branch (`authorbot/issue-42` -> 42), else None."""
        m = re.fullmatch(re.escape(self.branch_prefix) + r"(\d+)", branch)
        return int(m.group(1)) if m else None

    def handles(self, issue: dict[str, Any]) -> bool:
        """True when the issue is one of the bot's (fits an enabled form)."""
        return any(form.fits(issue) for form in self.forms)

    def branch_for(self, issue_number: int) -> str:
        """The pull request branch for an issue (`authorbot/issue-42`)."""
        return f"{self.branch_prefix}{issue_number}"

    @property
    def status_labels(self) -> tuple[str, ...]:
        """The labels that say where an issue stands (the bot replaces one with another)."""
        return tuple(self.labels[key] for key in ("ready", "needs_info", "rejected"))


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if key in ("labels", "paths", "pull_requests") and isinstance(value, dict):
            out[key] = {**out[key], **value}
        elif key == "forms" and isinstance(value, dict):
            forms = out["forms"]
            for name, form in value.items():
                forms[name] = {**forms.get(name, {"enabled": True, "match": "any"}), **form}
        else:
            out[key] = value
    return out


def parse_config(text: str | None) -> Config:
    """Read the YAML text of `.github/authorbot.yml` (None: the file does not exist).

    Raises:
        ConfigError: the YAML does not parse or does not fit the schema.
    """
    raw: Any = {}
    if text is not None:
        try:
            raw = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ConfigError([f"{CONFIG_PATH} is not valid YAML: {exc}"]) from None
        if raw is None:
            raw = {}
    validator = jsonschema.Draft202012Validator(
        schemas.load_schema("config"), format_checker=jsonschema.FormatChecker()
    )
    errors = sorted(validator.iter_errors(raw), key=lambda e: list(e.absolute_path))
    if errors:
        raise ConfigError(
            [
                f"`{'.'.join(str(p) for p in e.absolute_path) or '(top level)'}`: {e.message}"
                for e in errors
            ]
        )
    merged = _merge(DEFAULTS, raw)
    forms = tuple(
        FormRule(
            name=name,
            enabled=bool(form.get("enabled", True)),
            title_pattern=form.get("title_pattern"),
            labels=tuple(form.get("labels", ())),
            marker=form.get("marker"),
            match=form.get("match", "any"),
        )
        for name, form in merged["forms"].items()
    )
    return Config(
        handle=merged["handle"],
        approval_label=merged["approval_label"],
        branch_prefix=merged["branch_prefix"],
        labels=dict(merged["labels"]),
        data_root=merged["paths"]["data_root"],
        forms=forms,
        orcid_check=bool(merged["orcid_check"]),
        pull_requests=dict(merged["pull_requests"]),
        batch_branch_prefix=merged["batch_branch_prefix"],
    )


def default_config() -> Config:
    """The configuration used when the data repository has no `.github/authorbot.yml`."""
    return parse_config(None)
