-- Core: organisation, calendars, SLA policies, services, tickets with their
-- timelines and clock projections, goals, tokens and the audit log.
-- Instants are Unix milliseconds; durations are milliseconds.

CREATE TABLE teams (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    role          TEXT    NOT NULL,
    team_id       INTEGER REFERENCES teams (id),
    password_hash TEXT    NOT NULL DEFAULT '',
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    INTEGER NOT NULL
);

CREATE TABLE tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    name         TEXT    NOT NULL,
    prefix       TEXT    NOT NULL,
    hash         BLOB    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);

CREATE TABLE calendars (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    timezone    TEXT    NOT NULL,
    hours       TEXT    NOT NULL,
    holidays    TEXT    NOT NULL,
    workdays    TEXT    NOT NULL,
    holiday_set TEXT    NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1, -- new at every edit; keys the cache of built calendars
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE sla_policies (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL UNIQUE,
    calendar_id     INTEGER NOT NULL REFERENCES calendars (id),
    targets         TEXT    NOT NULL,
    pause_statuses  TEXT    NOT NULL,
    warn_at_percent INTEGER NOT NULL,
    is_default      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX sla_policies_one_default ON sla_policies (is_default) WHERE is_default;

CREATE TABLE services (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    description   TEXT    NOT NULL DEFAULT '',
    team_id       INTEGER REFERENCES teams (id),
    sla_policy_id INTEGER REFERENCES sla_policies (id),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

CREATE TABLE goals (
    key        TEXT PRIMARY KEY,
    value      REAL NOT NULL,
    comparison TEXT NOT NULL,
    unit       TEXT NOT NULL
);

CREATE TABLE tickets (
    id          INTEGER PRIMARY KEY,
    ref         TEXT,
    service_id  INTEGER NOT NULL REFERENCES services (id),
    team_id     INTEGER REFERENCES teams (id),
    type        TEXT    NOT NULL,
    priority    TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    description TEXT    NOT NULL,
    opened_at   INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    opened_by   INTEGER REFERENCES users (id),
    imported    BOOLEAN NOT NULL DEFAULT FALSE,
    -- the projection of the two clocks, saved with the event that changed them
    fr_target        INTEGER NOT NULL,
    fr_elapsed       INTEGER NOT NULL,
    fr_due_at        INTEGER,
    fr_met_at        INTEGER,
    fr_warn_at       INTEGER,
    fr_paused        BOOLEAN NOT NULL DEFAULT FALSE,
    fr_warned        BOOLEAN NOT NULL DEFAULT FALSE,
    fr_breach_noted  BOOLEAN NOT NULL DEFAULT FALSE,
    res_target       INTEGER NOT NULL,
    res_elapsed      INTEGER NOT NULL,
    res_due_at       INTEGER,
    res_met_at       INTEGER,
    res_warn_at      INTEGER,
    res_paused       BOOLEAN NOT NULL DEFAULT FALSE,
    res_warned       BOOLEAN NOT NULL DEFAULT FALSE,
    res_breach_noted BOOLEAN NOT NULL DEFAULT FALSE,
    -- the earliest instant at which an SLA event is owed, for the sweep
    next_at     INTEGER
);
CREATE UNIQUE INDEX tickets_ref ON tickets (ref) WHERE ref IS NOT NULL;
CREATE INDEX tickets_opened ON tickets (opened_at);
CREATE INDEX tickets_service_opened ON tickets (service_id, opened_at);
CREATE INDEX tickets_team_opened ON tickets (team_id, opened_at);
CREATE INDEX tickets_status ON tickets (status, id);
CREATE INDEX tickets_next ON tickets (next_at) WHERE next_at IS NOT NULL;

CREATE TABLE ticket_events (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id),
    at          INTEGER NOT NULL,
    type        TEXT    NOT NULL,
    by_kind     TEXT    NOT NULL,
    actor_id    INTEGER REFERENCES users (id),
    public      BOOLEAN NOT NULL DEFAULT FALSE,
    body        TEXT    NOT NULL DEFAULT '',
    status      TEXT    NOT NULL DEFAULT '',
    priority    TEXT    NOT NULL DEFAULT '',
    clock       TEXT    NOT NULL DEFAULT '',
    recorded_at INTEGER NOT NULL
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, at, id);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor_id    INTEGER,
    actor_name  TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    object_type TEXT    NOT NULL,
    object_id   TEXT    NOT NULL,
    detail      TEXT    NOT NULL DEFAULT ''
);

-- The timeline and the audit log are append-only.
CREATE TRIGGER ticket_events_append_only_u BEFORE UPDATE ON ticket_events
BEGIN SELECT RAISE(ABORT, 'ticket_events is append-only'); END;
CREATE TRIGGER ticket_events_append_only_d BEFORE DELETE ON ticket_events
BEGIN SELECT RAISE(ABORT, 'ticket_events is append-only'); END;
CREATE TRIGGER audit_log_append_only_u BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_append_only_d BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
