"""`authorbot demo`: the whole loop on this machine, with no GitHub account.

It makes a git repository of the sample data (shipped in the package) as `origin`,
starts the GitHub and ORCID stand-ins on loopback, the real webhook app and a worker;
then a person files a verification request, the bot answers, a maintainer comments
`@authorbot approve`, and the bot opens a pull request. Every event travels as a
signed webhook over HTTP, exactly as from GitHub. It prints the status comment, the
pull request and its diff.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import TextIO

from bot.anthology.people import PEOPLE_FILES
from bot.standins.harness import LocalDeployment
from bot.standins.issues import VERIFY_LABELS, VERIFY_ORCID, VERIFY_TITLE, verify_body
from bot.standins.orcid import FakeRecord

MAINTAINER = "maintainer"
AUTHOR = "valentin-barriere"


def _section(out: TextIO, title: str) -> None:
    out.write(f"\n{'=' * 78}\n{title}\n{'=' * 78}\n")


def run_demo(out: TextIO, workdir: Path | None = None, era: str = "json") -> int:
    """Run the demo, writing what happens to `out`.

    Parameters:
        out: where to print.
        workdir: a folder to work in (default: a temporary one, removed afterwards).
        era: the sample data's era, `json` (data/json/people.json) or `yaml`.

    Returns:
        0 when exactly one pull request was opened, else 1.
    """
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="authorbot-demo-") as tmp:
            return run_demo(out, Path(tmp), era)
    from bot.demo import SAMPLE_ERAS

    dep = LocalDeployment(
        Path(workdir),
        data_source=SAMPLE_ERAS[era],
        roles={MAINTAINER: "maintain"},
        orcid_records={VERIFY_ORCID: FakeRecord("Valentin", "Barriere")},
    ).start()
    try:
        out.write(f"GitHub stand-in: {dep.github.base_url}  (repository {dep.github.full_name})\n")
        out.write(f"Webhook endpoint: {dep.webhook_url}\nData repository: {dep.bare}\n")
        people = next((rel for rel in PEOPLE_FILES if (SAMPLE_ERAS[era] / rel).is_file()), "?")
        out.write(f"Its people file: {people} (sample data of the {era} era)\n")

        issue = dep.github.open_issue(AUTHOR, VERIFY_TITLE, verify_body(), VERIFY_LABELS)
        number = issue["number"]
        out.write(f"\n@{AUTHOR} opened issue #{number}: {VERIFY_TITLE}\n")
        dep.wait_idle(timeout=120)
        dep.github.comment(number, MAINTAINER, "@authorbot approve")
        out.write(f"@{MAINTAINER} commented: @authorbot approve\n")
        dep.wait_idle(timeout=120)

        status = [
            c for c in dep.github.comments_on(number) if "<!-- authorbot:status -->" in c["body"]
        ]
        _section(out, f"The status comment on issue #{number}")
        out.write(status[0]["body"] if status else "(none)\n")
        pulls = dep.github.pulls()
        for pull in pulls:
            _section(out, f"Pull request #{pull['number']}: {pull['title']}")
            out.write(f"{pull['head']['ref']} -> {pull['base']['ref']}\n\n{pull['body']}\n")
            diff = subprocess.run(
                [
                    "git",
                    "--git-dir",
                    str(dep.bare),
                    "diff",
                    f"{pull['base']['ref']}...{pull['head']['ref']}",
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            _section(out, "Its diff")
            out.write(diff)
        assert dep.bot is not None
        labels = ", ".join(sorted(dep.github.labels_on(number)))
        _section(out, "Summary")
        out.write(
            f"labels on #{number}: {labels}\npull requests opened: {len(pulls)}\n"
            f"deliveries worked: {dep.bot.inbox.counts()}\n"
        )
        return 0 if len(pulls) == 1 else 1
    finally:
        dep.stop()
