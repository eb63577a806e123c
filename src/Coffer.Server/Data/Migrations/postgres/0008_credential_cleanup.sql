-- Coffer schema 0008 (PostgreSQL): the journal of exchange secrets (and credential tokens) that must not outlive the
-- operation that wrote them. A connect or key replacement writes its row before the secret goes into the vault and
-- removes it in the transaction that makes a connection reference the secret; a replacement journals the old secret
-- and credential for removal in that same transaction. What a crash leaves here is swept (ConnectionSweep).
CREATE TABLE exchange_credential_cleanup (
    secret_id uuid NOT NULL PRIMARY KEY,
    user_id uuid NOT NULL,
    credential_accessor text NULL,
    created_at timestamp with time zone NOT NULL,
    claimed_at timestamp with time zone NULL
);
