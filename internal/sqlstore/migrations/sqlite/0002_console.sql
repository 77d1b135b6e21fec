-- The web console: sessions, and each user's language and time zone.

CREATE TABLE sessions (
    id         BLOB    PRIMARY KEY, -- SHA-256 of the cookie's secret
    user_id    INTEGER NOT NULL REFERENCES users (id),
    csrf       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    seen_at    INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN timezone TEXT NOT NULL DEFAULT '';

-- The dashboard's recent breaches.
CREATE INDEX ticket_events_breaches ON ticket_events (at) WHERE type = 'sla_breached';
