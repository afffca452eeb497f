-- Account administration (created, disabled, enabled, unlocked, password reset, role or scope
-- changed): append-only, one row per change, naming the account, the change and who made it.
CREATE SEQUENCE IF NOT EXISTS account_change_seq START 1;
CREATE TABLE IF NOT EXISTS account_change (
    seq         BIGINT PRIMARY KEY DEFAULT nextval('account_change_seq'),
    changed_at  TIMESTAMP NOT NULL,
    username    VARCHAR NOT NULL,
    change      VARCHAR NOT NULL,
    changed_by  VARCHAR NOT NULL CHECK (length(trim(changed_by)) > 0)
);
