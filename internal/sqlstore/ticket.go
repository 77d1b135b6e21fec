package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/sla"
)

// CreateTicket opens a ticket on a service and starts its clocks. Agents and up.
func (db *DB) CreateTicket(ctx context.Context, nt sqm.NewTicket) (sqm.Ticket, error) {
	if err := sqm.Require(ctx, sqm.RoleAgent); err != nil {
		return sqm.Ticket{}, err
	}
	if err := nt.Validate(); err != nil {
		return sqm.Ticket{}, err
	}
	sid, err := refID("service_id", "Service", nt.ServiceID)
	if err != nil {
		return sqm.Ticket{}, err
	}
	var t *ticketRec
	err = db.write(ctx, func(tx *Tx) error {
		t = &ticketRec{Ticket: sqm.Ticket{
			ServiceID: nt.ServiceID, Type: nt.Type, Priority: nt.Priority, Status: sqm.StatusNew,
			Title: nt.Title, Description: nt.Description, OpenedAt: tx.now, OpenedBy: tx.actor.UserID,
			RequesterEmail: nt.RequesterEmail,
		}, serviceID: sid.Int64}
		return tx.openTicket(t, nil)
	})
	if err != nil {
		return sqm.Ticket{}, err
	}
	return t.Ticket, nil
}

// openTicket inserts t with its projection, then its timeline: the opened
// event, an import's further events, and the SLA events already due.
func (tx *Tx) openTicket(t *ticketRec, more []sqm.NewEvent) error {
	r, err := tx.db.rules(tx.ctx, tx, t.serviceID, true)
	if err != nil {
		return err
	}
	t.TeamID = nullIDString(r.team)
	events := make([]sqm.Event, 0, len(more)+1)
	by := sqm.ByStaff
	if t.byRequester {
		by = sqm.ByRequester
	}
	events = append(events, sqm.Event{At: t.OpenedAt, Type: sqm.EventOpened, By: by, Priority: t.Priority})
	for i, ne := range more {
		ev := ne.Event(ne.At.UTC().Truncate(time.Millisecond))
		if err := sqm.CheckTransition(t.Status, t.Priority, ev); err != nil {
			return &sqm.Error{Code: sqm.EINVALID, Field: fmt.Sprintf("events[%d].%s", i, sqm.ErrorField(err)), Message: sqm.ErrorMessage(err)}
		}
		apply(t, ev)
		events = append(events, ev)
	}
	owed := tx.project(t, events, r)
	opener, _ := refID("", "", tx.actor.UserID)
	var ref sql.NullString
	if t.Ref != "" {
		ref = sql.NullString{String: t.Ref, Valid: true}
	}
	fr, res := &t.clocks[0], &t.clocks[1]
	t.id, err = tx.insert(`INSERT INTO tickets (ref, service_id, team_id, type, priority, status, title, description,
		opened_at, updated_at, opened_by, imported,
		fr_target, fr_elapsed, fr_due_at, fr_met_at, fr_warn_at, fr_paused, fr_warned, fr_breach_noted,
		res_target, res_elapsed, res_due_at, res_met_at, res_warn_at, res_paused, res_warned, res_breach_noted, next_at, requester_email)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
		$13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30)`,
		ref, t.serviceID, r.team, t.Type, t.Priority, t.Status, t.Title, t.Description,
		ms(t.OpenedAt), ms(tx.now), opener, t.Imported,
		fr.target, fr.elapsed, fr.dueAt, fr.metAt, fr.warnAt, fr.paused, fr.warned, fr.breachNoted,
		res.target, res.elapsed, res.dueAt, res.metAt, res.warnAt, res.paused, res.warned, res.breachNoted, nextAt(t.clocks),
		t.RequesterEmail)
	if err != nil {
		return fmt.Errorf("open ticket: %w", err)
	}
	t.ID = idString(t.id)
	if err := tx.rollup(t, contribution(t.clocks)); err != nil {
		return err
	}
	if err := tx.startEscalation(t); err != nil {
		return err
	}
	t.Events = make([]sqm.Event, 0, len(events)+len(owed))
	for _, list := range [][]sqm.Event{events, owed} {
		for i := range list {
			if err := tx.appendEvent(t, &list[i]); err != nil {
				return err
			}
		}
	}
	action := "ticket.create"
	if t.Imported {
		action = "ticket.import"
	}
	return tx.audit(action, "ticket", t.id, map[string]any{
		"ref": t.Ref, "service_id": t.ServiceID, "type": t.Type, "priority": t.Priority, "title": t.Title,
		"opened_at": t.OpenedAt, "events": len(events)})
}

// apply moves a ticket's current fields by one event.
func apply(t *ticketRec, ev sqm.Event) {
	switch ev.Type {
	case sqm.EventStatus:
		t.Status = ev.Status
	case sqm.EventPriority:
		t.Priority = ev.Priority
	}
}

// appendEvent writes an event to a ticket's timeline and tells the sinks.
func (tx *Tx) appendEvent(t *ticketRec, ev *sqm.Event) error {
	if ev.ActorID == "" && ev.By == sqm.ByStaff && !t.Imported {
		ev.ActorID, ev.Actor = tx.actor.UserID, tx.actor.Name
	}
	actor, _ := refID("", "", ev.ActorID)
	id, err := tx.insert(`INSERT INTO ticket_events (ticket_id, at, type, by_kind, actor_id, public, body, status, priority, clock, recorded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		t.id, ms(ev.At), ev.Type, ev.By, actor, ev.Public, ev.Body, ev.Status, ev.Priority, ev.Clock, ms(tx.now))
	if err != nil {
		return fmt.Errorf("append event: %w", err)
	}
	ev.ID = idString(id)
	t.Events = append(t.Events, *ev)
	tx.written = append(tx.written, *ev)
	if ev.Type == sqm.EventComment && ev.By == sqm.ByStaff && ev.Public && t.Type == sqm.TypeFeedback && t.RequesterEmail != "" && !t.Imported {
		if err := tx.mailReply(t, ev); err != nil {
			return err
		}
	}
	if ev.Type.System() && !t.Imported { // an import's past breaches are history, not news
		n := ticketNotice(string(ev.Type), &t.Ticket)
		n.Clock = ev.Clock
		n.DueAt = t.SLA.FirstResponse.DueAt
		if ev.Clock == sqm.Resolution {
			n.DueAt = t.SLA.Resolution.DueAt
		}
		return tx.notify("event:"+ev.ID, n)
	}
	return nil
}

// GetTicket returns a ticket with its timeline and both clocks evaluated now.
func (db *DB) GetTicket(ctx context.Context, id string) (sqm.Ticket, error) {
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return sqm.Ticket{}, err
	}
	tid, err := parseID("Ticket", id)
	if err != nil {
		return sqm.Ticket{}, err
	}
	t, err := loadTicket(ctx, db.ro, tid)
	if err != nil {
		return sqm.Ticket{}, err
	}
	events, err := loadEvents(ctx, db.ro, tid)
	if err != nil {
		return sqm.Ticket{}, err
	}
	r, err := db.rules(ctx, db.ro, t.serviceID, false)
	if err != nil {
		return sqm.Ticket{}, err
	}
	t.Events = events
	t.SLA = computeAt(events, r, db.Now(), t)
	if t.Type == sqm.TypeFeedback {
		if err := db.ro.QueryRowContext(ctx, `SELECT kind FROM feedback WHERE ticket_id = $1`, tid).Scan(&t.Kind); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return sqm.Ticket{}, fmt.Errorf("feedback: %w", err)
		}
	}
	if t.Survey, err = surveyOf(ctx, db.ro, tid); err != nil {
		return sqm.Ticket{}, err
	}
	if t.Attachments, err = attachmentsOf(ctx, db.ro, tid); err != nil {
		return sqm.Ticket{}, err
	}
	if len(t.Attachments) == 0 {
		t.Attachments = nil
	}
	return t.Ticket, nil
}

// computeAt evaluates the clocks of a stored ticket now, from its timeline
// and its service's current policy, keeping the saved figures of the clocks
// that were already met (see keepMet).
func computeAt(events []sqm.Event, r rules, now time.Time, t *ticketRec) sqm.Clocks {
	return keepMet(sla.Compute(events, r.policy, r.cal, now), t, r, now)
}

const ticketColumns = `SELECT id, ref, service_id, team_id, type, priority, status, title, description, opened_at, updated_at,
	opened_by, imported,
	fr_target, fr_elapsed, fr_due_at, fr_met_at, fr_warn_at, fr_paused, fr_warned, fr_breach_noted,
	res_target, res_elapsed, res_due_at, res_met_at, res_warn_at, res_paused, res_warned, res_breach_noted, requester_email
	FROM tickets`

func loadTicket(ctx context.Context, q querier, id int64) (*ticketRec, error) {
	return scanOneTicket(q.QueryRowContext(ctx, ticketColumns+` WHERE id = $1`, id), id)
}

// lockTicket loads a ticket for a write: it takes the rules lock in shared
// mode, then the ticket's row lock, in that order in every transaction.
func (tx *Tx) lockTicket(id int64) (*ticketRec, error) {
	d := tx.db.dialect
	return scanOneTicket(tx.QueryRowContext(tx.ctx, ticketColumns+d.shareRules()+` WHERE id = $1`+d.forUpdate(), id), id)
}

func scanOneTicket(row *sql.Row, id int64) (*ticketRec, error) {
	t, err := scanTicket(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, sqm.Errorf(sqm.ENOTFOUND, "Ticket %d not found.", id)
	}
	return t, err
}

func scanTicket(s scanner) (*ticketRec, error) {
	var (
		t               ticketRec
		ref             sql.NullString
		team, openedBy  sql.NullInt64
		opened, updated int64
		fr, res         = &t.clocks[0], &t.clocks[1]
	)
	err := s.Scan(&t.id, &ref, &t.serviceID, &team, &t.Type, &t.Priority, &t.Status, &t.Title, &t.Description,
		&opened, &updated, &openedBy, &t.Imported,
		&fr.target, &fr.elapsed, &fr.dueAt, &fr.metAt, &fr.warnAt, &fr.paused, &fr.warned, &fr.breachNoted,
		&res.target, &res.elapsed, &res.dueAt, &res.metAt, &res.warnAt, &res.paused, &res.warned, &res.breachNoted, &t.RequesterEmail)
	if err != nil {
		return nil, err
	}
	t.ID, t.Ref, t.ServiceID, t.TeamID = idString(t.id), ref.String, idString(t.serviceID), nullIDString(team)
	t.OpenedAt, t.UpdatedAt, t.OpenedBy = fromMS(opened), fromMS(updated), nullIDString(openedBy)
	return &t, nil
}

func loadEvents(ctx context.Context, q querier, ticketID int64) ([]sqm.Event, error) {
	rows, err := q.QueryContext(ctx, `SELECT e.id, e.at, e.type, e.by_kind, e.actor_id, COALESCE(u.name, ''), e.public,
			e.body, e.status, e.priority, e.clock
		FROM ticket_events e LEFT JOIN users u ON u.id = e.actor_id
		WHERE e.ticket_id = $1 ORDER BY e.at, e.id`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("load events: %w", err)
	}
	defer rows.Close()
	var events []sqm.Event
	for rows.Next() {
		var (
			e      sqm.Event
			id, at int64
			actor  sql.NullInt64
		)
		if err := rows.Scan(&id, &at, &e.Type, &e.By, &actor, &e.Actor, &e.Public, &e.Body, &e.Status, &e.Priority, &e.Clock); err != nil {
			return nil, fmt.Errorf("load events: %w", err)
		}
		e.ID, e.At, e.ActorID = idString(id), fromMS(at), nullIDString(actor)
		events = append(events, e)
	}
	return events, rows.Err()
}
