"""The board pack as a workbook: the summary matrix, every data point, and the narrative."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from pophealth.cells import text_only

from pophealth.measures.status import RAG_TEXT
from pophealth.measures.tracking import Tracking
from pophealth.measures.view import SYNTHETIC_TEXT, STATE_TEXT

HEADER = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="005EB8")
RAG_FILL = {"red": "D5281B", "amber": "FFB81C", "green": "007F3B", "not_rated": "D8DDE0"}
RAG_KEY = {text: key for key, text in RAG_TEXT.items()}


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list], widths: list[int]):
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font, cell.fill = HEADER, HEADER_FILL
    for row in rows:
        ws.append(row)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    return ws


def write_xlsx(tracking: Tracking, path: Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    summary = []
    for p in tracking.pledges:
        if not p.measurable:
            summary.append([p.pledge.number, p.pledge.text, None, "Not yet measurable", None, None, None,
                            None, None, None, None, None])
        summary.extend(_row(tracking, p.pledge.number, p.pledge.text, mid) for mid in p.measure_ids)
    summary.extend(_row(tracking, None, "JHWS and ICS priorities", mid) for mid in tracking.other_measure_ids)
    ws = _sheet(wb, "Summary", ["Pledge", "Pledge text", "Measure id", "Measure", "Latest period", "Latest value",
                                "Target", "Variation", "Assurance", "Status", "Data", "Owner"],
                summary, [8, 40, 30, 50, 12, 12, 10, 45, 45, 14, 30, 35])
    status_col = 10
    for row in ws.iter_rows(min_row=2):
        rag = row[status_col - 1].value
        key = RAG_KEY.get(rag)
        if key in RAG_FILL:
            row[status_col - 1].fill = PatternFill("solid", fgColor=RAG_FILL[key])
    points = [[mid, p.label, p.date, p.value, p.mean, p.lpl, p.upl, p.point_type,
               "synthetic" if e.series.synthetic else "real"]
              for mid, e in tracking.measures.items() for p in e.status.points]
    _sheet(wb, "Data", ["Measure id", "Period", "Period start", "Value", "Mean", "Lower process limit",
                        "Upper process limit", "Point type", "Data"], points, [30, 10, 12, 12, 12, 12, 12, 28, 10])
    # Every figure each measure shows, rated or beside it for comparison, one row per place and period.
    figures = [[mid, c.label, c.org, p.label, p.period_start, p.value]
               for mid, e in tracking.measures.items() for c in [e.series, *e.series.compare] for p in c.points]
    _sheet(wb, "Figures", ["Measure id", "Place or group", "Code", "Period", "Period start", "Value"], figures,
           [30, 34, 12, 12, 12, 12])
    narrative = [[mid, e.narrative.period, e.narrative.version, e.narrative.key_issue,
                  "\n".join(e.narrative.mitigations), e.narrative.author, e.narrative.created_at]
                 for mid, e in tracking.measures.items() if e.narrative]
    _sheet(wb, "Narrative", ["Measure id", "Period", "Version", "What is the key issue?", "Mitigations", "Author",
                             "Written"], narrative, [30, 10, 8, 60, 60, 30, 18])
    about = wb.create_sheet("About")
    for line in ([f"{tracking.strategy_name}: board pack for {tracking.period}"],
                 [f"Data snapshot taken {tracking.taken_at:%Y-%m-%d %H:%M}"],
                 [SYNTHETIC_TEXT + " where the Data column says synthetic." if tracking.synthetic else ""],
                 ["Contains public sector information licensed under the Open Government Licence v3.0"]):
        about.append(line)
    text_only(wb)  # narratives and names are text, never formulas
    wb.save(path)


def _row(tracking: Tracking, number: int | None, text: str, mid: str) -> list:
    e = tracking.measures[mid]
    st, m = e.status, e.measure
    data = "synthetic" if e.series.synthetic else ("real" if e.series.state == "ok" else STATE_TEXT[e.series.state])
    return [number, text, mid, m.name, st.latest_label, st.latest_value, m.target.value if m.target else None,
            st.variation_text, st.assurance_text, st.rag_text, data, m.owner]
