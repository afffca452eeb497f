-- Risk and issue log, resources (money) and the prevention spend finance return for the delivery tracker.
-- A risk or issue belongs to an action or a priority; its score is likelihood x impact on the 5x5 NHS
-- matrix. Every change is in delivery_change (entity 'risk' / 'resource'), before and after.

CREATE SEQUENCE IF NOT EXISTS delivery_risk_seq;
CREATE TABLE IF NOT EXISTS delivery_risk (
    risk_id      BIGINT PRIMARY KEY DEFAULT nextval('delivery_risk_seq'),
    kind         VARCHAR NOT NULL,           -- risk | issue
    title        VARCHAR NOT NULL,
    action_ref   VARCHAR,                    -- the action it threatens, or
    priority_id  VARCHAR,                    -- the priority (when not one action's)
    owner        VARCHAR NOT NULL,
    likelihood   INTEGER NOT NULL,           -- 1..5
    impact       INTEGER NOT NULL,           -- 1..5 (consequence)
    mitigation   VARCHAR,
    review_date  DATE,
    status       VARCHAR NOT NULL,           -- open | closed
    version      INTEGER NOT NULL,
    recorded_by  VARCHAR NOT NULL,
    recorded_at  TIMESTAMP NOT NULL
);

CREATE SEQUENCE IF NOT EXISTS delivery_resource_seq;
CREATE TABLE IF NOT EXISTS delivery_resource (
    resource_id    BIGINT PRIMARY KEY DEFAULT nextval('delivery_resource_seq'),
    action_ref     VARCHAR,
    priority_id    VARCHAR,
    amount_gbp     DECIMAL(14, 2) NOT NULL,
    funding_source VARCHAR NOT NULL,
    financial_year VARCHAR NOT NULL,         -- "2024/25"
    prevention     BOOLEAN NOT NULL,         -- counted as prevention spend (pledge 2)
    note           VARCHAR,
    recorded_by    VARCHAR NOT NULL,
    recorded_at    TIMESTAMP NOT NULL
);

-- The prevention spend finance return, line by line as loaded (the share itself is written to
-- metric_observation as metric 'prevention-spend-share'). A reload replaces the lines of the same
-- organisation and period.
CREATE TABLE IF NOT EXISTS finance_return_line (
    org_code     VARCHAR NOT NULL,
    period_start DATE NOT NULL,
    period_end   DATE NOT NULL,
    category     VARCHAR NOT NULL,
    amount_gbp   DECIMAL(16, 2) NOT NULL,
    prevention   BOOLEAN NOT NULL,
    source       VARCHAR NOT NULL,
    source_file  VARCHAR NOT NULL,
    loaded_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (org_code, period_start, category)
);
