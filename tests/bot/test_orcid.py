"""ORCID: the client against the stand-in over HTTP, and the pure judgement."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.github.orcid import OrcidClient, OrcidRecord, record_from_person_json
from bot.standins.orcid import FakeOrcid, FakeRecord, person_json
from bot.worker.orcidcheck import check_orcid, name_fits

PUBLIC = "0000-0002-4345-7946"
PRIVATE = "0000-0003-2157-4161"
MISSING = "0000-0002-1825-0097"


class Clock:
    now = 5000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def orcid() -> Iterator[FakeOrcid]:
    server = FakeOrcid(
        records={
            PUBLIC: FakeRecord("Valentin", "Barrière", credit="V. Barriere", others=("Val B",)),
            PRIVATE: FakeRecord("Jin", "Liu", name_public=False),
        }
    )
    server.url = server.start() + "/v3.0"
    yield server
    server.stop()


def client(orcid: FakeOrcid, clock=None, **kw) -> OrcidClient:
    return OrcidClient(orcid.url, min_interval=0.0, clock=clock or Clock(), **kw)


def test_public_private_and_missing_records(orcid):
    c = client(orcid)
    assert c.lookup(PUBLIC) == OrcidRecord(
        PUBLIC, "public", ("Valentin Barrière", "V. Barriere", "Val B")
    )
    assert c.lookup(PRIVATE).status == "private"
    assert c.lookup(MISSING).status == "missing"


def test_answers_are_cached_for_their_time(orcid, tmp_path):
    clock = Clock()
    c = client(orcid, clock, cache_path=tmp_path / "cache.sqlite3")
    c.lookup(PUBLIC)
    c.lookup(MISSING)
    assert orcid.hits == 2
    clock.now += 300
    c.lookup(PUBLIC)
    c.lookup(MISSING)
    assert orcid.hits == 2
    clock.now += 400  # a missing record is asked again after 10 minutes, a public one not
    c.lookup(PUBLIC)
    c.lookup(MISSING)
    assert orcid.hits == 3
    again = client(orcid, clock, cache_path=tmp_path / "cache.sqlite3")  # the cache is a file
    assert again.lookup(PUBLIC).status == "public" and orcid.hits == 3


def test_when_orcid_does_not_answer_the_check_is_skipped_and_paused(orcid):
    orcid.down, orcid.retry_after = True, 120
    clock = Clock()
    c = client(orcid, clock)
    assert c.lookup(PUBLIC).status == "unavailable"
    assert c.lookup(PRIVATE).status == "unavailable"
    assert orcid.hits == 1  # paused for the Retry-After, not hammered
    orcid.down = False
    clock.now += 121
    assert c.lookup(PUBLIC).status == "public"


def test_a_timeout_is_unavailable(orcid):
    orcid.delay = 1.0
    assert client(orcid, timeout=0.2).lookup(PUBLIC).status == "unavailable"


def test_record_from_the_json_orcid_returns():
    record = record_from_person_json(PUBLIC, person_json(PUBLIC, FakeRecord("Ann", "Lee")))
    assert record == OrcidRecord(PUBLIC, "public", ("Ann Lee",))


@pytest.mark.parametrize(
    ("paper", "record", "fits"),
    [
        ("Min Zhang", "Zhang Min", True),
        ("JungMin Yun", "Jung-Min Yun", True),
        ("Valentin Barriere", "Valentin Barrière", True),
        ("J. Smith", "John Smith", True),
        ("John Smith", "J. Smith", True),
        ("Wei Li", "Li Wang", False),
        ("Jin Liu", "Yang Liu", False),
    ],
)
def test_name_fits(paper, record, fits):
    assert name_fits(paper, record) is fits


PLAN = {
    "status": "ready",
    "target": {"orcid": PUBLIC, "names": [{"first": "Valentin", "last": "Barriere"}]},
    "moves": [{"name": "Valentin Barriere"}],
}


def test_check_orcid_verdicts():
    fits = check_orcid(PLAN, OrcidRecord(PUBLIC, "public", ("Valentin Barrière",)))
    assert (fits.outcome, fits.problem, fits.warning) == ("fits", None, None)
    other = check_orcid(PLAN, OrcidRecord(PUBLIC, "public", ("Someone Else",)))
    assert other.outcome == "name-differs" and other.problem is None and other.warning
    private = check_orcid(PLAN, OrcidRecord(PUBLIC, "private"))
    assert private.outcome == "private" and "set the visibility of your name" in private.problem
    missing = check_orcid(PLAN, OrcidRecord(PUBLIC, "missing"))
    assert missing.problem.startswith(f"ORCID has no record for the iD {PUBLIC}.")
    skipped = check_orcid(PLAN, OrcidRecord(PUBLIC, "unavailable", detail="ORCID answered 503"))
    assert skipped.outcome == "skipped" and "not checked" in skipped.summary
    assert check_orcid({"target": {}}, None).outcome == "not-needed"
