-- The synthetic population's run record, and views that join OMOP persons to LLR geography.
CREATE TABLE IF NOT EXISTS synth_run (
    people BIGINT NOT NULL, seed BIGINT NOT NULL, fingerprint VARCHAR NOT NULL, created_at TIMESTAMP
);
-- One row per person: LSOA, IMD 2025 decile, district, place, sub-ICB; practice and PCN.
CREATE OR REPLACE VIEW person_geography AS
SELECT p.person_id, ll.lsoa21_code, g.imd2025_decile, g.ltla_code, g.ltla_name,
       CASE WHEN g.ltla_name IN ('Leicester', 'Rutland') THEN g.ltla_name ELSE 'Leicestershire' END AS place,
       g.sub_icb_code, csp.practice_code, csp.pcn_code, gp.pcn_name
FROM person p
LEFT JOIN location_lsoa ll ON ll.location_id = p.location_id
LEFT JOIN geo_lsoa21 g ON g.lsoa21_code = ll.lsoa21_code
LEFT JOIN care_site_practice csp ON csp.care_site_id = p.care_site_id
LEFT JOIN geo_practice gp ON gp.practice_code = csp.practice_code;
-- Every coded primary-care or hospital record in one shape, for code-list matching on source values.
CREATE OR REPLACE VIEW omop_coded_event AS
SELECT person_id, 'condition_occurrence' AS domain, condition_start_date AS event_date,
       condition_source_value AS code, CAST(NULL AS DOUBLE) AS value_as_number FROM condition_occurrence
UNION ALL SELECT person_id, 'observation', observation_date, observation_source_value, value_as_number FROM observation
UNION ALL SELECT person_id, 'measurement', measurement_date, measurement_source_value, value_as_number FROM measurement
UNION ALL SELECT person_id, 'procedure_occurrence', procedure_date, procedure_source_value, NULL FROM procedure_occurrence
UNION ALL SELECT person_id, 'drug_exposure', drug_exposure_start_date, drug_source_value, NULL FROM drug_exposure;
