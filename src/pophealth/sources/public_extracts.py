"""Curated extracts of published LLR statistics: A&E, ambulance, waiting lists, beds, discharge,
Talking Therapies, Fingertips and figures quoted in partners' published papers.

Each extract is a CSV cut from an official release with its provenance written down
(``data/public/PROVENANCE.md`` in this package). ``load_public_extracts`` recognises each file by
its columns, validates every file first, then writes them all in one transaction: operational
series to ``metric_observation`` and Fingertips values to ``indicator_value``. Rows the extract
flags ``SUSPECT`` (known to be wrong upstream) are never loaded; they, and days that are missing
returns rather than true zeros, come back as data-quality findings. Loading twice leaves the same
rows.

Metric ids and organisation codes are the ones the NHS England importers write, so a publisher's
own workbook loaded later replaces the extract's row for the same month with the same figure.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from pophealth.errors import InputError, Problem
from pophealth.sources.fingertips_csv import Batch, load_batches, read_fingertips_csv
from pophealth.sources.nhse_layouts import OBSERVATION_COLUMNS
from pophealth.sources.nhse_stats import write_observations
from pophealth.sources.text_guard import read_checked
from pophealth.warehouse import transaction

LICENCE = "Open Government Licence v3.0"
# The LLR STP/ICB is printed with its ONS code in some months and its ODS code in others.
SAME_BODY = {"E54000015": "QK1", "QK1/E54000015": "QK1"}


@dataclass
class Parsed:
    """One extract read and checked: observations, Fingertips rows, and what was left out and why."""

    path: Path
    publisher: str
    observations: pd.DataFrame | None = None
    indicators: pd.DataFrame | None = None
    findings: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(len(f) for f in (self.observations, self.indicators) if f is not None)


def _dates(values: pd.Series, path: Path, column: str) -> pd.Series:
    """Dates of a column; a cell that is not a date is an error naming its row."""
    parsed = pd.to_datetime(values, errors="coerce", format="mixed")
    bad = parsed.isna()
    if bad.any():
        row = bad.idxmax()
        raise InputError(Problem(path.name, f"expected a date, got {str(values[row])[:40]!r}",
                                 row=int(row) + 2 if isinstance(row, (int, np.integer)) else None, column=column))
    return parsed


def _frame(rows: pd.DataFrame, *, metric_id: str, org_code: pd.Series | str, org_type: pd.Series | str,
           start: pd.Series, months: int = 1, numerator: pd.Series | None = None,
           denominator: pd.Series | None = None, value: pd.Series | None = None, unit: str,
           breakdown: str = "") -> pd.DataFrame:
    start = pd.to_datetime(start).dt.to_period("M").dt.start_time
    end = start + pd.DateOffset(months=months) - pd.Timedelta(days=1)
    nan = pd.Series(np.nan, index=rows.index)
    num = nan if numerator is None else pd.to_numeric(numerator, errors="coerce")
    den = nan if denominator is None else pd.to_numeric(denominator, errors="coerce")
    val = (num / den.where(den > 0)) if value is None else pd.to_numeric(value, errors="coerce")
    out = pd.DataFrame({"metric_id": metric_id, "org_code": org_code, "org_type": org_type, "breakdown": breakdown,
                        "period_start": start.dt.date, "period_end": end.dt.date, "numerator": num,
                        "denominator": den, "value": val, "unit": unit}, index=rows.index)
    return out.loc[out["value"].notna(), list(OBSERVATION_COLUMNS)]


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    kept = [p.astype({"numerator": "float64", "denominator": "float64", "value": "float64"})
            for p in parts if len(p)] or parts[:1]
    with warnings.catch_warnings():  # all-empty numerator columns (levels, not ratios) are float64 NaN
        warnings.simplefilter("ignore", FutureWarning)
        return pd.concat(kept, ignore_index=True)


def _need(raw: pd.DataFrame, path: Path, *columns: str) -> None:
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        raise InputError(Problem(path.name, f"missing column(s) {', '.join(missing)}", row=1))


def _number(raw: pd.DataFrame, path: Path, column: str) -> pd.Series:
    """A numeric column; a cell that is neither blank, '-' nor a number is an error naming its row."""
    text = raw[column].astype("string").str.strip()
    blank = text.isna() | text.isin(["", "-"])
    values = pd.to_numeric(text.where(~blank), errors="coerce")
    bad = values.isna() & ~blank
    if bad.any():
        row = int(bad.idxmax())
        raise InputError(Problem(path.name, f"expected a number, got {str(text[row])[:40]!r}", row=row + 2,
                                 column=column))
    if np.isinf(values).any():
        row = int(np.isinf(values).idxmax())
        raise InputError(Problem(path.name, "expected a finite number", row=row + 2, column=column))
    return values


def _suspect(raw: pd.DataFrame, path: Path, parsed: Parsed) -> pd.DataFrame:
    if "quality_flag" not in raw.columns:
        return raw
    bad = raw["quality_flag"].astype(str).str.upper().str.startswith("SUSPECT")
    for i in raw.index[bad]:
        parsed.findings.append(f"{path.name} row {i + 2}: flagged SUSPECT upstream, not loaded")
    return raw[~bad]


def parse_ae_monthly(raw: pd.DataFrame, path: Path) -> Parsed:
    """The A&E provider, system and acute-trust-footprint figures of the monthly workbooks (README 1a)."""
    _need(raw, path, "period", "level", "org_code", "att_total", "over_4h_total", "within_4h_total",
          "pct_within_4h_all_with_mapped_activity", "em_adm_total", "dta_to_admission_over_4h",
          "dta_to_admission_over_12h")
    parsed = Parsed(path, "NHS England")
    num = {c: _number(raw, path, c) for c in ("att_total", "over_4h_total", "within_4h_total", "em_adm_total",
                                               "dta_to_admission_over_4h", "dta_to_admission_over_12h",
                                               "pct_within_4h_all_with_mapped_activity")}
    level, org = raw["level"], raw["org_code"].replace(SAME_BODY)
    within = num["within_4h_total"].fillna(num["att_total"] - num["over_4h_total"])
    parts = []
    # England's own published row, from the provider sheet; the system sheet's England row repeats it.
    main = (level == "provider") | ((level == "stp_icb") & (org != "ENGLAND"))
    rows = raw[main]
    org_type = np.where(org[main] == "ENGLAND", "england", np.where(level[main] == "provider", "provider", "stp_icb"))
    common = dict(org_code=org[main], org_type=pd.Series(org_type, index=rows.index), start=rows["period"])
    # NHS England's percentage counts only attendances with a 4-hour outcome reported (within + over):
    # in 2019-20 some trusts field-testing new standards reported attendances but no 4-hour figures.
    outcome = within + num["over_4h_total"]
    parts.append(_frame(rows, metric_id="ae-4-hour", numerator=within[main], denominator=outcome[main],
                        unit="proportion", **common))
    parts.append(_frame(rows, metric_id="ae-attendances", value=num["att_total"][main], unit="count", **common))
    parts.append(_frame(rows, metric_id="ae-emergency-admissions", value=num["em_adm_total"][main], unit="count",
                        **common))
    parts.append(_frame(rows, metric_id="ae-4-hour-dta", value=num["dta_to_admission_over_4h"][main], unit="count",
                        **common))
    parts.append(_frame(rows, metric_id="ae-12-hour-dta", value=num["dta_to_admission_over_12h"][main],
                        unit="count", **common))
    foot = level == "acute_trust_footprint"
    fp = raw[foot]
    parts.append(_frame(fp, metric_id="ae-4-hour-footprint", org_code=org[foot],
                        org_type=np.where(org[foot] == "ENGLAND", "england", "acute_trust_footprint"),
                        start=fp["period"], value=num["pct_within_4h_all_with_mapped_activity"][foot],
                        unit="proportion"))
    parsed.observations = _concat(parts)
    return parsed


def parse_ae_extension(raw: pd.DataFrame, path: Path) -> Parsed:
    """Later months of the same publication for UHL and the LLR ICB (README 1c), SUSPECT rows left out."""
    _need(raw, path, "period", "level", "org_code", "total_attendances", "attendances_over_4hours",
          "total_emergency_admissions", "quality_flag")
    parsed = Parsed(path, "NHS England")
    raw = _suspect(raw, path, parsed)
    total, over = _number(raw, path, "total_attendances"), _number(raw, path, "attendances_over_4hours")
    admissions = _number(raw, path, "total_emergency_admissions")
    org = raw["org_code"].replace(SAME_BODY)
    org_type = np.where(raw["level"] == "icb", "stp_icb", "provider")
    common = dict(org_code=org, org_type=pd.Series(org_type, index=raw.index), start=raw["period"])
    parsed.observations = _concat([
        _frame(raw, metric_id="ae-4-hour", numerator=total - over, denominator=total, unit="proportion", **common),
        _frame(raw, metric_id="ae-attendances", value=total, unit="count", **common),
        _frame(raw, metric_id="ae-emergency-admissions", value=admissions, unit="count", **common),
    ])
    return parsed


def parse_ambsys(raw: pd.DataFrame, path: Path) -> Parsed:
    """EMAS Category 1 and 2 mean response times: total response time over incidents (README 3)."""
    _need(raw, path, "period", "Trust Code", "Category", "Incident Count", "total_response_time_hours_rounded")
    parsed = Parsed(path, "NHS England")
    incidents = _number(raw, path, "Incident Count")
    minutes = _number(raw, path, "total_response_time_hours_rounded") * 60
    parts = []
    for category, metric in (("cat1", "ambulance-c1-mean"), ("cat2", "ambulance-c2-mean")):
        mine = raw["Category"] == category
        parts.append(_frame(raw[mine], metric_id=metric, org_code=raw["Trust Code"][mine], org_type="ambulance_trust",
                            start=raw["period"][mine], numerator=minutes[mine], denominator=incidents[mine],
                            unit="minutes"))
    parsed.observations = _concat(parts)
    return parsed


def parse_rtt_snapshots(raw: pd.DataFrame, path: Path) -> Parsed:
    """UHL incomplete pathways and those waiting over 52 weeks at month end (README 2a)."""
    _need(raw, path, "period", "Trust Code", "Referral Treatment Type", "pathways_gt_52_weeks_derived_sum",
          "total_all")
    parsed = Parsed(path, "NHS England")
    mine = raw[raw["Referral Treatment Type"].str.strip().str.lower() == "incomplete pathways"]
    common = dict(org_code=mine["Trust Code"], org_type="provider", start=mine["period"])
    parsed.observations = pd.concat([
        _frame(mine, metric_id="rtt-52-week-waiters", value=_number(mine, path, "pathways_gt_52_weeks_derived_sum"),
               unit="count", **common),
        _frame(mine, metric_id="rtt-waiting-list", value=_number(mine, path, "total_all"), unit="count", **common),
    ])
    return parsed


def parse_beds(raw: pd.DataFrame, path: Path) -> Parsed:
    """General and acute bed occupancy at UHL, monthly (README 4), SUSPECT months left out."""
    _need(raw, path, "nhs_trust22_code", "period", "general_acute_beds_available", "general_acute_beds_occupied")
    parsed = Parsed(path, "NHS England")
    raw = _suspect(raw, path, parsed)
    parsed.observations = _frame(raw, metric_id="ga-bed-occupancy", org_code=raw["nhs_trust22_code"],
                                 org_type="provider", start=raw["period"],
                                 numerator=_number(raw, path, "general_acute_beds_occupied"),
                                 denominator=_number(raw, path, "general_acute_beds_available"), unit="proportion")
    return parsed


def parse_discharge(raw: pd.DataFrame, path: Path) -> Parsed:
    """Patients in UHL beds who no longer meet the criteria to reside: the monthly mean of daily counts.

    A day reported as zero is a missing return, not a day with nobody delayed (README 4), so it is
    left out of the mean and reported as a finding.
    """
    _need(raw, path, "date", "level", "org_code", "do_not_meet_criteria_to_reside")
    parsed = Parsed(path, "NHS England")
    trust = raw[raw["level"] == "trust"].copy()
    trust["n"] = _number(trust, path, "do_not_meet_criteria_to_reside")
    zero = trust["n"] == 0
    for i in trust.index[zero]:
        parsed.findings.append(f"{path.name} row {i + 2}: zero patients reported on {trust.at[i, 'date']}: "
                               "a missing return, left out of the monthly mean")
    trust = trust[~zero & trust["n"].notna()]
    trust["month"] = pd.to_datetime(trust["date"]).dt.to_period("M").dt.start_time
    monthly = trust.groupby(["org_code", "month"], as_index=False)["n"].mean()
    parsed.observations = _frame(monthly, metric_id="discharge-not-meeting-criteria", org_code=monthly["org_code"],
                                 org_type="provider", start=monthly["month"], value=monthly["n"].round(1),
                                 unit="count")
    return parsed


def parse_talking_therapies(raw: pd.DataFrame, path: Path) -> Parsed:
    """NHS Talking Therapies recovery rate per LLR sub-ICB, as published (README 4)."""
    _need(raw, path, "name", "value", "period", "sub_icb_ods")
    parsed = Parsed(path, "NHS England (NHS Digital)")
    mine = raw[raw["name"] == "Percentage_Recovery"]
    value = _number(mine, path, "value") / 100
    parsed.observations = _frame(mine, metric_id="talking-therapies-recovery", org_code=mine["sub_icb_ods"],
                                 org_type="sub_icb", start=mine["period"], value=value, unit="proportion")
    return parsed


# Figures quoted in published papers that a measure uses: (metric text as quoted, metric id, period start, months).
STATEMENTS = {
    "Good experience of making last appointment": ("gp-experience-making-appointment", "2024-01-01", 3),
    "Good overall experience of GP practice": ("gp-experience-overall", "2024-01-01", 3),
}


def parse_statements(raw: pd.DataFrame, path: Path) -> Parsed:
    """Survey figures quoted by the ICB in its own published news (README 9); each row keeps its address."""
    _need(raw, path, "metric", "value", "area_code", "source_url")
    parsed = Parsed(path, "NHS Leicester, Leicestershire and Rutland ICB")
    parts = []
    for text, (metric, start, months) in STATEMENTS.items():
        mine = raw[raw["metric"] == text]
        if mine.empty:
            continue
        parts.append(_frame(mine, metric_id=metric, org_code=mine["area_code"].replace(SAME_BODY), org_type="icb",
                            start=pd.Series(pd.Timestamp(start), index=mine.index), months=months,
                            value=_number(mine, path, "value") / 100, unit="proportion"))
    parsed.observations = _concat(parts) if parts else None
    return parsed


_PERIOD_SPAN = r"^(\d{4})-(\d{2})$"


def parse_fingertips_snapshot(raw: pd.DataFrame, path: Path) -> Parsed:
    """The 2020 Fingertips snapshot (README 5) in the Fingertips export layout, validated by its importer.

    Values are as the snapshot holds them (rounded upstream, no counts or limits). Where the newer
    shipped Fingertips extract has the same indicator for the same area, the newer one is kept and
    the older row is not loaded, so one figure has one value.
    """
    _need(raw, path, "fingertips_indicator_id", "indicator", "area_code", "area_name", "period", "value", "group",
          "significance")
    parsed = Parsed(path, "Office for Health Improvement and Disparities (Fingertips)")
    newer = _newer_pairs()
    pairs = list(zip(raw["fingertips_indicator_id"].astype(int), raw["area_code"]))
    keep = pd.Series([p not in newer for p in pairs], index=raw.index)
    rows = raw[keep]
    out = pd.DataFrame({
        "Indicator ID": rows["fingertips_indicator_id"].astype(int).astype(str), "Indicator Name": rows["indicator"],
        "Area Code": rows["area_code"], "Area Name": rows["area_name"],
        "Area Type": np.where(rows["fingertips_area_type_id"].astype(str).str.startswith("101"), "District & UA",
                              "County & UA"),
        "Sex": rows["group"].fillna("Persons").replace({"": "Persons"}), "Age": "", "Category Type": "",
        "Category": "", "Time period": rows["period"].astype(str).str.replace(_PERIOD_SPAN, r"\1 - \2", regex=True),
        "Value": rows["value"], "Compared to England value or percentiles": rows["significance"],
    })
    frame, _ = read_fingertips_csv(out.to_csv(index=False).encode(), name=path.name)
    parsed.indicators = frame
    dropped = int((~keep).sum())
    if dropped:
        parsed.findings.append(f"{path.name}: {dropped} rows not loaded because the newer Fingertips extract "
                               "publishes the same indicator for the same area")
    return parsed


def _newer_pairs() -> set[tuple[int, str]]:
    from pophealth.sources.fingertips_csv import SHIPPED_EXTRACTS, shipped_extract

    pairs: set[tuple[int, str]] = set()
    for name, _day in SHIPPED_EXTRACTS:
        frame, _ = read_fingertips_csv(shipped_extract(name).read_bytes(), name=name)
        pairs.update(zip(frame["indicator_id"].astype(int), frame["area_code"]))
    return pairs


Parser = Callable[[pd.DataFrame, Path], Parsed]
# Each extract is recognised by columns only it carries; checked in order.
EXTRACTS: list[tuple[frozenset[str], Parser]] = [
    (frozenset({"pct_within_4h_all_with_mapped_activity", "source_sheet"}), parse_ae_monthly),
    (frozenset({"attendances_over_4hours", "total_emergency_admissions"}), parse_ae_extension),
    (frozenset({"Incident Count", "Category"}), parse_ambsys),
    (frozenset({"Referral Treatment Type", "pathways_gt_52_weeks_derived_sum"}), parse_rtt_snapshots),
    (frozenset({"general_acute_beds_occupied", "nhs_trust22_code"}), parse_beds),
    (frozenset({"do_not_meet_criteria_to_reside"}), parse_discharge),
    (frozenset({"sicbl22_code", "sub_icb_ods"}), parse_talking_therapies),
    (frozenset({"source_url", "quote", "caveat"}), parse_statements),
    (frozenset({"fingertips_indicator_id", "significance"}), parse_fingertips_snapshot),
]


def parse_extract(path: str | Path) -> Parsed | None:
    """Read one extract; None for a file of the folder that no measure or profile uses."""
    path = Path(path)
    text = read_checked(path, path.name)  # UTF-8, no NUL bytes, no giant cells, no ragged rows
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(Problem(path.name, f"not a readable CSV file: {str(exc)[:200]}")) from None
    columns = set(raw.columns)
    for needed, parser in EXTRACTS:
        if needed <= columns:
            if parser not in (parse_fingertips_snapshot, parse_statements):
                for column in ("period", "date"):  # month starts and days: checked before any sum or mean
                    if column in raw:
                        raw[column] = _dates(raw[column], path, column)
            return parser(raw, path)
    return None


@dataclass(frozen=True)
class LoadReport:
    files: dict[str, int]  # rows loaded per file
    skipped: list[str]  # files of the folder no measure uses
    findings: list[str]  # rows left out, and why


def shipped_folder() -> Path:
    """The extracts shipped with pophealth (see its PROVENANCE.md)."""
    return Path(str(resources.files("pophealth.sources").joinpath("data", "public")))


def load_public_extracts(con: duckdb.DuckDBPyConnection, folder: str | Path | None = None) -> LoadReport:
    """Validate every CSV of ``folder`` (default: the shipped copies), then load them in one transaction."""
    folder = Path(folder) if folder is not None else shipped_folder()
    if not folder.is_dir():
        raise InputError(Problem(str(folder), "not a folder of extracts"))
    parsed, skipped = [], []
    for path in sorted(folder.glob("*.csv")):
        item = parse_extract(path)
        (parsed.append(item) if item is not None else skipped.append(path.name))
    with transaction(con):
        for item in parsed:
            checksum = hashlib.sha256(item.path.read_bytes()).hexdigest()[:16]
            if item.observations is not None and len(item.observations):
                write_observations(con, item.observations, source_file=item.path.name)
            if item.indicators is not None and len(item.indicators):
                load_batches(con, [Batch(item.indicators, item.path.name, date(2020, 8, 20), checksum)])
            con.execute("INSERT OR REPLACE INTO dataset_provenance VALUES (?, ?, ?, ?, ?, ?, ?, now())",
                        [f"public:{item.path.name}", item.publisher, LICENCE,
                         f"Contains public sector information licensed under the {LICENCE} ({item.publisher})",
                         item.path.name, item.rows, checksum])
    return LoadReport({item.path.name: item.rows for item in parsed}, skipped,
                      [f for item in parsed for f in item.findings])
