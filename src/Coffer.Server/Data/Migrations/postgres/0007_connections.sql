-- Coffer schema 0007 (PostgreSQL): exchange connections (the secret is in the vault, referenced by secret_id, and held
-- by a credential token in the user's tree) and the persisted, strictly increasing nonces some exchanges require (Kraken).
CREATE TABLE exchange_connections (
    id uuid NOT NULL PRIMARY KEY,
    user_id uuid NOT NULL,
    exchange text NOT NULL,
    label text NOT NULL,
    api_key text NOT NULL,
    secret_id uuid NOT NULL,
    credential_accessor text NOT NULL,
    base_url text NULL,
    status text NOT NULL CHECK (status IN ('active', 'locked')),
    lock_reason text NULL,
    can_read boolean NOT NULL,
    can_trade boolean NOT NULL,
    can_withdraw boolean NOT NULL,
    can_transfer boolean NOT NULL,
    ip_restricted boolean NULL,
    reported_permissions text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    verified_at timestamp with time zone NOT NULL
);
CREATE INDEX ix_exchange_connections_user_id ON exchange_connections (user_id);
CREATE UNIQUE INDEX ux_exchange_connections_user_label ON exchange_connections (user_id, label);

CREATE TABLE exchange_nonces (
    nonce_key text NOT NULL PRIMARY KEY,
    last_nonce bigint NOT NULL
);
