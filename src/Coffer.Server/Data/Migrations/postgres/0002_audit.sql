-- Coffer schema 0002 (PostgreSQL): the hash-chained audit log (Features/Audit).
-- seq is assigned by Coffer under an advisory lock, never by a sequence (sequences leave gaps on rollback). details is
-- text, not jsonb: jsonb would normalize the JSON and the stored bytes would no longer be the hashed bytes.
CREATE TABLE audit_log (
    seq bigint NOT NULL PRIMARY KEY,
    occurred_at timestamp with time zone NOT NULL,
    actor text NOT NULL,
    user_id uuid NULL,
    action text NOT NULL,
    target text NULL,
    outcome text NOT NULL,
    client_ip text NULL,
    details text NOT NULL,
    prev_hash text NOT NULL,
    hash text NOT NULL
);
CREATE INDEX ix_audit_log_action_seq ON audit_log (action, seq);
CREATE INDEX ix_audit_log_actor_seq ON audit_log (actor, seq);
CREATE INDEX ix_audit_log_occurred_at ON audit_log (occurred_at);

-- Append-only: Coffer never updates or deletes a record. Whoever can drop these triggers can also rewrite the log,
-- which is what the chain and `coffer audit verify` are for; the triggers stop mistakes, not attackers.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- The newest record's seq and hash, written in the same transaction as the record. New records chain onto this, not
-- onto whatever happens to be the last row, so deleting the newest records cannot be hidden by the next append.
CREATE TABLE audit_head (
    id integer NOT NULL PRIMARY KEY CHECK (id = 1),
    seq bigint NOT NULL,
    hash text NOT NULL
);

-- The per-install HMAC-SHA256 key for sensitive detail values (32 random bytes, created on first use).
CREATE TABLE audit_salt (
    id integer NOT NULL PRIMARY KEY CHECK (id = 1),
    salt bytea NOT NULL,
    created_at timestamp with time zone NOT NULL
);
