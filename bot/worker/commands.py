"""Commands addressed to the bot in issue comments: a pure parser, no GitHub.

Syntax: a line that starts with `@<handle>` (default `@authorbot`), then a verb and
its arguments. One comment may hold several command lines; text around them is
ignored, and so are quoted lines (`> ...`) and fenced code blocks, so quoting the
bot's own help never triggers anything.

    @authorbot help             what the bot can do (anyone)
    @authorbot preview          plan again and update the status comment (anyone)
    @authorbot retry            run again everything that is due, e.g. after an error (anyone)
    @authorbot approve          open the pull request (triage permission or higher)
    @authorbot id <person-id>   use this ID for the new person (triage or higher)
    @authorbot cancel           withdraw the approval and close the pull request (triage or higher)
    @authorbot batch            put the change in the batch pull request (triage or higher)
    @authorbot solo             give the change a pull request of its own (triage or higher)

On the bot's pull requests:

    @authorbot refresh          rebuild it from its issues and the default branch (triage or higher)
    @authorbot help             the commands of pull requests (anyone)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Verbs anyone may use, and those that need triage permission or higher.
PUBLIC_VERBS = frozenset({"help", "preview", "retry"})
MAINTAINER_VERBS = frozenset({"approve", "id", "cancel", "batch", "solo", "refresh"})
VERBS = PUBLIC_VERBS | MAINTAINER_VERBS
# What each place understands: issues, and the bot's pull requests.
ISSUE_VERBS = VERBS - {"refresh"}
PULL_VERBS = frozenset({"help", "refresh"})

PERSON_ID = re.compile(r"[a-z][-a-z0-9]+")

HELP_TEXT = """\
Commands (write them on a line of their own in a comment on this issue):

| command | what it does | who |
| --- | --- | --- |
| `@{handle} help` | show this help | anyone |
| `@{handle} preview` | read the issue again and update the status comment | anyone |
| `@{handle} retry` | run again whatever is due (status comment, pull request) | anyone |
| `@{handle} approve` | approve the change: open or update the pull request | triage or higher |
| `@{handle} id <person-id>` | use `<person-id>` as the new author page's ID | triage or higher |
| `@{handle} cancel` | withdraw the approval and close the pull request | triage or higher |
| `@{handle} batch` | put the change in the day's batch pull request | triage or higher |
| `@{handle} solo` | give the change a pull request of its own | triage or higher |

A maintainer can also approve with the `{approval_label}` label."""

PULL_HELP_TEXT = """\
Commands on this pull request (on a line of their own in a comment, or in a review):

| command | what it does | who |
| --- | --- | --- |
| `@{handle} refresh` | rebuild it from its issues and the default branch | triage or higher |
| `@{handle} help` | show this help | anyone |

Approving, cancelling, `batch` and `solo` happen on the issues; the pull request follows."""


@dataclass(frozen=True)
class Command:
    """One command line. `verb` is lower case; `error` is set when the line is addressed
    to the bot but cannot be understood (the bot answers it with the reason)."""

    verb: str
    args: tuple[str, ...] = ()
    line: str = ""
    error: str | None = None

    @property
    def needs_maintainer(self) -> bool:
        """True for verbs only collaborators with triage permission or higher may use."""
        return self.verb in MAINTAINER_VERBS


def parse_commands(body: str, handle: str = "authorbot") -> list[Command]:
    """Every command line in a comment body, in order.

    Parameters:
        body: the comment's markdown.
        handle: the bot's name without `@`.

    Returns:
        The commands; unknown verbs and bad arguments come back with `error` set.
    """
    mention = re.compile(rf"@{re.escape(handle)}(?:\[bot\])?(?![-\w])", re.IGNORECASE)
    commands: list[Command] = []
    in_fence = False
    for raw in body.splitlines():
        line = raw.strip()
        if line.startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence or line.startswith(">"):
            continue
        m = mention.match(line)
        if not m:
            continue
        words = line[m.end() :].split()
        commands.append(_command(words, line))
    return commands


def _command(words: list[str], line: str) -> Command:
    if not words:
        return Command("help", (), line)
    verb, args = words[0].lower().rstrip(".,:!"), tuple(words[1:])
    if verb not in VERBS:
        return Command(verb, args, line, error=f"I do not know the command `{verb}`.")
    if verb == "id":
        if len(args) != 1:
            return Command(verb, args, line, error="`id` takes exactly one person ID.")
        person_id = args[0].strip("`")
        if not PERSON_ID.fullmatch(person_id):
            return Command(
                verb,
                args,
                line,
                error=f"`{person_id}` is not a person ID (lower case letters, digits, hyphens).",
            )
        return Command(verb, (person_id,), line)
    return Command(verb, args, line)


def pull_help_text(handle: str) -> str:
    """The help on the bot's pull requests."""
    return PULL_HELP_TEXT.format(handle=handle)


def help_text(handle: str, approval_label: str) -> str:
    """The help table, for `help` and for answers to commands the bot did not understand."""
    return HELP_TEXT.format(handle=handle, approval_label=approval_label)
