"""One parser per NHS England statistical layout of ``data/FORMATS.md`` (sections 2-7).

Each parser turns a table read as text into metric observations with the columns
``OBSERVATION_COLUMNS``: a ratio metric carries numerator and denominator (value = their ratio), a
count or mean carries value. Problems name the file, row and column; the caller raises them all
at once so that a bad file is rejected whole.
"""

from __future__ import annotations

import re

import pandas as pd

from pophealth.sources.table_reader import Columns

OBSERVATION_COLUMNS = ("metric_id", "org_code", "org_type", "breakdown", "period_start", "period_end",
                       "numerator", "denominator", "value", "unit")
MONTHS = {m: i for i, m in enumerate(
    ["JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY", "AUGUST", "SEPTEMBER",
     "OCTOBER", "NOVEMBER", "DECEMBER"], start=1)}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _month_frame(starts: pd.Series, **columns) -> pd.DataFrame:
    """Observations for calendar months starting at ``starts``."""
    start = pd.to_datetime(starts).dt.to_period("M").dt.start_time
    frame = pd.DataFrame({"period_start": start.dt.date,
                          "period_end": (start + pd.offsets.MonthEnd(0)).dt.date, **columns})
    for name in OBSERVATION_COLUMNS:
        if name not in frame:
            frame[name] = float("nan") if name in ("numerator", "denominator") else ""  # NaN is stored as NULL
    return frame.loc[:, list(OBSERVATION_COLUMNS)]


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    return (num / den.where(den > 0)).astype(float)


def _period_text(cols: Columns, column: str) -> pd.Series:
    """``MSitAE-MARCH-2024`` / ``RTT-April-2026`` → first day of that month."""
    raw = cols.frame[column]
    found = raw.str.upper().str.extract(r"([A-Z]+)-(\d{4})$")
    month = found[0].map(MONTHS)
    bad = month.isna() | found[1].isna()
    for row in cols.rows(bad):
        cols.problem(f"expected a period like 'MSitAE-MARCH-2024', got {raw.loc[row - 2]!r}", row, column)
    return pd.to_datetime(dict(year=found[1].fillna("2000").astype(int), month=month.fillna(1).astype(int), day=1))


def _check_breaches(cols: Columns, total: pd.Series, within: pd.Series, breach_col: str) -> None:
    breaches = cols.number(breach_col)
    for row in cols.rows((total - within - breaches).abs() > 0.01):
        cols.problem("TOTAL must equal WITHIN STANDARD + BREACHES", row, breach_col)


CWT_METRICS = {"28-day FDS": "cwt-28-day-fds", "31-day Combined": "cwt-31-day-combined",
               "62-day Combined": "cwt-62-day-combined"}


def _cwt_metric(standard: pd.Series) -> pd.Series:
    return standard.map(lambda s: CWT_METRICS.get(s, "cwt-" + _slug(s)))


def parse_cwt_subicb(cols: Columns) -> pd.DataFrame:
    """CWT-CRS ICB sub-location extract (FORMATS.md §4): one row per standard × sub-ICB × sub-category."""
    if not cols.require("PERIOD", "STANDARD", "ICB SUB LOCATION", "SUB-CATEGORY", "TOTAL",
                        "WITHIN STANDARD", "BREACHES"):
        return pd.DataFrame()
    total, within = cols.number("TOTAL"), cols.number("WITHIN STANDARD")
    _check_breaches(cols, total, within, "BREACHES")
    return _month_frame(
        cols.date("PERIOD"), metric_id=_cwt_metric(cols.text("STANDARD")),
        org_code=cols.text("ICB SUB LOCATION"), org_type="sub_icb",
        breakdown=cols.frame["SUB-CATEGORY"], numerator=within, denominator=total,
        value=_ratio(within, total), unit="proportion")


def parse_cwt_provider(cols: Columns) -> pd.DataFrame:
    """CWT-CRS provider extract (FORMATS.md §4): standard × provider × route × modality × cancer type."""
    if not cols.require("PERIOD", "STANDARD", "ORG CODE", "STAGE/ROUTE", "TREATMENT MODALITY",
                        "CANCER TYPE", "TOTAL TREATED", "WITHIN STANDARD", "BREACHES"):
        return pd.DataFrame()
    total, within = cols.number("TOTAL TREATED"), cols.number("WITHIN STANDARD")
    _check_breaches(cols, total, within, "BREACHES")
    f = cols.frame
    breakdown = f["STAGE/ROUTE"] + " | " + f["TREATMENT MODALITY"] + " | " + f["CANCER TYPE"]
    return _month_frame(
        cols.date("PERIOD"), metric_id=_cwt_metric(cols.text("STANDARD")),
        org_code=cols.text("ORG CODE"), org_type="provider", breakdown=breakdown,
        numerator=within, denominator=total, value=_ratio(within, total), unit="proportion")


def parse_ae(cols: Columns) -> pd.DataFrame:
    """Monthly A&E attendances (FORMATS.md §2): 4-hour performance and 12-hour DTA waits per provider."""
    if not cols.require("Period", "Org Code"):
        return pd.DataFrame()
    keep = ~cols.frame["Org Code"].str.upper().isin({"TOTAL", "", "-"})
    cols.frame = cols.frame[keep]
    attend = [c for c in cols.frame.columns if re.match(r"^(Number of )?A&E attendances", c)]
    over = [c for c in cols.frame.columns if re.search(r"over 4hrs", c, re.I)]
    dta12 = next((c for c in cols.frame.columns if re.search(r"12\+ hrs from DTA", c, re.I)), None)
    if not attend or not over:
        cols.problem("expected 'A&E attendances …' and 'Attendances over 4hrs …' columns")
        return pd.DataFrame()
    total = sum(cols.number(c, blank=0.0) for c in attend)
    late = sum(cols.number(c, blank=0.0) for c in over)
    for row in cols.rows(late > total):
        cols.problem("more attendances over 4 hours than attendances", row, over[0])
    start, org = _period_text(cols, "Period"), cols.frame["Org Code"]
    parts = [_month_frame(start, metric_id="ae-4-hour", org_code=org, org_type="provider",
                          numerator=total - late, denominator=total, value=_ratio(total - late, total),
                          unit="proportion")]
    if dta12:
        waits = cols.number(dta12, blank=0.0)
        parts.append(_month_frame(start, metric_id="ae-12-hour-dta", org_code=org, org_type="provider",
                                  value=waits, unit="count"))
    return pd.concat(parts, ignore_index=True)


_RTT_BAND = re.compile(r"^Gt (\d+)( To (\d+))? Weeks SUM 1$")


def parse_rtt(cols: Columns) -> pd.DataFrame:
    """RTT full extract (FORMATS.md §3): incomplete pathways per commissioner × provider."""
    if not cols.require("Period", "Provider Org Code", "Commissioner Org Code", "RTT Part Type",
                        "Treatment Function Code", "Total", "Total All"):
        return pd.DataFrame()
    bands = {c: _RTT_BAND.match(c) for c in cols.frame.columns if _RTT_BAND.match(c)}
    if not bands:
        cols.problem("no week-band columns like 'Gt 00 To 01 Weeks SUM 1'")
        return pd.DataFrame()
    f = cols.frame
    cols.frame = f[(f["RTT Part Type"] == "Part_2") & (f["Treatment Function Code"] != "C_999")]
    numbers = {c: cols.number(c, blank=0.0) for c in [*bands, "Total", "Total All"]}
    over52 = sum(numbers[c] for c, m in bands.items() if int(m.group(1)) >= 52)
    within18 = sum(numbers[c] for c, m in bands.items() if m.group(3) and int(m.group(3)) <= 18)
    grouped = pd.DataFrame({
        "start": _period_text(cols, "Period"), "org": cols.frame["Commissioner Org Code"],
        "provider": cols.frame["Provider Org Code"], "over52": over52, "within18": within18,
        "total": numbers["Total"], "all": numbers["Total All"],
    }).groupby(["start", "org", "provider"], as_index=False).sum()
    common = dict(org_code=grouped["org"], org_type="commissioner", breakdown=grouped["provider"])
    return pd.concat([
        _month_frame(grouped["start"], metric_id="rtt-52-week-waiters", value=grouped["over52"], unit="count", **common),
        _month_frame(grouped["start"], metric_id="rtt-waiting-list", value=grouped["all"], unit="count", **common),
        _month_frame(grouped["start"], metric_id="rtt-18-weeks", numerator=grouped["within18"],
                     denominator=grouped["total"], value=_ratio(grouped["within18"], grouped["total"]),
                     unit="proportion", **common),
    ], ignore_index=True)


def parse_ambsys(cols: Columns) -> pd.DataFrame:
    """AmbSYS (FORMATS.md §5): Category 1 and 2 mean response = total time ÷ incidents, in minutes."""
    if not cols.require("Year", "Month", "Org Code", "A8", "A10", "A24", "A30"):
        return pd.DataFrame()
    year, month = cols.number("Year"), cols.number("Month", minimum=1)
    for row in cols.rows(month > 12):
        cols.problem("expected a month number 1-12", row, "Month")
    start = pd.to_datetime(dict(year=year.fillna(2000).astype(int), month=month.clip(1, 12).fillna(1).astype(int), day=1))
    parts = []
    for metric, incidents, seconds in (("ambulance-c1-mean", "A8", "A24"), ("ambulance-c2-mean", "A10", "A30")):
        n, total = cols.number(incidents, blank=0.0), cols.number(seconds, blank=0.0) / 60.0
        parts.append(_month_frame(start, metric_id=metric, org_code=cols.frame["Org Code"],
                                  org_type="ambulance_trust", numerator=total, denominator=n,
                                  value=_ratio(total, n), unit="minutes"))
    return pd.concat(parts, ignore_index=True)


def parse_gpad(cols: Columns) -> pd.DataFrame:
    """GPAD (FORMATS.md §6): appointments per month, from sub-ICB daily or practice monthly files."""
    if "GP_CODE" in cols.frame.columns:
        org_col, org_type, date_col, fmt = "GP_CODE", "practice", "APPOINTMENT_MONTH_START_DATE", None
    else:
        org_col = cols.find("SUB_ICB_LOCATION_CODE", "CCG_CODE") or "SUB_ICB_LOCATION_CODE"
        org_type, date_col, fmt = "sub_icb", "Appointment_Date", "%d%b%Y"
    if not cols.require(org_col, date_col, "COUNT_OF_APPOINTMENTS"):
        return pd.DataFrame()
    grouped = pd.DataFrame({
        "start": cols.date(date_col, fmt).dt.to_period("M").dt.start_time,
        "org": cols.text(org_col), "n": cols.number("COUNT_OF_APPOINTMENTS"),
    }).groupby(["start", "org"], as_index=False)["n"].sum()
    return _month_frame(grouped["start"], metric_id="gp-appointments", org_code=grouped["org"],
                        org_type=org_type, value=grouped["n"], unit="count")


LDHC_INDICATORS = ("LDHCMI034", "LDHCMI035")  # % aged 14-17 and 18+ with a health check, FYTD


def parse_ldhc(cols: Columns) -> pd.DataFrame:
    """LDHC (FORMATS.md §7): people 14+ with an annual health check, FYTD, per practice."""
    if not cols.require("ACH_DATE", "PRACTICE_CODE", "IND_CODE", "MEASURE", "VALUE"):
        return pd.DataFrame()
    f = cols.frame
    cols.frame = f[f["IND_CODE"].isin(LDHC_INDICATORS) & f["MEASURE"].isin(["Numerator", "Denominator"])]
    long = pd.DataFrame({"start": cols.date("ACH_DATE"), "org": cols.text("PRACTICE_CODE"),
                         "measure": cols.frame["MEASURE"], "v": cols.number("VALUE")})
    wide = long.pivot_table(index=["start", "org"], columns="measure", values="v", aggfunc="sum").reset_index()
    for name in ("Numerator", "Denominator"):
        if name not in wide:
            wide[name] = float("nan")
    return _month_frame(wide["start"], metric_id="ld-health-checks", org_code=wide["org"],
                        org_type="practice", numerator=wide["Numerator"], denominator=wide["Denominator"],
                        value=_ratio(wide["Numerator"], wide["Denominator"]), unit="proportion")


# Layout name → (columns that identify it, parser). Checked in order; the first match wins.
LAYOUTS = {
    "cwt_subicb": ({"STANDARD", "ICB SUB LOCATION", "WITHIN STANDARD"}, parse_cwt_subicb),
    "cwt_provider": ({"STANDARD", "ORG CODE", "TOTAL TREATED"}, parse_cwt_provider),
    "rtt": ({"RTT Part Type", "Treatment Function Code"}, parse_rtt),
    "ae": ({"Period", "Org Code", "Parent Org"}, parse_ae),
    "ambsys": ({"Year", "Month", "Org Code", "A10"}, parse_ambsys),
    "gpad": ({"COUNT_OF_APPOINTMENTS"}, parse_gpad),
    "ldhc": ({"ACH_DATE", "PRACTICE_CODE", "IND_CODE"}, parse_ldhc),
}
