"""Writing the tracker workbook, reproducibly.

openpyxl stamps the save time into ``docProps/core.xml`` and into every zip entry, so two exports
of the same data would differ. We fix both: the document's created/modified times are the latest
update's time (a property of the data), and the zip entries carry a fixed date. The same store
therefore always exports the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.styles import Font

from pophealth.cells import text_only
from pophealth.delivery.actions import list_activities, list_priorities
from pophealth.delivery.governance import list_governance
from pophealth.delivery.periods import list_periods
from pophealth.delivery.resources import list_resources, totals_by_action
from pophealth.delivery.risks import list_risks
from pophealth.delivery.tracker import tracker_rows
from pophealth.delivery.updates import history
from pophealth.delivery.xlsx_layout import (ACTIVITIES, GOVERNANCE, PERIODS, PRIORITIES, REFERENCE_SHEETS,
                                            RESOURCES, RISKS, SHEETS, TRACKER, UPDATES, cell_value)

EPOCH = datetime(2000, 1, 1)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def workbook_rows(con: duckdb.DuckDBPyConnection) -> dict[str, list[dict]]:
    """Every sheet's records as dicts keyed by field name, in sheet order (the importable sheets, then the
    risk log and the resources, all of them with removed and closed ones, for reference only)."""
    tracker = []
    money = totals_by_action(con)
    for r in tracker_rows(con):
        total = money.get(r.action.ref)
        tracker.append({**r.action.model_dump(), "stage": r.stage, "overall_rag": r.overall_rag,
                        "status_change": r.status_change, "risk_rag": r.risk_rag,
                        "risk_rag_source": r.risk_rag_source, "trajectory_rag": r.trajectory_rag,
                        "narrative": r.latest and r.latest.narrative,
                        "resources_gbp": float(total) if total is not None else None})
    return {
        TRACKER: tracker,
        ACTIVITIES: [a.model_dump() for a in list_activities(con)],
        UPDATES: [u.model_dump() for u in history(con)],
        PERIODS: [p.model_dump() for p in list_periods(con)],
        PRIORITIES: [p.model_dump() for p in list_priorities(con)],
        GOVERNANCE: [g.model_dump() for g in list_governance(con)],
        RISKS: [{**r.model_dump(), "score": r.score, "grade": r.grade, "rag": r.rag}
                for r in sorted(list_risks(con), key=lambda r: r.risk_id)],
        RESOURCES: [{**r.model_dump(), "amount_gbp": float(r.amount_gbp), "prevention": "Y" if r.prevention else "N"}
                    for r in sorted(list_resources(con, include_removed=True), key=lambda r: r.resource_id)],
    }


def export_workbook(con: duckdb.DuckDBPyConnection, path: str | Path) -> dict[str, int]:
    """Write the workbook to ``path``; return the number of rows on each sheet."""
    data = workbook_rows(con)
    wb = Workbook()
    wb.remove(wb.active)
    for name, columns in {**SHEETS, **REFERENCE_SHEETS}.items():  # the reference sheets last, never imported
        ws = wb.create_sheet(name)
        ws.append([c.header for c in columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for record in data[name]:
            ws.append([cell_value(c, record.get(c.field)) for c in columns])
    stamp = max((u["recorded_at"] for u in data[UPDATES]), default=EPOCH)
    wb.properties.creator = "pophealth"
    wb.properties.created = wb.properties.modified = stamp
    text_only(wb)  # narratives are text, never formulas
    buffer = io.BytesIO()
    wb.save(buffer)
    Path(path).write_bytes(_reproducible(buffer.getvalue(), stamp))
    return {name: len(rows) for name, rows in data.items()}


def _reproducible(xlsx: bytes, stamp: datetime) -> bytes:
    """Re-zip with fixed entry dates and the document times set to ``stamp``."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                body = _STAMP.sub(lambda m: m.group(1) + iso + m.group(2), body)
            dst.writestr(zipfile.ZipInfo(item.filename, date_time=_ZIP_DATE), body, zipfile.ZIP_DEFLATED)
    return out.getvalue()
