-- Coffer schema 0008 (SQLite): the journal of exchange secrets (and credential tokens) that must not outlive the
-- operation that wrote them. A connect or key replacement writes its row before the secret goes into the vault and
-- removes it in the transaction that makes a connection reference the secret; a replacement journals the old secret
-- and credential for removal in that same transaction. What a crash leaves here is swept (ConnectionSweep).
CREATE TABLE exchange_credential_cleanup (
    secret_id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    credential_accessor TEXT NULL,
    created_at TEXT NOT NULL,
    claimed_at TEXT NULL
);
