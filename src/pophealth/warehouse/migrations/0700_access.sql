-- Local accounts, sessions and the append-only audit of patient-level access.
CREATE TABLE IF NOT EXISTS app_user (
    username        VARCHAR PRIMARY KEY,
    display_name    VARCHAR NOT NULL,
    password_hash   VARCHAR NOT NULL,
    role            VARCHAR NOT NULL,
    practice_code   VARCHAR,
    pcn_code        VARCHAR,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TIMESTAMP,
    disabled        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS app_session (
    session_hash VARCHAR PRIMARY KEY,  -- SHA-256 of the cookie value; the value itself is never stored
    username     VARCHAR NOT NULL,
    csrf_token   VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
CREATE SEQUENCE IF NOT EXISTS audit_seq START 1;
CREATE TABLE IF NOT EXISTS audit_log (
    seq        BIGINT PRIMARY KEY DEFAULT nextval('audit_seq'),
    accessed_at TIMESTAMP NOT NULL,
    username   VARCHAR NOT NULL,
    role       VARCHAR NOT NULL,
    method     VARCHAR NOT NULL,
    route      VARCHAR NOT NULL,
    person_id  BIGINT,
    scope      VARCHAR,
    detail     VARCHAR,
    prev_hash  VARCHAR NOT NULL,
    row_hash   VARCHAR NOT NULL     -- SHA-256 over prev_hash and this row: edits break the chain
);
