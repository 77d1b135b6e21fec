-- The queue by time left and the dashboard: an index on the earliest due
-- instant of a ticket's running clocks (the same expression as nextDueSQL in
-- dashboard.go; a test checks that the planner uses it), and one on the open
-- tickets by type and priority.

CREATE INDEX tickets_next_due ON tickets (COALESCE(CASE
		WHEN fr_met_at IS NULL AND fr_due_at IS NOT NULL
			AND (res_met_at IS NOT NULL OR res_paused OR res_due_at IS NULL OR fr_due_at <= res_due_at) THEN fr_due_at
		WHEN res_met_at IS NULL AND NOT res_paused THEN res_due_at END, 9000000000000000), id);

CREATE INDEX tickets_open ON tickets (type, priority) WHERE status NOT IN ('resolved', 'closed');
