-- The audit of patient-level access lives in the audit store beside the warehouse (pophealth.access.audit_store).
-- Just before this migration, in its transaction, its rows were copied there and read back identical
-- (pophealth.access.audit_move). The DuckDB table and its sequence are dropped rather than kept empty: code
-- still writing or reading the old place then fails loudly, instead of writing rows no check ever reads or
-- showing an IG lead an empty audit.
DROP TABLE IF EXISTS audit_log;
DROP SEQUENCE IF EXISTS audit_seq;
