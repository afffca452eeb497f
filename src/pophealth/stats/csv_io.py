"""Running a method on a CSV file laid out like the reference CSVs, for analysts' own data.

Column names follow ``reference/phe_methods`` (README there). A parameter given as the name
of an input column is read per group (e.g. ``multiplier`` on every row); otherwise it is one
value for the whole file. Bad input is rejected whole, naming file, row and column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import io
from pathlib import Path

import numpy as np
import pandas as pd

from pophealth.cells import csv_frame
from pophealth.errors import InputError, Problem, shorten
from pophealth.sources.text_guard import read_checked
from pophealth.stats_catalogue import METHOD_INFO, looks_like_area
from pophealth.stats.dsr import events_from_frequencies, events_squared_from_frequencies
from pophealth.stats import (compare, crude_rate, dsr, esp2013_for, funnel_significance,
                             israte, isratio, life_expectancy, mean, proportion, quantiles,
                             recent_trend, sii)

Params = dict[str, str]


@dataclass(frozen=True)
class CsvMethod:
    """One method as the CLI offers it: the numeric columns it needs and how to run it."""

    name: str
    help: str
    numeric: tuple[str, ...]
    run: Callable[[pd.DataFrame, list[str], str | None, Params], pd.DataFrame]
    aggregates: bool = False


def read_csv(path: Path) -> pd.DataFrame:
    """Read a CSV keeping label text as text: only empty fields are missing."""
    if not Path(path).is_file():
        raise InputError(Problem(str(path), "file not found"))
    text = read_checked(Path(path), str(path))  # UTF-8, no NUL bytes, no giant cells, no ragged rows
    try:
        return pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""], low_memory=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(Problem(str(path), f"not a readable CSV file ({exc})")) from exc


MAX_NUMBER = 1e15
# columns that hold counts of people, events or person-time: never negative
NON_NEGATIVE = {"numerator", "denominator", "count", "n", "population", "pop", "stdpop", "events", "person_years",
                "observed", "expected", "persons_count", "persons_denominator"}


def check_columns(df: pd.DataFrame, path: Path, required: tuple[str, ...],
                  numeric: tuple[str, ...]) -> None:
    """Every required column present, and numeric columns hold numbers (or are empty)."""
    problems = [Problem(str(path), "required column is missing", column=col)
                for col in required if col not in df.columns]
    for col in numeric:
        if col not in df.columns or pd.api.types.is_numeric_dtype(df[col]):
            continue
        parsed = pd.to_numeric(df[col], errors="coerce")
        bad = parsed.isna() & df[col].notna()
        for index in np.flatnonzero(bad.to_numpy())[:20]:
            problems.append(Problem(str(path), f"expected a number, found {shorten(df[col].iloc[index])}",
                                    row=int(index) + 2, column=col))
    for col in numeric:  # numbers no count or rate can be: infinite, absurdly large, or a negative count
        if col not in df.columns:
            continue
        parsed = pd.to_numeric(df[col], errors="coerce")
        impossible = ~np.isfinite(parsed.fillna(0)) | (parsed.abs() > MAX_NUMBER)
        if col in NON_NEGATIVE:
            impossible |= parsed < 0
        expected = "a count of at least 0" if col in NON_NEGATIVE else "a finite number"
        for index in np.flatnonzero(impossible.to_numpy())[:20]:
            problems.append(Problem(str(path), f"expected {expected} (at most {MAX_NUMBER:.0e}), found "
                                    f"{shorten(df[col].iloc[index])}", row=int(index) + 2, column=col))
    if problems:
        raise InputError(problems)


def _param(params: Params, df: pd.DataFrame, key: str, default: float | str) -> float | str:
    """A parameter: explicit ``--set``, else a same-named column, else the method default."""
    if key in params:
        text = params[key]
        try:
            return float(text)
        except ValueError:
            return text
    return key if key in df.columns else default


def _flag(params: Params, df: pd.DataFrame, key: str, default: bool) -> bool | str:
    if key in params:
        return params[key].strip().lower() in ("true", "1", "yes")
    return key if key in df.columns else default


def _dsr(df: pd.DataFrame, by: list[str], levels: str | None, params: Params) -> pd.DataFrame:
    if "stdpop" not in df.columns:
        df = df.assign(stdpop=esp2013_for(df[params.get("ageband", "ageband")]))
    frequencies = {int("".join(ch for ch in col if ch.isdigit())): col for col in df.columns
                   if col.startswith("persons_") and col.endswith(("_event", "_events"))}
    squared = None
    if frequencies:
        df = df.assign(count=events_from_frequencies(df, frequencies),
                       _events_squared=events_squared_from_frequencies(df, frequencies))
        squared = "_events_squared"
    return dsr(df, by=by, levels=levels, events_squared=squared,
               multiplier=_param(params, df, "multiplier", 100_000))


def _sii(df: pd.DataFrame, by: list[str], levels: str | None, params: Params) -> pd.DataFrame:
    seed = params.get("seed")
    return sii(df, by=by, levels=levels or "0.95",
               value_type=_param(params, df, "value_type", 0),
               transform=_flag(params, df, "transform", False),
               multiplier=_param(params, df, "multiplier", 1),
               repetitions=int(params.get("repetitions", 100_000)),
               seed=int(seed) if seed is not None else None)


def _funnel(df: pd.DataFrame, by: list[str], levels: str | None, params: Params) -> pd.DataFrame:
    """Significance of every row; a data set is a group (comparator per row if given)."""
    out = df.copy()
    out["significance"] = None
    for _, part in (df.groupby(by, sort=False, dropna=False) if by else [(None, df)]):
        statistic = str(_value(params, part, "statistic"))
        rate_type = _value(params, part, "rate_type")
        multiplier = _value(params, part, "multiplier")
        comparator = (part["comparator"].to_numpy(dtype=float)
                      if "comparator" in part.columns else None)
        out.loc[part.index, "significance"] = funnel_significance(
            part, statistic, rate_type=None if rate_type is None else str(rate_type),
            multiplier=None if multiplier is None else float(multiplier), comparator=comparator)
    return out


def _funnel_limits(df: pd.DataFrame, by: list[str], levels: str | None, params: Params) -> pd.DataFrame:
    """Control limits along the funnel's axis (100 points), one data set per group.

    Inputs per data set: ``statistic`` (proportion, ratio or rate), ``dataset_min_denominator``,
    ``dataset_max_denominator``, and by statistic ``baseline_average`` (proportion, as a fraction),
    ``sub_type`` (ratio: count or isr), ``baseline`` per ``multiplier`` people and ``years_of_data``
    (rate). Output: the group columns, ``axis_index``, ``axis_value`` and the 2s/3s limits.
    """
    from pophealth.stats.funnel_limits import funnel_axis, proportion_funnel, rate_funnel, ratio_funnel

    frames = []
    for key, part in (df.groupby(by, sort=False, dropna=False) if by else [((), df)]):
        statistic = str(_value(params, part, "statistic"))
        low = float(_value(params, part, "dataset_min_denominator"))  # type: ignore[arg-type]
        high = float(_value(params, part, "dataset_max_denominator"))  # type: ignore[arg-type]
        multiplier = _value(params, part, "multiplier")
        if statistic == "proportion":
            axis = funnel_axis(low, high, statistic)
            limits = proportion_funnel(axis, float(_value(params, part, "baseline_average")),  # type: ignore[arg-type]
                                       float(multiplier or 100))  # type: ignore[arg-type]
        elif statistic == "ratio":
            axis = funnel_axis(low, high, statistic)
            limits = ratio_funnel(axis, str(_value(params, part, "sub_type") or "count"))
        elif statistic == "rate":
            years = float(_value(params, part, "years_of_data") or 1)  # type: ignore[arg-type]
            # the baseline rate per person (``baseline_average``, as the method takes it), else per multiplier
            average = _value(params, part, "baseline_average")
            rate = (float(average) if average is not None  # type: ignore[arg-type]
                    else float(_value(params, part, "baseline")) / float(multiplier))  # type: ignore[arg-type]
            axis = funnel_axis(low, high, statistic, years=years, baseline_rate=rate)
            limits = rate_funnel(axis, rate, float(multiplier), years)  # type: ignore[arg-type]
        else:
            raise ValueError(f"statistic must be proportion, ratio or rate, got {statistic!r}")
        limits = limits.reset_index(drop=True).drop(columns=["axis_value", "axis_index"], errors="ignore")
        limits.insert(0, "axis_value", axis)
        limits.insert(0, "axis_index", np.arange(1, len(axis) + 1))
        for col, val in reversed(list(zip(by, key if isinstance(key, tuple) else (key,)))):
            limits.insert(0, col, val)
        frames.append(limits)
    return pd.concat(frames, ignore_index=True)


def _value(params: Params, part: pd.DataFrame, key: str) -> object:
    """A data set's setting: the command-line value, else the first non-blank cell of its column, else None
    (a blank cell is "not given", so defaults such as sub_type count or years_of_data 1 apply)."""
    if key in params and params[key] is not None and str(params[key]).strip() != "":
        return params[key]
    if key in part.columns:
        cells = part[key].dropna()
        cells = cells[cells.astype(str).str.strip() != ""]
        if not cells.empty:
            return cells.iloc[0]
    return None


def _benchmark(df: pd.DataFrame, by: list[str], levels: str | None, params: Params
               ) -> pd.DataFrame:
    """Rows may mix comparator methods and levels (``comparator_method``/``confidence``)."""
    out = df.copy()
    out["significance"], out["label"] = None, None
    method = df.get("comparator_method", pd.Series(params.get("method", "single_ci_one_level"),
                                                   index=df.index))
    conf = df.get("confidence", pd.Series(params.get("confidence", "95"), index=df.index))
    for (meth, level), part in df.groupby([method, conf.astype(str)], sort=False):
        first = str(level).replace(";", ",").split(",")[0]
        res = compare(part, str(meth), polarity=params.get("polarity", "polarity"),
                      confidence=first)
        out.loc[part.index, ["significance", "label"]] = res.to_numpy()
    return out


_RUN: dict[str, Callable[[pd.DataFrame, list[str], str | None, Params], pd.DataFrame]] = {
    "proportion": lambda df, by, lv, p: proportion(df, by=by, levels=lv, multiplier=_param(p, df, "multiplier", 1)),
    "rate": lambda df, by, lv, p: crude_rate(df, by=by, levels=lv,
                                             multiplier=_param(p, df, "multiplier", 100_000)),
    "dsr": _dsr,
    "isr": lambda df, by, lv, p: israte(df, by=by, levels=lv, multiplier=_param(p, df, "multiplier", 100_000)),
    "isratio": lambda df, by, lv, p: isratio(df, by=by, levels=lv, refvalue=_param(p, df, "refvalue", 1)),
    "mean": lambda df, by, lv, p: mean(df, p.get("value", "x"), by=by, levels=lv),
    "life-expectancy": lambda df, by, lv, p: life_expectancy(df, by=by, levels=lv),
    "sii": _sii,
    "quantiles": lambda df, by, lv, p: quantiles(df, by=by, nquantiles=_param(p, df, "nquantiles", 10),
                                                 invert=_flag(p, df, "invert", True)),
    "funnel": _funnel,
    "funnel-limits": _funnel_limits,
    "benchmark": _benchmark,
    "trend": lambda df, by, lv, p: recent_trend(df, by=by, method=p.get("method", "method"),
                                               vocabulary=str(p.get("vocabulary") or (
                                                   "source" if "source" in df.columns else "fingertips-next"))),
}

METHODS: dict[str, CsvMethod] = {
    info.name: CsvMethod(info.name, info.help, info.numeric, _RUN[info.name], info.aggregates)
    for info in METHOD_INFO
}

OPTIONAL_NUMERIC = ("multiplier", "baseline", "baseline_average", "years_of_data", "refvalue", "observed_total_supplied", "se", "lower_cl",
                    "upper_cl", "count", "lower95", "upper95", "lower998", "upper998", "rate",
                    "comparator", "area_lower95", "area_upper95", "area_lower998",
                    "area_upper998", "area_denominator", "unit", "nquantiles")


def pooled_areas(df: pd.DataFrame, group_by: list[str], ignore: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Columns that look like areas and hold several values inside one group, with examples.

    An aggregating method run on such a file would silently add several areas together.
    """
    pooled: dict[str, list[str]] = {}
    for col in df.columns:
        if col in group_by or col in ignore or not looks_like_area(str(col)):
            continue
        values = df[col].dropna()
        if values.nunique() < 2:
            continue
        if group_by and int(df.groupby(group_by, dropna=False)[col].nunique().max()) < 2:
            continue
        pooled[str(col)] = [str(v) for v in values.unique()[:3]]
    return pooled


def run_csv(method: str, input_path: Path, output_path: Path, *, group_by: list[str],
            levels: str | None, params: Params, pool: bool = False) -> pd.DataFrame:
    """Read, check, compute and write; returns the written frame.

    An aggregating method refuses a file whose area columns would be pooled unless ``pool``.
    """
    spec = METHODS[method]
    df = read_csv(input_path)
    required = tuple(col for col in spec.numeric
                     if not (col == "stdpop" and "ageband" in df.columns))
    if method == "dsr" and any(c.startswith("persons_") for c in df.columns):
        required = tuple(c for c in required if c != "count")
    check_columns(df, input_path, required + tuple(c for c in group_by if c not in required),
                  spec.numeric + OPTIONAL_NUMERIC)
    pooled = pooled_areas(df, group_by, spec.numeric + OPTIONAL_NUMERIC) if spec.aggregates and not pool else {}
    if pooled:
        raise InputError([Problem(str(input_path), f"holds several areas ({', '.join(examples)}, ...) that "
                                  f"{method} would pool into one result", column=col)
                          for col, examples in pooled.items()],
                         hint=f"group by the area: --group-by {','.join([*group_by, next(iter(pooled))])} "
                              "(or add --pool to combine the areas on purpose)")
    try:
        out = spec.run(df, group_by, levels, params)
    except (KeyError, ValueError) as exc:
        raise InputError(Problem(str(input_path), str(exc).strip("'\""))) from exc
    if not output_path.parent.is_dir():
        raise InputError(Problem(str(output_path), "the output folder does not exist; nothing was written"))
    csv_frame(out).to_csv(output_path, index=False)
    return out
