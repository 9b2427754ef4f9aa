"""What the command line, the bot and the page call: plan an issue, apply a plan (and
undo it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.anthology.ids import collection_file
from bot.anthology.index import DataIndex
from bot.anthology.textfile import file_stamp, read_text
from bot.engine.parse import parse_issue
from bot.engine.plan import Plan, plan_request
from bot.engine.request import validate_fix_request
from bot.engine.textedit import write_files_atomically


class StaleDataError(RuntimeError):
    """The files changed on disk after the plan was made: plan again."""


def plan_issue(index: DataIndex, issue: Mapping[str, Any], new_id: str | None = None) -> Plan:
    """Parse a GitHub issue and plan its change against the data.

    Parameters:
        index: the data repository in memory; call `index.refresh()` first if the
            files may have changed.
        issue: the issue as GitHub's REST API or a webhook gives it.
        new_id: an ID for a new person, instead of the generated one.

    Returns:
        The plan (see `Plan.to_json`).
    """
    request = parse_issue(issue)
    validate_fix_request(request)
    return plan_request(index, request, new_id=new_id)


def apply_plan(index: DataIndex, plan: Plan, durable: bool = True) -> list[str]:
    """Write a ready plan's files, all or none, and bring the index up to date.

    Parameters:
        durable: flush the files to disk before returning (see
            `write_files_atomically`); the bot, whose clone git restores after a
            crash, passes False.

    Returns:
        The files written, relative to the data repository's root.

    Raises:
        ValueError: if the plan is not ready.
        StaleDataError: if a file changed since the plan read it (nothing written).
    """
    if plan.status != "ready":
        raise ValueError(f"cannot apply a plan that is {plan.status}")
    planned_people = plan.people_file.path if plan.people_file is not None else None
    if plan.people_changes and planned_people != index.people_file.path:
        # The repository moved to the other people file since the plan was made.
        raise StaleDataError(f"{index.people_file.path} is not the file the plan changes")
    for path, change in plan.files.items():
        # A collection file can be 4 MB: its stamp says it did not change, without
        # reading it again; a file written again with the same bytes (a checkout) is
        # compared.
        try:
            if change.stamp is not None and file_stamp(index.root / path) == change.stamp:
                changed = False
            elif isinstance(change.source, bytes):
                changed = (index.root / path).read_bytes() != change.source
            else:
                changed = read_text(index.root / path) != change.old
        except FileNotFoundError:
            raise StaleDataError(f"{path} is gone since the plan was made") from None
        if changed:
            raise StaleDataError(f"{path} changed since the plan was made")
    written = write_files_atomically(
        index.root, {p: c.new_bytes() for p, c in plan.files.items()}, durable=durable
    )
    people = plan.files.get(index.people_file.path)
    index.note_written(
        plan.people_changes,
        people.new if people is not None else None,
        {
            coll: [(e.start, e.end, e.new) for e in plan.files[collection_file(coll)].edits]
            for coll in plan.collections_changed()
        },
    )
    return written


def revert_plan(index: DataIndex, plan: Plan, durable: bool = True) -> list[str]:
    """Undo `apply_plan`: write back the files the plan changed as they were when it
    was made, and bring the index back with them, without reading them again (a
    4 MB collection costs a re-scan of 100 ms or more).

    Returns:
        The files written, relative to the data repository's root.

    Raises:
        ValueError: the plan did not keep a file's bytes (it was read as text: a file
            with `\\r` newlines, or one that changed under the index), so they cannot be
            written back exactly; put the files back another way (a git checkout) and
            `index.refresh()`.
        OSError: a file cannot be written (then none was).
    """
    old: dict[str, list[bytes]] = {}
    for path, change in plan.files.items():
        if not isinstance(change.source, bytes):
            raise ValueError(f"the plan did not keep the bytes of {path}")
        old[path] = [change.source]
    xml_edits: dict[str, list[tuple[int, int, str]]] = {}
    for coll in plan.collections_changed():
        change = plan.files[collection_file(coll)]
        shift, back = 0, []
        # Each edit's span in the new text, and its old line.
        for edit, line in zip(change.edits, change.old_lines(), strict=True):
            start = edit.start + shift
            back.append((start, start + len(edit.new), line))
            shift += len(edit.new) - (edit.end - edit.start)
        xml_edits[coll] = back
    written = write_files_atomically(index.root, old, durable=durable)
    people = plan.files.get(index.people_file.path)
    before = plan.people_file
    index.note_written(
        {pid: before.entries.get(pid) for pid in plan.people_changes} if before else {},
        people.old if people is not None else None,
        xml_edits,
    )
    return written
