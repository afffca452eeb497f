-- Who may write a measure's narrative ("What is the key issue?", "Mitigations"): one row per
-- measure and editor. Admins may edit every measure without a row here.
CREATE TABLE IF NOT EXISTS measure_editor (
    measure_id  VARCHAR NOT NULL,
    username    VARCHAR NOT NULL,
    granted_by  VARCHAR NOT NULL,
    granted_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (measure_id, username)
);
