"""Per-person building blocks over the OMOP CDM tables, written once in Ibis for every engine."""

from pophealth.omop.queries import (
    EMERGENCY_ADMISSION,
    Cdm,
    age_on,
    as_dict,
    died_between,
    emergency_admissions,
    emergency_attendances,
    emergency_visit_counts,
    has_condition,
    is_emergency_admission,
    latest_measurement,
    lsoa_and_imd,
    observed_on,
    practice_and_pcn,
    visit_count,
)

__all__ = [
    "EMERGENCY_ADMISSION", "Cdm", "age_on", "as_dict", "died_between", "emergency_admissions",
    "emergency_attendances", "emergency_visit_counts", "has_condition", "is_emergency_admission", "latest_measurement", "lsoa_and_imd", "observed_on",
    "practice_and_pcn", "visit_count",
]
