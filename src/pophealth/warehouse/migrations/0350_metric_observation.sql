-- Operational series (NHS England statistics and other monthly feeds), one row per metric x
-- organisation x breakdown x period. A measure sums rows over organisations and breakdowns:
-- numerator / denominator where both are present, else value.
CREATE TABLE IF NOT EXISTS metric_observation (
    metric_id     VARCHAR NOT NULL,
    org_code      VARCHAR NOT NULL,
    org_type      VARCHAR NOT NULL,      -- icb, sub_icb, provider, commissioner, practice, ambulance_trust
    breakdown     VARCHAR NOT NULL DEFAULT '',  -- e.g. CWT sub-category, RTT provider; '' = none
    period_start  DATE NOT NULL,
    period_end    DATE NOT NULL,
    numerator     DOUBLE,
    denominator   DOUBLE,
    value         DOUBLE,
    unit          VARCHAR NOT NULL,
    source_file   VARCHAR NOT NULL,
    is_synthetic  BOOLEAN NOT NULL DEFAULT FALSE,  -- demo series, labelled wherever shown
    loaded_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (metric_id, org_code, breakdown, period_start)
);

-- "What is the key issue?" and "Mitigations" per measure and reporting period. Rows are never
-- updated: an edit is a new version, so every earlier wording can be shown on request.
CREATE TABLE IF NOT EXISTS measure_narrative (
    measure_id   VARCHAR NOT NULL,
    period       VARCHAR NOT NULL,      -- reporting period, e.g. 2023-10 or 2023/24
    version      INTEGER NOT NULL,
    key_issue    VARCHAR NOT NULL,
    mitigations  VARCHAR[] NOT NULL,
    author       VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (measure_id, period, version)
);
