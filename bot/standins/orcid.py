"""A stand-in for ORCID's public API v3.0 (`GET /v3.0/{orcid}/person`, JSON)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from bot.standins.http import JsonServer, Reply, Request


@dataclass
class FakeRecord:
    """One record: its names, and whether the name is public."""

    given: str
    family: str
    credit: str | None = None
    others: tuple[str, ...] = ()
    name_public: bool = True


@dataclass
class FakeOrcid(JsonServer):
    """Serves `records`; `down` makes every request answer 503 (or hang `delay` s);
    `retry_after` adds that header. `hits` counts requests."""

    records: dict[str, FakeRecord] = field(default_factory=dict)
    down: bool = False
    delay: float = 0.0
    retry_after: int | None = None
    hits: int = 0

    def __post_init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self.route("GET", r"/v3\.0/([0-9X-]{19})/person")(self._person)

    def _person(self, request: Request, orcid: str) -> Reply:
        with self._lock:
            self.hits += 1
        if self.delay:
            threading.Event().wait(self.delay)
        if self.down:
            headers = {"Retry-After": str(self.retry_after)} if self.retry_after else {}
            return Reply(503, {"error": "Service Unavailable"}, headers)
        record = self.records.get(orcid)
        if record is None:
            return Reply(
                404,
                {
                    "response-code": 404,
                    "developer-message": f"404 Not Found: The resource was not found. Full "
                    f"validation error: ORCID iD {orcid} not found",
                    "user-message": "The resource was not found.",
                    "error-code": 9016,
                    "more-info": "https://members.orcid.org/api/resources/troubleshooting",
                },
            )
        return Reply(200, person_json(orcid, record))


def person_json(orcid: str, record: FakeRecord) -> dict[str, Any]:
    """The `person` document as ORCID returns it (the parts the bot reads, and some more)."""
    path = f"/{orcid}/person"
    name = None
    if record.name_public:
        name = {
            "created-date": {"value": 1500000000000},
            "last-modified-date": {"value": 1500000000000},
            "given-names": {"value": record.given},
            "family-name": {"value": record.family},
            "credit-name": {"value": record.credit} if record.credit else None,
            "source": None,
            "visibility": "public",
            "path": orcid,
        }
    others = [
        {
            "created-date": {"value": 1500000000000},
            "content": other,
            "visibility": "public",
            "path": f"/{orcid}/other-names/{i}",
            "put-code": i,
            "display-index": i,
        }
        for i, other in enumerate(record.others if record.name_public else (), start=1)
    ]
    return {
        "last-modified-date": {"value": 1500000000000},
        "name": name,
        "other-names": {
            "last-modified-date": None,
            "other-name": others,
            "path": f"/{orcid}/other-names",
        },
        "biography": None,
        "researcher-urls": {
            "last-modified-date": None,
            "researcher-url": [],
            "path": f"/{orcid}/researcher-urls",
        },
        "emails": {"last-modified-date": None, "email": [], "path": f"/{orcid}/email"},
        "addresses": {"last-modified-date": None, "address": [], "path": f"/{orcid}/address"},
        "keywords": {"last-modified-date": None, "keyword": [], "path": f"/{orcid}/keywords"},
        "external-identifiers": {
            "last-modified-date": None,
            "external-identifier": [],
            "path": f"/{orcid}/external-identifiers",
        },
        "path": path,
    }
