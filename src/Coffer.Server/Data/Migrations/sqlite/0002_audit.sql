-- Coffer schema 0002 (SQLite): the hash-chained audit log (Features/Audit).
-- seq is assigned by Coffer under the write lock, never by the database, so that it has no gaps; as the INTEGER
-- PRIMARY KEY it is SQLite's 64-bit rowid. occurred_at is a UTC DateTime in EF Core's SQLite text format, which sorts
-- in time order. details is JSON text, kept byte for byte as it was hashed.
CREATE TABLE audit_log (
    seq INTEGER NOT NULL PRIMARY KEY,
    occurred_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    user_id TEXT NULL,
    action TEXT NOT NULL,
    target TEXT NULL,
    outcome TEXT NOT NULL,
    client_ip TEXT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX ix_audit_log_action_seq ON audit_log (action, seq);
CREATE INDEX ix_audit_log_actor_seq ON audit_log (actor, seq);
CREATE INDEX ix_audit_log_occurred_at ON audit_log (occurred_at);

-- Append-only: Coffer never updates or deletes a record. Whoever can drop these triggers can also rewrite the log,
-- which is what the chain and `coffer audit verify` are for; the triggers stop mistakes, not attackers.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- The newest record's seq and hash, written in the same transaction as the record. New records chain onto this, not
-- onto whatever happens to be the last row, so deleting the newest records cannot be hidden by the next append.
CREATE TABLE audit_head (
    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);

-- The per-install HMAC-SHA256 key for sensitive detail values (32 random bytes, created on first use).
CREATE TABLE audit_salt (
    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    salt BLOB NOT NULL,
    created_at TEXT NOT NULL
);
