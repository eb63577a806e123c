-- Coffer schema 0011 (SQLite): the ASP.NET Core Data Protection key ring, shared by every node, so an antiforgery token
-- issued by one node validates on another (Features/Web/DataProtectionKeys.cs).
CREATE TABLE data_protection_keys (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    friendly_name TEXT NULL,
    xml TEXT NOT NULL
);
