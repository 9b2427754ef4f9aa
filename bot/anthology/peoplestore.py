"""Which people file a data repository has (`data/json/people.json` today,
`data/yaml/people.yaml` before 2026), and reading it in its format: the one place
that knows both formats (people.py is the seam they share)."""

from __future__ import annotations

from pathlib import Path

from bot.anthology.people import (
    PEOPLE_FILES,
    PEOPLE_JSON,
    PEOPLE_YAML,
    PeopleFile,
    TwoPeopleFilesError,
)
from bot.anthology.people_json import JsonPeopleFile
from bot.anthology.people_yaml import YamlPeopleFile


def find_people_file(root: Path) -> str | None:
    """Which people file a data repository has.

    Parameters:
        root: the data repository (the folder holding `data/`).

    Returns:
        The file's path relative to `root`, or None when it has neither.

    Raises:
        TwoPeopleFilesError: if it has both (which one is current is unknown).
    """
    present = [rel for rel in PEOPLE_FILES if (root / rel).is_file()]
    if len(present) > 1:
        raise TwoPeopleFilesError(
            f"{root} has both {PEOPLE_JSON} and {PEOPLE_YAML}: the Anthology keeps its "
            f"people in one of them ({PEOPLE_JSON} since 2026). Remove the one that is "
            "out of date."
        )
    return present[0] if present else None


def people_file_class(rel: str) -> type[PeopleFile]:
    """The format of the people file at `rel` (one of PEOPLE_FILES)."""
    for cls in (JsonPeopleFile, YamlPeopleFile):
        if cls.path == rel:
            return cls
    raise ValueError(f"not a people file: {rel}")


def read_people_file(rel: str, text: str) -> PeopleFile:
    """Read the people file at `rel` (one of PEOPLE_FILES) from its text.

    Raises:
        PeopleFileError: if it is not in the Anthology's shape.
    """
    return people_file_class(rel).parse(text)
