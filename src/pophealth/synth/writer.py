"""Writing generated chunks into the OMOP CDM tables through Arrow, inside the caller's transaction."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from pophealth.synth.population import geography
from pophealth.synth.sink import Sink

EHR = 32817            # type concept: EHR
EHR_RX = 32838         # type concept: EHR prescription
DEATH_REGISTRY = 32815  # type concept: death certificate
GENDER = {True: 8507, False: 8532}
SYNTH_TABLES = ("measurement", "observation", "procedure_occurrence", "drug_exposure", "condition_occurrence",
                "visit_occurrence", "death", "observation_period", "person", "provider", "care_site_practice",
                "care_site", "location_lsoa", "location")


def _date(days: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(days, dtype=np.int32), type=pa.date32())


def _insert(con: duckdb.DuckDBPyConnection, table: str, data: dict[str, pa.Array | np.ndarray]) -> int:
    frame = pa.table({k: v if isinstance(v, pa.Array) else pa.array(v) for k, v in data.items()})
    if frame.num_rows == 0:
        return 0
    con.register("_synth_rows", frame)
    cols = ", ".join(frame.column_names)
    con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _synth_rows")
    con.unregister("_synth_rows")
    return frame.num_rows


def clear(con: duckdb.DuckDBPyConnection) -> None:
    for table in SYNTH_TABLES:
        con.execute(f"DELETE FROM {table}")


def write_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Locations (one per LSOA), care sites and one provider per GP practice, with their links."""
    geo = geography()
    n_l, n_p = len(geo.lsoa), len(geo.practice)
    loc_id = np.arange(1, n_l + 1)
    _insert(con, "location", {"location_id": loc_id, "city": geo.lsoa["ltla_name"].to_numpy(),
                              "county": geo.lsoa["utla_name"].to_numpy(),
                              "location_source_value": geo.lsoa["lsoa21_code"].to_numpy(),
                              "country_concept_id": np.full(n_l, 4011090), "country_source_value": np.full(n_l, "GB")})
    _insert(con, "location_lsoa", {"location_id": loc_id, "lsoa21_code": geo.lsoa["lsoa21_code"].to_numpy()})
    site = np.arange(1, n_p + 1)
    _insert(con, "care_site", {"care_site_id": site, "care_site_name": geo.practice["practice_name"].to_numpy(),
                               "care_site_source_value": geo.practice["practice_code"].to_numpy(),
                               "place_of_service_source_value": np.full(n_p, "GP practice")})
    _insert(con, "care_site_practice", {"care_site_id": site, "practice_code": geo.practice["practice_code"].to_numpy(),
                                        "pcn_code": geo.practice["pcn_code"].to_numpy()})
    _insert(con, "provider", {"provider_id": site, "provider_name": "GP team " + geo.practice["practice_code"],
                              "care_site_id": site, "provider_source_value": geo.practice["practice_code"].to_numpy(),
                              "specialty_source_value": np.full(n_p, "General practice")})


class Writer:
    """Keeps running ids per table so chunks append without clashes."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.next_id: dict[str, int] = {}
        self.rows: dict[str, int] = {}

    def _ids(self, table: str, n: int) -> np.ndarray:
        start = self.next_id.get(table, 1)
        self.next_id[table] = start + n
        return np.arange(start, start + n, dtype=np.int64)

    def _put(self, table: str, data: dict) -> None:
        self.rows[table] = self.rows.get(table, 0) + _insert(self.con, table, data)

    def people(self, people: dict, obs_start: np.ndarray, obs_end: np.ndarray, death: np.ndarray) -> None:
        pid = people["person_id"]
        n = pid.size
        dob = people["dob"].astype("datetime64[D]")
        years = dob.astype("datetime64[Y]").astype(int) + 1970
        months = dob.astype("datetime64[M]").astype(int) % 12 + 1
        days = (dob - dob.astype("datetime64[M]")).astype(int) + 1
        eth = people["eth16"].astype(str)
        recorded = people["eth_recorded"]
        self._put("person", {
            "person_id": pid, "gender_concept_id": np.where(people["male"], 8507, 8532),
            "year_of_birth": years, "month_of_birth": months, "day_of_birth": days,
            "race_concept_id": np.zeros(n, np.int64), "ethnicity_concept_id": np.zeros(n, np.int64),
            "location_id": people["lsoa_idx"] + 1, "provider_id": people["practice_idx"] + 1,
            "care_site_id": people["practice_idx"] + 1, "person_source_value": pid.astype(str),
            "gender_source_value": np.where(people["male"], "M", "F"),
            "race_source_value": pa.array(np.where(recorded, eth, None), type=pa.string()),
        })
        self._put("observation_period", {
            "observation_period_id": self._ids("observation_period", n), "person_id": pid,
            "observation_period_start_date": _date(obs_start), "observation_period_end_date": _date(obs_end),
            "period_type_concept_id": np.full(n, EHR)})
        dead = death >= 0
        self._put("death", {"person_id": pid[dead], "death_date": _date(death[dead]),
                            "death_type_concept_id": np.full(int(dead.sum()), DEATH_REGISTRY)})

    def visits(self, people: dict, adm: dict) -> np.ndarray:
        n = adm["idx"].size
        ids = self._ids("visit_occurrence", n)
        emergency = adm["kind"] == 0
        self._put("visit_occurrence", {
            "visit_occurrence_id": ids, "person_id": people["person_id"][adm["idx"]],
            "visit_concept_id": np.where(emergency, 262, 9203),
            "visit_start_date": _date(adm["start"]), "visit_end_date": _date(adm["end"]),
            "visit_type_concept_id": np.full(n, EHR),
            "visit_source_value": np.where(emergency, "emergency_admission", "ae_attendance"),
            "admitted_from_concept_id": np.where(emergency, 8870, 0),
            "admitted_from_source_value": np.where(emergency, "admission_method:21", "ae_type:1")})
        return ids

    def events(self, sink: Sink, visit_ids: np.ndarray) -> None:
        c = sink.columns("condition_occurrence")
        n = c["person_id"].size
        visit = np.where(c["visit_row"] >= 0, visit_ids[np.maximum(c["visit_row"], 0)] if visit_ids.size else 0, -1)
        self._put("condition_occurrence", {
            "condition_occurrence_id": self._ids("condition_occurrence", n), "person_id": c["person_id"],
            "condition_concept_id": np.zeros(n, np.int64), "condition_start_date": _date(c["start"]),
            "condition_type_concept_id": np.full(n, EHR),
            "visit_occurrence_id": pa.array(np.where(visit >= 0, visit, 0), mask=visit < 0),
            "condition_source_value": c["code"], "condition_source_concept_id": np.zeros(n, np.int64)})
        d = sink.columns("drug_exposure")
        n = d["person_id"].size
        self._put("drug_exposure", {
            "drug_exposure_id": self._ids("drug_exposure", n), "person_id": d["person_id"],
            "drug_concept_id": np.zeros(n, np.int64), "drug_exposure_start_date": _date(d["start"]),
            "drug_exposure_end_date": _date(d["end"]), "drug_type_concept_id": np.full(n, EHR_RX),
            "days_supply": (d["end"] - d["start"] + 1), "drug_source_value": d["code"],
            "drug_source_concept_id": np.zeros(n, np.int64)})
        for table, prefix in (("measurement", "measurement"), ("observation", "observation"),
                              ("procedure_occurrence", "procedure")):
            e = sink.columns(table)
            n = e["person_id"].size
            data = {f"{table}_id": self._ids(table, n), "person_id": e["person_id"],
                    f"{prefix}_concept_id": np.zeros(n, np.int64),
                    f"{prefix}_date": _date(e["start"]), f"{prefix}_type_concept_id": np.full(n, EHR),
                    f"{prefix}_source_value": e["code"], f"{prefix}_source_concept_id": np.zeros(n, np.int64)}
            if table == "measurement":
                data["value_as_number"] = e["value"]
            self._put(table, data)
