-- Single sign-on (OpenID Connect): a sign-in waiting for the identity provider's answer. Each row is
-- used once (deleted when the answer arrives) and expires after ten minutes. Only the SHA-256 of
-- the state sent to the provider is stored.
CREATE TABLE IF NOT EXISTS sso_login (
    state_hash     VARCHAR PRIMARY KEY,
    nonce          VARCHAR NOT NULL,
    code_verifier  VARCHAR NOT NULL,
    next_path      VARCHAR NOT NULL,
    expires_at     TIMESTAMP NOT NULL
);
