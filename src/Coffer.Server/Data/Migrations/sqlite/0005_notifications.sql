-- Coffer schema 0005 (SQLite): notifications (the in-app list), per-user channels, and the delivery outbox.
CREATE TABLE notifications (
    seq INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    details TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    read_at TEXT NULL
);
CREATE UNIQUE INDEX ux_notifications_id ON notifications (id);
CREATE INDEX ix_notifications_user_id_seq ON notifications (user_id, seq);

CREATE TABLE notification_channels (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('email', 'webhook')),
    target TEXT NOT NULL,
    secret_id TEXT NULL,
    kinds TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_notification_channels_user_id ON notification_channels (user_id);

CREATE TABLE notification_deliveries (
    id TEXT NOT NULL PRIMARY KEY,
    notification_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL,
    next_attempt_at_ms INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    last_attempt_at TEXT NULL,
    last_code INTEGER NULL,
    last_error TEXT NULL,
    completed_at TEXT NULL
);
CREATE INDEX ix_notification_deliveries_due ON notification_deliveries (status, next_attempt_at_ms);
CREATE INDEX ix_notification_deliveries_channel_id ON notification_deliveries (channel_id);
