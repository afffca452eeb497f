-- SPC rebases (recalculation points). A rebase is proposed (by a person or by a rule) and takes
-- effect only once a person approves it; who, when and why are kept for every decision.
CREATE SEQUENCE IF NOT EXISTS spc_rebase_proposal_seq START 1;
CREATE TABLE IF NOT EXISTS spc_rebase_proposal (
    proposal_id  BIGINT PRIMARY KEY DEFAULT nextval('spc_rebase_proposal_seq'),
    measure_id   VARCHAR NOT NULL,
    point_date   DATE NOT NULL,            -- first point of the new segment
    rule         VARCHAR NOT NULL,         -- 'manual', or the rule that proposed it (e.g. 'shift_7')
    proposed_by  VARCHAR,                  -- a person; NULL when a rule proposed it
    note         VARCHAR,
    proposed_at  TIMESTAMP NOT NULL,
    UNIQUE (measure_id, point_date, rule)
);
CREATE TABLE IF NOT EXISTS spc_rebase_decision (
    proposal_id  BIGINT PRIMARY KEY REFERENCES spc_rebase_proposal (proposal_id),
    decision     VARCHAR NOT NULL CHECK (decision IN ('approved', 'rejected')),
    decided_by   VARCHAR NOT NULL CHECK (length(trim(decided_by)) > 0),
    decided_at   TIMESTAMP NOT NULL,
    reason       VARCHAR NOT NULL CHECK (length(trim(reason)) > 0)
);
