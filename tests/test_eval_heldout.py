"""The held-out request set (tests/requests-heldout): written after the engine's rules
and never used to tune them. Only its form is checked here, with the same checks as
the main set (tests/test_eval_requests.py): the cases fit the schema, their
expectations are consistent, and everything they name is in the full fixture.

No accuracy is asserted: `benchmarks/eval_requests.py --cases tests/requests-heldout`
reports the held-out figure; it is a measure, not a gate.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.test_eval_requests import (
    _cases,
    check_cases_validate,
    check_expectations_consistent,
    check_named_in_fixture,
)

HELDOUT_DIR = Path(__file__).resolve().parent / "requests-heldout"


def test_heldout_cases_validate_against_the_schema() -> None:
    cases = _cases(HELDOUT_DIR)
    assert 12 <= len(cases) <= 40
    check_cases_validate(HELDOUT_DIR)


def test_heldout_expectations_are_consistent() -> None:
    check_expectations_consistent(HELDOUT_DIR)


def test_heldout_issues_are_not_in_the_main_set() -> None:
    # A held-out case must come from an issue the rules were not written against.
    main = {c["modelled_on"]["issue"] for c in _cases()}
    for case in _cases(HELDOUT_DIR):
        assert case["modelled_on"]["issue"] not in main, case["id"]



@pytest.mark.full
def test_everything_the_heldout_cases_name_is_in_the_fixture(full_index: Any) -> None:
    check_named_in_fixture(HELDOUT_DIR, full_index)
