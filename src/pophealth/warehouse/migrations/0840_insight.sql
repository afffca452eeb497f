-- Insight and engagement records: what people told the system, how it was heard, and which priorities and
-- actions it informs. Lists (themes, quotes, priorities, actions) are held as VARCHAR lists; priorities are
-- register references ``kind:id`` as `pophealth strategy show --json` lists them.
CREATE TABLE IF NOT EXISTS insight (
    insight_id     VARCHAR PRIMARY KEY,
    source         VARCHAR NOT NULL,
    source_section VARCHAR,
    insight_date   VARCHAR,            -- YYYY, YYYY-MM or YYYY-MM-DD as the source gives it; NULL: not stated
    method         VARCHAR NOT NULL,
    people         BIGINT,             -- number of people heard; NULL: not stated
    population     VARCHAR,            -- the population heard, or plus:<id> for a PLUS group
    place          VARCHAR,            -- Leicester | Leicestershire | Rutland | LLR; NULL: not stated
    themes         VARCHAR[] NOT NULL,
    summary        VARCHAR NOT NULL,
    quotes         VARCHAR[] NOT NULL,
    quotes_consent BOOLEAN,            -- NULL when there are no quotes
    published      BOOLEAN NOT NULL,
    priorities     VARCHAR[] NOT NULL,
    actions        VARCHAR[] NOT NULL,
    origin         VARCHAR NOT NULL,   -- the file it was imported from, or "web"
    updated_by     VARCHAR NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
-- Every save (import or web entry): who, when, from where; append-only.
CREATE SEQUENCE IF NOT EXISTS insight_change_seq START 1;
CREATE TABLE IF NOT EXISTS insight_change (
    change_id   BIGINT PRIMARY KEY DEFAULT nextval('insight_change_seq'),
    insight_id  VARCHAR NOT NULL,
    change      VARCHAR NOT NULL,      -- created | updated
    origin      VARCHAR NOT NULL,
    changed_by  VARCHAR NOT NULL,
    changed_at  TIMESTAMP NOT NULL
);
