-- Coffer schema 0001 (PostgreSQL). Types follow Npgsql's EF Core mapping: uuid, bytea, timestamp with time zone.
CREATE TABLE vault_state (
    id integer NOT NULL PRIMARY KEY CHECK (id = 1),
    install_id uuid NOT NULL,
    provider integer NOT NULL,
    shares integer NOT NULL,
    threshold integer NOT NULL,
    root_keyring bytea NOT NULL,
    provider_data bytea NULL,
    initialized_at timestamp with time zone NOT NULL
);

CREATE TABLE user_keyrings (
    user_id uuid NOT NULL PRIMARY KEY,
    root_key_version integer NOT NULL,
    envelope bytea NOT NULL,
    updated_at timestamp with time zone NOT NULL
);

CREATE TABLE secrets (
    secret_id uuid NOT NULL PRIMARY KEY,
    user_id uuid NOT NULL,
    version integer NOT NULL,
    key_version integer NOT NULL,
    wrapped_data_key bytea NOT NULL,
    ciphertext bytea NOT NULL,
    updated_at timestamp with time zone NOT NULL
);
CREATE INDEX ix_secrets_user_id ON secrets (user_id);

CREATE TABLE tokens (
    accessor text NOT NULL PRIMARY KEY,
    token_hash bytea NOT NULL,
    kind text NOT NULL,
    user_id uuid NOT NULL,
    parent_accessor text NULL,
    scopes text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NULL,
    revoked_at timestamp with time zone NULL
);
CREATE UNIQUE INDEX ux_tokens_token_hash ON tokens (token_hash);
CREATE INDEX ix_tokens_user_id ON tokens (user_id);
