-- Data versions: one row per change of the patient-level population (synth, load, or found changed), with a
-- content id computed from the OMOP tables; every PHM run records the population version it was computed on,
-- so results from an older population are never shown as current (pophealth.warehouse.versions).
CREATE TABLE IF NOT EXISTS data_version (
    version_id  BIGINT PRIMARY KEY,
    dataset     VARCHAR NOT NULL,   -- 'population': the OMOP CDM person-level tables
    content_id  VARCHAR NOT NULL,   -- pophealth.warehouse.versions.population_content_id
    source      VARCHAR NOT NULL,   -- 'synth', 'load omop', 'load synthea', 'phm run' (found unrecorded), ...
    people      BIGINT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
ALTER TABLE phm_run ADD COLUMN IF NOT EXISTS population_version BIGINT;
ALTER TABLE phm_run ADD COLUMN IF NOT EXISTS population_content_id VARCHAR;
