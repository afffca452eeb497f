"""Reading a tracker workbook back: every row validated, then applied all or nothing.

Problems name the sheet, row and column and what was expected; if there is any, nothing is
written. Applying is idempotent: rows equal to the store change nothing. An action whose Version
differs from the store's was edited from an out-of-date export and is refused (optimistic
concurrency, as for web edits). Derived columns (stage, RAGs, status change) are checked against
the update history after loading, inside the same transaction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
from openpyxl import load_workbook
from pydantic import BaseModel, ValidationError

from pophealth.sources.text_guard import check_cell_texts
from pophealth.sources.xlsx_guard import check_xlsx
from pophealth.delivery.actions import (ACTION_COLUMNS, get_action, insert_action, insert_activity,
                                        list_activities, list_priorities)
from pophealth.delivery.audit import record_change
from pophealth.delivery.db import write
from pophealth.delivery.governance import insert_governance, list_governance
from pophealth.delivery.periods import insert_period, list_periods
from pophealth.delivery.records import Action, Activity, Governance, Period, Priority, Update
from pophealth.delivery.tracker import tracker_rows
from pophealth.delivery.updates import history, insert_update
from pophealth.delivery.xlsx_layout import (ACTIVITIES, GOVERNANCE, PERIODS, PRIORITIES, SHEETS, TRACKER,
                                            UPDATES, Column)
from pophealth.errors import InputError, Problem

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
                problems.append(Problem(file, "a value is required", sheet=sheet, row=number, column=c.header))
            fields[c.field] = value
        try:
            _model(sheet, fields, number)
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
            continue  # already reported as "a value is required" or its own parse error
        out.append(Problem(file, err["msg"], sheet=sheet, row=number, column=headers.get(field, field)))
    return out


def import_workbook(con: duckdb.DuckDBPyConnection, path: str | Path, who: str) -> dict[str, int]:
    """Validate then apply the workbook in one transaction; return how many records changed."""
    rows = read_workbook(path)
    file = Path(path).name
    with write(con, "The delivery tracker"):
        problems: list[Problem] = []
        counts = _apply(con, rows, who, file, problems)
        if not problems:
            problems += _check_derived(con, rows, file)
        if problems:
            raise InputError(problems)
    return counts


def _model(sheet: str, fields: dict[str, Any], number: int) -> Any:
    model = MODELS[sheet]
    extra = {"position": number - 1} if sheet in (TRACKER, PRIORITIES) else {}
    return model(**{k: v for k, v in fields.items() if k in model.model_fields}, **extra)


def _apply(con, rows: Rows, who: str, file: str, problems: list[Problem]) -> dict[str, int]:
    counts = dict.fromkeys(SHEETS, 0)
    have = {p.priority_id: p for p in list_priorities(con)}
    for number, f in rows[PRIORITIES]:
        p = _model(PRIORITIES, f, number)
        if have.get(p.priority_id) != p:
            con.execute("INSERT OR REPLACE INTO delivery_priority VALUES (?, ?, ?, ?, ?)",
                        [p.priority_id, p.programme, p.theme, p.name, p.position])
            counts[PRIORITIES] += 1
    known_priorities = {r[0] for r in con.execute("SELECT priority_id FROM delivery_priority").fetchall()}
    stored = {r[0]: r[1] for r in con.execute("SELECT ref, version FROM delivery_action").fetchall()}
    seen: set[str] = set()
    for number, f in rows[TRACKER]:
        a = _model(TRACKER, f, number)
        if a.ref in seen:
            problems.append(Problem(file, f"Ref {a.ref!r} appears twice", sheet=TRACKER, row=number, column="Ref"))
        seen.add(a.ref)
        if a.priority_id not in known_priorities:
            problems.append(Problem(file, f"unknown priority {a.priority_id!r} (not on the {PRIORITIES} sheet)",
                                    sheet=TRACKER, row=number, column="Priority"))
            continue
        if a.ref not in stored:
            insert_action(con, a, who)
            counts[TRACKER] += 1
        elif stored[a.ref] != a.version:
            problems.append(Problem(file, f"Version {a.version} is out of date: the tracker holds version "
                                    f"{stored[a.ref]} (someone changed this action since the export)",
                                    sheet=TRACKER, row=number, column="Version"))
        else:
            counts[TRACKER] += _edit(con, a, who)
    refs = seen | set(stored)
    counts[ACTIVITIES] = _apply_activities(con, rows[ACTIVITIES], refs, who, file, problems)
    counts[PERIODS] = _apply_simple(con, rows[PERIODS], PERIODS, "period_id", list_periods(con), insert_period,
                                    who, file, problems)
    counts[GOVERNANCE] = _apply_simple(con, rows[GOVERNANCE], GOVERNANCE, "priority_id", list_governance(con),
                                       lambda c, g, w: insert_governance(c, g, w), who, file, problems)
    counts[UPDATES] = _apply_updates(con, rows[UPDATES], refs, who, file, problems)
    return counts


def _edit(con, a: Action, who: str) -> int:
    before = get_action(con, a.ref)
    fields = [c for c in ACTION_COLUMNS if c not in ("position", "version") and getattr(before, c) != getattr(a, c)]
    if not fields:
        return 0
    after = a.model_copy(update={"version": before.version + 1, "position": before.position})
    con.execute(f"UPDATE delivery_action SET {', '.join(f'{c} = ?' for c in fields)}, version = ? WHERE ref = ?",
                [getattr(after, c) for c in fields] + [after.version, a.ref])
    record_change(con, "action", a.ref, who, before.model_dump(), after.model_dump())
    return 1


def _apply_activities(con, rows, refs: set[str], who: str, file: str, problems: list[Problem]) -> int:
    have = {(x.action_ref, x.activity_ref): x for x in list_activities(con)}
    changed = 0
    for number, f in rows:
        x = _model(ACTIVITIES, f, number)
        if x.action_ref not in refs:
            problems.append(Problem(file, f"unknown action Ref {x.action_ref!r}", sheet=ACTIVITIES, row=number, column="Ref"))
        elif (x.action_ref, x.activity_ref) not in have:
            insert_activity(con, x, who)
            changed += 1
        elif have[(x.action_ref, x.activity_ref)] != x:
            before = have[(x.action_ref, x.activity_ref)]
            con.execute("UPDATE delivery_activity SET text = ?, timescale = ? WHERE action_ref = ? AND activity_ref = ?",
                        [x.text, x.timescale, x.action_ref, x.activity_ref])
            record_change(con, "activity", f"{x.action_ref}/{x.activity_ref}", who, before.model_dump(), x.model_dump())
            changed += 1
    return changed


def _apply_simple(con, rows, sheet: str, key: str, existing: list, insert, who: str, file: str,
                  problems: list[Problem]) -> int:
    """Periods and governance: new rows are added, equal rows skipped, changed rows replaced and logged."""
    have = {getattr(x, key): x for x in existing}
    table = {PERIODS: "delivery_period", GOVERNANCE: "delivery_governance"}[sheet]
    changed = 0
    for number, f in rows:
        record = _model(sheet, f, number)
        old = have.get(getattr(record, key))
        if old == record:
            continue
        if old is not None:
            con.execute(f"DELETE FROM {table} WHERE {key} = ?", [getattr(record, key)])
        insert(con, record, who)
        changed += 1
    return changed


def _apply_updates(con, rows, refs: set[str], who: str, file: str, problems: list[Problem]) -> int:
    have = {(u.action_ref, u.version): u for u in history(con)}
    periods = {p.period_id for p in list_periods(con)}
    versions = dict(con.execute("SELECT ref, version FROM delivery_action").fetchall())
    added = 0
    for number, f in rows:
        u = _model(UPDATES, f, number)
        old = have.get((u.action_ref, u.version))
        if u.action_ref not in refs:
            problems.append(Problem(file, f"unknown action Ref {u.action_ref!r}", sheet=UPDATES, row=number, column="Ref"))
        elif u.period_id not in periods:
            problems.append(Problem(file, f"unknown period {u.period_id!r} (not on the {PERIODS} sheet)",
                                    sheet=UPDATES, row=number, column="Period"))
        elif old is not None and old != u:
            problems.append(Problem(file, "update history is append-only: this row differs from the recorded update",
                                    sheet=UPDATES, row=number, column="Version"))
        elif old is None:
            insert_update(con, u)
            if u.version > versions.get(u.action_ref, 0):
                con.execute("UPDATE delivery_action SET version = ? WHERE ref = ?", [u.version, u.action_ref])
                versions[u.action_ref] = u.version
            added += 1
    return added


def _check_derived(con, rows: Rows, file: str) -> list[Problem]:
    derived = {r.action.ref: r for r in tracker_rows(con)}
    columns = [c for c in SHEETS[TRACKER] if c.derived]
    problems = []
    for number, f in rows[TRACKER]:
        row = derived[f["ref"]]
        for c in columns:
            expected = getattr(row, c.field)
            if c.field == "status_change" and f[c.field] is None:
                continue
            if f[c.field] != expected:
                problems.append(Problem(file, f"is {f[c.field]!r} but the update history gives {expected!r}; "
                                        f"change a rating by adding a row to the {UPDATES} sheet",
                                        sheet=TRACKER, row=number, column=c.header))
    return problems
