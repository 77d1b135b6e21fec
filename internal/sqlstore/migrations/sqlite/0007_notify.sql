-- Notifications: channels, the rules that route events to them, and the
-- deliveries, written in the transaction of the event that causes them and
-- sent by a worker (at most one per event and channel).
CREATE TABLE channels (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    type       TEXT NOT NULL,
    url        TEXT NOT NULL,
    secret     TEXT NOT NULL DEFAULT '',
    lang       TEXT NOT NULL,
    disabled   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE notification_rules (
    id         INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    service_id INTEGER REFERENCES services (id),
    events     TEXT NOT NULL, -- JSON array
    priorities TEXT NOT NULL, -- JSON array; empty: all
    created_at INTEGER NOT NULL
);

CREATE TABLE deliveries (
    id         INTEGER PRIMARY KEY,
    event_key  TEXT NOT NULL,
    channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    event      TEXT NOT NULL,
    ticket_id  INTEGER REFERENCES tickets (id),
    payload    TEXT NOT NULL,
    status     TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    next_at    INTEGER,
    sent_at    INTEGER,
    created_at INTEGER NOT NULL,
    UNIQUE (event_key, channel_id)
);
CREATE INDEX deliveries_due ON deliveries (next_at) WHERE status = 'pending';
CREATE INDEX deliveries_channel ON deliveries (channel_id, id);
