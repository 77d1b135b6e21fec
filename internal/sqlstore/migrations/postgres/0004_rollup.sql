-- The ticket rollup: per UTC day of opening, service, team (0 for none),
-- type and shard, the scorecard counts that do not move with the wall clock
-- (see rollup.go). It is filled from the tickets when this migration runs.
CREATE TABLE ticket_rollup (
    day        BIGINT NOT NULL,
    service_id BIGINT NOT NULL,
    team_id    BIGINT NOT NULL,
    type       TEXT NOT NULL,
    shard      BIGINT NOT NULL,
    tickets    BIGINT NOT NULL DEFAULT 0,
    fr_met     BIGINT NOT NULL DEFAULT 0,
    fr_late    BIGINT NOT NULL DEFAULT 0,
    fr_b0      BIGINT NOT NULL DEFAULT 0,
    fr_b1      BIGINT NOT NULL DEFAULT 0,
    fr_b2      BIGINT NOT NULL DEFAULT 0,
    fr_b3      BIGINT NOT NULL DEFAULT 0,
    fr_b4      BIGINT NOT NULL DEFAULT 0,
    fr_b5      BIGINT NOT NULL DEFAULT 0,
    fr_b6      BIGINT NOT NULL DEFAULT 0,
    fr_b7      BIGINT NOT NULL DEFAULT 0,
    fr_b8      BIGINT NOT NULL DEFAULT 0,
    res_met    BIGINT NOT NULL DEFAULT 0,
    res_late   BIGINT NOT NULL DEFAULT 0,
    res_b0     BIGINT NOT NULL DEFAULT 0,
    res_b1     BIGINT NOT NULL DEFAULT 0,
    res_b2     BIGINT NOT NULL DEFAULT 0,
    res_b3     BIGINT NOT NULL DEFAULT 0,
    res_b4     BIGINT NOT NULL DEFAULT 0,
    res_b5     BIGINT NOT NULL DEFAULT 0,
    res_b6     BIGINT NOT NULL DEFAULT 0,
    res_b7     BIGINT NOT NULL DEFAULT 0,
    res_b8     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, service_id, team_id, type, shard)
);

-- The tickets with a clock not yet stopped: their clocks can pass the due
-- instant with no write, so scorecards count them from here. The index
-- covers what they read, so the count never visits the table.
CREATE INDEX tickets_unmet ON tickets (opened_at, service_id, team_id, type, fr_met_at, fr_due_at, res_met_at, res_due_at)
    WHERE fr_met_at IS NULL OR res_met_at IS NULL;
