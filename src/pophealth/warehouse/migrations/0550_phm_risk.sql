-- Risk model runs (admission and mortality), their per-person scores, and the last-year-of-life worklist.
CREATE TABLE IF NOT EXISTS phm_risk_run (
    run_id VARCHAR PRIMARY KEY,
    outcome VARCHAR NOT NULL,             -- 'emergency_admission_12m' or 'death_12m'
    cutoff DATE NOT NULL,                 -- features up to here; outcomes in (cutoff, cutoff + 365]
    training_cutoff DATE NOT NULL,        -- features up to here; outcomes in (training_cutoff, cutoff]
    model VARCHAR NOT NULL,
    metrics JSON NOT NULL,
    calibration_svg VARCHAR,
    definitions_version VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS phm_risk_score (
    run_id VARCHAR NOT NULL,
    person_id BIGINT NOT NULL,
    score DOUBLE NOT NULL,
    rank BIGINT NOT NULL,                 -- 1 = highest risk; ties broken by person_id
    top1 BOOLEAN NOT NULL,
    top5 BOOLEAN NOT NULL,
    PRIMARY KEY (run_id, person_id)
);
CREATE TABLE IF NOT EXISTS phm_eol_worklist (
    run_id VARCHAR NOT NULL,              -- the death_12m run that produced it
    person_id BIGINT NOT NULL,
    practice_code VARCHAR,
    pcn_code VARCHAR,
    death_risk DOUBLE NOT NULL,
    rank BIGINT NOT NULL,
    reasons VARCHAR NOT NULL,             -- the proxies present, e.g. 'severe frailty; heart failure'
    PRIMARY KEY (run_id, person_id)
);
