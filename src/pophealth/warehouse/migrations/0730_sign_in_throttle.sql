-- Failed sign-ins counted per account name AND source (the client's address), so that repeated failures
-- from one place lock that place out of that account only: nobody can keep another person's account (an
-- admin's, say) locked from elsewhere. Names that are not accounts are counted the same way, so the answer
-- does not reveal which accounts exist. An admin's unlock deletes the account's rows.
CREATE TABLE IF NOT EXISTS sign_in_throttle (
    username      VARCHAR NOT NULL,
    source        VARCHAR NOT NULL,
    failures      INTEGER NOT NULL,
    locked_until  TIMESTAMP,
    last_failure  TIMESTAMP NOT NULL,
    PRIMARY KEY (username, source)
);
