"""The Fingertips API client against recorded responses: snapshots, offline use, loading."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import httpx
import pytest

from pophealth.errors import ConfigError, InputError
from pophealth.sources.fingertips_api import FingertipsClient, latest_snapshots, load_snapshots, snapshot_name
from pophealth.warehouse import connect

RECORDED = Path(__file__).parent / "fixtures" / "fingertips_api"


def recorded(seen: list[httpx.Request] | None = None) -> httpx.MockTransport:
    """Serve ``by_indicator_id_<ID>_at<TYPE>.csv`` for the matching request, 404 otherwise."""

    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        q = request.url.params
        body = RECORDED / f"by_indicator_id_{q.get('indicator_ids')}_at{q.get('child_area_type_id')}.csv"
        if request.url.path != "/api/all_data/csv/by_indicator_id" or not body.is_file():
            return httpx.Response(404, text="Not found")
        return httpx.Response(200, content=body.read_bytes(), headers={"content-type": "text/csv"})

    return httpx.MockTransport(handler)


def unreachable() -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no route to host", request=request)

    return httpx.MockTransport(handler)


def client(tmp_path: Path, transport, day=date(2026, 11, 1)) -> FingertipsClient:
    return FingertipsClient(tmp_path / "snaps", transport=transport, today=lambda: day)


def test_fetch_asks_the_documented_endpoint_and_saves_a_dated_snapshot(tmp_path):
    seen: list[httpx.Request] = []
    result = client(tmp_path, recorded(seen)).fetch(41001, 102)
    (request,) = seen
    assert request.url.host == "fingertips.phe.org.uk"
    assert dict(request.url.params) == {"indicator_ids": "41001", "child_area_type_id": "102",
                                        "parent_area_type_id": "15", "include_sortable_time_periods": "yes"}
    assert not result.offline and result.rows == 11
    assert result.snapshot.path.name == "fingertips_i41001_at102_2026-11-01.csv"
    assert result.snapshot.path.read_bytes() == (RECORDED / "by_indicator_id_41001_at102.csv").read_bytes()
    meta = json.loads(result.snapshot.path.with_suffix(".json").read_text())
    assert meta["rows"] == 11 and meta["url"] == str(request.url)


def test_offline_fetch_uses_the_newest_saved_snapshot(tmp_path):
    client(tmp_path, recorded(), day=date(2026, 1, 1)).fetch(41001, 102)
    client(tmp_path, recorded(), day=date(2026, 3, 1)).fetch(41001, 102)
    result = client(tmp_path, unreachable(), day=date(2026, 4, 1)).fetch(41001, 102)
    assert result.offline and "ConnectError" in result.reason
    assert result.snapshot.snapshot_date == date(2026, 3, 1) and result.rows == 11


def test_server_errors_also_fall_back_to_snapshots(tmp_path):
    client(tmp_path, recorded()).fetch(41001, 102)
    failing = httpx.MockTransport(lambda r: httpx.Response(503, text="maintenance"))
    assert client(tmp_path, failing).fetch(41001, 102).offline


def test_offline_without_a_snapshot_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="no saved snapshot of indicator 41001"):
        client(tmp_path, unreachable()).fetch(41001, 102)


def test_a_reply_that_is_not_a_fingertips_export_is_never_saved(tmp_path):
    html = httpx.MockTransport(lambda r: httpx.Response(200, text="<html><body>Service page</body></html>"))
    with pytest.raises(InputError):
        client(tmp_path, html).fetch(41001, 102)
    assert not list((tmp_path / "snaps").glob("*"))


def test_load_snapshots_takes_the_newest_of_each_indicator_and_records_them(tmp_path):
    for day in (date(2026, 1, 1), date(2026, 2, 1)):
        client(tmp_path, recorded(), day=day).fetch(41001, 102)
    client(tmp_path, recorded()).fetch(91390, 102)
    con = connect(":memory:")
    results = load_snapshots(con, tmp_path / "snaps")
    assert sorted(r.source for r in results) == ["fingertips_i41001_at102_2026-02-01.csv",
                                                 "fingertips_i91390_at102_2026-11-01.csv"]
    assert con.execute("SELECT count(*) FROM indicator_value").fetchone()[0] == 22
    dates = con.execute("SELECT DISTINCT indicator_id, snapshot_date FROM indicator_value ORDER BY 1").fetchall()
    assert dates == [(41001, date(2026, 2, 1)), (91390, date(2026, 11, 1))]
    assert con.execute("SELECT count(*), sum(rows) FROM fingertips_snapshot").fetchone() == (2, 22)
    load_snapshots(con, tmp_path / "snaps")
    assert con.execute("SELECT count(*) FROM indicator_value").fetchone()[0] == 22


def test_one_bad_snapshot_rejects_the_whole_folder(tmp_path):
    client(tmp_path, recorded()).fetch(41001, 102)
    bad = tmp_path / "snaps" / snapshot_name(91390, 102, date(2026, 11, 1))
    bad.write_text((RECORDED / "by_indicator_id_91390_at102.csv").read_text().replace("10.4770307233055", "ten point"))
    con = connect(":memory:")
    with pytest.raises(InputError) as err:
        load_snapshots(con, tmp_path / "snaps")
    assert err.value.problems[0].file == str(bad) and err.value.problems[0].column == "Value"
    assert con.execute("SELECT count(*) FROM indicator_value").fetchone()[0] == 0
    assert len(latest_snapshots(tmp_path / "snaps")) == 2


def test_cli_load_snapshot(tmp_path, capsys):
    from pophealth.cli import main

    client(tmp_path, recorded()).fetch(41001, 102)
    main(["fingertips", "load-snapshot", str(tmp_path / "snaps"), "--db", str(tmp_path / "w.duckdb"), "--create", "--json"])
    assert json.loads(capsys.readouterr().out)[0]["rows"] == 11
