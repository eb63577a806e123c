-- Coffer schema 0015 (PostgreSQL): the DPoP replay cache (Features/OAuth/Dpop). A proof's jti is accepted once while its
-- iat is in the acceptance window, on every node; the key is SHA-256(jkt + "\n" + jti), so no client-chosen text is stored.
-- Expired rows are swept by the next proof after a minute.
CREATE TABLE dpop_proofs (
    proof_key bytea NOT NULL PRIMARY KEY,
    expires_at timestamp with time zone NOT NULL
);
CREATE INDEX ix_dpop_proofs_expires_at ON dpop_proofs (expires_at);
