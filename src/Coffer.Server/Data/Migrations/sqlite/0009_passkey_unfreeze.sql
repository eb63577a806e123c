-- Coffer schema 0009 (SQLite): a passkey ceremony may also be the second factor of an unfreeze. SQLite cannot change a
-- CHECK constraint in place, so the table of ceremonies in flight is made again (its rows live for minutes and are
-- single-use: a ceremony begun before the upgrade is simply started again).
DROP TABLE passkey_ceremonies;
CREATE TABLE passkey_ceremonies (
    challenge_hash BLOB NOT NULL PRIMARY KEY,
    purpose TEXT NOT NULL CHECK (purpose IN ('register', 'signin', 'step_up', 'unfreeze')),
    user_id TEXT NULL,
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX ix_passkey_ceremonies_expires_at ON passkey_ceremonies (expires_at);
