-- Coffer schema 0012 (SQLite): when each token last authenticated a request (GET /api/v1/tokens shows it). Written by
-- TokenStore where it already reads or counts the token, at most about once a minute per token (see LastUsedResolution);
-- the access log is no substitute: it is trimmed after its retention period, and "last used" must outlive that.
-- A UTC DateTime as TEXT (Data/UtcTime.cs), so the column sorts and compares in time order.
ALTER TABLE tokens ADD COLUMN last_used_at TEXT NULL;
