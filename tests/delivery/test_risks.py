"""The risk and issue log: NPSA 2008 5x5 scoring, banding to RAG, and the derived risk RAG of an action."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from pophealth.delivery.risks import add_risk, band, close_risk, edit_risk, list_risks, risk_history
from pophealth.delivery.tracker import tracker_rows
from pophealth.delivery.xlsx_export import export_workbook
from pophealth.delivery.xlsx_import import import_workbook
from pophealth.errors import ConflictError, InputError, NotFoundError
from pophealth.warehouse import connect
from tests.delivery_support import build_demo_tracker

LEVEL = st.integers(min_value=1, max_value=5)
RAG_ORDER = {"Green": 0, "Amber": 1, "Red": 2}


@pytest.fixture
def demo(tmp_path):
    con = connect(tmp_path / "r.duckdb")
    build_demo_tracker(con)
    yield con
    con.close()


def row(con, ref):
    return next(r for r in tracker_rows(con) if r.action.ref == ref)


def workbook_risk(path, ref):
    ws = load_workbook(path)["Tracker"]
    header = [c.value for c in ws[1]]
    found = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == ref)
    return found[header.index("Risk/Issue RAG")], found[header.index("Risk/Issue RAG From")]


def test_npsa_2008_grades_and_the_stated_rag_mapping():
    # NPSA (2008) "A risk matrix for risk managers": 1-3 low, 4-6 moderate, 8-12 high, 15-25 extreme.
    assert [band(s)[0] for s in (1, 3, 4, 6, 8, 12, 15, 25)] == ["Low", "Low", "Moderate", "Moderate", "High", "High",
                                                                 "Extreme", "Extreme"]
    assert band(20) == ("Extreme", "Red")
    assert band(12) == ("High", "Amber") and band(5) == ("Moderate", "Amber") and band(2) == ("Low", "Green")


def test_scores_that_are_not_on_the_matrix_are_refused():
    for impossible in (0, 7, 11, 13, 14, 26):
        with pytest.raises(ValueError):
            band(impossible)


@given(LEVEL, LEVEL, LEVEL, LEVEL)
def test_every_matrix_cell_has_a_band_and_a_higher_score_is_never_a_better_rag(l1, i1, l2, i2):
    (a, b) = sorted((l1 * i1, l2 * i2))
    assert RAG_ORDER[band(a)[1]] <= RAG_ORDER[band(b)[1]]


def test_a_risk_scored_20_makes_the_risk_rag_red_and_closing_it_reverts(demo, tmp_path):
    assert (row(demo, "L2.1").risk_rag, row(demo, "L2.1").risk_rag_source) == ("Amber", "update")
    risk = add_risk(demo, kind="risk", title="Funding not confirmed beyond March", owner="Finance lead",
                    likelihood=4, impact=5, action_ref="L2.1", who="Dr A Lead", review_date=date(2024, 10, 1))
    r = row(demo, "L2.1")
    assert (r.risk_rag, r.risk_rag_source, r.risk_score) == ("Red", "risk log", 20)
    export_workbook(demo, tmp_path / "with_risk.xlsx")
    assert workbook_risk(tmp_path / "with_risk.xlsx", "L2.1") == ("Red", "risk log")
    close_risk(demo, risk.risk_id, risk.version, "Dr A Lead")
    assert (row(demo, "L2.1").risk_rag, row(demo, "L2.1").risk_rag_source) == ("Amber", "update")
    export_workbook(demo, tmp_path / "closed.xlsx")
    assert workbook_risk(tmp_path / "closed.xlsx", "L2.1") == ("Amber", "update")


def test_the_highest_open_score_wins_even_when_lower_than_the_update(demo):
    add_risk(demo, kind="issue", title="Venue lost", owner="Ops", likelihood=1, impact=2, action_ref="L2.3", who="x")
    add_risk(demo, kind="risk", title="Staff leave", owner="HR", likelihood=2, impact=3, action_ref="L2.3", who="x")
    r = row(demo, "L2.3")  # the update said Red; the log's highest open score is 6 (moderate)
    assert (r.risk_rag, r.risk_score, r.risk_rag_source) == ("Amber", 6, "risk log")


def test_an_unrated_action_with_an_open_risk_shows_the_log_and_a_priority_risk_sets_no_action(demo):
    add_risk(demo, kind="risk", title="Board capacity", owner="Chair", likelihood=5, impact=5,
             priority_id=row(demo, "ICS-1.2").action.priority_id, who="x")
    assert row(demo, "ICS-1.2").risk_rag is None
    add_risk(demo, kind="risk", title="Data sharing", owner="IG", likelihood=3, impact=3, action_ref="ICS-1.1", who="x")
    assert (row(demo, "ICS-1.1").risk_rag, row(demo, "ICS-1.1").overall_rag) == ("Amber", None)


def test_edits_are_versioned_logged_and_guarded(demo):
    risk = add_risk(demo, kind="risk", title="T", owner="O", likelihood=2, impact=2, action_ref="L2.1", who="a")
    after = edit_risk(demo, risk.risk_id, 1, {"likelihood": 5, "mitigation": "Escalate"}, "b")
    assert (after.version, after.score, after.rag) == (2, 10, "Amber")
    with pytest.raises(ConflictError):
        edit_risk(demo, risk.risk_id, 1, {"impact": 1}, "c")
    log = risk_history(demo, risk.risk_id)
    assert [(c["who"], c["after"]["score"]) for c in log] == [("a", 4), ("b", 10)]
    assert log[1]["before"]["likelihood"] == 2


def test_bad_input_is_refused_naming_the_field(demo):
    with pytest.raises(InputError, match="likelihood must be a whole number from 1 to 5"):
        add_risk(demo, kind="risk", title="T", owner="O", likelihood=6, impact=2, action_ref="L2.1", who="a")
    with pytest.raises(InputError, match="type must be risk or issue"):
        add_risk(demo, kind="worry", title="T", owner="O", likelihood=1, impact=2, action_ref="L2.1", who="a")
    with pytest.raises(NotFoundError):
        add_risk(demo, kind="risk", title="T", owner="O", likelihood=1, impact=2, action_ref="NOPE", who="a")
    assert list_risks(demo) == []


def test_the_risk_cell_of_a_logged_action_cannot_be_typed_over_in_the_workbook(demo, tmp_path):
    add_risk(demo, kind="risk", title="T", owner="O", likelihood=4, impact=5, action_ref="L2.1", who="a")
    export_workbook(demo, tmp_path / "t.xlsx")
    wb = load_workbook(tmp_path / "t.xlsx")
    ws = wb["Tracker"]
    header = [c.value for c in ws[1]]
    number = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == "L2.1")
    ws.cell(row=number, column=header.index("Risk/Issue RAG") + 1, value="Green")
    wb.save(tmp_path / "typed.xlsx")
    with pytest.raises(InputError) as info:
        import_workbook(demo, tmp_path / "typed.xlsx", "x")
    [problem] = info.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("Tracker", number, "Risk/Issue RAG")
    assert "risk log" in problem.message and "20" in problem.message
    assert sum(import_workbook(demo, tmp_path / "t.xlsx", "x").values()) == 0  # the unedited export is fine


def test_a_red_risk_escalates_a_sponsor_workstream_in_the_board_highlight_report(demo):
    from pophealth.delivery.actions import list_actions
    from pophealth.delivery.governance import highlight_report, insert_governance, list_governance
    from pophealth.delivery.records import Governance

    board = "Leicester Health and Wellbeing Board"
    governed = {g.priority_id for g in list_governance(demo)}
    action = next(a for a in list_actions(demo) if a.ref.startswith("L") and a.priority_id not in governed)
    insert_governance(demo, Governance(priority_id=action.priority_id, level="sponsor", board=board), "test")

    def escalated():
        return [p.governance.priority_id for p in highlight_report(demo, board).escalated]

    assert escalated() == []
    risk = add_risk(demo, kind="issue", title="Provider withdrew", owner="Commissioner", likelihood=5, impact=4,
                    action_ref=action.ref, who="x")
    report = highlight_report(demo, board)
    assert escalated() == [action.priority_id]
    [workstream] = report.escalated
    assert [(r.action.ref, r.risk_rag_source) for r in workstream.exceptions if r.risk_rag == "Red"] == [
        (action.ref, "risk log")]  # the reason it escalated is listed
    close_risk(demo, risk.risk_id, risk.version, "x")
    assert escalated() == []
