-- Coffer schema 0006 (SQLite): passkeys (ASP.NET Core Identity's schema version 3 adds user passkeys: the credential
-- id, the user, and the credential record as JSON), with when each was last used and how many assertions it passed;
-- and the passkey ceremonies in flight (one row per challenge handed out, deleted when used).
-- See Features/Identity/PasskeySchema.cs.
CREATE TABLE user_passkeys (
    credential_id BLOB NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_used_at TEXT NULL,
    use_count INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX ix_user_passkeys_user_id ON user_passkeys (user_id);

-- expires_at is Unix milliseconds, so "not expired" is one comparison on both providers.
CREATE TABLE passkey_ceremonies (
    challenge_hash BLOB NOT NULL PRIMARY KEY,
    purpose TEXT NOT NULL CHECK (purpose IN ('register', 'signin', 'step_up')),
    user_id TEXT NULL,
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX ix_passkey_ceremonies_expires_at ON passkey_ceremonies (expires_at);
