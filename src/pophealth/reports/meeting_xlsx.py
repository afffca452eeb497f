"""A meeting pack as a workbook: contents, exceptions, changes since the last meeting, measures and insight."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from pophealth.cells import text_only
from pophealth.reports.board_xlsx import _sheet


def write_meeting_xlsx(pack, path: Path) -> None:  # noqa: ANN001 - a MeetingPack
    m = pack.meeting
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "Meeting", ["Field", "Value"], [
        ["Board", pack.board.name], ["Board id", pack.board.id], ["Meeting", m.meeting_id],
        ["Date", m.meeting_date], ["Previous meeting", pack.previous.meeting_date if pack.previous else None],
        ["Reporting period", pack.period_id], ["Measures as at", pack.snapshot.period if pack.snapshot else None],
        ["Version", "public" if pack.public else "board"],
        ["Demonstration", "yes: not a real meeting" if m.demo else "no"]], [22, 60])
    _sheet(wb, "Priorities", ["Priority id", "Priority", "Programme", "Level", "Why in this pack", "Status",
                              "Actions", "Rated", "Red", "Amber", "Green", "Overdue", "Complete"],
           [[s.priority_id, s.name, s.programme, s.level, s.why, s.rollup.rag if s.rollup else "No actions",
             *([s.rollup.actions, s.rollup.rated, s.rollup.red, s.rollup.amber, s.rollup.green, s.rollup.overdue,
                s.rollup.complete] if s.rollup else [0] * 7)] for s in pack.priorities],
           [26, 50, 10, 9, 36, 16, 8, 8, 6, 6, 6, 8, 9])
    from pophealth.reports.meeting_pack import pack_context

    ctx = pack_context(pack)
    measures = [(f"Pledge {p['entry'].pledge.number}", v) for p in ctx["pledges"] for v in p["views"]]
    measures += [(row["s"].name, v) for row in ctx["priorities"] for v in row["views"]]
    _sheet(wb, "Measures", ["For", "Measure id", "Measure", "Latest period", "Latest value", "Target", "Status"],
           [[who, v.id, v.name, v.latest_label, v.latest_text, v.target_text, v.rag_text] for who, v in measures],
           [30, 30, 50, 12, 12, 12, 16])
    _sheet(wb, "Exceptions", ["Action", "Priority id", "We will", "Stage", "Overall RAG", "Risk RAG",
                              "Trajectory RAG", "Status change", "Overdue", "Due", "Why"],
           [[x.ref, x.priority_id, x.we_will, x.stage, x.overall_rag, x.risk_rag, x.trajectory_rag, x.status_change,
             "Y" if x.overdue else "N", x.due, ", ".join(x.reasons)] for x in pack.exceptions],
           [10, 26, 60, 12, 10, 10, 12, 12, 8, 12, 30])
    _sheet(wb, "Changes", ["Action", "Recorded", "Stage", "Overall RAG", "Risk RAG", "Narrative", "By"],
           [[u.ref, u.recorded, u.stage, u.overall_rag, u.risk_rag, u.narrative, u.editor] for u in pack.updates],
           [10, 12, 12, 10, 10, 60, 24])
    _sheet(wb, "New points", ["Measure id", "Measure", "Period", "Value"],
           [[p.measure_id, p.measure, p.label, p.value] for p in pack.points], [30, 50, 14, 12])
    _sheet(wb, "What people told us", ["Priority id", "Text", "Source", "Date"],
           [[i.priority_id, i.text, i.source, i.date] for i in pack.insight], [26, 80, 30, 12])
    text_only(wb)
    wb.save(path)
