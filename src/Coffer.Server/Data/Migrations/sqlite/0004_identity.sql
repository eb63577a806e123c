-- Coffer schema 0004 (SQLite): users and roles (ASP.NET Core Identity's schema version 2, named in snake_case like the
-- rest of Coffer's schema; see Features/Identity/IdentitySchema.cs), TOTP and lockout state, recovery codes, sign-up
-- invitations. Guid and DateTimeOffset as TEXT, bool as INTEGER, byte[] as BLOB (EF Core's SQLite mapping).
CREATE TABLE roles (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NULL,
    normalized_name TEXT NULL,
    concurrency_stamp TEXT NULL
);
CREATE UNIQUE INDEX ux_roles_normalized_name ON roles (normalized_name);

CREATE TABLE users (
    id TEXT NOT NULL PRIMARY KEY,
    user_name TEXT NULL,
    normalized_user_name TEXT NULL,
    email TEXT NULL,
    normalized_email TEXT NULL,
    email_confirmed INTEGER NOT NULL,
    password_hash TEXT NULL,
    security_stamp TEXT NULL,
    concurrency_stamp TEXT NULL,
    phone_number TEXT NULL,
    phone_number_confirmed INTEGER NOT NULL,
    two_factor_enabled INTEGER NOT NULL,
    lockout_end TEXT NULL,
    lockout_enabled INTEGER NOT NULL,
    access_failed_count INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    frozen_at TEXT NULL,
    root_accessor TEXT NULL,
    totp_secret_id TEXT NULL,
    totp_pending_secret_id TEXT NULL,
    totp_last_step INTEGER NULL,
    lockout_count INTEGER NOT NULL,
    consecutive_failures INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_users_normalized_user_name ON users (normalized_user_name);
CREATE INDEX ix_users_normalized_email ON users (normalized_email);

CREATE TABLE user_claims (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    claim_type TEXT NULL,
    claim_value TEXT NULL
);
CREATE INDEX ix_user_claims_user_id ON user_claims (user_id);

CREATE TABLE user_logins (
    login_provider TEXT NOT NULL,
    provider_key TEXT NOT NULL,
    provider_display_name TEXT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (login_provider, provider_key)
);
CREATE INDEX ix_user_logins_user_id ON user_logins (user_id);

CREATE TABLE user_tokens (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    login_provider TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NULL,
    PRIMARY KEY (user_id, login_provider, name)
);

CREATE TABLE user_roles (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role_id TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, role_id)
);
CREATE INDEX ix_user_roles_role_id ON user_roles (role_id);

CREATE TABLE role_claims (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    role_id TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    claim_type TEXT NULL,
    claim_value TEXT NULL
);
CREATE INDEX ix_role_claims_role_id ON role_claims (role_id);

CREATE TABLE recovery_codes (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash BLOB NOT NULL,
    created_at TEXT NOT NULL,
    used_at TEXT NULL
);
CREATE INDEX ix_recovery_codes_user_id ON recovery_codes (user_id);

-- expires_at is Unix milliseconds, so "not expired" is one comparison on both providers.
CREATE TABLE invitations (
    id TEXT NOT NULL PRIMARY KEY,
    code_hash BLOB NOT NULL,
    role TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at TEXT NULL,
    used_by TEXT NULL
);
CREATE UNIQUE INDEX ux_invitations_code_hash ON invitations (code_hash);

-- The four roles (Features/Identity/Roles.cs), with fixed ids. EF Core's SQLite provider writes Guids upper-case.
INSERT INTO roles (id, name, normalized_name, concurrency_stamp) VALUES
    ('C0FFEE00-0000-4000-8000-000000000001', 'admin', 'ADMIN', 'seed-0004'),
    ('C0FFEE00-0000-4000-8000-000000000002', 'trader', 'TRADER', 'seed-0004'),
    ('C0FFEE00-0000-4000-8000-000000000003', 'viewer', 'VIEWER', 'seed-0004'),
    ('C0FFEE00-0000-4000-8000-000000000004', 'auditor', 'AUDITOR', 'seed-0004');
