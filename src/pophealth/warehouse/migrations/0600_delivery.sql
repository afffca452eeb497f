-- Delivery plan tracking: priorities, actions in the seed 003 record layout, their activities,
-- reporting periods, append-only update history, governance and a change log of every edit.
-- Current stage and RAGs are never stored on the action: they are the latest update (history).

CREATE TABLE IF NOT EXISTS delivery_priority (
    priority_id  VARCHAR PRIMARY KEY,        -- "jfp:improve-health-equity", "leicester:L2"
    programme    VARCHAR NOT NULL,           -- jfp | ics | jhws | leicester
    theme        VARCHAR NOT NULL,           -- the grouping above the priority in its document
    name         VARCHAR NOT NULL,
    position     INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS delivery_action (
    ref              VARCHAR PRIMARY KEY,    -- "JFP-1.3", "ICS-2.4", "JHWS-3.1.1-2", "L2.1"
    priority_id      VARCHAR NOT NULL,
    position         INTEGER NOT NULL,
    we_will          VARCHAR NOT NULL,
    equity_statement VARCHAR,                -- how it demonstrates improvement in equity
    equity           VARCHAR,                -- Y / N
    resources        VARCHAR,                -- Y / N
    resources_source VARCHAR,
    engagement       VARCHAR,
    governance       VARCHAR,                -- where delivery governance sits
    timescale        VARCHAR,                -- as written, e.g. "23/24 & 24/25"
    leads            VARCHAR,
    ambition         VARCHAR,                -- public microsite fields
    i_will           VARCHAR,
    pledges          INTEGER[] NOT NULL,
    measures         VARCHAR[] NOT NULL,
    source           VARCHAR NOT NULL,       -- seed document number
    version          INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS delivery_activity (
    action_ref   VARCHAR NOT NULL,
    activity_ref VARCHAR NOT NULL,           -- "No" / "Activity Ref" column: "a", "1"
    text         VARCHAR NOT NULL,
    timescale    VARCHAR,
    PRIMARY KEY (action_ref, activity_ref)
);

CREATE TABLE IF NOT EXISTS delivery_period (
    period_id    VARCHAR PRIMARY KEY,        -- "2024-25 Q1"
    starts       DATE NOT NULL,
    ends         DATE NOT NULL,
    opened_by    VARCHAR NOT NULL,
    closed_at    TIMESTAMP,
    closed_by    VARCHAR
);

CREATE TABLE IF NOT EXISTS delivery_update (
    action_ref     VARCHAR NOT NULL,
    version        INTEGER NOT NULL,         -- the action version this update produced
    period_id      VARCHAR NOT NULL,
    stage          VARCHAR NOT NULL,
    overall_rag    VARCHAR NOT NULL,
    risk_rag       VARCHAR NOT NULL,
    trajectory_rag VARCHAR NOT NULL,
    narrative      VARCHAR NOT NULL,
    evidence       VARCHAR,
    editor         VARCHAR NOT NULL,
    recorded_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (action_ref, version)
);

CREATE TABLE IF NOT EXISTS delivery_governance (
    priority_id   VARCHAR PRIMARY KEY,
    level         VARCHAR NOT NULL,          -- do | sponsor | watch
    officer       VARCHAR,                   -- named SRO (do) or sponsor
    board         VARCHAR NOT NULL,
    last_reviewed DATE
);

CREATE SEQUENCE IF NOT EXISTS delivery_change_seq;
CREATE TABLE IF NOT EXISTS delivery_change (
    change_id  BIGINT PRIMARY KEY DEFAULT nextval('delivery_change_seq'),
    entity     VARCHAR NOT NULL,             -- action | update | period | governance | activity
    key        VARCHAR NOT NULL,
    who        VARCHAR NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    before     JSON,
    after      JSON
);
