-- The ticket rollup: per UTC day of opening, service, team (0 for none),
-- type and shard, the scorecard counts that do not move with the wall clock
-- (see rollup.go). It is filled from the tickets when this migration runs.
CREATE TABLE ticket_rollup (
    day        INTEGER NOT NULL,
    service_id INTEGER NOT NULL,
    team_id    INTEGER NOT NULL,
    type       TEXT NOT NULL,
    shard      INTEGER NOT NULL,
    tickets    INTEGER NOT NULL DEFAULT 0,
    fr_met     INTEGER NOT NULL DEFAULT 0,
    fr_late    INTEGER NOT NULL DEFAULT 0,
    fr_b0      INTEGER NOT NULL DEFAULT 0,
    fr_b1      INTEGER NOT NULL DEFAULT 0,
    fr_b2      INTEGER NOT NULL DEFAULT 0,
    fr_b3      INTEGER NOT NULL DEFAULT 0,
    fr_b4      INTEGER NOT NULL DEFAULT 0,
    fr_b5      INTEGER NOT NULL DEFAULT 0,
    fr_b6      INTEGER NOT NULL DEFAULT 0,
    fr_b7      INTEGER NOT NULL DEFAULT 0,
    fr_b8      INTEGER NOT NULL DEFAULT 0,
    res_met    INTEGER NOT NULL DEFAULT 0,
    res_late   INTEGER NOT NULL DEFAULT 0,
    res_b0     INTEGER NOT NULL DEFAULT 0,
    res_b1     INTEGER NOT NULL DEFAULT 0,
    res_b2     INTEGER NOT NULL DEFAULT 0,
    res_b3     INTEGER NOT NULL DEFAULT 0,
    res_b4     INTEGER NOT NULL DEFAULT 0,
    res_b5     INTEGER NOT NULL DEFAULT 0,
    res_b6     INTEGER NOT NULL DEFAULT 0,
    res_b7     INTEGER NOT NULL DEFAULT 0,
    res_b8     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, service_id, team_id, type, shard)
) WITHOUT ROWID;

-- The tickets with a clock not yet stopped: their clocks can pass the due
-- instant with no write, so scorecards count them from here. The index
-- covers what they read, so the count never visits the table.
CREATE INDEX tickets_unmet ON tickets (opened_at, service_id, team_id, type, fr_met_at, fr_due_at, res_met_at, res_due_at)
    WHERE fr_met_at IS NULL OR res_met_at IS NULL;
