-- Provenance of every dataset loaded: where it came from, its licence, and when.
CREATE TABLE IF NOT EXISTS dataset_provenance (
    dataset      VARCHAR PRIMARY KEY,
    source       VARCHAR NOT NULL,
    licence      VARCHAR NOT NULL,
    attribution  VARCHAR,
    source_file  VARCHAR,
    rows         BIGINT,
    checksum     VARCHAR,
    loaded_at    TIMESTAMP NOT NULL
);

-- Each build step of the demo records itself, so re-running skips what is already built.
CREATE TABLE IF NOT EXISTS build_steps (
    step         VARCHAR PRIMARY KEY,
    fingerprint  VARCHAR NOT NULL,
    finished_at  TIMESTAMP NOT NULL
);
