package sqlstore

import (
	"context"
	"fmt"

	"github.com/sqmhq/sqm"
)

// ListTickets returns a page of tickets, newest first, with their clocks
// read from the saved projections and moved on to now.
func (db *DB) ListTickets(ctx context.Context, f sqm.TicketFilter) (sqm.Page[sqm.Ticket], error) {
	var page sqm.Page[sqm.Ticket]
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return page, err
	}
	limit, err := pageLimit(f.Limit)
	if err != nil {
		return page, err
	}
	after, err := decodeCursor(f.Cursor)
	if err != nil {
		return page, err
	}
	now := db.Now()
	w := where{}
	if after > 0 {
		w.add("id < ?", after)
	}
	if f.ServiceID != "" {
		id, err := refID("service_id", "Service", f.ServiceID)
		if err != nil {
			return page, err
		}
		w.add("service_id = ?", id.Int64)
	}
	if f.TeamID != "" {
		id, err := refID("team_id", "Team", f.TeamID)
		if err != nil {
			return page, err
		}
		w.add("team_id = ?", id.Int64)
	}
	if f.Type != "" {
		if !f.Type.Valid() {
			return page, sqm.FieldError("type", "Type must be one of incident, request, problem, change, feedback.")
		}
		w.add("type = ?", f.Type)
	}
	if f.Status != "" {
		if !f.Status.Valid() {
			return page, sqm.FieldError("status", "Status must be one of new, in_progress, waiting_on_customer, resolved, closed.")
		}
		w.add("status = ?", f.Status)
	}
	if f.Priority != "" {
		if !f.Priority.Valid() {
			return page, sqm.FieldError("priority", "Priority must be one of P1, P2, P3, P4.")
		}
		w.add("priority = ?", f.Priority)
	}
	if !f.OpenedFrom.IsZero() {
		w.add("opened_at >= ?", ms(f.OpenedFrom))
	}
	if !f.OpenedTo.IsZero() {
		w.add("opened_at < ?", ms(f.OpenedTo))
	}
	if f.SLAState != "" {
		if !f.SLAState.Valid() {
			return page, sqm.FieldError("sla_state", "The SLA state must be one of running, paused, met, breached.")
		}
		w.add(slaStateSQL(f.SLAState, w.arg(ms(now))))
	}
	lim := w.arg(limit + 1)
	rows, err := db.ro.QueryContext(ctx, ticketColumns+w.sql()+` ORDER BY id DESC LIMIT `+lim, w.args...)
	if err != nil {
		return page, fmt.Errorf("list tickets: %w", err)
	}
	defer rows.Close()
	var (
		ids  []int64
		recs []*ticketRec
	)
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return page, fmt.Errorf("list tickets: %w", err)
		}
		recs = append(recs, t)
		ids = append(ids, t.id)
	}
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("list tickets: %w", err)
	}
	rows.Close()
	if page.Items, err = db.live(ctx, recs); err != nil {
		return page, err
	}
	return paginate(page, ids, limit), nil
}
