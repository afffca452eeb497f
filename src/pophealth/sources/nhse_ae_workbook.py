"""NHS England "A&E Attendances and Emergency Admissions" monthly by-provider workbooks, as published.

The publication changed its sheets and column groups several times (July 2015 – today: one
"A&E Data" sheet; from 2017 "Provider Level Data", "STP Level Data"/"System Level Data" and
"Acute Trust Footprint Data"; from 2017-18 explicit "< 4 hours" columns beside "> 4 hours"; extra
percentage columns and a system mapping). Nothing here depends on a position: each data sheet is
recognised by its name or title, its heading row by a "Code" cell beside "Type 1 Departments"
headings, and each column by the meaning of its group heading (the row above) and its own heading,
compared after normalising case and spaces. The month comes from the workbook's "Period:" cell.

Output: ``metric_observation`` rows (see ``AE_METRICS`` and docs/data-formats.md). Levels are
kept apart by organisation: providers (org_type ``provider``), England's own published total row
(``ENGLAND``/``england``), STP/ICB rows (``stp_icb``, one ODS code per body, see ``stp_codes``);
the acute-trust-footprint sheet (mapped type 3 activity added to the acute trust) is kept apart by
its own metric ``ae-4-hour-footprint``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from pophealth.errors import InputError, Problem
from pophealth.sources.stp_codes import stable_stp_code
from pophealth.sources.workbook import Cells, Grid, Workbook, cell, norm

PUBLISHER = "NHS England"
PUBLICATION = "A&E Attendances and Emergency Admissions (monthly, by provider)"
AE_METRICS = ("ae-4-hour", "ae-4-hour-type1", "ae-4-hour-footprint", "ae-attendances",
              "ae-emergency-admissions", "ae-4-hour-dta", "ae-12-hour-dta")
ENGLAND = "ENGLAND"

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
_MONTH_YEAR = re.compile(r"\b(" + "|".join(_MONTHS) + r")\s+(\d{4})\b")
_ORG_CODE = re.compile(r"^[A-Z0-9]{2,10}$")
_HEADER_SEARCH_ROWS = 40


@dataclass(frozen=True)
class SheetRole:
    level: str  # provider | stp_icb | footprint
    patterns: tuple[str, ...]


# A data sheet is known by its name or by a title cell above its headings.
SHEET_ROLES = (
    SheetRole("footprint", ("acute trust footprint data",)),
    SheetRole("stp_icb", ("stp level data", "system level data",
                          "sustainability and transformation plan level data", "icb level data")),
    SheetRole("provider", ("provider level data", "a&e data")),
)


def sheet_level(book: Workbook, name: str) -> str | None:
    """provider / stp_icb / footprint for a data sheet of this publication, else None."""
    title = norm(name)
    for role in SHEET_ROLES:
        if title in role.patterns:
            return role.level
    if any(w in title for w in ("mapping", "booked", "qa")):
        return None
    grid = book.grid(name)
    for r in range(min(len(grid), 20)):
        for value in grid[r][:3]:
            text = norm(value)
            for role in SHEET_ROLES:
                if text in role.patterns:
                    return role.level
    return None


def _type(sub: str) -> str | None:
    for prefix, key in (("type 1", "t1"), ("type 2", "t2"), ("type 3", "t3"), ("total", "total")):
        if sub.startswith(prefix):
            return key
    return None


def column_role(group: str, sub: str) -> str | None:
    """What a column holds, from its group heading and its own heading (both normalised)."""
    if sub == "code":
        return "code"
    if sub.startswith("percentage in 4 hours or less"):
        if "(all)" in sub:
            if "mapped" in sub and "before" not in sub:
                return "pct_all_mapped"
            return "pct_all_before" if "before" in sub else "pct_all"
        return None
    if "decision to admit" in sub:
        if re.search(r">\s*12 hours", sub):
            return "dta12"
        if re.search(r">\s*4 hours", sub):
            return "dta4"
        return None
    if sub == "total emergency admissions":
        return "em_total"
    if "additional mapped" in group:
        if sub == "a&e attendances":
            return "mapped_att"
        return "mapped_over" if re.search(r"(>|greater than)\s*4 hours", sub) else None
    kind = _type(sub)
    if kind is None:
        return None
    if group == "a&e attendances":
        return f"att_{kind}"
    if group.startswith("a&e attendances"):
        if re.search(r"(<|less than)\s*4 hours", group):
            return f"within_{kind}"
        if re.search(r"(>|greater than|more than)\s*4 hours", group):
            return f"over_{kind}"
    return None


def find_header(grid: Grid) -> int | None:
    """The 0-based row holding "Code" and the "Type 1 Departments ..." headings."""
    for r in range(min(len(grid), _HEADER_SEARCH_ROWS)):
        texts = [norm(v) for v in grid[r]]
        if "code" in texts and any(t.startswith("type 1 departments") for t in texts):
            return r
    return None


def map_columns(cells: Cells, header: int) -> dict[str, int]:
    """Role → column index; group headings (the row above) span to the next group heading."""
    grid = cells.grid
    width = max(len(grid[header]), len(grid[header - 1]) if header > 0 else 0)
    roles: dict[str, int] = {}
    group = ""
    for c in range(width):
        above = norm(cell(grid, header - 1, c)) if header > 0 else ""
        if above:
            group = above
        sub = norm(cell(grid, header, c))
        if not sub:
            continue
        cells.headings[c] = " / ".join(x for x in (str(cell(grid, header - 1, c)).strip() if above else "",
                                                   str(cell(grid, header, c)).strip()) if x)
        role = column_role(group, sub)
        if role is None:
            continue
        if role in roles:
            cells.problem(f"two columns hold {role.replace('_', ' ')} (columns {roles[role] + 1} and {c + 1})",
                          header, c)
            continue
        roles[role] = c
    return roles


def sheet_period(cells: Cells) -> dt.date | None:
    """The month printed in the sheet's "Period:" cell (or, failing that, its title)."""
    grid = cells.grid
    for r in range(min(len(grid), _HEADER_SEARCH_ROWS)):
        row = grid[r]
        for c, value in enumerate(row):
            if norm(value).rstrip(":") != "period":
                continue
            for nxt in row[c + 1:]:
                if isinstance(nxt, (dt.date, dt.datetime)):
                    return dt.date(nxt.year, nxt.month, 1)
                found = _MONTH_YEAR.search(norm(nxt))
                if found:
                    return dt.date(int(found.group(2)), _MONTHS[found.group(1)], 1)
                if norm(nxt):
                    cells.problem(f"expected a month like 'July 2015' after 'Period:', got {nxt!r}", r, c + 1)
                    return None
    for r in range(min(len(grid), 12)):
        for value in grid[r][:3]:
            found = _MONTH_YEAR.search(norm(value))
            if found:
                return dt.date(int(found.group(2)), _MONTHS[found.group(1)], 1)
    return None


def is_ae_workbook(book: Workbook) -> bool:
    """True when a sheet of this publication with its headings is present."""
    for name in book.names:
        if sheet_level(book, name) and find_header(book.grid(name)) is not None:
            return True
    return False


@dataclass
class _Row:
    row: int
    code: str
    values: dict[str, float | None]


def _total(values: dict[str, float | None], kind: str) -> float | None:
    """The published total, or the sum of the published types when no total column exists."""
    if f"{kind}_total" in values:
        return values[f"{kind}_total"]
    keys = [f"{kind}_{t}" for t in ("t1", "t2", "t3") if f"{kind}_{t}" in values]
    if not keys or any(values[k] is None for k in keys):
        return None
    return sum(values[k] for k in keys)  # type: ignore[misc]


def _four_hour(values: dict[str, float | None], kind: str, attendances: float | None
               ) -> tuple[float | None, float | None]:
    """(attendances within 4 hours, attendances with a 4-hour outcome) for ``kind`` (total or t1).

    Within: as published, else attendances − published "> 4 hours". The denominator is within +
    over where both are published: it equals the attendances except where providers did not report
    4-hour data (the 2019-2023 field test of new standards), which NHS England's published
    percentages leave out of England's and systems' denominators too.
    """
    within = _total(values, "within") if kind == "total" else values.get("within_t1")
    over = _total(values, "over") if kind == "total" else values.get("over_t1")
    if within is not None:
        return within, (within + over) if over is not None else attendances
    if over is None or attendances is None:
        return None, None
    return attendances - over, attendances


def _data_rows(cells: Cells, header: int, roles: dict[str, int]) -> list[_Row]:
    rows: list[_Row] = []
    # Only the figures used are read: percentages are recomputed, mapped activity is already in the
    # footprint counts. "< 4 hours" / "> 4 hours" by type may be negative as published (NHS England
    # prints adjustments, e.g. -1 type 1 within 4 hours at a minor injuries unit in July 2017);
    # totals are checked below instead.
    numeric = [k for k in roles if k != "code" and not k.startswith(("pct", "mapped"))]
    for r in range(header + 1, len(cells.grid)):
        code = cells.text(r, roles["code"])
        if not code:
            continue
        if code != "-" and not _ORG_CODE.match(code.upper()):
            if all(norm(cell(cells.grid, r, roles[k])) in ("", "-") for k in numeric):
                continue  # a note or footer line
            cells.problem(f"expected an organisation code or '-', got {code!r}", r, roles["code"])
            continue
        values = {}
        for key in numeric:
            reader = cells.number if key.startswith(("within", "over")) else cells.count
            values[key] = reader(r, roles[key])
        rows.append(_Row(r, ENGLAND if code == "-" else code.upper(), values))
    return rows


def _check(cells: Cells, item: _Row, roles: dict[str, int], att: float | None, within: float | None,
           reported: float | None) -> None:
    """All-types figures must be possible: 0 ≤ within ≤ attendances with a 4-hour outcome ≤ attendances."""
    if att is None or within is None or reported is None:
        return
    if within < -1e-6 or within > reported + 1e-6 or reported > att + 1e-6:
        col = roles.get("within_total", roles.get("over_total", roles["code"]))
        cells.problem(f"attendances within 4 hours ({within:g}) must lie between 0 and the attendances with a "
                      f"4-hour outcome ({reported:g}), which cannot exceed the attendances ({att:g})", item.row, col)


def parse_sheet(book: Workbook, name: str, level: str) -> tuple[list[dict], dt.date | None, list[Problem]]:
    """Observations (without period) of one data sheet, its printed month, and its problems."""
    cells = Cells(book, name)
    header = find_header(cells.grid)
    if header is None:
        cells.problem("no heading row with 'Code' and 'Type 1 Departments - Major A&E' in the first "
                      f"{_HEADER_SEARCH_ROWS} rows")
        return [], None, cells.problems
    period = sheet_period(cells)
    if period is None and not cells.problems:
        cells.problem("no 'Period:' cell with a month like 'July 2015' above the headings")
    roles = map_columns(cells, header)
    if "code" not in roles:
        cells.problem("no 'Code' column", header)
        return [], period, cells.problems
    if "att_total" not in roles and "att_t1" not in roles:
        cells.problem("no 'A&E attendances' columns (group heading 'A&E attendances' above 'Total attendances')",
                      header)
    if not {"over_total", "within_total", "over_t1", "within_t1"} & set(roles):
        cells.problem("no 'A&E attendances > 4 hours ...' or '< 4 hours ...' columns", header)
    if cells.problems:
        return [], period, cells.problems
    out: list[dict] = []
    england_rows = 0
    for item in _data_rows(cells, header, roles):
        v = item.values
        att = _total(v, "att")
        within, reported = _four_hour(v, "total", att)
        _check(cells, item, roles, att, within, reported)
        is_england = item.code == ENGLAND
        england_rows += is_england
        org_type = "england" if is_england else ("stp_icb" if level == "stp_icb" else "provider")
        org = item.code if is_england or level != "stp_icb" else stable_stp_code(item.code)
        if level == "footprint":
            if within is not None and reported:
                out.append(_obs("ae-4-hour-footprint", org, org_type, within, reported) | {"_row": item.row})
            continue
        if level == "stp_icb" and is_england:
            continue  # England's own row is taken once, from the provider sheet
        found: list[dict] = []
        if within is not None and reported:
            found.append(_obs("ae-4-hour", org, org_type, within, reported))
        within1, reported1 = _four_hour(v, "t1", v.get("att_t1"))
        if within1 is not None and reported1 and 0 <= within1 <= reported1:
            found.append(_obs("ae-4-hour-type1", org, org_type, within1, reported1))
        for metric, value in (("ae-attendances", att), ("ae-emergency-admissions", v.get("em_total")),
                              ("ae-4-hour-dta", v.get("dta4")), ("ae-12-hour-dta", v.get("dta12"))):
            if value is not None:
                found.append(_count(metric, org, org_type, value))
        out += [f | {"_row": item.row} for f in found]
    if england_rows > 1:
        cells.problem(f"{england_rows} rows with code '-' (England); expected one")
    return out, period, cells.problems


def _obs(metric: str, org: str, org_type: str, numerator: float, denominator: float) -> dict:
    return {"metric_id": metric, "org_code": org, "org_type": org_type, "breakdown": "",
            "numerator": numerator, "denominator": denominator, "value": numerator / denominator,
            "unit": "proportion"}


def _count(metric: str, org: str, org_type: str, value: float) -> dict:
    return {"metric_id": metric, "org_code": org, "org_type": org_type, "breakdown": "",
            "numerator": float("nan"), "denominator": float("nan"), "value": value, "unit": "count"}


@dataclass(frozen=True)
class AeWorkbook:
    period_start: dt.date
    sheets: tuple[str, ...]
    observations: pd.DataFrame


def parse_ae_workbook(book: Workbook) -> AeWorkbook:
    """Every observation of one monthly workbook; raises ``InputError`` listing every problem."""
    problems: list[Problem] = []
    records: list[dict] = []
    periods: dict[str, dt.date] = {}
    used: list[str] = []
    levels_seen: dict[str, str] = {}
    for name in book.names:
        level = sheet_level(book, name)
        if level is None:
            continue
        if level in levels_seen:
            problems.append(Problem(book.file, f"a second {level.replace('_', '/')} sheet (the first is "
                                    f"{levels_seen[level]!r})", sheet=name))
            continue
        levels_seen[level] = name
        rows, period, found = parse_sheet(book, name, level)
        problems += found
        records += [{**r, "_sheet": name} for r in rows]
        used.append(name)
        if period is not None:
            periods[name] = period
    if "provider" not in levels_seen:
        problems.append(Problem(book.file, "no provider sheet ('A&E Data' or 'Provider Level Data'); found "
                                f"sheets {book.names}"))
    if len(set(periods.values())) > 1:
        shown = ", ".join(f"{s!r}: {p:%B %Y}" for s, p in periods.items())
        problems.append(Problem(book.file, f"the sheets print different periods ({shown})"))
    if problems:
        raise InputError(problems)
    start = next(iter(periods.values()))
    frame = pd.DataFrame.from_records(records, columns=["metric_id", "org_code", "org_type", "breakdown",
                                                        "numerator", "denominator", "value", "unit", "_sheet",
                                                        "_row"])
    end = (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date()
    frame.insert(4, "period_start", start)
    frame.insert(5, "period_end", end)
    duplicated = frame.duplicated(["metric_id", "org_code", "breakdown"], keep="first")
    if duplicated.any():
        raise InputError([Problem(book.file, f"organisation {d['org_code']} appears more than once "
                                  f"({d['metric_id']})", sheet=d["_sheet"], row=int(d["_row"]) + 1)
                          for _, d in frame[duplicated].drop_duplicates(["org_code", "_sheet"]).iterrows()])
    return AeWorkbook(start, tuple(used), frame.drop(columns=["_sheet", "_row"]))
