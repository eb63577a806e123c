-- Coffer schema 0003 (SQLite): the token tree's constraints, and the per-token access log.
ALTER TABLE tokens ADD COLUMN display_name TEXT NULL;
ALTER TABLE tokens ADD COLUMN ip_allowlist TEXT NULL;
ALTER TABLE tokens ADD COLUMN max_uses INTEGER NULL;
ALTER TABLE tokens ADD COLUMN use_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tokens ADD COLUMN trading_limits TEXT NULL;
CREATE INDEX ix_tokens_parent_accessor ON tokens (parent_accessor);

-- occurred_at is Unix milliseconds, so retention and paging compare numbers on both providers.
CREATE TABLE access_log (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    accessor TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    client_ip TEXT NULL,
    user_agent TEXT NULL,
    method TEXT NOT NULL,
    route TEXT NOT NULL,
    status INTEGER NOT NULL,
    latency_ms REAL NOT NULL
);
CREATE INDEX ix_access_log_accessor_id ON access_log (accessor, id);
CREATE INDEX ix_access_log_occurred_at ON access_log (occurred_at);
