-- Coffer schema 0009 (PostgreSQL): a passkey ceremony may also be the second factor of an unfreeze.
ALTER TABLE passkey_ceremonies DROP CONSTRAINT passkey_ceremonies_purpose_check;
ALTER TABLE passkey_ceremonies ADD CONSTRAINT passkey_ceremonies_purpose_check CHECK (purpose IN ('register', 'signin', 'step_up', 'unfreeze'));
