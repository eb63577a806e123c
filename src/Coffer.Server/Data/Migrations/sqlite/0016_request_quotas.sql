-- Coffer schema 0016 (SQLite): the daily request quotas' shared counters (Features/Perimeter/QuotaLedger.cs). One row per
-- partition (token:<accessor>) and UTC day (ISO 8601 text, so rows compare and expire by text order); count is how many
-- requests the nodes have leased from the counter, incremented with INSERT ... ON CONFLICT ... DO UPDATE ... RETURNING.
-- Rows older than two days are deleted by the first lease of each day.
CREATE TABLE request_quotas (
    partition_key TEXT NOT NULL,
    day TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (partition_key, day)
);
CREATE INDEX ix_request_quotas_day ON request_quotas (day);
