-- Coffer schema 0015 (SQLite): a placeholder on the quotas branch, which owns 0016. Migration numbers have no gaps, and
-- 0015 belongs to another branch; when the two are merged that branch's 0015 replaces this file.
SELECT 1;
