-- Coffer schema 0016 (PostgreSQL): the daily request quotas' shared counters (Features/Perimeter/QuotaLedger.cs), shared
-- by every node. One row per partition (token:<accessor>) and UTC day (ISO 8601 text, as on SQLite, so both providers
-- run the same statements); count is how many requests the nodes have leased from the counter, incremented with
-- INSERT ... ON CONFLICT ... DO UPDATE ... RETURNING, which is atomic under concurrent nodes. Rows older than two days
-- are deleted by the first lease of each day.
CREATE TABLE request_quotas (
    partition_key text NOT NULL,
    day text NOT NULL,
    count bigint NOT NULL,
    PRIMARY KEY (partition_key, day)
);
CREATE INDEX ix_request_quotas_day ON request_quotas (day);
