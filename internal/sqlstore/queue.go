package sqlstore

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

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
	now := db.Now()
	w := where{}
	order := ` ORDER BY id DESC`
	switch f.Sort {
	case "":
		after, err := decodeCursor(f.Cursor)
		if err != nil {
			return page, err
		}
		if after > 0 {
			w.add("id < ?", after)
		}
	case "due":
		order = ` ORDER BY ` + nextDueSQL + `, id`
		if f.Cursor != "" {
			key, id, err := decodeDueCursor(f.Cursor)
			if err != nil {
				return page, err
			}
			w.add("("+nextDueSQL+" > ? OR ("+nextDueSQL+" = ? AND id > ?))", key, key, id)
		}
	default:
		return page, sqm.FieldError("sort", "Sort is due (time left) or left out (newest first).")
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
	rows, err := db.ro.QueryContext(ctx, ticketColumns+w.sql()+order+` LIMIT `+lim, w.args...)
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
	page = paginate(page, ids, limit)
	if f.Sort == "due" && page.NextCursor != "" {
		page.NextCursor = encodeDueCursor(nextDue(recs[limit-1]), recs[limit-1].id)
	}
	return page, nil
}

// nextDue is nextDueSQL computed on a loaded ticket.
func nextDue(t *ticketRec) int64 {
	fr, res := t.clocks[0], t.clocks[1]
	switch {
	case !fr.metAt.Valid && fr.dueAt.Valid && (res.metAt.Valid || res.paused || !res.dueAt.Valid || fr.dueAt.Int64 <= res.dueAt.Int64):
		return fr.dueAt.Int64
	case !res.metAt.Valid && !res.paused && res.dueAt.Valid:
		return res.dueAt.Int64
	}
	return noDueMS
}

func encodeDueCursor(key, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("d" + strconv.FormatInt(key, 10) + "." + strconv.FormatInt(id, 10)))
}

func decodeDueCursor(c string) (int64, int64, error) {
	bad := sqm.FieldError("cursor", "The cursor is not one this server gave out.")
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < 4 || b[0] != 'd' {
		return 0, 0, bad
	}
	k, i, ok := strings.Cut(string(b[1:]), ".")
	key, err1 := strconv.ParseInt(k, 10, 64)
	id, err2 := strconv.ParseInt(i, 10, 64)
	if !ok || err1 != nil || err2 != nil || id <= 0 {
		return 0, 0, bad
	}
	return key, id, nil
}
