-- One row per patient-level load (OMOP or Synthea folder): what came in, how much, and when.
-- key_fingerprint is a keyed check value, not the key: a load with a different pseudonymisation
-- key is refused, because its person_ids would not link to those already loaded.
CREATE TABLE IF NOT EXISTS import_batch (
    batch_id        BIGINT PRIMARY KEY,
    source          VARCHAR NOT NULL,   -- 'omop' or 'synthea'
    layout          VARCHAR NOT NULL,   -- e.g. 'csv', 'parquet', 'synthea-v3', 'synthea-legacy'
    folder          VARCHAR NOT NULL,
    files           VARCHAR NOT NULL,   -- JSON list of file names read
    row_counts      VARCHAR NOT NULL,   -- JSON object: CDM table -> rows written
    persons         BIGINT NOT NULL,
    checksum        VARCHAR NOT NULL,   -- SHA-256 over the files' names and bytes
    key_fingerprint VARCHAR NOT NULL,
    loaded_at       TIMESTAMP NOT NULL
);
