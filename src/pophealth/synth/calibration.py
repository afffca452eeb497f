"""Calibration report: generated rates against the targets in ``params.yaml`` and their sources.

Each check states its tolerance: a rate passes when it is within the larger of a relative tolerance and
three standard errors of its target (so small test populations are judged fairly); life expectancy
checks test the direction the seeds report (Leicester lowest; most deprived below least deprived).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import duckdb
import numpy as np

from pophealth.synth.params import load_codes, load_params

REL_TOL = 0.25


@dataclass
class Check:
    name: str
    generated: float
    target: float
    tolerance: str
    source: str
    passed: bool


def _rate_check(name: str, num: float, den: float, target: float, source: str, rel: float = REL_TOL) -> Check:
    value = num / den if den else float("nan")
    se = math.sqrt(max(target * (1 - target), 1e-12) / den) if den else float("inf")
    tol = max(rel * target, 3 * se)
    return Check(name, round(value, 5), target, f"±{tol:.4f} (max of {rel:.0%} and 3 SE)", source,
                 bool(den) and abs(value - target) <= tol)


def _life_expectancy(deaths: np.ndarray, years: np.ndarray) -> float:
    """Abridged life table at birth over 5-year bands (last band open), Chiang's method."""
    m = np.divide(deaths, years, out=np.zeros_like(deaths, dtype=float), where=years > 0)
    q = np.minimum(5 * m / (1 + 2.5 * m), 1.0)
    q[-1] = 1.0
    alive = np.concatenate([[1.0], np.cumprod(1 - q)[:-1]])
    lived = np.where(np.arange(q.size) < q.size - 1, 5 * (alive - alive * q / 2),
                     np.divide(alive, m, out=np.zeros_like(alive), where=m > 0))
    return float(lived.sum())


def _le_by(con: duckdb.DuckDBPyConnection, group_sql: str, sex: int) -> dict[str, float]:
    params = load_params()
    rows = con.execute(f"""
        WITH spans AS (
          SELECT {group_sql} AS grp, p.person_id, o.observation_period_start_date AS s,
                 o.observation_period_end_date AS e, d.death_date,
                 make_date(p.year_of_birth::INT, p.month_of_birth::INT, p.day_of_birth::INT) AS dob
          FROM person p JOIN observation_period o USING (person_id)
          JOIN person_geography g USING (person_id) LEFT JOIN death d USING (person_id)
          WHERE p.gender_concept_id = ?),
        yrs AS (SELECT grp, band, sum(years) AS years, sum(died) AS deaths FROM (
          SELECT grp, unnest(range(0, 19)) AS band, s, e, dob, death_date,
                 greatest(0, date_diff('day', greatest(s, dob + to_years(band * 5)::INTERVAL, DATE '{params['history_start']}'),
                          least(e, CASE WHEN band = 18 THEN DATE '9999-01-01' ELSE dob + to_years(band * 5 + 5)::INTERVAL END)) / 365.25) AS years,
                 (death_date IS NOT NULL AND date_diff('year', dob, death_date) BETWEEN band * 5 AND
                   CASE WHEN band = 18 THEN 200 ELSE band * 5 + 4 END)::INT AS died
          FROM spans) GROUP BY grp, band)
        SELECT grp, band, years, deaths FROM yrs ORDER BY grp, band""", [sex]).fetchall()
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for grp, band, years, deaths in rows:
        d, y = out.setdefault(str(grp), (np.zeros(19), np.zeros(19)))
        d[band], y[band] = deaths, years
    return {g: round(_life_expectancy(d, y), 1) for g, (d, y) in out.items()}


def calibration_report(con: duckdb.DuckDBPyConnection) -> dict:
    """Every check with its generated value, target, tolerance, source and pass/fail."""
    params = load_params()
    as_of = params["as_of"]
    checks: list[Check] = []
    codes = load_codes()
    alive = f"""SELECT p.person_id, date_diff('year', make_date(p.year_of_birth::INT, p.month_of_birth::INT,
                p.day_of_birth::INT), DATE '{as_of}') AS age FROM person p
                JOIN observation_period o USING (person_id) WHERE o.observation_period_end_date >= DATE '{as_of}'"""
    con.execute(f"CREATE OR REPLACE TEMP TABLE _alive AS {alive}")
    for name, spec in params["conditions"].items():
        code_list = [c for c, _ in codes[("condition", name)]]
        num, den = con.execute(f"""
            SELECT count(DISTINCT c.person_id), (SELECT count(*) FROM _alive WHERE age >= ?)
            FROM condition_occurrence c JOIN _alive a USING (person_id)
            WHERE a.age >= ? AND c.condition_source_value IN ({','.join('?' * len(code_list))})""",
            [spec["min_age"], spec["min_age"], *code_list]).fetchone()
        checks.append(_rate_check(f"prevalence {name} (age {spec['min_age']}+)", num, den, spec["target"],
                                  params["sources"][spec["source"]]))
    for place, shares in params["ethnicity"]["by_place"].items():
        code = codes[("ethnicity", "1")][0][0]
        num, den = con.execute("""SELECT count(*) FILTER (WHERE o.observation_source_value = ?), count(*)
            FROM observation o JOIN person_geography g USING (person_id)
            WHERE g.place = ? AND o.observation_source_value IN (SELECT unnest(?))""",
            [code, place, [c for (k, _), v in codes.items() if k == "ethnicity" for c, _ in v]]).fetchone()
        checks.append(_rate_check(f"White British share of recorded ethnicity, {place}", num, den,
                                  shares["1"] / sum(shares.values()), params["sources"]["ethnicity"], rel=0.1))
    years = con.execute(f"""SELECT sum(date_diff('day', greatest(observation_period_start_date,
        DATE '{params['history_start']}'), observation_period_end_date)) / 365.25 FROM observation_period""").fetchone()[0]
    adm = con.execute("SELECT count(*) FROM visit_occurrence WHERE visit_concept_id = 262").fetchone()[0]
    checks.append(_rate_check("emergency admissions per person-year", adm, years,
                              params["admissions"]["target_rate"], params["sources"]["hes"], rel=0.15))
    le_place = {s: _le_by(con, "g.place", c) for s, c in (("M", 8507), ("F", 8532))}
    le_dep = _le_by(con, "CASE WHEN g.imd2025_decile <= 2 THEN 'most' WHEN g.imd2025_decile >= 9 THEN 'least' END", 8507)
    gap = le_dep.get("least", float("nan")) - le_dep.get("most", float("nan"))
    target_gap = params["mortality"]["target_gap_male_decile"]
    checks.append(Check("male LE gap, IMD deciles 9-10 minus 1-2 (years)", round(gap, 1), target_gap,
                        "direction: gap > 0", params["sources"]["fingertips_le"], gap > 0))
    for sex in ("M", "F"):
        le = le_place[sex]
        lowest = min(le, key=le.get) if le else None
        checks.append(Check(f"LE at birth {sex}: Leicester lowest of the three places", le.get("Leicester", float("nan")),
                            params["mortality"]["targets_le"]["Leicester"][sex], "direction: Leicester lowest",
                            params["sources"]["fingertips_le"], lowest == "Leicester"))
    return {"checks": [asdict(c) for c in checks], "life_expectancy": {"by_place": le_place, "male_by_deprivation": le_dep},
            "passed": all(c.passed for c in checks)}
