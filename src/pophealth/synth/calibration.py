"""Calibration report: generated rates against the targets in ``params.yaml`` and their sources.

Every check states its tolerance. Rates pass within the larger of a relative tolerance and three
standard errors (binomial for shares, Poisson for rates), so a 20,000-person population is judged
fairly: the relative part is what an analyst would accept from a synthetic population whose targets are
rounded national or LLR figures; the 3 SE part is sampling noise at the population's size. Life
expectancies (the stats engine's Chiang II life table) pass within the larger of a floor in years and
three standard errors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

import duckdb

from pophealth import omop
from pophealth.omop import Cdm

from pophealth.synth.calibration_mortality import mortality_checks
from pophealth.synth.checks import Check, rate_check
from pophealth.synth.params import load_codes, load_params

REL_TOL = 0.25
# eFI categories as deficit counts (PHM.md section 2): fit 0-4, mild 5-8, moderate 9-12, severe 13+.
EFI_CATEGORIES = {"fit": (0, 4), "mild": (5, 8), "moderate": (9, 12), "severe": (13, 99)}
CLEGG_SHARES = {"fit": 0.50, "mild": 0.35, "moderate": 0.12, "severe": 0.03}
EFI_REL = 0.30      # the 2016 derivation cohort is not LLR's registered 65+ population of today


def _alive_table(con: duckdb.DuckDBPyConnection, as_of: str) -> None:
    """People registered on ``as_of`` with their age then and their practice's sub-ICB, as ``_alive``.

    Age is the engine's own definition (``pophealth.omop.age_on``: completed years), not a calendar-year
    difference, so a check counts the same people the PHM registers do."""
    cdm = Cdm.of_warehouse(con)
    age = omop.age_on(cdm, dt.date.fromisoformat(str(as_of)))
    op, links, geo = cdm.table("observation_period"), cdm.table("care_site_practice"), cdm.table("geo_practice")
    p = cdm.person
    alive = (p.join(op, "person_id").join(age, "person_id")
             .left_join(links, p.care_site_id == links.care_site_id)
             .left_join(geo, links.practice_code == geo.practice_code)
             .filter(op.observation_period_end_date >= dt.date.fromisoformat(str(as_of)))
             .select(p.person_id, age=age.value, sub_icb_code=geo.sub_icb_code))
    con.register("_alive_rows", alive.to_pyarrow())
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _alive AS SELECT * FROM _alive_rows")
    finally:
        con.unregister("_alive_rows")


def emergency_admissions_ever(con: duckdb.DuckDBPyConnection) -> int:
    """Every emergency admission in the records, by the engine's definition (``omop.is_emergency_admission``)."""
    v = Cdm.of_warehouse(con).table("visit_occurrence")
    return int(v.filter(omop.is_emergency_admission(v)).count().to_pyarrow().as_py())


def prevalence_checks(con: duckdb.DuckDBPyConnection) -> list[Check]:
    """Diagnosis prevalence of people alive and registered at the as-of date, against the target each
    intercept was solved to: per sub-ICB (by the practice's sub-ICB) over the QOF register's age base for a
    condition with a QOF register, LLR-wide otherwise (calibration_targets.py)."""
    from pophealth.synth.calibration_targets import SUB_ICBS, register_since, strata

    params = load_params()
    codes = load_codes()
    checks = []
    for name in params["conditions"]:
        code_list = [c for c, _ in codes[("condition", name)]]
        for s in strata(name):
            if s.key == "child":
                continue
            where = "a.age >= ?" + (" AND a.sub_icb_code = ?" if s.key in SUB_ICBS else "")
            args = [int(s.age_lo)] + ([s.key] if s.key in SUB_ICBS else [])
            since = register_since(name) if s.key in SUB_ICBS else None  # QOF counts recent enough diagnoses
            recent = "" if since is None else f" AND c.condition_start_date >= DATE '1970-01-01' + INTERVAL {since} DAY"
            num, den = con.execute(f"""
                SELECT (SELECT count(DISTINCT c.person_id) FROM condition_occurrence c JOIN _alive a USING (person_id)
                        WHERE {where} AND c.condition_source_value IN ({','.join('?' * len(code_list))}){recent}),
                       (SELECT count(*) FROM _alive a WHERE {where})""", [*args, *code_list, *args]).fetchone()
            place = f", sub-ICB {s.key}" if s.key in SUB_ICBS else ""
            checks.append(rate_check(f"prevalence {name} (age {int(s.age_lo)}+{place})", num, den, s.target,
                                     params["sources"].get(s.source, s.source), rel=REL_TOL))
    return checks + child_prevalence_checks(con)


CHILD_MAX_AGE = 17


def child_prevalence_checks(con: duckdb.DuckDBPyConnection) -> list[Check]:
    """Prevalence among under-18s for conditions with a ``child`` target (the children's Core20PLUS5)."""
    params = load_params()
    codes = load_codes()
    checks = []
    for name, spec in params["conditions"].items():
        if "child" not in spec:
            continue
        code_list = [c for c, _ in codes[("condition", name)]]
        num, den = con.execute(f"""
            SELECT count(DISTINCT c.person_id), (SELECT count(*) FROM _alive WHERE age <= ?)
            FROM condition_occurrence c JOIN _alive a USING (person_id)
            WHERE a.age <= ? AND c.condition_source_value IN ({','.join('?' * len(code_list))})""",
            [CHILD_MAX_AGE, CHILD_MAX_AGE, *code_list]).fetchone()
        checks.append(rate_check(f"prevalence {name} (age 0-{CHILD_MAX_AGE})", num, den, spec["child"]["target"],
                                 params["sources"][spec["child"]["source"]], rel=REL_TOL))
    return checks


def efi_checks(con: duckdb.DuckDBPyConnection) -> list[Check]:
    """eFI category shares of people 65+ alive at the as-of date against Clegg 2016.

    Deficits are counted from the written records: each distinct eFI deficit ever coded (an LTC's code
    counts for the deficit it supplies) plus polypharmacy (5+ different medicines issued in the last year).
    """
    params = load_params()
    deficit_of = {}
    for (kind, key), rows in load_codes().items():
        deficit = key if kind == "deficit" else params["ltc_deficits"].get(key) if kind == "condition" else None
        for code, _ in rows if deficit else ():
            deficit_of[code] = deficit
    con.execute("CREATE OR REPLACE TEMP TABLE _efi_code AS SELECT * FROM (SELECT unnest(?) AS code, unnest(?) AS deficit)",
                [list(deficit_of), list(deficit_of.values())])
    as_of = params["as_of"]
    counts = con.execute(f"""
        WITH old AS (SELECT person_id FROM _alive WHERE age >= 65),
        coded AS (SELECT DISTINCT e.person_id, c.deficit FROM omop_coded_event e JOIN _efi_code c USING (code)
                  JOIN old USING (person_id) WHERE e.event_date <= DATE '{as_of}'),
        poly AS (SELECT person_id FROM drug_exposure JOIN old USING (person_id)
                 WHERE drug_exposure_start_date > DATE '{as_of}' - INTERVAL 1 YEAR
                   AND drug_exposure_start_date <= DATE '{as_of}'
                 GROUP BY person_id HAVING count(DISTINCT drug_source_value) >= 5),
        n AS (SELECT o.person_id, (SELECT count(*) FROM coded c WHERE c.person_id = o.person_id)
                     + (o.person_id IN (SELECT person_id FROM poly))::INT AS deficits FROM old o)
        SELECT deficits, count(*) FROM n GROUP BY deficits""").fetchall()
    total = sum(n for _, n in counts)
    checks = []
    for category, (lo, hi) in EFI_CATEGORIES.items():
        num = sum(n for d, n in counts if lo <= d <= hi)
        checks.append(rate_check(f"eFI {category} share of people 65+", num, total, CLEGG_SHARES[category],
                                 params["sources"]["clegg"], rel=EFI_REL))
    return checks


def ethnicity_checks(con: duckdb.DuckDBPyConnection) -> list[Check]:
    params = load_params()
    codes = load_codes()
    all_codes = [c for (k, _), v in codes.items() if k == "ethnicity" for c, _ in v]
    checks = []
    for place, shares in params["ethnicity"]["by_place"].items():
        num, den = con.execute("""SELECT count(*) FILTER (WHERE o.observation_source_value = ?), count(*)
            FROM observation o JOIN person_geography g USING (person_id)
            WHERE g.place = ? AND o.observation_source_value IN (SELECT unnest(?))""",
            [codes[("ethnicity", "1")][0][0], place, all_codes]).fetchone()
        checks.append(rate_check(f"White British share of recorded ethnicity, {place}", num, den,
                                 shares["1"] / sum(shares.values()), params["sources"]["ethnicity"], rel=0.1))
    return checks


def calibration_report(con: duckdb.DuckDBPyConnection, real: bool = False) -> dict:
    """Every check with its generated value, target, tolerance, source and pass/fail.

    ``checks`` hold the generator's own targets (``passed``). With ``real``, ``real_llr_checks`` also
    compare the population, through the PHM engine, with the real QOF registers of each sub-ICB and the
    JHWS 5+/8+ figures (calibration_real.py); ``all_passed`` covers both.
    """
    params = load_params()
    _alive_table(con, params["as_of"])
    checks = prevalence_checks(con) + ethnicity_checks(con)
    years = con.execute(f"""SELECT sum(date_diff('day', greatest(observation_period_start_date,
        DATE '{params['history_start']}'), observation_period_end_date)) / 365.25 FROM observation_period""").fetchone()[0]
    adm = emergency_admissions_ever(con)
    checks.append(rate_check("emergency admissions per person-year", adm, years or 0,
                             params["admissions"]["target_rate"], params["sources"]["hes"], rel=0.15, poisson=True))
    mortality, life = mortality_checks(con)
    checks += mortality + efi_checks(con)
    out = {"checks": [asdict(c) for c in checks], "life_expectancy": life,
           "passed": all(c.passed for c in checks)}
    if real:
        from pophealth.synth.calibration_real import real_llr_checks

        found = real_llr_checks(con)
        out["real_llr_checks"] = [asdict(c) for c in found]
        out["real_llr_passed"] = all(c.passed for c in found)
    out["all_passed"] = out["passed"] and out.get("real_llr_passed", True)
    return out
