-- Coffer schema 0013 (PostgreSQL): the metrics:read scope (GET /metrics). A root made since holds every scope of its
-- roles (Identity/Roles.cs), so an admin's root holds metrics:read; roots made before this scope existed get it here, or
-- an admin could not mint a scrape token under them (a child may not be wider than its parent).
UPDATE tokens SET scopes = scopes || ' metrics:read'
WHERE parent_accessor IS NULL
  AND revoked_at IS NULL
  AND (' ' || scopes || ' ') LIKE '% admin %'
  AND (' ' || scopes || ' ') NOT LIKE '% metrics:read %';
