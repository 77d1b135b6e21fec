package sqlstore

import (
	"context"
	"fmt"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/calendar"
)

// DueSoon returns the open tickets whose next running clock falls due
// first, breached ones first, with their clocks moved on to now.
func (db *DB) DueSoon(ctx context.Context, limit int) ([]sqm.Ticket, error) {
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return nil, err
	}
	return db.ticketsWhere(ctx, ` WHERE status NOT IN ('resolved', 'closed') AND `+nextDueSQL+` < `+noDue+`
		ORDER BY `+nextDueSQL+`, id LIMIT $1`, limit)
}

// nextDueSQL is the earliest due instant among a ticket's unmet, running
// clocks, or noDue when none runs: the key of "sorted by time left".
const (
	noDueMS    = 9000000000000000
	noDue      = "9000000000000000" // noDueMS in SQL
	nextDueSQL = `COALESCE(CASE
		WHEN fr_met_at IS NULL AND fr_due_at IS NOT NULL
			AND (res_met_at IS NOT NULL OR res_paused OR res_due_at IS NULL OR fr_due_at <= res_due_at) THEN fr_due_at
		WHEN res_met_at IS NULL AND NOT res_paused THEN res_due_at END, ` + noDue + `)`
)

// RecentBreaches returns the tickets of the latest sla_breached events.
func (db *DB) RecentBreaches(ctx context.Context, limit int) ([]sqm.Ticket, error) {
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return nil, err
	}
	return db.ticketsWhere(ctx, ` WHERE id IN (SELECT ticket_id FROM ticket_events WHERE type = 'sla_breached'
		ORDER BY at DESC LIMIT $1) ORDER BY id DESC`, limit)
}

// OpenIncidents counts the open incidents by priority.
func (db *DB) OpenIncidents(ctx context.Context) (map[sqm.Priority]int, error) {
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return nil, err
	}
	rows, err := db.ro.QueryContext(ctx, `SELECT priority, count(*) FROM tickets
		WHERE type = 'incident' AND status NOT IN ('resolved', 'closed') GROUP BY priority`)
	if err != nil {
		return nil, fmt.Errorf("open incidents: %w", err)
	}
	defer rows.Close()
	out := map[sqm.Priority]int{}
	for rows.Next() {
		var p sqm.Priority
		var n int
		if err := rows.Scan(&p, &n); err != nil {
			return nil, fmt.Errorf("open incidents: %w", err)
		}
		out[p] = n
	}
	return out, rows.Err()
}

// ticketsWhere reads tickets with their live clocks.
func (db *DB) ticketsWhere(ctx context.Context, tail string, args ...any) ([]sqm.Ticket, error) {
	rows, err := db.ro.QueryContext(ctx, ticketColumns+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("tickets: %w", err)
	}
	var recs []*ticketRec
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("tickets: %w", err)
		}
		recs = append(recs, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tickets: %w", err)
	}
	return db.live(ctx, recs)
}

// live moves the saved clocks of tickets on to now, on their calendars.
func (db *DB) live(ctx context.Context, recs []*ticketRec) ([]sqm.Ticket, error) {
	now := db.Now()
	cals := map[int64]*calendar.Calendar{}
	out := make([]sqm.Ticket, 0, len(recs))
	for _, t := range recs {
		cal, ok := cals[t.serviceID]
		if !ok {
			r, err := db.rules(ctx, db.ro, t.serviceID, false)
			if err != nil {
				return nil, err
			}
			cal, cals[t.serviceID] = r.cal, r.cal
		}
		t.SLA = sqm.Clocks{FirstResponse: liveClock(t.clocks[0], cal, now), Resolution: liveClock(t.clocks[1], cal, now)}
		out = append(out, t.Ticket)
	}
	return out, nil
}
