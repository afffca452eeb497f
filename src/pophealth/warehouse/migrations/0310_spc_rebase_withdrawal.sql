-- An approved rebase can be withdrawn (a mistaken approval, a change that did not last). The
-- approval stays on record; the withdrawal adds who, when and why, and the rebase stops counting.
CREATE TABLE IF NOT EXISTS spc_rebase_withdrawal (
    proposal_id   BIGINT PRIMARY KEY REFERENCES spc_rebase_proposal (proposal_id),
    withdrawn_by  VARCHAR NOT NULL CHECK (length(trim(withdrawn_by)) > 0),
    withdrawn_at  TIMESTAMP NOT NULL,
    reason        VARCHAR NOT NULL CHECK (length(trim(reason)) > 0)
);
