-- Maintenance windows, left out of availability, and silences of alerts.
-- Alerts remember why they opened no incident.
CREATE TABLE maintenance_windows (
    id         INTEGER PRIMARY KEY,
    service_id INTEGER REFERENCES services (id),
    title      TEXT NOT NULL,
    starts_at  INTEGER NOT NULL,
    ends_at    INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX maintenance_windows_ends ON maintenance_windows (ends_at);

CREATE TABLE silences (
    id         INTEGER PRIMARY KEY,
    service_id INTEGER REFERENCES services (id),
    matchers   TEXT NOT NULL,
    comment    TEXT NOT NULL,
    starts_at  INTEGER NOT NULL,
    ends_at    INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX silences_ends ON silences (ends_at);

ALTER TABLE alerts ADD COLUMN suppressed TEXT NOT NULL DEFAULT '';
