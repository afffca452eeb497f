-- A random id for each warehouse. Stores kept outside DuckDB beside a warehouse file are found by its path;
-- a warehouse in memory has none, so its audit store (pophealth.access.audit_store) is found by this id,
-- which every cursor of the same database reads alike.
CREATE TABLE IF NOT EXISTS warehouse_id (id VARCHAR NOT NULL);
INSERT INTO warehouse_id SELECT uuid()::VARCHAR WHERE NOT EXISTS (SELECT 1 FROM warehouse_id);
