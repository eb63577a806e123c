-- Coffer schema 0007 (SQLite): exchange connections (the secret is in the vault, referenced by secret_id, and held by a
-- credential token in the user's tree) and the persisted, strictly increasing nonces some exchanges require (Kraken).
CREATE TABLE exchange_connections (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    exchange TEXT NOT NULL,
    label TEXT NOT NULL,
    api_key TEXT NOT NULL,
    secret_id TEXT NOT NULL,
    credential_accessor TEXT NOT NULL,
    base_url TEXT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'locked')),
    lock_reason TEXT NULL,
    can_read INTEGER NOT NULL,
    can_trade INTEGER NOT NULL,
    can_withdraw INTEGER NOT NULL,
    can_transfer INTEGER NOT NULL,
    ip_restricted INTEGER NULL,
    reported_permissions TEXT NOT NULL,
    created_at TEXT NOT NULL,
    verified_at TEXT NOT NULL
);
CREATE INDEX ix_exchange_connections_user_id ON exchange_connections (user_id);
CREATE UNIQUE INDEX ux_exchange_connections_user_label ON exchange_connections (user_id, label);

CREATE TABLE exchange_nonces (
    nonce_key TEXT NOT NULL PRIMARY KEY,
    last_nonce INTEGER NOT NULL
);
