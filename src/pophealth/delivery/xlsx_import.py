"""Reading a tracker workbook back: every row validated, then applied all or nothing.

Problems name the sheet, row and column and what was expected; if there is any, nothing is
written. Applying is idempotent: rows equal to the store change nothing. An action whose Version
differs from the store's was edited from an out-of-date export and is refused (optimistic
concurrency, as for web edits), unless the row still holds exactly what the action was at that
version (then it was not edited and the newer state stands). Edited stage, RAG and narrative cells
on the Tracker sheet become a new update each row; derived columns are ignored (xlsx_layout).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from pophealth.delivery.actions import (ACTION_COLUMNS, get_action, insert_action, insert_activity,
                                        list_activities, list_priorities)
from pophealth.delivery.audit import changes, record_change
from pophealth.delivery.db import write
from pophealth.delivery.governance import insert_governance, list_governance
from pophealth.delivery.periods import insert_period, list_periods, open_period_now
from pophealth.delivery.records import Action, Update
from pophealth.delivery.tracker import TrackerRow, tracker_rows
from pophealth.delivery.updates import history, insert_update
from pophealth.delivery.xlsx_layout import (ACTIVITIES, GOVERNANCE, PERIODS, PRIORITIES, SHEETS, TRACKER,
                                            UPDATES)
from pophealth.errors import InputError, Problem
from pophealth.delivery.xlsx_read import Rows, read_workbook, row_model as _model  # noqa: F401 - read_workbook re-exported

def import_workbook(con: duckdb.DuckDBPyConnection, path: str | Path, who: str) -> dict[str, int]:
    """Validate then apply the workbook in one transaction; return how many records changed.

    ``Tracker updates`` counts the updates recorded from edited stage, RAG or narrative cells.
    """
    rows = read_workbook(path)
    file = Path(path).name
    with write(con, "The delivery tracker"):
        problems: list[Problem] = []
        counts = _apply(con, rows, who, file, problems)
        if problems:
            raise InputError(problems)
    return counts


def _apply(con, rows: Rows, who: str, file: str, problems: list[Problem]) -> dict[str, int]:
    counts = {**dict.fromkeys(SHEETS, 0), TRACKER_UPDATES: 0}
    have = {p.priority_id: p for p in list_priorities(con)}
    for number, f in rows[PRIORITIES]:
        p = _model(PRIORITIES, f, number)
        if have.get(p.priority_id) != p:
            con.execute("INSERT OR REPLACE INTO delivery_priority VALUES (?, ?, ?, ?, ?)",
                        [p.priority_id, p.programme, p.theme, p.name, p.position])
            counts[PRIORITIES] += 1
    known_priorities = {r[0] for r in con.execute("SELECT priority_id FROM delivery_priority").fetchall()}
    stored = {r[0]: r[1] for r in con.execute("SELECT ref, version FROM delivery_action").fetchall()}
    before = {r.action.ref: r for r in tracker_rows(con)}  # the state the Tracker rows are compared with
    seen: set[str] = set()
    ratings: list[tuple[int, dict[str, Any], dict[str, Any]]] = []  # (row, fields, changed rating cells)
    new_rows: list[tuple[int, dict[str, Any]]] = []
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
            new_rows.append((number, f))
            continue
        if stored[a.ref] != a.version:  # exported before the action last changed
            if not _same_as_exported(con, a, f):  # ... and edited since: the two edits conflict
                problems.append(_conflict(con, file, number, a, stored[a.ref]))
            continue
        edits = _action_edits(con, a)
        changed = _rating_edits(f, before[a.ref], file, number, problems)
        if edits:
            counts[TRACKER] += _edit(con, a, who)
        if changed:
            ratings.append((number, f, changed))
    refs = seen | set(stored)
    counts[ACTIVITIES] = _apply_activities(con, rows[ACTIVITIES], refs, who, file, problems)
    counts[PERIODS] = _apply_simple(con, rows[PERIODS], PERIODS, "period_id", list_periods(con), insert_period,
                                    who, file, problems)
    counts[GOVERNANCE] = _apply_simple(con, rows[GOVERNANCE], GOVERNANCE, "priority_id", list_governance(con),
                                       lambda c, g, w: insert_governance(c, g, w), who, file, problems)
    appended = _apply_updates(con, rows[UPDATES], refs, who, file, problems)
    counts[UPDATES] = appended
    if new_rows:  # a new action's ratings are those of the Updates sheet; differing cells are edits
        after = {r.action.ref: r for r in tracker_rows(con)}
        for number, f in new_rows:
            changed = _rating_edits(f, after[f["ref"]], file, number, problems)
            if changed:
                ratings.append((number, f, changed))
    for number, f, changed in ratings:
        counts[TRACKER_UPDATES] += _record_rating(con, f, changed, who, file, number, problems)
    counts[UPDATES] += _append_updates(con, rows[UPDATES], refs, who, file, problems)
    return counts


RATING_FIELDS = ("stage", "overall_rag", "risk_rag", "trajectory_rag", "narrative")
TRACKER_UPDATES = "Tracker updates"
HEADERS = {c.field: c.header for c in SHEETS[TRACKER]}


def _rating_edits(f: dict[str, Any], now: TrackerRow, file: str, number: int,
                  problems: list[Problem]) -> dict[str, Any]:
    """The stage, RAG and narrative cells of a Tracker row that differ from the action's state ``now``.

    The risk RAG of an action with open risks comes from its risk log, so that cell cannot be typed
    over; a cell exported from a risk log whose risks have since closed is not an edit either.
    """
    current = {"stage": now.stage, "overall_rag": now.overall_rag, "risk_rag": now.risk_rag,
               "trajectory_rag": now.trajectory_rag, "narrative": now.latest and now.latest.narrative}
    changed = {k: f.get(k) for k in RATING_FIELDS if f.get(k) != current[k]}
    if "risk_rag" in changed:
        if now.risk_rag_source == "risk log":
            problems.append(Problem(file, f"the Risk/Issue RAG of {now.action.ref} is set by its risk log (highest open "
                                    f"score {now.risk_score}, which is {now.risk_rag}); change or close its risks on "
                                    "the action's page or with `pophealth risks`, not this cell",
                                    sheet=TRACKER, row=number, column=HEADERS["risk_rag"]))
            del changed["risk_rag"]
        elif (f.get("risk_rag_source") or "").strip().lower() == "risk log":
            del changed["risk_rag"]
    if "narrative" in changed and not changed["narrative"]:
        del changed["narrative"]  # a cleared narrative keeps the last one; history is never erased
    return changed


def _action_edits(con, a: Action) -> list[str]:
    before = get_action(con, a.ref)
    return [c for c in ACTION_COLUMNS if c not in ("position", "version") and getattr(before, c) != getattr(a, c)]


def _same_as_exported(con, a: Action, f: dict[str, Any]) -> bool:
    """Whether a row from an older export holds exactly what the action was at its Version (so it is unedited)."""
    logged = [c["after"] for c in changes(con, "action", a.ref) if c["after"] and c["after"]["version"] <= a.version]
    if not logged:
        return False
    then = Action(**logged[-1])
    if any(getattr(then, c) != getattr(a, c) for c in ACTION_COLUMNS if c not in ("position", "version")):
        return False
    earlier = [u for u in history(con, a.ref) if u.version <= a.version]
    last = earlier[-1] if earlier else None
    fields = [k for k in RATING_FIELDS if not (k == "risk_rag" and (f.get("risk_rag_source") or "") == "risk log")]
    return all(f.get(k) == (getattr(last, k) if last else None) for k in fields)


def _conflict(con, file: str, number: int, a: Action, current: int) -> Problem:
    mine = [c for c in changes(con) if c["key"] == a.ref or c["key"].startswith(f"{a.ref}/")]
    by = f", last by {mine[-1]['who']} at {mine[-1]['changed_at']:%Y-%m-%d %H:%M}" if mine else ""
    return Problem(file, f"conflict, this row is out of date: it was exported at version {a.version} of {a.ref}, but the action has "
                   f"been changed since (it is now at version {current}{by}). Export the "
                   "tracker again and redo your edit of this row", sheet=TRACKER, row=number, column="Version")


def _record_rating(con, f: dict[str, Any], changed: dict[str, Any], who: str, file: str, number: int,
                   problems: list[Problem]) -> int:
    """Record the edited cells of one Tracker row as a new update in the open period."""
    ref = f["ref"]
    now = {r.action.ref: r for r in tracker_rows(con)}[ref]
    latest = now.latest
    values = {k: getattr(latest, k) if latest else None for k in ("stage", "overall_rag", "risk_rag", "trajectory_rag")}
    if now.risk_rag_source == "risk log":
        values["risk_rag"] = now.risk_rag
    values.update({k: v for k, v in changed.items() if k != "narrative"})
    blank = [HEADERS[k] for k, v in values.items() if not v]
    if blank:
        problems.append(Problem(file, f"{ref} has no update yet, so its first update needs {', '.join(blank)} "
                                "filled in as well", sheet=TRACKER, row=number, column=blank[0]))
        return 0
    period = open_period_now(con)
    if period is None:
        problems.append(Problem(file, "this row changes a rating, which is recorded as an update, but no reporting "
                                "period is open; open one with `pophealth delivery period open` and import again",
                                sheet=TRACKER, row=number, column=HEADERS[next(iter(changed))]))
        return 0
    said = [f"{HEADERS[k]} {getattr(latest, k) if latest else 'not set'} -> {v}" for k, v in changed.items()
            if k != "narrative"]
    narrative = changed.get("narrative") or f"Changed in the tracker workbook {file}: {'; '.join(said)}."
    current = get_action(con, ref).version
    update = Update(action_ref=ref, version=current + 1, period_id=period.period_id, narrative=narrative,
                    editor=who, recorded_at=datetime.now().replace(microsecond=0), **values)
    con.execute("UPDATE delivery_action SET version = ? WHERE ref = ?", [update.version, ref])
    insert_update(con, update)
    return 1


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
    """Updates rows with a Version: the recorded history (equal rows skipped; a differing one refused)."""
    have = {(u.action_ref, u.version): u for u in history(con)}
    periods = {p.period_id for p in list_periods(con)}
    versions = dict(con.execute("SELECT ref, version FROM delivery_action").fetchall())
    added = 0
    for number, f in rows:
        if f.get("version") is None:
            continue  # a new update: appended after everything else (``_append_updates``)
        u = _model(UPDATES, f, number)
        old = have.get((u.action_ref, u.version))
        missing = [h for k, h in (("period_id", "Period"), ("editor", "Editor"), ("recorded_at", "Recorded At"))
                   if f.get(k) is None]
        if u.action_ref not in refs:
            problems.append(Problem(file, f"unknown action Ref {u.action_ref!r}", sheet=UPDATES, row=number, column="Ref"))
        elif old is None and u.version <= versions.get(u.action_ref, 0) and missing:
            problems.append(Problem(file, f"version {u.version} of {u.action_ref} is already taken; leave Version empty "
                                    "to add a new update", sheet=UPDATES, row=number, column="Version"))
        elif missing:
            problems.append(Problem(file, f"an update from the history needs {', '.join(missing)}; to add a new "
                                    "update leave Version empty instead", sheet=UPDATES, row=number, column=missing[0]))
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


def _append_updates(con, rows, refs: set[str], who: str, file: str, problems: list[Problem]) -> int:
    """Updates rows with no Version: new updates, numbered after the action's current version."""
    periods = {p.period_id: p for p in list_periods(con)}
    open_now = open_period_now(con)
    added = 0
    for number, f in rows:
        if f.get("version") is not None:
            continue
        ref = f.get("action_ref")
        if ref not in refs:
            problems.append(Problem(file, f"unknown action Ref {ref!r}", sheet=UPDATES, row=number, column="Ref"))
            continue
        period = periods.get(f["period_id"]) if f.get("period_id") else open_now
        if period is None:
            problems.append(Problem(file, (f"unknown period {f['period_id']!r} (not on the {PERIODS} sheet)"
                                           if f.get("period_id") else
                                           "no reporting period is open; name the period, or open one with "
                                           "`pophealth delivery period open`"),
                                    sheet=UPDATES, row=number, column="Period"))
            continue
        if period.closed_at is not None:
            problems.append(Problem(file, f"reporting period {period.period_id!r} is closed; a new update goes in the "
                                    "open period", sheet=UPDATES, row=number, column="Period"))
            continue
        version = get_action(con, ref).version + 1
        u = _model(UPDATES, f, number).model_copy(update={
            "version": version, "period_id": period.period_id, "editor": f.get("editor") or who,
            "recorded_at": f.get("recorded_at") or datetime.now().replace(microsecond=0)})
        con.execute("UPDATE delivery_action SET version = ? WHERE ref = ?", [version, ref])
        insert_update(con, u)
        added += 1
    return added
