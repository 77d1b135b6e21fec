-- Monitoring: monitors with the state their checks found, the raw check
-- results (kept for a while), their hourly and daily rollups (kept long),
-- and the outages that make up downtime.
CREATE TABLE monitors (
    id            INTEGER PRIMARY KEY,
    service_id    INTEGER NOT NULL REFERENCES services (id),
    name          TEXT NOT NULL,
    type          TEXT NOT NULL,
    target        TEXT NOT NULL,
    interval_ms   INTEGER NOT NULL,
    timeout_ms    INTEGER NOT NULL,
    down_after    INTEGER NOT NULL,
    up_after      INTEGER NOT NULL,
    priority      TEXT NOT NULL,
    auto_resolve  BOOLEAN NOT NULL DEFAULT FALSE,
    paused        BOOLEAN NOT NULL DEFAULT FALSE,
    settings      TEXT NOT NULL DEFAULT '{}', -- the type's own settings, JSON
    -- the state machine of uptime.Tracker
    state         TEXT NOT NULL DEFAULT 'unknown',
    fails         INTEGER NOT NULL DEFAULT 0,
    oks           INTEGER NOT NULL DEFAULT 0,
    run_start     INTEGER,
    state_since   INTEGER,
    first_check_at INTEGER,
    last_check_at INTEGER,
    last_error    TEXT NOT NULL DEFAULT '',
    last_latency_ms INTEGER NOT NULL DEFAULT 0,
    incident_id   INTEGER REFERENCES tickets (id),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (service_id, name)
);

CREATE TABLE monitor_checks (
    monitor_id INTEGER NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    ok         BOOLEAN NOT NULL,
    latency_ms INTEGER NOT NULL,
    error      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (monitor_id, at)
);
CREATE INDEX monitor_checks_at ON monitor_checks (at);

-- Rollups by UTC hour and day: checks, failed checks and latency.
CREATE TABLE monitor_hours (
    monitor_id     INTEGER NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
    start_at       INTEGER NOT NULL,
    checks         INTEGER NOT NULL,
    failed         INTEGER NOT NULL,
    latency_sum_ms INTEGER NOT NULL,
    latency_max_ms INTEGER NOT NULL,
    PRIMARY KEY (monitor_id, start_at)
);
CREATE INDEX monitor_hours_start ON monitor_hours (start_at);
CREATE TABLE monitor_days (
    monitor_id     INTEGER NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
    start_at       INTEGER NOT NULL,
    checks         INTEGER NOT NULL,
    failed         INTEGER NOT NULL,
    latency_sum_ms INTEGER NOT NULL,
    latency_max_ms INTEGER NOT NULL,
    PRIMARY KEY (monitor_id, start_at)
);

-- Downtime: from the first failed check of the run that took the monitor
-- down to the first successful check of the run that brought it up.
CREATE TABLE monitor_outages (
    id         INTEGER PRIMARY KEY,
    monitor_id INTEGER NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
    started_at INTEGER NOT NULL,
    ended_at   INTEGER,
    ticket_id  INTEGER REFERENCES tickets (id)
);
CREATE INDEX monitor_outages_monitor ON monitor_outages (monitor_id, started_at);
