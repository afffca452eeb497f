-- OMOP CDM v5.4 clinical tables, named and ordered as in the OHDSI specification
-- (OHDSI/CommonDataModel OMOP_CDMv5.4_Field_Level.csv). person_id is a pseudonym (see docs/security.md).
-- Integer keys are BIGINT so that full-population ids and keyed-hash pseudonyms fit.
-- Event tables carry no PRIMARY KEY index: bulk loads of tens of millions of rows stay fast;
-- loaders check id uniqueness themselves before committing.
CREATE TABLE IF NOT EXISTS location (
    location_id BIGINT NOT NULL,
    address_1 VARCHAR,
    address_2 VARCHAR,
    city VARCHAR,
    state VARCHAR,
    zip VARCHAR,
    county VARCHAR,
    location_source_value VARCHAR,
    country_concept_id BIGINT,
    country_source_value VARCHAR,
    latitude DOUBLE,
    longitude DOUBLE,
    PRIMARY KEY (location_id)
);
CREATE TABLE IF NOT EXISTS care_site (
    care_site_id BIGINT NOT NULL,
    care_site_name VARCHAR,
    place_of_service_concept_id BIGINT,
    location_id BIGINT,
    care_site_source_value VARCHAR,
    place_of_service_source_value VARCHAR,
    PRIMARY KEY (care_site_id)
);
CREATE TABLE IF NOT EXISTS provider (
    provider_id BIGINT NOT NULL,
    provider_name VARCHAR,
    npi VARCHAR,
    dea VARCHAR,
    specialty_concept_id BIGINT,
    care_site_id BIGINT,
    year_of_birth BIGINT,
    gender_concept_id BIGINT,
    provider_source_value VARCHAR,
    specialty_source_value VARCHAR,
    specialty_source_concept_id BIGINT,
    gender_source_value VARCHAR,
    gender_source_concept_id BIGINT,
    PRIMARY KEY (provider_id)
);
CREATE TABLE IF NOT EXISTS person (
    person_id BIGINT NOT NULL,
    gender_concept_id BIGINT NOT NULL,
    year_of_birth BIGINT NOT NULL,
    month_of_birth BIGINT,
    day_of_birth BIGINT,
    birth_datetime TIMESTAMP,
    race_concept_id BIGINT NOT NULL,
    ethnicity_concept_id BIGINT NOT NULL,
    location_id BIGINT,
    provider_id BIGINT,
    care_site_id BIGINT,
    person_source_value VARCHAR,
    gender_source_value VARCHAR,
    gender_source_concept_id BIGINT,
    race_source_value VARCHAR,
    race_source_concept_id BIGINT,
    ethnicity_source_value VARCHAR,
    ethnicity_source_concept_id BIGINT,
    PRIMARY KEY (person_id)
);
CREATE TABLE IF NOT EXISTS observation_period (
    observation_period_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    observation_period_start_date DATE NOT NULL,
    observation_period_end_date DATE NOT NULL,
    period_type_concept_id BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS visit_occurrence (
    visit_occurrence_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    visit_concept_id BIGINT NOT NULL,
    visit_start_date DATE NOT NULL,
    visit_start_datetime TIMESTAMP,
    visit_end_date DATE NOT NULL,
    visit_end_datetime TIMESTAMP,
    visit_type_concept_id BIGINT NOT NULL,
    provider_id BIGINT,
    care_site_id BIGINT,
    visit_source_value VARCHAR,
    visit_source_concept_id BIGINT,
    admitted_from_concept_id BIGINT,
    admitted_from_source_value VARCHAR,
    discharged_to_concept_id BIGINT,
    discharged_to_source_value VARCHAR,
    preceding_visit_occurrence_id BIGINT
);
CREATE TABLE IF NOT EXISTS condition_occurrence (
    condition_occurrence_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    condition_concept_id BIGINT NOT NULL,
    condition_start_date DATE NOT NULL,
    condition_start_datetime TIMESTAMP,
    condition_end_date DATE,
    condition_end_datetime TIMESTAMP,
    condition_type_concept_id BIGINT NOT NULL,
    condition_status_concept_id BIGINT,
    stop_reason VARCHAR,
    provider_id BIGINT,
    visit_occurrence_id BIGINT,
    visit_detail_id BIGINT,
    condition_source_value VARCHAR,
    condition_source_concept_id BIGINT,
    condition_status_source_value VARCHAR
);
CREATE TABLE IF NOT EXISTS drug_exposure (
    drug_exposure_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    drug_concept_id BIGINT NOT NULL,
    drug_exposure_start_date DATE NOT NULL,
    drug_exposure_start_datetime TIMESTAMP,
    drug_exposure_end_date DATE NOT NULL,
    drug_exposure_end_datetime TIMESTAMP,
    verbatim_end_date DATE,
    drug_type_concept_id BIGINT NOT NULL,
    stop_reason VARCHAR,
    refills BIGINT,
    quantity DOUBLE,
    days_supply BIGINT,
    sig VARCHAR,
    route_concept_id BIGINT,
    lot_number VARCHAR,
    provider_id BIGINT,
    visit_occurrence_id BIGINT,
    visit_detail_id BIGINT,
    drug_source_value VARCHAR,
    drug_source_concept_id BIGINT,
    route_source_value VARCHAR,
    dose_unit_source_value VARCHAR
);
CREATE TABLE IF NOT EXISTS measurement (
    measurement_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    measurement_concept_id BIGINT NOT NULL,
    measurement_date DATE NOT NULL,
    measurement_datetime TIMESTAMP,
    measurement_time VARCHAR,
    measurement_type_concept_id BIGINT NOT NULL,
    operator_concept_id BIGINT,
    value_as_number DOUBLE,
    value_as_concept_id BIGINT,
    unit_concept_id BIGINT,
    range_low DOUBLE,
    range_high DOUBLE,
    provider_id BIGINT,
    visit_occurrence_id BIGINT,
    visit_detail_id BIGINT,
    measurement_source_value VARCHAR,
    measurement_source_concept_id BIGINT,
    unit_source_value VARCHAR,
    unit_source_concept_id BIGINT,
    value_source_value VARCHAR,
    measurement_event_id BIGINT,
    meas_event_field_concept_id BIGINT
);
CREATE TABLE IF NOT EXISTS observation (
    observation_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    observation_concept_id BIGINT NOT NULL,
    observation_date DATE NOT NULL,
    observation_datetime TIMESTAMP,
    observation_type_concept_id BIGINT NOT NULL,
    value_as_number DOUBLE,
    value_as_string VARCHAR,
    value_as_concept_id BIGINT,
    qualifier_concept_id BIGINT,
    unit_concept_id BIGINT,
    provider_id BIGINT,
    visit_occurrence_id BIGINT,
    visit_detail_id BIGINT,
    observation_source_value VARCHAR,
    observation_source_concept_id BIGINT,
    unit_source_value VARCHAR,
    qualifier_source_value VARCHAR,
    value_source_value VARCHAR,
    observation_event_id BIGINT,
    obs_event_field_concept_id BIGINT
);
CREATE TABLE IF NOT EXISTS procedure_occurrence (
    procedure_occurrence_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    procedure_concept_id BIGINT NOT NULL,
    procedure_date DATE NOT NULL,
    procedure_datetime TIMESTAMP,
    procedure_end_date DATE,
    procedure_end_datetime TIMESTAMP,
    procedure_type_concept_id BIGINT NOT NULL,
    modifier_concept_id BIGINT,
    quantity BIGINT,
    provider_id BIGINT,
    visit_occurrence_id BIGINT,
    visit_detail_id BIGINT,
    procedure_source_value VARCHAR,
    procedure_source_concept_id BIGINT,
    modifier_source_value VARCHAR
);
CREATE TABLE IF NOT EXISTS death (
    person_id BIGINT NOT NULL,
    death_date DATE NOT NULL,
    death_datetime TIMESTAMP,
    death_type_concept_id BIGINT,
    cause_concept_id BIGINT,
    cause_source_value VARCHAR,
    cause_source_concept_id BIGINT
);
-- Links the CDM does not carry: LSOA of each location, and GP practice / PCN of each care site.
CREATE TABLE IF NOT EXISTS location_lsoa (
    location_id BIGINT PRIMARY KEY,
    lsoa21_code VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS care_site_practice (
    care_site_id BIGINT PRIMARY KEY,
    practice_code VARCHAR NOT NULL,
    pcn_code VARCHAR
);
