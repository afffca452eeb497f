"""Mortality checks of the calibration report: crude death rate, life expectancy by place, deprivation gaps.

Deaths and person-years come from the written tables (death, observation_period) over the history
window, in 5-year bands of age at the time, so the checks see what any analyst would compute.
"""

from __future__ import annotations

import duckdb
import numpy as np

from pophealth.synth.checks import Check, rate_check, years_check
from pophealth.stats.life_expectancy import START_AGES, life_table
from pophealth.synth.params import load_params

SEX = {"M": 8507, "F": 8532}
BANDS = len(START_AGES)
LOWER = [int(a) for a in START_AGES]
UPPER = LOWER[1:] + [200]
DEPRIVATION = "CASE WHEN g.imd2025_decile <= 2 THEN 'most' WHEN g.imd2025_decile >= 9 THEN 'least' END"
PLACE_FLOOR = 1.5   # years: the targets are 3-year Fingertips figures for the real population
GAP_FLOOR = 2.0     # years: the seed gives the gap for Leicestershire's own deciles, we use LLR's IMD 2025 ones


def band_tables(con: duckdb.DuckDBPyConnection, group_sql: str, sex: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(deaths, person-years) in the 20 life-table bands (0, 1-4, 5-9, ..., 90+) per group, for one sex."""
    start = load_params()["history_start"]
    rows = con.execute(f"""
        WITH spans AS (
          SELECT {group_sql} AS grp, o.observation_period_start_date AS s, o.observation_period_end_date AS e,
                 d.death_date, make_date(p.year_of_birth::INT, p.month_of_birth::INT, p.day_of_birth::INT) AS dob
          FROM person p JOIN observation_period o USING (person_id)
          JOIN person_geography g USING (person_id) LEFT JOIN death d USING (person_id)
          WHERE p.gender_concept_id = ?)
        SELECT grp, band, sum(years) AS years, sum(died) AS deaths FROM (
          SELECT grp, band, s, e, dob, death_date,
                 greatest(0, date_diff('day', greatest(s, dob + to_years(lo)::INTERVAL, DATE '{start}'),
                          least(e, dob + to_years(hi)::INTERVAL)) / 365.25) AS years,
                 (death_date IS NOT NULL AND date_diff('year', dob, death_date) >= lo
                   AND date_diff('year', dob, death_date) < hi)::INT AS died
          FROM spans, (SELECT unnest(range(0, ?)) AS band, unnest(?) AS lo, unnest(?) AS hi) bands)
        GROUP BY grp, band ORDER BY grp, band""", [sex, BANDS, LOWER, UPPER]).fetchall()
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for grp, band, years, deaths in rows:
        d, y = out.setdefault(str(grp), (np.zeros(BANDS), np.zeros(BANDS)))
        d[band], y[band] = deaths, years
    return out


def _le(tables: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict[str, tuple[float, float]]:
    """Life expectancy at birth and its SE (the stats engine's Chiang II table) per group."""
    out = {}
    for group, (deaths, years) in tables.items():
        e, se = life_table(deaths[None, :], years[None, :])
        out[group] = (float(e[0, 0]), float(se[0, 0]))
    return out


DIRECTION_SE = 3.0  # Rutland is about 3% of LLR: at 20,000 people its life expectancy has an SE of years


def leicester_lowest(les: dict[str, tuple[float, float]]) -> bool:
    """Leicester is lowest unless another place's life expectancy is below it by more than 3 standard errors
    of the difference (a small place's estimate can fall below Leicester's by chance alone)."""
    if "Leicester" not in les:
        return False
    le, se = les["Leicester"]
    return all(le - other <= DIRECTION_SE * float(np.hypot(se, other_se))
               for place, (other, other_se) in les.items() if place != "Leicester")


def mortality_checks(con: duckdb.DuckDBPyConnection) -> tuple[list[Check], dict]:
    """The checks, and the life expectancies behind them (for the report's detail)."""
    params = load_params()
    mort, sources = params["mortality"], params["sources"]
    checks: list[Check] = []
    years = con.execute(f"""SELECT sum(date_diff('day', greatest(observation_period_start_date,
        DATE '{params['history_start']}'), observation_period_end_date)) / 365.25 FROM observation_period""").fetchone()[0]
    deaths = con.execute(f"SELECT count(*) FROM death WHERE death_date >= DATE '{params['history_start']}'").fetchone()[0]
    checks.append(rate_check("crude death rate per person-year", deaths, years or 0, mort["target_crude_death_rate"],
                             sources["ons_deaths"], rel=0.15, poisson=True))
    by_place = {s: _le(band_tables(con, "g.place", c)) for s, c in SEX.items()}
    for sex, les in by_place.items():
        for place, target in ((p, t[sex]) for p, t in mort["targets_le"].items()):
            le, se = les.get(place, (float("nan"), float("inf")))
            checks.append(years_check(f"LE at birth {sex}, {place}", le, se, target, PLACE_FLOOR, sources["fingertips_le"]))
        checks.append(Check(f"LE at birth {sex}: Leicester lowest of the three places", round(les.get("Leicester", (float("nan"),))[0], 1),
                            mort["targets_le"]["Leicester"][sex],
                            f"direction: Leicester lowest (no place lower by more than {DIRECTION_SE:g} SE)",
                            sources["fingertips_le"], leicester_lowest(les)))
    by_dep = {s: _le(band_tables(con, DEPRIVATION, c)) for s, c in SEX.items()}
    for sex, les in by_dep.items():
        (least, se_l), (most, se_m) = les.get("least", (np.nan, np.inf)), les.get("most", (np.nan, np.inf))
        checks.append(years_check(f"LE gap {sex}, IMD deciles 9-10 minus 1-2", least - most, float(np.hypot(se_l, se_m)),
                                  mort["target_gap_decile"][sex], GAP_FLOOR, sources["jhws_gap"]))
    detail = {"by_place": {s: {g: round(v[0], 1) for g, v in les.items()} for s, les in by_place.items()},
              "by_deprivation": {s: {g: round(v[0], 1) for g, v in les.items()} for s, les in by_dep.items()}}
    return checks, detail
