"""GitHub requests per job, by kind of job, on an issue with a 30-comment thread.

    .venv/bin/python benchmarks/github_calls.py [--comments 30] [--baseline REF | --no-baseline]

Setup: the sample data as a bare `origin`, the GitHub stand-in authenticating a GitHub
App (a fresh RSA key; installation tokens are minted by `POST
/app/installations/{id}/access_tokens`), the ORCID stand-in, and the real worker (`Bot`
and its runner) over a SQLite inbox. The sample verification request is filed and 30
comments are posted on it by people; then one delivery of each kind is stored and
worked, one job at a time, and the requests the stand-in answered during each job are
counted (token requests included). Prints one row per kind: the requests, which they
were, and the job's time, beside the same for today's code (`main` before issue 13,
`benchmarks/baseline.py`), measured in the same run by this script in a process that
imports that commit's `bot` (its stand-in recorded a token request twice: counted once
here), and issue 13's goal (<= 8 requests).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The baseline run: another commit's files, first on the path (see main()).
if os.environ.get("AUTHORBOT_BENCH_CODE"):
    sys.path.insert(0, os.environ["AUTHORBOT_BENCH_CODE"])

from bot.github.client import GitHubAuth  # noqa: E402
from bot.service import Bot  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.standins.datarepo import make_data_repo  # noqa: E402
from bot.standins.github import FakeGitHub  # noqa: E402
from bot.standins.issues import VERIFY_LABELS, VERIFY_ORCID, VERIFY_TITLE, verify_body  # noqa: E402
from bot.standins.orcid import FakeOrcid, FakeRecord  # noqa: E402

REPOSITORY = "acl-org/acl-anthology"
APP_ID = "4321"
MAINTAINER = "maintainer-mia"
AUTHOR = "valentin"


def _app_key() -> tuple[str, str]:
    """A fresh RSA key pair for the App: (private PEM, public PEM)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def _short(path: str) -> str:
    """A request path without the repository prefix and with numbers as `N`."""
    import re

    path = path.replace(f"/repos/{REPOSITORY}", "")
    return re.sub(r"/\d+", "/N", path) or "/"


def measure(workdir: Path, comments: int = 30) -> list[dict[str, Any]]:
    """Work one job of each kind; returns a row per job: kind, requests, paths, ms."""
    private, public = _app_key()
    bare = make_data_repo(workdir)
    github = FakeGitHub(
        REPOSITORY,
        bare,
        tokens={},
        roles={MAINTAINER: "maintain"},
        app_id=APP_ID,
        app_public_key=public,
    )
    orcid = FakeOrcid(records={VERIFY_ORCID: FakeRecord("Valentin", "Barriere")})
    api = github.start()
    orcid_url = orcid.start() + "/v3.0"
    bot_login = "authorbot[bot]"
    settings = Settings(
        webhook_secret=b"s",
        auth=GitHubAuth(
            api_url=api,
            app_id=APP_ID,
            private_key=private,
            seconds_between_requests=None,
            seconds_between_writes=None,
        ),
        state_dir=workdir / "state",
        git_url_template=str(bare),
        bot_login=bot_login,
        orcid_url=orcid_url,
        repositories=(REPOSITORY,),
    )
    bot = Bot(settings)
    runner = bot.runner()
    rows: list[dict[str, Any]] = []
    try:
        issue = github.open_issue(AUTHOR, VERIFY_TITLE, verify_body(), VERIFY_LABELS)
        number = issue["number"]
        for i in range(comments):
            who = AUTHOR if i % 3 else "someone-else"
            github.comment(number, who, f"Comment {i}: thank you for looking at this.")

        def payload(action: str | None, sender: str, **objects: Any) -> dict[str, Any]:
            body: dict[str, Any] = {"action": action, **objects}
            body["repository"] = github.repo_json()
            body["sender"] = github.user_json(sender)
            body["installation"] = {"id": github.installation_id}
            return body

        def work(kind: str, event: str, body: dict[str, Any]) -> None:
            before = len(github.requests)
            bot.inbox.put(
                str(uuid.uuid4()),
                event,
                body,
                action=body.get("action"),
                repository=REPOSITORY,
                issue=number,
                installation=github.installation_id,
            )
            started = time.perf_counter()
            assert runner.run_once(), "the job was not claimed"
            ms = (time.perf_counter() - started) * 1000
            done = github.requests[before:]
            # An older stand-in recorded each token request twice, one entry after the
            # other (the bot mints at most one token per job): count it once.
            done = [
                r
                for i, r in enumerate(done)
                if not (i and r == done[i - 1] and r[1].endswith("/access_tokens"))
            ]
            failed = [r for r in done if r[2] >= 500]
            assert not failed, failed
            rows.append(
                {
                    "kind": kind,
                    "requests": len(done),
                    "paths": Counter(f"{m} {_short(p)}" for m, p, _ in done),
                    "ms": ms,
                }
            )

        def current_issue() -> dict[str, Any]:
            return dict(github.state.issues[number])

        def said(user: str, text: str) -> dict[str, Any]:
            made = github.comment(number, user, text)
            return payload("created", user, issue=current_issue(), comment=made)

        work(
            "issues.opened (status comment posted)",
            "issues",
            payload("opened", AUTHOR, issue=current_issue()),
        )
        work(
            "issues.opened again (nothing to change)",
            "issues",
            payload("opened", AUTHOR, issue=current_issue()),
        )
        status = [c for c in github.comments_on(number) if c["user"]["login"] == bot_login][0]
        work(
            "issue_comment: the bot's own comment",
            "issue_comment",
            payload("created", bot_login, issue=current_issue(), comment=status),
        )
        work("issue_comment: chatter", "issue_comment", said(AUTHOR, "Thanks a lot!"))
        work(
            "issue_comment: @authorbot preview", "issue_comment", said(AUTHOR, "@authorbot preview")
        )
        work("issue_comment: @authorbot help", "issue_comment", said(AUTHOR, "@authorbot help"))
        work(
            "issues.edited",
            "issues",
            payload("edited", AUTHOR, issue=current_issue(), changes={"title": {"from": "x"}}),
        )
        work(
            "issues.labeled (not the approval label)",
            "issues",
            payload("labeled", AUTHOR, issue=current_issue(), label={"name": "question"}),
        )
        work(
            "issue_comment: @authorbot approve (opens the PR)",
            "issue_comment",
            said(MAINTAINER, "@authorbot approve"),
        )
        work(
            "issues.edited after approval (PR kept)",
            "issues",
            payload("edited", AUTHOR, issue=current_issue(), changes={"title": {"from": "x"}}),
        )
    finally:
        github.stop()
        orcid.stop()
        bot.inbox.close()
    return rows


def measure_baseline(ref: str, comments: int) -> tuple[str, list[dict[str, Any]]] | None:
    """The rows of today's code (commit `ref`), measured by this script in a process of
    its own that imports that commit's `bot`; None when the commit is not available."""
    from benchmarks.baseline import baseline_tree

    tree = baseline_tree(ref)
    if tree is None:
        return None
    proc = subprocess.run(
        [sys.executable, __file__, "--json", "--no-baseline", "--comments", str(comments)],
        cwd=tree[0],
        env={**os.environ, "AUTHORBOT_BENCH_CODE": str(tree[0])},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if proc.returncode != 0:
        raise SystemExit(f"the baseline run failed:\n{proc.stderr[-2000:]}")
    return tree[1], json.loads(proc.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=30)
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    parser.add_argument("--baseline", default=None, help="today's code: a commit")
    parser.add_argument("--no-baseline", action="store_true", help="measure this code only")
    args = parser.parse_args()
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="authorbot-calls-") as tmp:
        rows = measure(Path(tmp), args.comments)
    if args.json:
        print(json.dumps([{**r, "paths": dict(r["paths"])} for r in rows], indent=1))
        return 0
    baseline = None
    if not args.no_baseline:
        from benchmarks.baseline import BASELINE

        baseline = measure_baseline(args.baseline or BASELINE, args.comments)
    before = {r["kind"]: r for r in baseline[1]} if baseline else {}
    print(f"GitHub requests per job, on an issue with {args.comments} comments")
    print(
        f"(python {' '.join(sys.argv)}; load average {load_start:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end)\n"
    )
    main_name = f"main {baseline[0]}" if baseline else "main (not measured)"
    print(
        f"| job | requests, {main_name} | requests, this checkout | goal | ms, {main_name} "
        "| ms, this checkout | which (this checkout) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        which = ", ".join(f"{n}x {p}" if n > 1 else p for p, n in sorted(row["paths"].items()))
        old = before.get(row["kind"])
        old_requests, old_ms = (old["requests"], f"{old['ms']:.0f}") if old else ("-", "-")
        print(
            f"| {row['kind']} | {old_requests} | {row['requests']} | <= 8 "
            f"| {old_ms} | {row['ms']:.0f} | {which} |"
        )
    worst = max(r["requests"] for r in rows)
    print(f"\ngoal <= 8 requests per job: {'met' if worst <= 8 else 'NOT met'} (most: {worst})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
