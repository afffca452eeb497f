-- Single sign-on (OpenID Connect): a sign-in waiting for the identity provider's answer. Each row is
-- used once (deleted when the answer arrives) and expires after ten minutes. Only SHA-256 hashes are
-- stored of the state sent to the provider and of the key held in the starting browser's cookie
-- (the answer is accepted only in the browser that asked for it).
CREATE TABLE IF NOT EXISTS sso_login (
    state_hash     VARCHAR PRIMARY KEY,
    browser_hash   VARCHAR NOT NULL,
    nonce          VARCHAR NOT NULL,
    code_verifier  VARCHAR NOT NULL,
    next_path      VARCHAR NOT NULL,
    expires_at     TIMESTAMP NOT NULL
);
