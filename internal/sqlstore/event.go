package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/sqmhq/sqm"
)

// AddEvent appends one event to a ticket's timeline at the server's instant
// and recomputes its clocks in the same transaction. Agents and up.
// Backdated events are refused here; only an import brings them.
func (db *DB) AddEvent(ctx context.Context, id string, ne sqm.NewEvent) (sqm.Ticket, error) {
	if err := sqm.Require(ctx, sqm.RoleAgent); err != nil {
		return sqm.Ticket{}, err
	}
	tid, err := parseID("Ticket", id)
	if err != nil {
		return sqm.Ticket{}, err
	}
	if !ne.At.IsZero() {
		return sqm.Ticket{}, sqm.FieldError("at", "The server sets the instant of an event; backdated events come only through an import.")
	}
	if ne.By != "" {
		return sqm.Ticket{}, sqm.FieldError("by", "The server sets who wrote an event from your credentials; leave by out.")
	}
	if err := ne.Validate(); err != nil {
		return sqm.Ticket{}, err
	}
	var t *ticketRec
	err = db.write(ctx, func(tx *Tx) error {
		var err error
		t, err = tx.addEvent(tid, ne.Event)
		return err
	})
	if err != nil {
		return sqm.Ticket{}, err
	}
	return t.Ticket, nil
}

// addEvent appends the event mk makes at the write's instant (or just after
// the timeline's last event, to keep it in order across replicas' clocks)
// to a locked ticket, settles its clocks and audits it.
func (tx *Tx) addEvent(tid int64, mk func(at time.Time) sqm.Event) (*ticketRec, error) {
	t, err := tx.lockTicket(tid)
	if err != nil {
		return nil, err
	}
	r, err := tx.db.rules(tx.ctx, tx, t.serviceID, true)
	if err != nil {
		return nil, err
	}
	events, err := loadEvents(tx.ctx, tx, tid)
	if err != nil {
		return nil, err
	}
	at := tx.now
	if last := events[len(events)-1].At; last.After(at) {
		at = last
	}
	ev := mk(at)
	if err := sqm.CheckTransition(t.Status, t.Priority, ev); err != nil {
		return nil, err
	}
	t.Events = events
	if err := needsPublicReply(t, ev); err != nil {
		return nil, err
	}
	was := t.Status
	apply(t, ev)
	if err := tx.appendEvent(t, &ev); err != nil {
		return nil, err
	}
	if err := tx.settle(t, t.Events, r); err != nil {
		return nil, err
	}
	if t.Status.Done() && !was.Done() {
		if err := tx.survey(t); err != nil {
			return nil, err
		}
	}
	return t, tx.audit("ticket.event", "ticket", tid, ev)
}

// reproject recomputes, from their timelines, the clocks of the open
// tickets whose effective policy matches cond (over services s joined with
// sla_policies p), after an edit of that policy, its calendar or a service.
func (tx *Tx) reproject(cond string, args ...any) error {
	rows, err := tx.QueryContext(tx.ctx, `SELECT t.id FROM tickets t
		JOIN services s ON s.id = t.service_id
		JOIN sla_policies p ON p.id = `+effectivePolicy+`
		WHERE t.status NOT IN ('resolved', 'closed') AND `+cond+` ORDER BY t.id`, args...)
	if err != nil {
		return fmt.Errorf("reproject: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("reproject: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reproject: %w", err)
	}
	for _, id := range ids {
		if err := tx.resettle(id); err != nil {
			return fmt.Errorf("reproject ticket %d: %w", id, err)
		}
	}
	return nil
}

// resettle reloads one locked ticket and settles its clocks now.
func (tx *Tx) resettle(id int64) error {
	t, err := tx.lockTicket(id)
	if err != nil {
		return err
	}
	r, err := tx.db.rules(tx.ctx, tx, t.serviceID, true)
	if err != nil {
		return err
	}
	events, err := loadEvents(tx.ctx, tx, id)
	if err != nil {
		return err
	}
	t.Events = events
	return tx.settle(t, events, r)
}
