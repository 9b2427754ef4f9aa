"""The status comment and the pull request body, rendered from hand-written plan JSON."""

from __future__ import annotations

from bot.worker.orcidcheck import OrcidVerdict
from bot.worker.state import STATUS_MARKER, IssueState, plan_fingerprint, read_state
from bot.worker.status import (
    StatusView,
    judge,
    moves_table,
    render_pr_body,
    render_status,
)

READY = {
    "status": "ready",
    "kinds": ["verify"],
    "source": ["jin-liu/unverified"],
    "target": {
        "id": "jin-liu-4161",
        "new": True,
        "orcid": "0000-0003-2157-4161",
        "degree": "Karlsruhe Institute of Technology",
        "names": [{"first": "Jin", "last": "Liu"}],
    },
    "moves": [
        {
            "paper": "2024.emnlp-main.1",
            "role": "author",
            "position": 2,
            "name": "Jin Liu",
            "title": "A | B",
            "from": "jin-liu/unverified",
            "to": "jin-liu-4161",
        },
        {
            "paper": "2024.emnlp-main",
            "role": "volume-editor",
            "position": 0,
            "name": "Jin Liu",
            "title": "Proceedings",
            "from": "jin-liu/unverified",
            "to": "jin-liu-4161",
        },
    ],
    "entry": "jin-liu-4161:\n  degree: Karlsruhe Institute of Technology\n",
    "people_file": "data/yaml/people.yaml",
    "problems": [],
    "warnings": [],
    "notes": [{"code": "paper-by-title", "message": "Found by title."}],
    "files": ["data/xml/2024.emnlp.xml", "data/yaml/people.yaml"],
    "diff": "",
    "check": {"papers_moved": 2, "other_occurrences_changed": 0},
}
NEEDS_INFO = {
    **READY,
    "status": "needs-info",
    "moves": [],
    "problems": [{"code": "orcid-checksum", "message": "The ORCID iD is not valid."}],
}
FITS = OrcidVerdict("fits", "0000-0003-2157-4161", "ORCID record: public, name fits.")


def view(plan, orcid=FITS, state=None, **kw):
    state = state or IssueState()
    return StatusView(plan=plan, verdict=judge(plan, orcid), orcid=orcid, state=state, **kw)


def test_ready_status_says_what_will_change():
    text = render_status(view(READY))
    assert text.startswith(STATUS_MARKER + "\n### ✅ Ready")
    assert (
        "| [2024.emnlp-main.1](https://aclanthology.org/2024.emnlp-main.1/) | Jin Liu | "
        "[jin-liu/unverified](https://aclanthology.org/people/jin-liu/unverified/) | "
        "[jin-liu-4161](https://aclanthology.org/people/jin-liu-4161/) |"
    ) in text
    assert "(volume editor)" in text
    assert "New entry in `data/yaml/people.yaml`:\n\n```yaml\njin-liu-4161:" in text
    assert "**Check:** papers moved: 2; other occurrences changed: 0." in text
    assert "- Found by title. <sub>`paper-by-title`</sub>" in text
    assert "a maintainer approves with `@authorbot approve`" in text
    assert read_state(text) == IssueState()


def test_the_entry_is_shown_in_the_real_people_file_and_its_syntax():
    entry = '  "jin-liu-4161": {\n    "names": [\n      {"first": "Jin", "last": "Liu"}\n    ]\n  }'
    plan = {
        **READY,
        "entry": entry,
        "people_file": "data/json/people.json",
        "files": ["data/json/people.json", "data/xml/2024.emnlp.xml"],
    }
    for text in (render_status(view(plan)), render_pr_body(plan, 42, "mia")):
        assert f"New entry in `data/json/people.json`:\n\n```json\n{entry}\n```" in text
        assert "yaml" not in text
    # A plan from before the engine named the file still shows its entry.
    older = {k: v for k, v in READY.items() if k != "people_file"}
    assert "New entry in the people file:\n\n```\njin-liu-4161:" in render_status(view(older))


def test_needs_info_says_exactly_what_to_fix():
    text = render_status(view(NEEDS_INFO))
    assert "### ✋ Needs information" in text
    assert "- The ORCID iD is not valid. <sub>`orcid-checksum`</sub>" in text
    assert "| Paper |" not in text
    assert "Edit the issue" in text


def test_a_missing_orcid_record_turns_ready_into_needs_info():
    missing = OrcidVerdict(
        "missing",
        "0000-0003-2157-4161",
        "does not exist",
        problem="ORCID has no record for the iD.",
    )
    verdict = judge(READY, missing)
    assert verdict.status == "needs-info"
    assert [p.code for p in verdict.problems] == ["orcid-missing"]
    assert judge({**READY, "status": "rejected"}, missing).status == "rejected"


def test_the_state_line_round_trips_and_survives_dashes():
    state = IssueState(new_id="a--b", approved="f" * 16, approved_by="mia", pr=7)
    text = render_status(view(READY, state=state, pr_url="https://x/pull/7"))
    assert "a--b" not in text.split("<!-- authorbot:state")[1]  # no `--` inside the comment
    assert read_state(text) == state
    assert "**Approved by @mia.** Pull request: https://x/pull/7" in text


def test_unreadable_state_is_the_empty_state():
    assert read_state("<!-- authorbot:state {oops} -->") == IssueState()
    assert read_state(None) == IssueState()


def test_pipes_in_cells_are_escaped():
    plan = {**READY, "moves": [{**READY["moves"][0], "name": "A|B"}]}
    assert "| A\\|B |" in moves_table(plan)


def test_pr_body():
    body = render_pr_body(READY, 42, "mia")
    assert body.splitlines()[1].startswith("Requested in #42, approved by @mia. 2 occurrences")
    assert "papers moved: 2; other occurrences changed: 0" in body
    assert body.endswith("Closes #42")


def test_the_fingerprint_ignores_the_diff_but_not_the_moves():
    assert plan_fingerprint(READY) == plan_fingerprint({**READY, "diff": "other context"})
    assert plan_fingerprint(READY) != plan_fingerprint({**READY, "moves": READY["moves"][:1]})
    other_target = {**READY, "target": {**READY["target"], "id": "jin-liu-kit"}}
    assert plan_fingerprint(READY) != plan_fingerprint(other_target)
