-- Coffer schema 0014 (SQLite): the OAuth 2.0 authorization server (Features/OAuth). Apps are the clients users register;
-- a pending authorization request waits for the user's consent; a code is what consent returns to the client, once; a
-- grant is a branch of the user's token tree (tokens.kind = 'grant', a node whose value nobody ever holds), with the
-- access tokens it issues below it and its refresh tokens, rotated on every use, here. Only hashes of codes, refresh
-- tokens and client secrets are stored. Times compared in SQL are UTC TEXT (Data/UtcTime.cs).
-- tokens.dpop_jkt: the RFC 7638 thumbprint of the DPoP key a token is bound to (RFC 9449); null for bearer tokens.
ALTER TABLE tokens ADD COLUMN dpop_jkt TEXT NULL;

CREATE TABLE oauth_apps (
    client_id TEXT NOT NULL PRIMARY KEY,
    owner_id TEXT NOT NULL,
    name TEXT NOT NULL,
    client_type TEXT NOT NULL,
    secret_hash BLOB NULL,
    redirect_uris TEXT NOT NULL,
    scopes TEXT NOT NULL,
    trading_limits TEXT NULL,
    dpop_bound INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    disabled_at TEXT NULL
);
CREATE INDEX ix_oauth_apps_owner_id ON oauth_apps (owner_id);

CREATE TABLE oauth_requests (
    id TEXT NOT NULL PRIMARY KEY,
    client_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    redirect_uri_given INTEGER NOT NULL,
    scopes TEXT NOT NULL,
    state TEXT NULL,
    code_challenge TEXT NOT NULL,
    dpop_jkt TEXT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    completed_at TEXT NULL
);
CREATE INDEX ix_oauth_requests_expires_at ON oauth_requests (expires_at);

CREATE TABLE oauth_codes (
    code_hash BLOB NOT NULL PRIMARY KEY,
    client_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    redirect_uri_given INTEGER NOT NULL,
    scopes TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    dpop_jkt TEXT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT NULL,
    grant_accessor TEXT NULL
);
CREATE INDEX ix_oauth_codes_expires_at ON oauth_codes (expires_at);

CREATE TABLE oauth_grants (
    accessor TEXT NOT NULL PRIMARY KEY,
    client_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    grant_type TEXT NOT NULL,
    dpop_jkt TEXT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_oauth_grants_client_id ON oauth_grants (client_id);
CREATE INDEX ix_oauth_grants_user_id ON oauth_grants (user_id);

CREATE TABLE oauth_refresh_tokens (
    token_hash BLOB NOT NULL PRIMARY KEY,
    grant_accessor TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT NULL
);
CREATE INDEX ix_oauth_refresh_tokens_grant ON oauth_refresh_tokens (grant_accessor);
