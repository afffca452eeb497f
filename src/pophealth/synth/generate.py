"""Running the generator: people in chunks, each chunk vectorised and appended in one transaction.

Each chunk has its own random stream seeded by (seed, chunk number), so a run is deterministic for a
seed and size, and memory stays bounded by the chunk size whatever the population.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np

from pophealth.synth import care
from pophealth.synth.conditions import assign_conditions, efi_deficit_count
from pophealth.synth.medicines import issue, prescribe
from pophealth.synth.outcomes import relative_death_hazard, simulate_admissions, simulate_deaths
from pophealth.synth.params import day, fingerprint, load_codes, load_params
from pophealth.synth.population import YEAR, draw_people
from pophealth.synth.sink import Sink
from pophealth.synth.writer import Writer, clear, write_reference
from pophealth.synth.identities import write_synthetic_identities
from pophealth.warehouse.versions import record_population
from pophealth.warehouse import connect, transaction

ADMISSION_REASONS = ("copd", "heart_failure", "asthma", "diabetes", "chd", "stroke_tia", "dementia", "ckd", "epilepsy")


def registration_start(rng: np.random.Generator, people: dict) -> np.ndarray:
    """Start of registration: mostly long before the window; some move in (asylum seekers later)."""
    params = load_params()
    start, as_of = day(params["history_start"]), day(params["as_of"])
    late = rng.random(people["age"].size) < params["care"]["late_registration_share"]
    joined = np.where(late, start + (rng.random(late.size) * (as_of - start - 30)).astype(np.int64),
                      start - (rng.random(late.size) * 15 * YEAR).astype(np.int64))
    return np.maximum(joined, people["dob"])


def generate_chunk(seed: int, chunk: int, n: int, first_id: int, writer: Writer) -> None:
    rng = np.random.default_rng([seed, chunk])
    params = load_params()
    as_of = day(params["as_of"])
    people = draw_people(rng, n, first_id)
    conds = assign_conditions(rng, people)
    obs_start = registration_start(rng, people)
    courses, n_drugs = prescribe(rng, people, conds, np.full(n, as_of), obs_start)
    efi = efi_deficit_count(conds, n_drugs)
    death_any = simulate_deaths(rng, people, conds, efi)
    written_death = np.where(death_any <= as_of, death_any, -1)
    end = np.where(written_death >= 0, written_death, as_of)
    obs_start = np.minimum(obs_start, end)  # a death before a planned move-in keeps the old registration
    writer.people(people, obs_start, end, written_death)
    adm = simulate_admissions(rng, people, conds, efi, written_death, obs_start)
    visit_ids = writer.visits(people, adm)
    sink = Sink(rng, people["person_id"])
    _admission_diagnoses(rng, sink, conds, adm)
    ctx = care.Context(rng, people, conds, obs_start, end)
    care.diagnoses(ctx, sink)
    care.registers_and_status(ctx, sink, relative_death_hazard(people, conds, efi))
    care.processes(ctx, sink)
    care.history_before_window(ctx, sink)
    care.medication_reviews(ctx, sink, n_drugs)
    issue(sink, courses, end)
    writer.events(sink, visit_ids)


def _admission_diagnoses(rng: np.random.Generator, sink: Sink, conds: dict, adm: dict) -> None:
    """ICD-10 primary diagnosis on half of emergency admissions of people with a matching condition."""
    emergency = np.flatnonzero(adm["kind"] == 0)
    taken = np.zeros(emergency.size, bool)
    for name in ADMISSION_REASONS:
        if ("secondary", name) not in load_codes():
            continue
        person = adm["idx"][emergency]
        has = (conds[name][person] >= 0) & (conds[name][person] <= adm["start"][emergency]) & ~taken
        pick = has & (rng.random(emergency.size) < 0.5)
        taken |= pick
        rows = emergency[pick]
        sink.add("condition_occurrence", adm["idx"][rows], adm["start"][rows], "secondary", name, visit_row=rows)


def generate(db: Path | str, people: int, seed: int,
             progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Replace the synthetic population in ``db``; returns rows written per table."""
    con = connect(db)
    try:
        return generate_into(con, people, seed, progress)
    finally:
        con.close()


def generate_into(con: duckdb.DuckDBPyConnection, people: int, seed: int,
                  progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Replace the synthetic population through an open connection, all in one transaction."""
    chunk = int(load_params()["chunk_size"])
    with transaction(con):
        clear(con)
        write_reference(con)
        writer = Writer(con)
        for i, first in enumerate(range(0, people, chunk)):
            n = min(chunk, people - first)
            generate_chunk(seed, i, n, first + 1, writer)
            if progress:
                progress(n)
        _record_run(con, people, seed)
        record_population(con, f"synth {people} people seed {seed}")
    write_synthetic_identities(con, seed)  # identity store beside the warehouse, never in it
    return dict(writer.rows)


def _record_run(con: duckdb.DuckDBPyConnection, people: int, seed: int) -> None:
    con.execute("DELETE FROM synth_run")
    con.execute("INSERT INTO synth_run VALUES (?, ?, ?, now())", [people, seed, fingerprint()])
