-- Coffer schema 0014 (PostgreSQL): the OAuth 2.0 authorization server (Features/OAuth). Apps are the clients users register;
-- a pending authorization request waits for the user's consent; a code is what consent returns to the client, once; a
-- grant is a branch of the user's token tree (tokens.kind = 'grant', a node whose value nobody ever holds), with the
-- access tokens it issues below it and its refresh tokens, rotated on every use, here. Only hashes of codes, refresh
-- tokens and client secrets are stored.
-- tokens.dpop_jkt: the RFC 7638 thumbprint of the DPoP key a token is bound to (RFC 9449); null for bearer tokens.
ALTER TABLE tokens ADD COLUMN dpop_jkt text NULL;

CREATE TABLE oauth_apps (
    client_id text NOT NULL PRIMARY KEY,
    owner_id uuid NOT NULL,
    name text NOT NULL,
    client_type text NOT NULL,
    secret_hash bytea NULL,
    redirect_uris text NOT NULL,
    scopes text NOT NULL,
    trading_limits text NULL,
    dpop_bound boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    disabled_at timestamp with time zone NULL
);
CREATE INDEX ix_oauth_apps_owner_id ON oauth_apps (owner_id);

CREATE TABLE oauth_requests (
    id text NOT NULL PRIMARY KEY,
    client_id text NOT NULL,
    redirect_uri text NOT NULL,
    redirect_uri_given boolean NOT NULL,
    scopes text NOT NULL,
    state text NULL,
    code_challenge text NOT NULL,
    dpop_jkt text NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    completed_at timestamp with time zone NULL
);
CREATE INDEX ix_oauth_requests_expires_at ON oauth_requests (expires_at);

CREATE TABLE oauth_codes (
    code_hash bytea NOT NULL PRIMARY KEY,
    client_id text NOT NULL,
    user_id uuid NOT NULL,
    redirect_uri text NOT NULL,
    redirect_uri_given boolean NOT NULL,
    scopes text NOT NULL,
    code_challenge text NOT NULL,
    dpop_jkt text NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone NULL,
    grant_accessor text NULL
);
CREATE INDEX ix_oauth_codes_expires_at ON oauth_codes (expires_at);

CREATE TABLE oauth_grants (
    accessor text NOT NULL PRIMARY KEY,
    client_id text NOT NULL,
    user_id uuid NOT NULL,
    grant_type text NOT NULL,
    dpop_jkt text NULL,
    created_at timestamp with time zone NOT NULL
);
CREATE INDEX ix_oauth_grants_client_id ON oauth_grants (client_id);
CREATE INDEX ix_oauth_grants_user_id ON oauth_grants (user_id);

CREATE TABLE oauth_refresh_tokens (
    token_hash bytea NOT NULL PRIMARY KEY,
    grant_accessor text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone NULL
);
CREATE INDEX ix_oauth_refresh_tokens_grant ON oauth_refresh_tokens (grant_accessor);
