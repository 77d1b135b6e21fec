-- On-call schedules: a rotation of members (each with the channel that
-- reaches them) and overrides, as JSON; the core computes who is on call.
CREATE TABLE schedules (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    timezone   TEXT NOT NULL,
    start_date TEXT NOT NULL,
    handoff    TEXT NOT NULL,
    days       INTEGER NOT NULL,
    members    TEXT NOT NULL,
    overrides  TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
