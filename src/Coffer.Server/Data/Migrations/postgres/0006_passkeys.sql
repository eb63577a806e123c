-- Coffer schema 0006 (PostgreSQL): passkeys (ASP.NET Core Identity's schema version 3 adds user passkeys: the
-- credential id, the user, and the credential record as JSON), with when each was last used and how many assertions it
-- passed; and the passkey ceremonies in flight (one row per challenge handed out, deleted when used).
-- See Features/Identity/PasskeySchema.cs.
CREATE TABLE user_passkeys (
    credential_id bytea NOT NULL PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_used_at timestamp with time zone NULL,
    use_count bigint NOT NULL,
    data jsonb NOT NULL
);
CREATE INDEX ix_user_passkeys_user_id ON user_passkeys (user_id);

-- expires_at is Unix milliseconds, so "not expired" is one comparison on both providers.
CREATE TABLE passkey_ceremonies (
    challenge_hash bytea NOT NULL PRIMARY KEY,
    purpose text NOT NULL CHECK (purpose IN ('register', 'signin', 'step_up')),
    user_id uuid NULL,
    state text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at bigint NOT NULL
);
CREATE INDEX ix_passkey_ceremonies_expires_at ON passkey_ceremonies (expires_at);
