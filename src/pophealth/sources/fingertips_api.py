"""A Fingertips API client that saves every fetch as a dated snapshot and works offline from them.

One call fetches one indicator for one area type (``all_data/csv/by_indicator_id``) and writes
``fingertips_i<indicator>_at<area type>_<YYYY-MM-DD>.csv`` plus a JSON sidecar (URL, checksum,
rows) into the snapshot folder. A response is validated as a Fingertips export before it is
saved, so a broken reply never becomes a snapshot. When the service cannot be reached, the
newest saved snapshot is used instead and the result says so; the warehouse is loaded only from
snapshots, so every figure can be traced to a file on disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import httpx

from pophealth.errors import ConfigError, InputError, Problem
from pophealth.sources.fingertips_csv import Batch, ImportResult, load_batches, read_batch, read_fingertips_csv, summarise

BASE_URL = "https://fingertips.phe.org.uk/api/"
ENGLAND_AREA_TYPE = 15
_SNAPSHOT = re.compile(r"^fingertips_i(?P<ind>\d+)_at(?P<at>\d+)_(?P<day>\d{4}-\d{2}-\d{2})\.csv$")


@dataclass(frozen=True)
class Snapshot:
    path: Path
    indicator_id: int
    area_type_id: int
    snapshot_date: date

    @property
    def url(self) -> str:
        meta = self.path.with_suffix(".json")
        return json.loads(meta.read_text("utf-8"))["url"] if meta.is_file() else ""


@dataclass(frozen=True)
class FetchResult:
    snapshot: Snapshot
    rows: int
    offline: bool  # True when the service could not be reached and a saved snapshot was used
    reason: str | None = None


def snapshot_name(indicator_id: int, area_type_id: int, day: date) -> str:
    return f"fingertips_i{indicator_id}_at{area_type_id}_{day.isoformat()}.csv"


def list_snapshots(folder: Path | str) -> list[Snapshot]:
    """Every snapshot file in ``folder``, oldest first."""
    found = []
    for path in sorted(Path(folder).glob("fingertips_i*_at*_*.csv")):
        match = _SNAPSHOT.match(path.name)
        if match:
            found.append(Snapshot(path, int(match["ind"]), int(match["at"]), date.fromisoformat(match["day"])))
    return sorted(found, key=lambda s: (s.indicator_id, s.area_type_id, s.snapshot_date))


def latest_snapshots(folder: Path | str) -> list[Snapshot]:
    """The newest snapshot of each (indicator, area type) in ``folder``."""
    newest: dict[tuple[int, int], Snapshot] = {}
    for snap in list_snapshots(folder):
        newest[(snap.indicator_id, snap.area_type_id)] = snap
    return list(newest.values())


class FingertipsClient:
    """Fetch indicator data from the Fingertips API into a snapshot folder.

    ``transport`` lets tests serve recorded responses (``httpx.MockTransport``); ``today`` fixes
    the snapshot date.
    """

    def __init__(self, snapshots: Path | str, *, base_url: str = BASE_URL,
                 transport: httpx.BaseTransport | None = None, timeout: float = 60.0,
                 today: Callable[[], date] = date.today) -> None:
        self.snapshots = Path(snapshots)
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self._transport = transport
        self._timeout = timeout
        self._today = today

    def url(self, indicator_id: int, area_type_id: int, parent_area_type_id: int = ENGLAND_AREA_TYPE) -> str:
        query = httpx.QueryParams({"indicator_ids": indicator_id, "child_area_type_id": area_type_id,
                                   "parent_area_type_id": parent_area_type_id,
                                   "include_sortable_time_periods": "yes"})
        return f"{self.base_url}all_data/csv/by_indicator_id?{query}"

    def fetch(self, indicator_id: int, area_type_id: int, *,
              parent_area_type_id: int = ENGLAND_AREA_TYPE) -> FetchResult:
        """Fetch and save one indicator; fall back to the newest snapshot if the service fails."""
        url = self.url(indicator_id, area_type_id, parent_area_type_id)
        try:
            with httpx.Client(transport=self._transport, timeout=self._timeout, follow_redirects=True) as http:
                response = http.get(url, headers={"Accept": "text/csv"})
            response.raise_for_status()
        except httpx.HTTPError as exc:
            return self._offline(indicator_id, area_type_id, f"{type(exc).__name__}: {exc}")
        data = response.content
        day = self._today()
        target = self.snapshots / snapshot_name(indicator_id, area_type_id, day)
        frame, _ = read_fingertips_csv(data, name=url)  # raises InputError before anything is saved
        if frame.empty:
            raise InputError(Problem(url, f"Fingertips returned no rows for indicator {indicator_id} "
                                          f"and area type {area_type_id}"))
        self._save(target, data, {"url": url, "indicator_id": indicator_id, "area_type_id": area_type_id,
                                  "parent_area_type_id": parent_area_type_id,
                                  "fetched_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                                  "sha256": hashlib.sha256(data).hexdigest(), "rows": len(frame)})
        return FetchResult(Snapshot(target, indicator_id, area_type_id, day), len(frame), offline=False)

    def _save(self, target: Path, data: bytes, meta: dict) -> None:
        """Write the CSV and its sidecar atomically (temporary file, then rename)."""
        self.snapshots.mkdir(parents=True, exist_ok=True)
        for path, payload in ((target, data), (target.with_suffix(".json"), json.dumps(meta, indent=2).encode())):
            tmp = path.with_name(path.name + ".part")
            tmp.write_bytes(payload)
            os.replace(tmp, path)

    def _offline(self, indicator_id: int, area_type_id: int, reason: str) -> FetchResult:
        saved = [s for s in latest_snapshots(self.snapshots) if (s.indicator_id, s.area_type_id) ==
                 (indicator_id, area_type_id)] if self.snapshots.is_dir() else []
        if not saved:
            raise ConfigError(f"Cannot reach Fingertips ({reason}) and there is no saved snapshot of "
                              f"indicator {indicator_id} for area type {area_type_id} in {self.snapshots}",
                              hint="fetch it once while online, or copy a snapshot folder here")
        snap = saved[0]
        rows = summarise(read_batch(snap.path)).rows
        return FetchResult(snap, rows, offline=True, reason=reason)


def load_snapshots(con: duckdb.DuckDBPyConnection, folder: Path | str) -> list[ImportResult]:
    """Load the newest snapshot of every indicator in ``folder``: all validated, then one transaction."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ConfigError(f"No snapshot folder at {folder}")
    snaps = latest_snapshots(folder)
    if not snaps:
        raise ConfigError(f"No Fingertips snapshots (fingertips_i<ID>_at<TYPE>_<DATE>.csv) in {folder}")
    problems: list[Problem] = []
    batches: list[Batch] = []
    for snap in snaps:
        try:
            batches.append(read_batch(snap.path, snapshot_date=snap.snapshot_date))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)

    def record(con: duckdb.DuckDBPyConnection) -> None:
        for snap, batch in zip(snaps, batches):
            con.execute("INSERT OR REPLACE INTO fingertips_snapshot VALUES (?, ?, ?, ?, ?, ?, ?, now())",
                        [snap.path.name, snap.indicator_id, snap.area_type_id, snap.snapshot_date, snap.url,
                         len(batch.frame), batch.checksum])

    load_batches(con, batches, also=record)
    return [summarise(b) for b in batches]
