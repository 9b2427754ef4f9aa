"""Traffic for the load and fault benchmarks: verification requests built from the sample
data, filed quietly in the GitHub stand-in, and a seeded mix of the signed webhook
deliveries GitHub would send about them.

Every delivery refers to objects that exist in the stand-in (issues, comments, labels),
so the worker can act on it. The mix: `issues.opened` for both forms, edits,
comments (maintainer approvals, previews, help, chatter, approvals by a stranger),
labels, pull request events, events the bot ignores (`star`, `push`, ...) and
repeats of an earlier delivery id.
"""

from __future__ import annotations

import json
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.anthology.index import DataIndex
from bot.anthology.orcid import checksum_char
from bot.standins.datarepo import SAMPLE_DATA
from bot.standins.github import FakeGitHub
from bot.standins.orcid import FakeRecord

MAINTAINER = "maintainer-mia"
STRANGER = "stranger-sam"
AUTHOR = "author-ana"
ROLES = {MAINTAINER: "maintain", "triager-tom": "triage"}

# Events GitHub sends that the endpoint acknowledges with 204 and never stores.
IGNORED_EVENTS = ("star", "watch", "push", "check_suite", "workflow_run", "fork")


@dataclass(frozen=True)
class Request:
    """One verification request: the issue as filed, and the person it is about."""

    title: str
    body: str
    labels: tuple[str, ...]
    page: str
    orcid: str
    given: str | None
    family: str
    occurrences: int = 1


@dataclass(frozen=True)
class Delivery:
    """A signed-to-be webhook delivery: GitHub's id and event, the body, and its `kind`
    in the mix (for the report)."""

    id: str
    event: str
    body: bytes
    kind: str
    issue: int | None = None


@dataclass
class Traffic:
    """The issues filed and the deliveries to send.

    Attributes:
        requests: issue number -> the request filed as that issue.
        approved: issues a maintainer approves (a pull request is due).
        deliveries: in sending order (repeats included).
    """

    requests: dict[int, Request] = field(default_factory=dict)
    approved: set[int] = field(default_factory=set)
    deliveries: list[Delivery] = field(default_factory=list)

    def kinds(self) -> Counter[str]:
        """How many deliveries of each kind."""
        return Counter(d.kind for d in self.deliveries)

    def orcid_records(self) -> dict[str, FakeRecord]:
        """ORCID records whose public names fit the requests."""
        return {r.orcid: FakeRecord(r.given or "", r.family) for r in self.requests.values()}

    def write(self, path: Path) -> None:
        """Write the deliveries as JSON lines (for the client process)."""
        with open(path, "w", encoding="utf-8") as out:
            for d in self.deliveries:
                row = {"id": d.id, "event": d.event, "body": d.body.decode("utf-8"), "kind": d.kind}
                out.write(json.dumps(row) + "\n")


def _orcid(i: int) -> str:
    first15 = f"0000-0003-{1000 + i // 1000:04d}-{i % 1000:03d}"
    return first15 + checksum_char(first15.replace("-", ""))


def _anthology_body(page: str, orcid: str, degree: str) -> str:
    return (
        "### Confirming that Author is Published in the Anthology\n\n"
        "- [X] I confirm that this concerns an author who already has at least one "
        "publication in the Anthology.\n\n"
        f"### Author Pages in the Anthology\n\nhttps://aclanthology.org/people/{page}/\n\n"
        f"### Author ORCID\n\nhttps://orcid.org/{orcid}\n\n"
        f"### Institution of highest (anticipated) degree\n\n{degree}\n\n"
        "### Type of Author Metadata Correction\n\n"
        "- [X] Verification: The author wishes to add an ORCID iD to their author page.\n"
        "- [ ] Split/disambiguate: The author page includes papers from two or more "
        "different people.\n\n"
        "### Supporting Information\n\n_No response_\n\n"
        "### Preferred author name\n\n_No response_"
    )


def verify_requests(count: int, rng: random.Random) -> list[Request]:
    """`count` verification requests for distinct unverified pages of the sample data,
    alternating the Anthology's form and ours (which lists the papers)."""
    from bot.engine.parse import OUR_FORM_PATH, render_issue_form_body

    index = DataIndex.load(SAMPLE_DATA)
    pages: dict[str, list[Any]] = {}
    for occ in index.occurrences():
        page = index.resolve(occ)
        if page.endswith("/unverified"):
            pages.setdefault(page, []).append(occ)
    chosen = rng.sample(sorted(pages), min(count, len(pages)))
    out: list[Request] = []
    for i, page in enumerate(chosen):
        occs = pages[page]
        name = occs[0].name
        orcid = _orcid(i)
        degree = rng.choice(["Saarland University", "Télécom Paris", "University of Tokyo"])
        if i % 2 == 0:
            body = _anthology_body(page, orcid, degree)
            title, labels = f"Author Page: {page}", ("correction", "author-page")
        else:
            body = render_issue_form_body(
                OUR_FORM_PATH,
                {
                    "author-page": f"https://aclanthology.org/people/{page}/",
                    "papers": "\n".join(sorted({o.item for o in occs})),
                    "target": "new",
                    "orcid": orcid,
                    "institution": degree,
                    "name": "",
                    "notes": "",
                    "confirm": True,
                },
            )
            title, labels = f"Fix paper assignments: {page}", ("authorbot", "fix-paper-assignments")
        out.append(Request(title, body, labels, page, orcid, name.first, name.last, len(occs)))
    return out


def _payload(github: FakeGitHub, action: str | None, sender: str, **objects: Any) -> bytes:
    """A webhook body exactly as the stand-in (and GitHub) would send it."""
    payload: dict[str, Any] = {**({"action": action} if action else {}), **objects}
    payload["repository"] = github.repo_json()
    payload["sender"] = github.user_json(sender)
    payload["installation"] = {"id": github.installation_id, "node_id": "I_1"}
    return json.dumps(payload).encode("utf-8")


def file_requests(
    github: FakeGitHub, requests: list[Request], approve_share: float, rng: random.Random
) -> Traffic:
    """File each request as an issue in the stand-in (no webhooks: it must not be
    sending them yet) and choose which a maintainer approves."""
    assert github.webhook_url is None, "file the requests before webhooks are sent"
    traffic = Traffic()
    for request in requests:
        issue = github.open_issue(AUTHOR, request.title, request.body, request.labels)
        traffic.requests[issue["number"]] = request
    numbers = sorted(traffic.requests)
    traffic.approved = set(rng.sample(numbers, round(len(numbers) * approve_share)))
    return traffic


def opened(github: FakeGitHub, number: int) -> Delivery:
    """`issues.opened` for an issue of the stand-in."""
    issue = dict(github.state.issues[number])
    kind = "opened-ours" if issue["title"].startswith("Fix") else "opened-anthology"
    body = _payload(github, "opened", issue["user"]["login"], issue=issue)
    return Delivery(str(uuid.uuid4()), "issues", body, kind, number)


def comment(github: FakeGitHub, number: int, user: str, text: str, kind: str) -> Delivery:
    """Post a comment in the stand-in (quietly) and the `issue_comment.created` for it."""
    made = github.comment(number, user, text)
    issue = dict(github.state.issues[number])
    body = _payload(github, "created", user, issue=issue, comment=made)
    return Delivery(str(uuid.uuid4()), "issue_comment", body, kind, number)


def build_mix(traffic: Traffic, github: FakeGitHub, total: int, rng: random.Random) -> None:
    """Fill `traffic.deliveries` with `total` deliveries: per issue first its
    `opened`, then (for approved issues) the approval, mixed with the rest at random.

    The comments the mix refers to are posted in the stand-in now (quietly).
    """
    numbers = sorted(traffic.requests)
    essential: list[Delivery] = [opened(github, n) for n in numbers]
    essential += [
        comment(github, n, MAINTAINER, "Looks right to me.\n@authorbot approve", "approve")
        for n in sorted(traffic.approved)
    ]
    extras: list[Delivery] = []
    room = max(0, total - len(essential))
    while len(extras) < room:
        n = rng.choice(numbers)
        issue = dict(github.state.issues[n])
        roll = rng.random()
        if roll < 0.22:
            extras.append(
                Delivery(
                    str(uuid.uuid4()),
                    rng.choice(IGNORED_EVENTS),
                    _payload(github, None, STRANGER, ref="refs/heads/main"),
                    "ignored-event",
                )
            )
        elif roll < 0.34:
            extras.append(comment(github, n, AUTHOR, "Thank you for looking at this!", "chatter"))
        elif roll < 0.46:
            extras.append(comment(github, n, AUTHOR, "@authorbot preview", "preview"))
        elif roll < 0.50:
            extras.append(comment(github, n, AUTHOR, "@authorbot help", "help"))
        elif roll < 0.55:
            extras.append(comment(github, n, STRANGER, "@authorbot approve", "stranger-approve"))
        elif roll < 0.67:
            body = _payload(
                github,
                "edited",
                AUTHOR,
                issue=issue,
                changes={"title": {"from": issue["title"]}},
            )
            extras.append(Delivery(str(uuid.uuid4()), "issues", body, "edited", n))
        elif roll < 0.80:
            label = github.state.labels.get("correction") or {"name": "correction"}
            body = _payload(github, "labeled", AUTHOR, issue=issue, label=dict(label))
            extras.append(Delivery(str(uuid.uuid4()), "issues", body, "labeled-other", n))
        elif roll < 0.90:
            body = _payload(github, "assigned", MAINTAINER, issue=issue)
            extras.append(Delivery(str(uuid.uuid4()), "issues", body, "issues-unrouted", n))
        elif len(essential) + len(extras) > 1:
            earlier = rng.choice([d for d in essential + extras if d.kind != "ignored-event"])
            again = Delivery(earlier.id, earlier.event, earlier.body, "repeat", earlier.issue)
            extras.append(again)
    # Each issue's `opened` goes before its approval; the rest fall anywhere (GitHub
    # does not promise an order either).
    keys: dict[int, float] = {}
    keyed: list[tuple[float, int, Delivery]] = []
    for d in essential:
        if d.kind == "approve":
            key = keys[d.issue or 0] + rng.uniform(0.0, 0.5)
        else:
            key = keys[d.issue or 0] = rng.uniform(0.0, 0.5)
        keyed.append((key, len(keyed), d))
    keyed += [(rng.random(), len(keyed) + i, d) for i, d in enumerate(extras)]
    traffic.deliveries = [d for _, _, d in sorted(keyed)]
