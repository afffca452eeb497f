"""The workbook's Risks and Resources reference sheets: what they hold, and that the import never reads them."""

from __future__ import annotations

from openpyxl import load_workbook

from pophealth.delivery.audit import changes
from pophealth.delivery.resources import add_resource, list_resources, remove_resource
from pophealth.delivery.risks import add_risk, close_risk, list_risks
from pophealth.delivery.xlsx_export import export_workbook
from pophealth.delivery.xlsx_import import import_workbook
from pophealth.delivery.xlsx_layout import REFERENCE_SHEETS, RESOURCES, RISKS, SHEETS
from pophealth.warehouse import connect
from tests.delivery_support import build_demo_tracker


def _records(path, sheet):
    ws = load_workbook(path)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def test_reference_sheets_list_every_risk_and_resource_and_the_import_ignores_them(tmp_path):
    con = connect(tmp_path / "a.duckdb")
    build_demo_tracker(con)
    risk = add_risk(con, kind="issue", title="Clinic closed", owner="Ops", likelihood=5, impact=3, action_ref="L2.1",
                    who="Lead")
    close_risk(con, risk.risk_id, 1, "Lead")
    add_risk(con, kind="risk", title="Staffing", owner="HR", likelihood=2, impact=2, action_ref="L2.3", who="Lead")
    kept = add_resource(con, amount_gbp="125000.50", funding_source="ICB", financial_year_text="2024/25",
                        prevention=True, action_ref="L2.1", who="Lead")
    gone = add_resource(con, amount_gbp="10", funding_source="Council", financial_year_text="2023/24",
                        prevention=False, action_ref="L2.1", who="Lead")
    remove_resource(con, gone.resource_id, 1, "Lead")
    path = tmp_path / "t.xlsx"
    export_workbook(con, path)

    assert load_workbook(path).sheetnames == [*SHEETS, *REFERENCE_SHEETS]
    risks = _records(path, RISKS)
    assert [(r["Number"], r["Type"], r["Ref"], r["Score"], r["NPSA Grade"], r["RAG"], r["Status"]) for r in risks] == [
        (risk.risk_id, "issue", "L2.1", 15, "Extreme", "Red", "closed"),
        (risk.risk_id + 1, "risk", "L2.3", 4, "Moderate", "Amber", "open")]
    resources = _records(path, RESOURCES)
    assert [(r["Number"], r["Amount (GBP)"], r["Financial Year"], r["Prevention (Y/N)"], r["Status"])
            for r in resources] == [(kept.resource_id, 125000.5, "2024/25", "Y", "active"),
                                    (gone.resource_id, 10, "2023/24", "N", "removed")]
    tracker = _records(path, "Tracker")
    assert next(r for r in tracker if r["Ref"] == "L2.1")["Resources Recorded (GBP)"] == 125000.5  # active only

    # edit and clear the reference sheets: importing changes no risk, no resource and logs nothing
    wb = load_workbook(path)
    wb[RISKS].cell(row=2, column=7, value=1)
    wb[RESOURCES].delete_rows(2, 2)
    wb.save(tmp_path / "edited.xlsx")
    before = (list_risks(con), list_resources(con, include_removed=True), len(changes(con)))
    assert sum(import_workbook(con, tmp_path / "edited.xlsx", "importer").values()) == 0
    assert (list_risks(con), list_resources(con, include_removed=True), len(changes(con))) == before
    again = tmp_path / "again.xlsx"
    export_workbook(con, again)
    assert again.read_bytes() == path.read_bytes()  # the same store exports the same bytes
    con.close()
