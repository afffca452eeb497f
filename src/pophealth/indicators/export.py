"""A place profile as a table, and as CSV or XLSX bytes for download."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from pophealth.cells import csv_row, text_only
from pophealth.indicators.models import Profile

HEADERS = ["Indicator ID", "Indicator", "Sex", "Age", "Time period", "Value", "Lower CI 95.0 limit",
           "Upper CI 95.0 limit", "Unit", "England value", "Compared to England", "Basis of comparison",
           "Fingertips published comparison", "Recent trend (computed)", "Recent Trend (published)",
           "Value note", "Source"]
BASIS = {"computed": "Computed from the snapshot's confidence limits",
         "published": "As published by Fingertips (no confidence limits in the snapshot)"}


def profile_table(profile: Profile) -> list[list]:
    """One row per profile line, in HEADERS order (numbers kept as numbers)."""
    return [[r.indicator_id, r.indicator, r.sex, r.age, r.period, r.value, r.lower_ci95, r.upper_ci95, r.unit,
             r.england_value, r.rag.capitalize(), BASIS.get(r.rag_basis, r.rag_basis), r.published,
             r.trend, r.recent_trend, r.value_note, r.source] for r in profile.rows]


def profile_csv(profile: Profile) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows([csv_row("" if v is None else v for v in row) for row in profile_table(profile)])
    return out.getvalue().encode("utf-8-sig")  # the BOM lets Excel read non-ASCII names correctly


def profile_xlsx(profile: Profile, source: str) -> bytes:
    """A workbook with the profile and an 'About' sheet naming the source and licence."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Profile"
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in profile_table(profile):
        ws.append(row)
    ws.freeze_panes = "A2"
    for col, width in zip("ABCDEFGHIJKLMNOPQ", (12, 36, 10, 10, 16, 10, 10, 10, 12, 12, 14, 30, 18, 24, 24, 24, 40)):
        ws.column_dimensions[col].width = width
    about = wb.create_sheet("About")
    for line in ([f"{profile.area_name} ({profile.area_code}) health profile"], ["Source", source],
                 ["Comparison", "Against England's value: the area's confidence interval at the indicator's "
                                "level (95% or 99.8%) is compared with England's value (Fingertips method)."],
                 ["Licence", "Contains public sector information licensed under the Open Government Licence v3.0"]):
        about.append(line)
    text_only(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
