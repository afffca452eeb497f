"""Many series from CSV files laid out like the reference cases, and CSV results back.

``CASES.csv``: one row per series with ``case_id``, ``improvement_direction``, ``target`` and,
optionally (the column may be absent), ``rebase_dates`` (``;``-separated ISO dates),
``fix_after_n_points`` and ``screen_outliers`` (``TRUE``/``FALSE``); other columns are ignored. ``POINTS.csv``: ``case_id``, ``date``,
``value`` (empty = missing). Bad input is rejected whole, naming file, row and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd

from pophealth.cells import csv_frame
from pophealth.sources.text_guard import read_checked
from pophealth.errors import ConfigError, InputError, NotFoundError, Problem, shorten
from pophealth.spc.many import xmr_many
from pophealth.spc.options import IMPROVEMENTS, SpcOptions
from pophealth.spc.result import XmrBatch, XmrResult
from pophealth.spc.single import xmr_with_options

CASE_REQUIRED = ("case_id", "improvement_direction", "target")
CASE_OPTIONAL = ("rebase_dates", "fix_after_n_points", "screen_outliers")
CASE_INPUTS = CASE_REQUIRED + CASE_OPTIONAL
POINT_INPUTS = ("case_id", "date", "value")
POINTS_OUT = ("case_id", "date", "mean", "lpl", "upl", "special_cause_flag", "special_cause_type",
              "point_type")
POINTS_OUT_ALL = POINTS_OUT + ("value", "rebase_group", "short_group_warning", "outside_limits",
                               "relative_to_mean", "close_to_limits", "type")
CASES_OUT = ("case_id", "last_point_type", "variation_icon", "assurance_type", "assurance_icon")
_BOOLS = {"TRUE": True, "FALSE": False, "": True}


def read_cases(path: Path) -> dict[str, SpcOptions]:
    """Options per case id; every problem in the file is reported at once."""
    options: dict[str, SpcOptions] = {}
    problems: list[Problem] = []
    with _open(path) as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in CASE_REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError([Problem(path.name, "missing column", column=c) for c in missing])
        for row_no, row in enumerate(reader, start=2):
            row = {**dict.fromkeys(CASE_OPTIONAL, ""), **row}  # an absent optional column is empty
            found = _case_options(path.name, row_no, row, problems)
            if found is None:
                continue
            if row["case_id"] in options:
                problems.append(Problem(path.name, "case_id appears twice", row=row_no, column="case_id"))
            options[row["case_id"]] = found
    if problems:
        raise InputError(problems)
    return options


def _case_options(name: str, row_no: int, row: dict[str, str], problems: list[Problem]) -> SpcOptions | None:
    def bad(column: str, expected: str) -> None:
        problems.append(Problem(name, f"expected {expected}, found {row[column]!r}", row=row_no, column=column))

    before = len(problems)
    if not (row["case_id"] or "").strip():
        bad("case_id", "a case id")
    improvement = (row["improvement_direction"] or "increase").strip()
    if improvement not in IMPROVEMENTS:
        bad("improvement_direction", " / ".join(IMPROVEMENTS))
    target = _number(row["target"])
    if target is False:
        bad("target", "a number or empty")
    fix = _number(row["fix_after_n_points"])
    if fix is False or (fix is not None and (fix != int(fix) or fix < 12)):
        bad("fix_after_n_points", "a whole number of at least 12, or empty")
    screen = _BOOLS.get((row["screen_outliers"] or "").strip().upper())
    if screen is None:
        bad("screen_outliers", "TRUE or FALSE")
    rebase: list[dt.date] = []
    for text in filter(None, (t.strip() for t in (row["rebase_dates"] or "").split(";"))):
        try:
            rebase.append(dt.date.fromisoformat(text))
        except ValueError:
            bad("rebase_dates", "ISO dates separated by ';'")
    if len(problems) > before:
        return None
    try:
        return SpcOptions(improvement=improvement, target=target, rebase_dates=tuple(rebase),  # type: ignore[arg-type]
                          fix_after_n_points=None if fix is None else int(fix), screen_outliers=bool(screen))
    except ConfigError as exc:
        problems.append(Problem(name, exc.message, row=row_no))
        return None


def _number(text: str | None) -> float | None | bool:
    """A float, None for empty, or False when the text is not a finite number."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return False
    return value if math.isfinite(value) else False


MAX_VALUE = 1e15  # larger values overflow the limits (1e308 gave infinite limits, silently)


def read_points(path: Path) -> pd.DataFrame:
    """The points file as text columns (parsing and checks happen in ``xmr_many``)."""
    with _open(path) as handle:
        try:
            frame = pd.read_csv(handle, dtype=str, keep_default_na=False)
        except pd.errors.EmptyDataError:
            raise InputError(Problem(path.name, "the file is empty; expected a header row", row=1)) from None
    missing = [c for c in POINT_INPUTS if c not in frame.columns]
    if missing:
        raise InputError([Problem(path.name, "missing column", column=c) for c in missing])
    if frame.empty:
        raise InputError(Problem(path.name, "the file has a header but no points", row=2))
    values = pd.to_numeric(frame["value"].str.strip().replace("", None), errors="coerce")
    huge = ~np.isfinite(values.fillna(0)) | (values.abs() > MAX_VALUE)
    if huge.any():
        raise InputError([Problem(path.name, f"expected a finite value of at most {MAX_VALUE:.0e} in size, found "
                                  f"{shorten(frame['value'].iat[i])}", row=int(i) + 2, column="value")
                          for i in np.flatnonzero(huge.to_numpy())[:20]])
    return frame


def _open(path: Path):  # noqa: ANN202 - a text handle
    """The file as checked text (UTF-8, no NUL bytes, no giant cells, no ragged rows)."""
    if not path.is_file():
        raise ConfigError(f"Cannot read {path}: no such file")
    return io.StringIO(read_checked(path, path.name), newline="")


def run_batch(cases_csv: Path, points_csv: Path) -> XmrBatch:
    """Read both files, check every point belongs to a case, and compute every series."""
    options = read_cases(cases_csv)
    points = read_points(points_csv)
    unknown = ~points["case_id"].isin(options.keys()).to_numpy()
    if unknown.any():
        raise InputError([
            Problem(points_csv.name, f"case_id {points['case_id'].iloc[i]!r} is not in {cases_csv.name}",
                    row=int(i) + 2, column="case_id")
            for i in np.flatnonzero(unknown)
        ])
    return xmr_many(_blank_as_missing(points), options, series_col="case_id", source=points_csv.name,
                    first_row=2)


def run_one(cases_csv: Path, points_csv: Path, case_id: str) -> XmrResult:
    """One case from the batch files, e.g. to draw its chart."""
    options = read_cases(cases_csv)
    if case_id not in options:
        raise NotFoundError(f"No case {case_id!r} in {cases_csv}")
    points = read_points(points_csv)
    points = _blank_as_missing(points[points["case_id"] == case_id])
    if points.empty:
        raise NotFoundError(f"No points for case {case_id!r} in {points_csv}")
    return xmr_with_options(points, options[case_id])


def _blank_as_missing(points: pd.DataFrame) -> pd.DataFrame:
    return points.assign(value=points["value"].str.strip().replace("", np.nan))


def write_points(batch: XmrBatch, path: Path, *, all_columns: bool = False) -> None:
    """Per-point results; floats at full precision, NaN as ``NaN``, booleans as TRUE/FALSE."""
    columns = POINTS_OUT_ALL if all_columns else POINTS_OUT
    frame = batch.points.copy()
    frame["date"] = pd.to_datetime(frame["date"]).dt.strftime("%Y-%m-%d")
    for c in ("mean", "lpl", "upl", "value"):
        frame[c] = [_float_text(v, missing="NaN" if c != "value" else "") for v in frame[c].to_numpy()]
    for c in ("special_cause_flag", "short_group_warning", "outside_limits", "close_to_limits"):
        frame[c] = frame[c].map({True: "TRUE", False: "FALSE"}).astype(object).fillna("")
    frame["relative_to_mean"] = frame["relative_to_mean"].astype(object).where(
        frame["relative_to_mean"].notna(), "")
    csv_frame(frame.loc[:, list(columns)]).to_csv(path, index=False)


def write_cases(batch: XmrBatch, path: Path) -> None:
    """Per-case results in the reference vocabulary; no assurance is written as empty."""
    csv_frame(batch.series.loc[:, list(CASES_OUT)]).to_csv(path, index=False)


def _float_text(value: float, *, missing: str) -> str:
    """Shortest text that reads back to the same double (``repr``)."""
    return missing if np.isnan(value) else repr(float(value))
