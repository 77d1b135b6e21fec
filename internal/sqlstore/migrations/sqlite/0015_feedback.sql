-- User feedback: the requester's address on any ticket (surveys go to it),
-- the feedback record of a ticket opened from the portal or the API, and the
-- satisfaction surveys with their answers.
ALTER TABLE tickets ADD COLUMN requester_email TEXT NOT NULL DEFAULT '';

-- tracking is the generation of the submitter's tracking link: a link names
-- it, and revoking the link moves it on.
CREATE TABLE feedback (
    ticket_id  INTEGER PRIMARY KEY REFERENCES tickets (id),
    kind       TEXT NOT NULL,
    tracking   INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
);
CREATE INDEX feedback_created ON feedback (created_at);

-- A survey keeps what the scorecard filters and splits by as it was when the
-- ticket was resolved: service, team, type, the agent who resolved it and
-- whether a clock was breached.
CREATE TABLE surveys (
    id           INTEGER PRIMARY KEY,
    ticket_id    INTEGER NOT NULL REFERENCES tickets (id),
    service_id   INTEGER NOT NULL REFERENCES services (id),
    team_id      INTEGER REFERENCES teams (id),
    type         TEXT NOT NULL,
    agent_id     INTEGER REFERENCES users (id),
    email        TEXT NOT NULL,
    sla_breached BOOLEAN NOT NULL,
    sent_at      INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    rating       INTEGER,
    comment      TEXT NOT NULL DEFAULT '',
    answered_at  INTEGER
);
CREATE INDEX surveys_ticket ON surveys (ticket_id, id);
CREATE INDEX surveys_email ON surveys (email, sent_at);
CREATE INDEX surveys_answered ON surveys (answered_at) WHERE answered_at IS NOT NULL;
