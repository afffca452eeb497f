-- Public-health indicator values in the Fingertips export layout, one long table.
-- One row = indicator x area x sex x age x category x time period (the Fingertips grain).
-- Blank key parts (age, category type, category) are stored as '' so the key is total.
CREATE TABLE IF NOT EXISTS indicator_value (
    indicator_id          INTEGER NOT NULL,
    indicator_name        VARCHAR NOT NULL,
    parent_code           VARCHAR,
    parent_name           VARCHAR,
    area_code             VARCHAR NOT NULL,
    area_name             VARCHAR NOT NULL,
    area_type             VARCHAR,
    sex                   VARCHAR NOT NULL,
    age                   VARCHAR NOT NULL,
    category_type         VARCHAR NOT NULL,
    category              VARCHAR NOT NULL,
    time_period           VARCHAR NOT NULL,
    time_period_sortable  BIGINT NOT NULL,
    start_year            INTEGER NOT NULL,
    value                 DOUBLE,
    lower_ci95            DOUBLE,
    upper_ci95            DOUBLE,
    lower_ci998           DOUBLE,
    upper_ci998           DOUBLE,
    count                 DOUBLE,
    denominator           DOUBLE,
    value_note            VARCHAR,
    recent_trend          VARCHAR,
    compared_to_england   VARCHAR,
    compared_to_parent    VARCHAR,
    parent_comparison     VARCHAR,   -- the parent column's own name, e.g. 'Region'
    new_data              VARCHAR,
    compared_to_goal      VARCHAR,
    source                VARCHAR NOT NULL,
    snapshot_date         DATE,
    loaded_at             TIMESTAMP NOT NULL,
    PRIMARY KEY (indicator_id, area_code, sex, age, category_type, category, time_period)
);

-- Every Fingertips API fetch saved to disk, so the product can work offline from snapshots.
CREATE TABLE IF NOT EXISTS fingertips_snapshot (
    file           VARCHAR PRIMARY KEY,
    indicator_id   INTEGER NOT NULL,
    area_type_id   INTEGER NOT NULL,
    snapshot_date  DATE NOT NULL,
    url            VARCHAR NOT NULL,
    rows           BIGINT NOT NULL,
    sha256         VARCHAR NOT NULL,
    loaded_at      TIMESTAMP NOT NULL
);
