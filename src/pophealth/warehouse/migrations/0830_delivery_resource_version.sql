-- Resources become editable on the web like risks: a version guards each edit against lost updates, and a
-- removed resource keeps its row (status 'removed') so its history is never lost; totals count only
-- 'active' ones. Every change is in delivery_change (entity 'resource'), before and after.
ALTER TABLE delivery_resource ADD COLUMN IF NOT EXISTS version INTEGER DEFAULT 1;
ALTER TABLE delivery_resource ADD COLUMN IF NOT EXISTS status VARCHAR DEFAULT 'active';
UPDATE delivery_resource SET version = 1 WHERE version IS NULL;
UPDATE delivery_resource SET status = 'active' WHERE status IS NULL;
