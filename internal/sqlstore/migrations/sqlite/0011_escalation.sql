-- Escalation: policies (levels of channels, JSON), the services each covers
-- (one policy a service), the escalation of each incident, and the
-- installation's secrets (the key of acknowledgement links).
CREATE TABLE escalation_policies (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    levels     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE escalation_services (
    policy_id  INTEGER NOT NULL REFERENCES escalation_policies (id) ON DELETE CASCADE,
    service_id INTEGER NOT NULL UNIQUE REFERENCES services (id),
    PRIMARY KEY (policy_id, service_id)
);
CREATE TABLE escalations (
    ticket_id INTEGER PRIMARY KEY REFERENCES tickets (id),
    policy_id INTEGER NOT NULL REFERENCES escalation_policies (id) ON DELETE CASCADE,
    level     INTEGER NOT NULL,
    next_at   INTEGER,
    ended     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX escalations_due ON escalations (next_at) WHERE next_at IS NOT NULL;
CREATE TABLE secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
