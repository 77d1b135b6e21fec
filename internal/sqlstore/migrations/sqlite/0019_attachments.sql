-- Files attached to a ticket (from the feedback portal): their type is the
-- one sniffed from their content, never the one the sender claimed.
CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    ticket_id    INTEGER NOT NULL REFERENCES tickets (id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    data         BLOB NOT NULL,
    by_kind      TEXT NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX attachments_ticket ON attachments (ticket_id, id);
