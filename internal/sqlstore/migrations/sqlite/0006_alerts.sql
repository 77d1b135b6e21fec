-- Alerts from outside (Alertmanager, generic webhooks): deduplicated by
-- source and fingerprint, grouped per service and sender's group, each group
-- with the incident its firing alerts share.
CREATE TABLE alert_groups (
    id         INTEGER PRIMARY KEY,
    service_id INTEGER NOT NULL REFERENCES services (id),
    source     TEXT NOT NULL,
    group_key  TEXT NOT NULL,
    ticket_id  INTEGER REFERENCES tickets (id),
    firing     INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (service_id, source, group_key)
);

CREATE TABLE alerts (
    id            INTEGER PRIMARY KEY,
    source        TEXT NOT NULL,
    fingerprint   TEXT NOT NULL,
    group_id      INTEGER NOT NULL REFERENCES alert_groups (id),
    service_id    INTEGER NOT NULL REFERENCES services (id),
    name          TEXT NOT NULL,
    severity      TEXT NOT NULL,
    status        TEXT NOT NULL,
    summary       TEXT NOT NULL,
    labels        TEXT NOT NULL,
    annotations   TEXT NOT NULL,
    url           TEXT NOT NULL,
    starts_at     INTEGER NOT NULL,
    ends_at       INTEGER,
    received      INTEGER NOT NULL,
    ticket_id     INTEGER REFERENCES tickets (id),
    first_seen_at INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    UNIQUE (source, fingerprint)
);
CREATE INDEX alerts_group ON alerts (group_id, status);
CREATE INDEX alerts_service ON alerts (service_id, last_seen_at);
CREATE INDEX alerts_seen ON alerts (last_seen_at);
