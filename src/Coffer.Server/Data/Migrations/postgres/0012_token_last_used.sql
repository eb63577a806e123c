-- Coffer schema 0012 (PostgreSQL): when each token last authenticated a request (GET /api/v1/tokens shows it). Written by
-- TokenStore where it already reads or counts the token, at most about once a minute per token (see LastUsedResolution);
-- the access log is no substitute: it is trimmed after its retention period, and "last used" must outlive that.
ALTER TABLE tokens ADD COLUMN last_used_at timestamp with time zone NULL;
