"""ORCID's public API (`pub.orcid.org/v3.0`, JSON, no token): does a record exist, is
it public, what names does it show.

Answers are cached in a small SQLite file (a public record for a day, a missing or
private one for ten minutes, so a person who fixes their record is not kept waiting);
requests are spaced to stay well under ORCID's limit (24 per second), and a 429/503
with `Retry-After` pauses all lookups for that long. When ORCID does not answer, the
lookup says so (`unavailable`) and the bot goes on without the check.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

DEFAULT_BASE_URL = "https://pub.orcid.org/v3.0"

RecordStatus = Literal["public", "private", "missing", "deactivated", "unavailable"]

_TTL: dict[str, float] = {
    "public": 86400.0,
    "private": 600.0,
    "missing": 600.0,
    "deactivated": 600.0,
}


@dataclass(frozen=True)
class OrcidRecord:
    """What ORCID says about one iD.

    `status`: `public` (the name is visible), `private` (the record exists but shows no
    name), `missing` (no such record), `deactivated`, or `unavailable` (ORCID did not
    answer; nothing is known). `names` are the names the record shows: given + family,
    the credit name, and the other names.
    """

    orcid: str
    status: RecordStatus
    names: tuple[str, ...] = field(default_factory=tuple)
    detail: str = ""


def record_from_person_json(orcid: str, data: dict) -> OrcidRecord:
    """Read the JSON of `GET /v3.0/{orcid}/person` (a pure function)."""
    names: list[str] = []
    name = data.get("name")
    if isinstance(name, dict):
        given = ((name.get("given-names") or {}).get("value") or "").strip()
        family = (
            (name.get("family-names") or name.get("family-name") or {}).get("value") or ""
        ).strip()
        if given or family:
            names.append(f"{given} {family}".strip())
        credit = ((name.get("credit-name") or {}).get("value") or "").strip()
        if credit:
            names.append(credit)
    others = (data.get("other-names") or {}).get("other-name") or []
    for other in others:
        content = (other.get("content") or "").strip() if isinstance(other, dict) else ""
        if content:
            names.append(content)
    if not names:
        return OrcidRecord(orcid, "private", (), "the record shows no public name")
    return OrcidRecord(orcid, "public", tuple(dict.fromkeys(names)))


class OrcidClient:
    """Looks up ORCID records, with a cache and a rate limit.

    Parameters:
        base_url: `https://pub.orcid.org/v3.0`, or a stand-in's URL in tests.
        cache_path: SQLite file for the cache (None: cache in memory only).
        timeout: seconds to wait for ORCID.
        min_interval: seconds between two requests.
        clock: seconds since the epoch (tests pass their own).
    """

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        cache_path: Path | None = None,
        timeout: float = 5.0,
        min_interval: float = 0.1,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.min_interval = min_interval
        self._clock = clock
        self._lock = threading.Lock()
        self._next_request = 0.0
        self._paused_until = 0.0
        # Imported here: the engine's commands import this module (for its default URL)
        # and never call ORCID, so they need not pay for importing requests.
        import requests

        self._session = requests.Session()
        self._session.headers.update(
            {"Accept": "application/json", "User-Agent": "authorbot (ACL Anthology)"}
        )
        self._db = sqlite3.connect(
            str(cache_path) if cache_path else ":memory:", check_same_thread=False
        )
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS orcid_cache"
            " (orcid TEXT PRIMARY KEY, fetched_at REAL, record TEXT)"
        )

    def lookup(self, orcid: str) -> OrcidRecord:
        """What ORCID says about `orcid` (a well-formed iD); never raises."""
        cached = self._cached(orcid)
        if cached is not None:
            return cached
        record = self._fetch(orcid)
        if record.status != "unavailable":
            with self._lock:
                self._db.execute(
                    "INSERT OR REPLACE INTO orcid_cache VALUES (?, ?, ?)",
                    (orcid, self._clock(), json.dumps(asdict(record))),
                )
                self._db.commit()
        return record

    def _cached(self, orcid: str) -> OrcidRecord | None:
        with self._lock:
            row = self._db.execute(
                "SELECT fetched_at, record FROM orcid_cache WHERE orcid = ?", (orcid,)
            ).fetchone()
        if row is None:
            return None
        data = json.loads(row[1])
        if self._clock() - row[0] > _TTL.get(data["status"], 0.0):
            return None
        return OrcidRecord(data["orcid"], data["status"], tuple(data["names"]), data["detail"])

    def _wait_turn(self) -> bool:
        """Space requests out; False while ORCID asked us to pause."""
        with self._lock:
            now = self._clock()
            if now < self._paused_until:
                return False
            wait = self._next_request - now
            self._next_request = max(now, self._next_request) + self.min_interval
        if wait > 0:
            time.sleep(wait)
        return True

    def _fetch(self, orcid: str) -> OrcidRecord:
        if not self._wait_turn():
            return OrcidRecord(orcid, "unavailable", (), "ORCID asked us to slow down")
        import requests  # loaded by __init__ already

        try:
            resp = self._session.get(f"{self.base_url}/{orcid}/person", timeout=self.timeout)
        except requests.RequestException as exc:
            return OrcidRecord(
                orcid, "unavailable", (), f"ORCID did not answer ({exc.__class__.__name__})"
            )
        if resp.status_code in (429, 503):
            retry_after = _seconds(resp.headers.get("Retry-After"), default=30.0)
            with self._lock:
                self._paused_until = self._clock() + retry_after
            return OrcidRecord(orcid, "unavailable", (), f"ORCID answered {resp.status_code}")
        if resp.status_code == 404:
            return OrcidRecord(orcid, "missing", (), "ORCID has no record with this iD")
        if resp.status_code == 409:
            return OrcidRecord(orcid, "deactivated", (), "the record is deactivated or locked")
        if resp.status_code != 200:
            return OrcidRecord(orcid, "unavailable", (), f"ORCID answered {resp.status_code}")
        try:
            data = resp.json()
        except ValueError:
            return OrcidRecord(orcid, "unavailable", (), "ORCID answered with something not JSON")
        return record_from_person_json(orcid, data if isinstance(data, dict) else {})


def _seconds(value: str | None, default: float) -> float:
    try:
        return max(0.0, float(value)) if value is not None else default
    except ValueError:
        return default
