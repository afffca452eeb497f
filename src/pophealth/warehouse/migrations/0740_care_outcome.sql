-- Care-team outcomes recorded against worklist entries: who was reviewed, contacted, booked, declined or
-- judged not appropriate, by whom and when. Keyed by the pseudonymous person_id; no identifiers here.
CREATE SEQUENCE IF NOT EXISTS care_outcome_seq START 1;
CREATE TABLE IF NOT EXISTS care_outcome (
    outcome_id  BIGINT PRIMARY KEY DEFAULT nextval('care_outcome_seq'),
    person_id   BIGINT NOT NULL,
    worklist    VARCHAR NOT NULL,
    outcome     VARCHAR NOT NULL,      -- reviewed | contacted | booked | declined | not_appropriate
    username    VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    phm_run_id  VARCHAR                -- the PHM run the worklist was read from
);
