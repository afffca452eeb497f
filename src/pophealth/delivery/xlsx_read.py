"""Reading a tracker workbook: every sheet's rows checked against its layout, nothing applied.

Each problem names the file, sheet, row and column and what was expected (``xlsx_import`` then applies
the rows all or nothing)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from pydantic import BaseModel, ValidationError

from pophealth.sources.text_guard import check_cell_texts
from pophealth.sources.xlsx_guard import check_xlsx
from pophealth.delivery.records import Action, Activity, Governance, Period, Priority, Update
from pophealth.delivery.xlsx_layout import (ACTIVITIES, GOVERNANCE, PERIODS, PRIORITIES, SHEETS, TRACKER,
                                            UPDATES, Column, describe)
from pophealth.errors import InputError, Problem

EPOCH = datetime(2000, 1, 1)

MODELS: dict[str, type[BaseModel]] = {TRACKER: Action, ACTIVITIES: Activity, UPDATES: Update, PERIODS: Period,
                                      PRIORITIES: Priority, GOVERNANCE: Governance}
Rows = dict[str, list[tuple[int, dict[str, Any]]]]


def read_workbook(path: str | Path) -> Rows:
    """Parse every sheet into (row number, fields); raise ``InputError`` listing every problem."""
    file = Path(path).name
    check_xlsx(Path(path), file)  # a zip of a sane size (no zip bomb) before openpyxl inflates anything
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # not a zip, not a workbook
        raise InputError(Problem(file, f"not a readable .xlsx workbook ({exc.__class__.__name__})")) from None
    problems: list[Problem] = []
    out: Rows = {}
    if wb.sheetnames[:1] != [TRACKER]:
        problems.append(Problem(file, f"the first sheet must be {TRACKER!r}", sheet=(wb.sheetnames or [None])[0]))
    for name, columns in SHEETS.items():
        if name not in wb.sheetnames:
            problems.append(Problem(file, "sheet is missing", sheet=name))
            continue
        try:  # read-only sheets are parsed as they are read: damaged XML shows here, not at opening
            rows = list(wb[name].iter_rows(values_only=True))
        except Exception as exc:  # noqa: BLE001 - any parser failure is a damaged file
            problems.append(Problem(file, f"the sheet cannot be read ({exc.__class__.__name__}: {str(exc)[:80]})",
                                    sheet=name))
            continue
        out[name] = _read_sheet(file, name, rows, columns, problems)
    wb.close()
    if problems:
        raise InputError(problems)
    return out


def _read_sheet(file: str, sheet: str, rows: list[tuple], columns: list[Column], problems: list[Problem]):
    header = [str(h).strip() if h is not None else "" for h in (rows[0] if rows else ())]
    missing = [c.header for c in columns if c.header not in header]
    for h in missing:
        problems.append(Problem(file, "column is missing from the header row", sheet=sheet, row=1, column=h))
    if missing:
        return []
    where = {c.header: header.index(c.header) for c in columns}
    parsed = []
    for number, row in enumerate(rows[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in row):
            continue
        fields: dict[str, Any] = {}
        for c in columns:
            raw = row[where[c.header]] if where[c.header] < len(row) else None
            too_long = check_cell_texts([raw], file, c.header, [number])
            if too_long:
                problems.extend(Problem(p.file, p.message, sheet=sheet, row=p.row, column=p.column) for p in too_long)
                continue
            try:
                value = c.read(raw)
            except ValueError as exc:
                problems.append(Problem(file, str(exc), sheet=sheet, row=number, column=c.header))
                continue
            if c.required and value is None:
                problems.append(Problem(file, f"this cell is empty but must be filled in (expected {describe(c.read)})",
                                        sheet=sheet, row=number, column=c.header))
            fields[c.field] = value
        try:
            row_model(sheet, fields, number)
        except ValidationError as exc:
            problems.extend(_validation_problems(file, sheet, number, columns, exc))
        parsed.append((number, fields))
    return parsed


def _validation_problems(file, sheet, number, columns, exc) -> list[Problem]:
    headers = {c.field: c.header for c in columns}
    out = []
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else ""
        if err["type"] == "missing" or (field in headers and err.get("input") is None):
            continue  # already reported as an empty required cell or its own parse error
        out.append(Problem(file, err["msg"], sheet=sheet, row=number, column=headers.get(field, field)))
    return out


def row_model(sheet: str, fields: dict[str, Any], number: int) -> Any:
    """The row as its sheet's record (the Updates sheet's filled-in columns defaulted)."""
    model = MODELS[sheet]
    extra = {"position": number - 1} if sheet in (TRACKER, PRIORITIES) else {}
    values = {k: v for k, v in fields.items() if k in model.model_fields}
    if sheet == UPDATES:  # optional on the sheet, filled in when the update is recorded
        values = {**values, "version": values.get("version") or 0, "period_id": values.get("period_id") or "",
                  "editor": values.get("editor") or "", "recorded_at": values.get("recorded_at") or EPOCH}
    return model(**values, **extra)
