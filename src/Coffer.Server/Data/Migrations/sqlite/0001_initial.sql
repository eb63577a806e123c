-- Coffer schema 0001 (SQLite). Types follow EF Core's SQLite mapping: Guid and DateTimeOffset as TEXT, byte[] as BLOB.
CREATE TABLE vault_state (
    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    install_id TEXT NOT NULL,
    provider INTEGER NOT NULL,
    shares INTEGER NOT NULL,
    threshold INTEGER NOT NULL,
    root_keyring BLOB NOT NULL,
    provider_data BLOB NULL,
    initialized_at TEXT NOT NULL
);

CREATE TABLE user_keyrings (
    user_id TEXT NOT NULL PRIMARY KEY,
    root_key_version INTEGER NOT NULL,
    envelope BLOB NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE secrets (
    secret_id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    key_version INTEGER NOT NULL,
    wrapped_data_key BLOB NOT NULL,
    ciphertext BLOB NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ix_secrets_user_id ON secrets (user_id);

CREATE TABLE tokens (
    accessor TEXT NOT NULL PRIMARY KEY,
    token_hash BLOB NOT NULL,
    kind TEXT NOT NULL,
    user_id TEXT NOT NULL,
    parent_accessor TEXT NULL,
    scopes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NULL,
    revoked_at TEXT NULL
);
CREATE UNIQUE INDEX ux_tokens_token_hash ON tokens (token_hash);
CREATE INDEX ix_tokens_user_id ON tokens (user_id);
