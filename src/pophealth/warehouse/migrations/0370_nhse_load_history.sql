-- Every `report import-nhse` load, kept for good: one row per file per load, so the warehouse can
-- say which edition of which publication was loaded when (a revised workbook loaded later is a new
-- row; the metric_observation rows it replaced are recorded in replaced_rows).
CREATE TABLE IF NOT EXISTS nhse_load_history (
    load_id        BIGINT NOT NULL,       -- one per command run (all its files load in one transaction)
    source_file    VARCHAR NOT NULL,      -- file name as given
    sha256         VARCHAR NOT NULL,      -- of the file's bytes
    publisher      VARCHAR NOT NULL,      -- NHS England, NHS Digital
    publication    VARCHAR NOT NULL,
    layout         VARCHAR NOT NULL,      -- e.g. ae-workbook, qof-workbook, cwt_subicb
    periods        VARCHAR NOT NULL,      -- JSON list of the periods covered, e.g. ["2019-03"] or ["2014-15"]
    period_start   DATE,
    period_end     DATE,
    rows           BIGINT NOT NULL,       -- observations written
    replaced_rows  BIGINT NOT NULL,       -- observations the load removed or overwrote
    loaded_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (load_id, source_file)
);
