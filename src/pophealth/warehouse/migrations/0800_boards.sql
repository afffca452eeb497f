-- Organisations, boards, people, board memberships, the meeting calendar and Do / Sponsor / Watch level
-- decisions. The register is loaded from boards/*.yaml (each row says which seed section it came from);
-- admins edit it on the web. Memberships carry starts/ends; levels are append-only (the latest decision
-- per priority is in force); every edit is in board_change with the record before and after.

CREATE TABLE IF NOT EXISTS board_organisation (
    org_id      VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    short_name  VARCHAR,
    kind        VARCHAR NOT NULL,
    source      VARCHAR,                   -- "seed 004: Our health and wellbeing partnership"; NULL: added on the web
    note        VARCHAR
);

CREATE TABLE IF NOT EXISTS board_board (
    board_id      VARCHAR PRIMARY KEY,
    name          VARCHAR NOT NULL,
    org_id        VARCHAR,
    kind          VARCHAR NOT NULL,
    programmes    VARCHAR[] NOT NULL,      -- delivery programmes whose priorities report to it
    pledges       BOOLEAN NOT NULL,        -- receives the pledge measures
    position      INTEGER NOT NULL,
    source        VARCHAR,
    note          VARCHAR
);

CREATE TABLE IF NOT EXISTS board_person (
    person_id   VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    org_id      VARCHAR,
    username    VARCHAR,                   -- the account they sign in with, when they have one
    source      VARCHAR
);

CREATE SEQUENCE IF NOT EXISTS board_membership_seq START 1;
CREATE TABLE IF NOT EXISTS board_membership (
    membership_id BIGINT PRIMARY KEY DEFAULT nextval('board_membership_seq'),
    board_id      VARCHAR NOT NULL,
    person_id     VARCHAR NOT NULL,
    role          VARCHAR NOT NULL,
    starts        DATE,                    -- NULL: as the seed states it, no date given
    ends          DATE,                    -- NULL: current
    source        VARCHAR
);

CREATE TABLE IF NOT EXISTS board_meeting (
    meeting_id    VARCHAR PRIMARY KEY,     -- "<board_id>-<YYYY-MM-DD>"
    board_id      VARCHAR NOT NULL,
    meeting_date  DATE NOT NULL,
    demo          BOOLEAN NOT NULL,        -- made for a test or demonstration: never in a public output
    added_by      VARCHAR NOT NULL,
    added_at      TIMESTAMP NOT NULL,
    UNIQUE (board_id, meeting_date)
);

CREATE TABLE IF NOT EXISTS priority_level (
    priority_id        VARCHAR NOT NULL,
    level              VARCHAR NOT NULL,   -- do | sponsor | watch
    officer_person_id  VARCHAR,            -- SRO (do) or sponsor
    board_id           VARCHAR NOT NULL,
    reason             VARCHAR NOT NULL,
    decided_on         DATE NOT NULL,
    set_by             VARCHAR NOT NULL,
    set_at             TIMESTAMP NOT NULL
);

CREATE SEQUENCE IF NOT EXISTS board_change_seq START 1;
CREATE TABLE IF NOT EXISTS board_change (
    change_id  BIGINT PRIMARY KEY DEFAULT nextval('board_change_seq'),
    entity     VARCHAR NOT NULL,           -- organisation | board | person | membership | meeting | level
    key        VARCHAR NOT NULL,
    who        VARCHAR NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    before     JSON,
    after      JSON
);
