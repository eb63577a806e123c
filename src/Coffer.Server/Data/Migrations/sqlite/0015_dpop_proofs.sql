-- Coffer schema 0015 (SQLite): the DPoP replay cache (Features/OAuth/Dpop). A proof's jti is accepted once while its iat
-- is in the acceptance window, on every node; the key is SHA-256(jkt + "\n" + jti), so no client-chosen text is stored.
-- expires_at is UTC TEXT (Data/UtcTime.cs); expired rows are swept by the next proof after a minute.
CREATE TABLE dpop_proofs (
    proof_key BLOB NOT NULL PRIMARY KEY,
    expires_at TEXT NOT NULL
);
CREATE INDEX ix_dpop_proofs_expires_at ON dpop_proofs (expires_at);
