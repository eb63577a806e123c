-- Coffer schema 0017 (PostgreSQL): the anomaly detector's per-token baseline, shared by every node. anomaly_baselines
-- says when a token was first seen and when its learning period ended; anomaly_ip_ranges holds every client IP range
-- (IPv4 /24, IPv6 /48) the token was used from. Rows are written only when something is new (a token, the end of its
-- learning, a range), never once per request. Times are Unix milliseconds.
CREATE TABLE anomaly_baselines (
    accessor text NOT NULL PRIMARY KEY,
    started_at bigint NOT NULL,
    established_at bigint NULL
);

CREATE TABLE anomaly_ip_ranges (
    accessor text NOT NULL,
    ip_range text NOT NULL,
    first_seen_at bigint NOT NULL,
    learned boolean NOT NULL,
    PRIMARY KEY (accessor, ip_range)
);
