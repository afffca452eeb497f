-- Population health management: versioned code lists, runs, person-level results, care gaps, aggregates.
CREATE TABLE IF NOT EXISTS phm_codelist (
    list_id VARCHAR NOT NULL, version VARCHAR NOT NULL, code VARCHAR NOT NULL, system VARCHAR NOT NULL,
    active BOOLEAN NOT NULL, source VARCHAR, loaded_at TIMESTAMP,
    PRIMARY KEY (list_id, version, code, system)
);
CREATE TABLE IF NOT EXISTS phm_run (
    run_id VARCHAR PRIMARY KEY, index_date DATE NOT NULL, definitions_version VARCHAR NOT NULL,
    codelist_version VARCHAR NOT NULL, engine VARCHAR NOT NULL, people BIGINT,
    started_at TIMESTAMP, finished_at TIMESTAMP
);
-- One row per registered person per run: demographics, geography and every headline result.
CREATE TABLE IF NOT EXISTS phm_person (
    run_id VARCHAR NOT NULL, person_id BIGINT NOT NULL,
    age INTEGER, sex VARCHAR, age_band VARCHAR, practice_code VARCHAR, pcn_code VARCHAR, district VARCHAR,
    place VARCHAR, imd_decile INTEGER, ethnic_group16 INTEGER, ethnic_group VARCHAR,
    ltc_count INTEGER, ltc_5plus BOOLEAN, ltc_8plus BOOLEAN, ltc_count_qof INTEGER, cms_score DOUBLE,
    efi_deficits INTEGER, efi_score DOUBLE, efi_category VARCHAR, efi_deficit_list VARCHAR,
    segment VARCHAR, segment_ltc_level VARCHAR,
    PRIMARY KEY (run_id, person_id)
);
CREATE TABLE IF NOT EXISTS phm_person_register (
    run_id VARCHAR NOT NULL, person_id BIGINT NOT NULL, register VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS phm_person_cohort (
    run_id VARCHAR NOT NULL, person_id BIGINT NOT NULL, cohort VARCHAR NOT NULL
);
-- One row per person in a care gap's denominator; ``gap`` true when the care is due and not done.
CREATE TABLE IF NOT EXISTS phm_care_gap (
    run_id VARCHAR NOT NULL, person_id BIGINT NOT NULL, care_gap VARCHAR NOT NULL, gap BOOLEAN NOT NULL,
    last_done DATE
);
-- Counts by dimension (all, practice, pcn, district, place, imd_decile, ethnic_group, age_band); unprotected:
-- they stay in the secure zone, and leave it only through pophealth.phm.outputs.published_aggregates.
CREATE TABLE IF NOT EXISTS phm_aggregate (
    run_id VARCHAR NOT NULL, measure VARCHAR NOT NULL, dimension VARCHAR NOT NULL, category VARCHAR,
    numerator BIGINT NOT NULL, denominator BIGINT NOT NULL
);
