"""The pack for one meeting: a Leicestershire HWB meeting with its Do priorities' highlight reports and
exceptions, an ICB board meeting with pledge measures and delivery progress, a PDF page per item."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from pophealth.boards import store
from pophealth.cli import main
from pophealth.delivery.actions import get_action, list_priorities
from pophealth.delivery.risks import add_risk
from pophealth.delivery.updates import record_update
from pophealth.errors import ConfigError
from pophealth.insight.csv_import import import_insights
from pophealth.reports.meeting_pack import (InsightItem, build_meeting_pack, check_disclosure, pack_context,
                                            warehouse_insight, write_meeting_pack)
from pophealth.strategy import load_strategy
from pophealth.warehouse import connect, transaction
from tests.delivery_support import build_demo_tracker
from tests.measures_support import demo_measures_db

DO = "jhws:school-readiness"
HWB, ICB = "leicestershire-hwb-2024-10-10", "icb-board-2024-10-03"


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = demo_measures_db(tmp_path_factory.mktemp("meeting"))
    con = connect(path)
    build_demo_tracker(con)  # periods 2024-25 Q1 (closed) and Q2 (open); JFP-4.1 rated Red for risk in Q2
    store.load_shipped(con)
    store.set_level(con, priority_id=DO, level="do", board_id="leicestershire-hwb", reason="Test decision",
                    decided_on=dt.date(2024, 5, 1), who="test", officer_person_id="cllr-louise-richardson")
    ref = _first_action(con, DO)
    # the lead's update says Amber for risk; a risk scored 20 (likely x catastrophic) on the risk log makes it Red
    record_update(con, ref, get_action(con, ref).version, stage="Delivery", overall_rag="Amber", risk_rag="Amber",
                  trajectory_rag="Amber", narrative="EXAMPLE UPDATE for a test", editor="Example lead (test data)",
                  at=dt.datetime(2024, 9, 20, 12))
    add_risk(con, kind="risk", title="Workforce gaps in early years teams", owner="Example owner (test data)",
             likelihood=4, impact=5, who="test", action_ref=ref, at=dt.datetime(2024, 9, 21, 9))
    for board, day in [("leicestershire-hwb", dt.date(2024, 7, 11)), ("leicestershire-hwb", dt.date(2024, 10, 10)),
                       ("icb-board", dt.date(2024, 6, 3)), ("icb-board", dt.date(2024, 10, 3))]:
        store.add_meeting(con, board, day, "test", demo=True)
    con.close()
    return path


def _first_action(con, pid: str) -> str:
    return con.execute("SELECT ref FROM delivery_action WHERE priority_id = ? ORDER BY position LIMIT 1",
                       [pid]).fetchone()[0]


@pytest.fixture(scope="module")
def con(db):
    c = connect(db)
    yield c
    c.close()


@pytest.fixture(scope="module")
def strategy():
    return load_strategy()


def test_hwb_pack_has_the_do_priority_highlight_and_its_red_risk(con, strategy):
    pack = build_meeting_pack(con, strategy, HWB)
    assert pack.board.id == "leicestershire-hwb" and pack.pledge_numbers == []
    do = next(s for s in pack.priorities if s.priority_id == DO)
    assert do.level == "do" and do.officer == "Councillor Louise Richardson" and do.why.startswith("Do")
    ref = _first_action(con, DO)
    line = next(x for x in do.exceptions if x.ref == ref)
    assert line.risk_rag == "Red" and "Red risk" in line.reasons
    assert pack.exceptions[0].risk_rag == "Red"  # highest risk first
    assert [u.ref for u in pack.updates] == [ref]  # recorded 20 September, after the 11 July meeting
    # every JHWS priority reports to this board; none belongs to another programme
    assert {s.programme for s in pack.priorities} == {"jhws"}


def test_icb_pack_has_pledges_delivery_progress_and_changes(con, strategy):
    pack = build_meeting_pack(con, strategy, ICB)
    assert pack.pledge_numbers == list(range(1, 14))
    pledge6 = next(p for p in pack_context(pack)["pledges"] if p["entry"].pledge.number == 6)
    ae = next(v for v in pledge6["views"] if v.id == "ae-four-hour")
    assert ae.latest_label == "2024-09" and ae.chart_svg  # SPC chart of the months known at the meeting
    jfp = [p.priority_id for p in list_priorities(con) if p.programme == "jfp"]
    assert [s.priority_id for s in pack.priorities] == jfp
    with_actions = {r[0] for r in con.execute("SELECT DISTINCT priority_id FROM delivery_action").fetchall()}
    assert {s.priority_id for s in pack.priorities if s.rollup is not None} == with_actions & set(jfp)
    risk = next(x for x in pack.exceptions if x.ref == "JFP-4.1")
    assert risk.risk_rag == "Red" and pack.exceptions.index(risk) == 0
    assert sorted(u.ref for u in pack.updates) == ["JFP-3.1", "JFP-4.1"]  # both recorded 30 September 2024
    assert pack.snapshot.period == "2024-09"
    ae = [p.label for p in pack.points if p.measure_id == "ae-four-hour"]
    assert ae == ["2024-06", "2024-07", "2024-08", "2024-09"]  # months ending after 3 June, by 3 October


def test_insight_items_reach_only_their_priorities(con, strategy):
    def provider(ids):
        return [InsightItem(priority_id=DO, text="Parents asked for evening sessions", source="Test insight"),
                InsightItem(priority_id="jfp:not-here", text="Elsewhere", source="Test insight")]

    pack = build_meeting_pack(con, strategy, HWB, providers=[provider])
    assert [i.text for i in pack.insight] == ["Parents asked for evening sessions"]
    assert build_meeting_pack(con, strategy, HWB).insight == []  # no insight records held


def test_insight_records_linked_to_a_priority_reach_its_pack_and_small_groups_stay_out_of_public(
        con, strategy, tmp_path):
    csv = tmp_path / "insight.csv"
    csv.write_text("id,source,date,method,people,group,place,themes,summary,priorities,published\n"
                   "parents-2024,Parents' survey (test),2024-06,Survey,400,,Leicestershire,childcare,"
                   "Parents asked for evening sessions,jhws:school-readiness,yes\n"
                   "small-group-2024,Focus group (test),2024-07,Focus group,6,,Leicestershire,childcare,"
                   "Six carers asked for home visits,jhws:school-readiness,yes\n", encoding="utf-8")
    try:
        with transaction(con):
            import_insights(con, strategy, csv, by="test")
            staff = build_meeting_pack(con, strategy, HWB)
            public = warehouse_insight(con, public=True)([DO])
            raise _Undo
    except _Undo:
        pass
    assert {i.text for i in staff.insight} == {"Parents asked for evening sessions", "Six carers asked for home visits"}
    assert {i.priority_id for i in staff.insight} == {DO}
    assert [i.text for i in public] == ["Parents asked for evening sessions"]  # 6 people: below the threshold
    assert build_meeting_pack(con, strategy, HWB).insight == []  # the records were rolled back


class _Undo(Exception):
    pass


def _pages(pdf: Path) -> list[str]:
    return [re.sub(r"\s+", " ", p.extract_text()) for p in PdfReader(pdf).pages]


def _first_pages(pages: list[str], headings: list[str]) -> list[int]:
    found = []
    for h in headings:
        hits = [i for i, text in enumerate(pages) if text.startswith(h) or f" {h} " in text[:len(h) + 2]]
        assert hits, f"no page starts with {h!r}"
        found.append(hits[0])
    return found


@pytest.mark.slow
def test_hwb_pdf_has_a_page_per_priority(con, strategy, tmp_path):
    pack = build_meeting_pack(con, strategy, HWB)
    files = write_meeting_pack(pack, tmp_path)
    pages = _pages(files.pdf)
    first = _first_pages(pages, [f"Priority: {s.name}" for s in pack.priorities])
    assert first == sorted(set(first)) and first[0] > 0  # each on its own page, in order, after the contents
    assert all("DEMONSTRATION MEETING" in pages[i] for i in first)
    wb = load_workbook(files.xlsx, read_only=True)
    assert wb.sheetnames == ["Meeting", "Priorities", "Measures", "Exceptions", "Changes", "New points",
                             "What people told us"]
    rows = list(wb["Exceptions"].iter_rows(values_only=True))
    assert rows[1][5] == "Red"


@pytest.mark.slow
def test_icb_pdf_has_a_page_per_pledge_and_priority(db, con, tmp_path):
    main(["report", "meeting", ICB, "--db", str(db), "--out", str(tmp_path), "--json"])
    pages = _pages(tmp_path / f"meeting-pack-{ICB}.pdf")
    strategy = load_strategy()
    pledge_pages = _first_pages(pages, [f"Pledge {p.number}: {p.emphasis}" for p in strategy.pledges])
    assert pledge_pages == sorted(set(pledge_pages))
    names = [p.name for p in list_priorities(con) if p.programme == "jfp"]
    priority_pages = _first_pages(pages, [f"Priority: {n}" for n in names])
    assert priority_pages == sorted(set(priority_pages)) and priority_pages[0] > pledge_pages[-1]
    text = " ".join(pages)
    assert "Synthetic" not in text and "synthetic" not in text
    pledge6 = " ".join(pages[pledge_pages[5]:pledge_pages[6]])  # the pages of pledge 6, up to pledge 7
    assert "A&E patients seen within 4 hours" in pledge6


def test_a_demonstration_meeting_has_no_public_version(con, strategy):
    with pytest.raises(ConfigError):
        build_meeting_pack(con, strategy, ICB, public=True)


def test_public_pack_has_no_names_and_passes_disclosure(db, strategy, tmp_path):
    c = connect(db)
    try:
        real = store.add_meeting(c, "icb-board", dt.date(2024, 10, 31), "test")
        try:
            pack = build_meeting_pack(c, strategy, real.meeting_id, public=True)
        finally:
            store.remove_meeting(c, real.meeting_id, "test")
    finally:
        c.close()
    assert pack.public and pack.previous is None  # demonstration meetings are not its predecessors
    assert all(s.officer is None for s in pack.priorities)
    assert all(u.narrative is None and u.editor is None for u in pack.updates)
    # a count the policy would suppress makes the public pack refuse, rather than publish it
    count = next(m.id for m in pack.snapshot.measures if m.unit == "count" and pack.snapshot.series[m.id].points)
    series = pack.snapshot.series[count]
    check_disclosure(pack)  # the snapshot protected every count on the way in
    for value in (3.0, 1234.0):  # suppressed; not rounded to the base
        bad_series = series.model_copy(update={"points": [series.points[0].model_copy(update={"value": value})]})
        bad = pack.model_copy(update={"snapshot": pack.snapshot.model_copy(
            update={"series": {**pack.snapshot.series, count: bad_series}})})
        with pytest.raises(ConfigError):
            check_disclosure(bad)


def test_unknown_meeting_is_refused(db, tmp_path):
    with pytest.raises(SystemExit) as exit_:
        main(["report", "meeting", "icb-board-1999-01-01", "--db", str(db), "--out", str(tmp_path), "--no-pdf"])
    assert exit_.value.code == 4


def test_cli_json_reports_what_it_wrote(db, tmp_path, capsys):
    main(["report", "meeting", HWB, "--db", str(db), "--out", str(tmp_path), "--no-pdf", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert out["pdf"] is None and Path(out["html"]).is_file() and out["priorities"] >= 1


def test_an_icb_meeting_before_any_data_still_has_its_pledge_pages(tmp_path, strategy):
    c = connect(tmp_path / "w.duckdb")
    try:
        build_demo_tracker(c)
        store.load_shipped(c)
        store.add_meeting(c, "icb-board", dt.date(2024, 10, 3), "test", demo=True)
        pack = build_meeting_pack(c, strategy, ICB)
    finally:
        c.close()
    assert [p.number for p in pack.pledges] == list(range(1, 14))
    assert all(not s.points for s in pack.snapshot.series.values())  # an empty warehouse: nothing measured
    html = write_meeting_pack(pack, tmp_path / "out", pdf=False).html.read_text("utf-8")
    assert html.count('<section class="item pledge"') == 13


def test_without_a_snapshot_every_pledge_page_says_no_data_yet(con, strategy, tmp_path):
    pack = build_meeting_pack(con, strategy, ICB).model_copy(update={"snapshot": None})
    html = write_meeting_pack(pack, tmp_path, pdf=False).html.read_text("utf-8")
    assert html.count('<section class="item pledge"') == 13 and html.count("No data yet") == 13
