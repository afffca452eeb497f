-- Risk scored at the latest index date by a trained risk run's model ("score only": the next 12 months
-- lie in the future, so there is no outcome to evaluate), with each person's top contributing factors.
CREATE TABLE IF NOT EXISTS phm_risk_scoring (
    run_id VARCHAR PRIMARY KEY,           -- the phm_risk_run whose model (trained on its training window) scored
    scored_at DATE NOT NULL,              -- features up to here; predicts (scored_at, scored_at + 365]
    base_value DOUBLE NOT NULL,           -- the model's log-odds at the training population's mean inputs
    people BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS phm_risk_current_score (
    run_id VARCHAR NOT NULL,
    person_id BIGINT NOT NULL,
    score DOUBLE NOT NULL,                -- predicted probability in the 12 months after scored_at
    margin DOUBLE NOT NULL,               -- the model's log-odds: base_value + the sum of all contributions
    rank BIGINT NOT NULL,                 -- 1 = highest risk; ties broken by person_id
    top1 BOOLEAN NOT NULL,
    top5 BOOLEAN NOT NULL,
    PRIMARY KEY (run_id, person_id)
);
CREATE TABLE IF NOT EXISTS phm_risk_factor (
    run_id VARCHAR NOT NULL,
    person_id BIGINT NOT NULL,
    position SMALLINT NOT NULL,           -- 1 = the largest contribution in absolute value
    feature VARCHAR NOT NULL,             -- the model input, e.g. 'ea_12m'
    value DOUBLE,                         -- the person's input as recorded (before any transform)
    contribution DOUBLE NOT NULL,         -- coefficient x (input - training mean), in log-odds
    PRIMARY KEY (run_id, person_id, position)
);
CREATE TABLE IF NOT EXISTS phm_eol_current (
    run_id VARCHAR NOT NULL,              -- the death_12m run whose model scored at phm_risk_scoring.scored_at
    person_id BIGINT NOT NULL,
    practice_code VARCHAR,
    pcn_code VARCHAR,
    death_risk DOUBLE NOT NULL,
    rank BIGINT NOT NULL,
    reasons VARCHAR NOT NULL,
    PRIMARY KEY (run_id, person_id)
);
