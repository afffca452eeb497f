"""How each Synthea CSV file maps to OMOP CDM tables (both the older layout and Synthea v3).

Each mapping is a SELECT list over the file's columns (names in lower case). Codes go to the
``*_source_value`` fields and concept ids are 0 where the code is not mapped to a standard
concept (no vocabulary is needed to load Synthea). Where v3 renamed a column (procedures
``DATE`` became ``START``/``STOP``) the mapping takes whichever the file has.
"""

from __future__ import annotations

from dataclasses import dataclass

EHR_ENCOUNTER_RECORD = 32827  # type concept: "EHR encounter record"
EHR_PRESCRIPTION = 32838  # type concept: "EHR prescription"
EHR = 32817  # type concept: "EHR"
PERIOD_OF_ENCOUNTERS = 44814724  # "Period covering healthcare encounters"

# Visit concept from Synthea ENCOUNTERCLASS (standard Visit-domain concepts).
VISIT_CONCEPTS = {
    "emergency": 9203, "urgentcare": 9203, "inpatient": 9201,
    "ambulatory": 9202, "wellness": 9202, "outpatient": 9202, "home": 581476,
}
GENDER_CONCEPTS = {"M": 8507, "F": 8532}
RACE_CONCEPTS = {"white": 8527, "black": 8516, "asian": 8515}
ETHNICITY_CONCEPTS = {"hispanic": 38003563, "nonhispanic": 38003564}


def _case(column: str, mapping: dict[str, int], *, lower: bool = True) -> str:
    ref = f"lower(trim({column}))" if lower else f"upper(trim({column}))"
    whens = " ".join(f"WHEN '{k.lower() if lower else k}' THEN {v}" for k, v in mapping.items())
    return f"CASE {ref} {whens} ELSE 0 END"


@dataclass(frozen=True)
class Mapping:
    """One Synthea file -> one CDM table."""

    file: str  # Synthea file stem, e.g. "conditions"
    table: str  # CDM table
    required: tuple[str, ...]  # Synthea columns that must be present (lower case)
    select: dict[str, str]  # CDM column -> SQL over the file's columns
    optional: tuple[str, ...] = ()  # columns used when present, read as empty when absent
    where: str = "true"
    id_column: str | None = None  # CDM id column filled with a keyed hash of ``id_key``
    id_key: str = "patient || '|' || CAST(_row AS VARCHAR)"  # SQL giving a stable key for each row's id


# Columns every event file shares: the person, and the encounter (visit) it belongs to.
_EVENT = {"person_id": "patient", "_encounter": "encounter"}

MAPPINGS: tuple[Mapping, ...] = (
    Mapping("patients", "person", ("id", "birthdate", "gender", "race", "ethnicity"), {
        "person_id": "id",
        "gender_concept_id": _case("gender", GENDER_CONCEPTS, lower=False),
        "year_of_birth": "year(TRY_CAST(birthdate AS DATE))",
        "month_of_birth": "month(TRY_CAST(birthdate AS DATE))",
        "day_of_birth": "day(TRY_CAST(birthdate AS DATE))",
        "birth_datetime": "birthdate",
        "race_concept_id": _case("race", RACE_CONCEPTS),
        "ethnicity_concept_id": _case("ethnicity", ETHNICITY_CONCEPTS),
        "gender_source_value": "gender",
        "race_source_value": "race",
        "ethnicity_source_value": "ethnicity",
    }),
    Mapping("patients", "death", ("id", "deathdate"), {
        "person_id": "id", "death_date": "deathdate", "death_datetime": "deathdate",
        "death_type_concept_id": str(EHR),
    }, where="deathdate IS NOT NULL"),
    Mapping("encounters", "visit_occurrence", ("id", "start", "patient", "encounterclass"), {
        "person_id": "patient",
        "visit_concept_id": _case("encounterclass", VISIT_CONCEPTS),
        "visit_start_date": "start", "visit_start_datetime": "start",
        "visit_end_date": "coalesce(stop, start)", "visit_end_datetime": "coalesce(stop, start)",
        "visit_type_concept_id": str(EHR_ENCOUNTER_RECORD),
        "visit_source_value": "encounterclass",
    }, optional=("stop",), id_column="visit_occurrence_id", id_key="id"),
    Mapping("conditions", "condition_occurrence", ("start", "patient", "encounter", "code"), {
        **_EVENT, "condition_concept_id": "0",
        "condition_start_date": "start", "condition_start_datetime": "start",
        "condition_end_date": "stop", "condition_end_datetime": "stop",
        "condition_type_concept_id": str(EHR_ENCOUNTER_RECORD), "condition_source_value": "code",
    }, optional=("stop",), id_column="condition_occurrence_id"),
    Mapping("medications", "drug_exposure", ("start", "patient", "encounter", "code"), {
        **_EVENT, "drug_concept_id": "0",
        "drug_exposure_start_date": "start", "drug_exposure_start_datetime": "start",
        "drug_exposure_end_date": "coalesce(stop, start)", "drug_exposure_end_datetime": "coalesce(stop, start)",
        "drug_type_concept_id": str(EHR_PRESCRIPTION), "drug_source_value": "code",
    }, optional=("stop",), id_column="drug_exposure_id"),
    Mapping("observations", "measurement", ("date", "patient", "code", "value", "type"), {
        **_EVENT, "measurement_concept_id": "0",
        "measurement_date": "date", "measurement_datetime": "date",
        "measurement_type_concept_id": str(EHR_ENCOUNTER_RECORD),
        "value_as_number": "value", "unit_source_value": "units", "measurement_source_value": "code",
        "value_source_value": "value",
    }, optional=("units", "encounter"), where="lower(type) = 'numeric'", id_column="measurement_id"),
    Mapping("observations", "observation", ("date", "patient", "code", "value", "type"), {
        **_EVENT, "observation_concept_id": "0",
        "observation_date": "date", "observation_datetime": "date",
        "observation_type_concept_id": str(EHR_ENCOUNTER_RECORD),
        "value_as_string": "value", "unit_source_value": "units", "observation_source_value": "code",
    }, optional=("units", "encounter"), where="lower(type) IS DISTINCT FROM 'numeric'", id_column="observation_id"),
    Mapping("procedures", "procedure_occurrence", ("patient", "encounter", "code"), {
        **_EVENT, "procedure_concept_id": "0",
        "procedure_date": "coalesce(start, date)", "procedure_datetime": "coalesce(start, date)",
        "procedure_end_date": "stop", "procedure_end_datetime": "stop",
        "procedure_type_concept_id": str(EHR_ENCOUNTER_RECORD), "procedure_source_value": "code",
    }, optional=("start", "stop", "date"), id_column="procedure_occurrence_id"),
)
