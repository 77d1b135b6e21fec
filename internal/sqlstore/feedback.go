package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/sqmhq/sqm"
)

// SubmitFeedback opens a feedback ticket on the named service, opened by its
// requester, with SLA clocks from the service's policy, and returns the
// submitter's private tracking token. Agents and up: the public portal calls
// it as sqm.PortalActor.
func (db *DB) SubmitFeedback(ctx context.Context, nf sqm.NewFeedback) (sqm.FeedbackReceipt, error) {
	var out sqm.FeedbackReceipt
	if err := sqm.Require(ctx, sqm.RoleAgent); err != nil {
		return out, err
	}
	if err := nf.Validate(); err != nil {
		return out, err
	}
	types, err := sqm.CheckAttachments(nf.Attachments)
	if err != nil {
		return out, err
	}
	sid, err := refID("service_id", "Service", nf.ServiceID)
	if err != nil {
		return out, err
	}
	err = db.write(ctx, func(tx *Tx) error {
		var one int
		if err := tx.QueryRowContext(tx.ctx, `SELECT 1 FROM services WHERE id = $1`, sid.Int64).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return sqm.FieldError("service_id", "No service %s takes feedback.", nf.ServiceID)
		} else if err != nil {
			return fmt.Errorf("feedback: %w", err)
		}
		t := &ticketRec{Ticket: sqm.Ticket{
			ServiceID: nf.ServiceID, Type: sqm.TypeFeedback, Priority: nf.Kind.Priority(), Status: sqm.StatusNew,
			Title: nf.Title, Description: nf.Description, OpenedAt: tx.now, RequesterEmail: nf.ContactEmail, Kind: nf.Kind,
		}, serviceID: sid.Int64, byRequester: true}
		if err := tx.openTicket(t, nil); err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO feedback (ticket_id, kind, tracking, created_at, lang, service_id) VALUES ($1, $2, 1, $3, $4, $5)`,
			t.id, nf.Kind, ms(tx.now), nf.Lang, sid.Int64); err != nil {
			return fmt.Errorf("feedback: %w", err)
		}
		for i, a := range nf.Attachments {
			if _, err := tx.exec(`INSERT INTO attachments (ticket_id, name, content_type, size, data, by_kind, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, t.id, a.Name, types[i], len(a.Data), a.Data, sqm.ByRequester, ms(tx.now)); err != nil {
				return fmt.Errorf("attachment: %w", err)
			}
		}
		token, err := tx.signed("track", t.id, 1)
		if err != nil {
			return err
		}
		out = sqm.FeedbackReceipt{TicketID: t.ID, Token: token}
		n := ticketNotice(sqm.MailFeedbackReceived, &t.Ticket)
		n.Lang, n.LinkPath = nf.Lang, "/portal/t/"+token
		if err := tx.mailRequester(fmt.Sprintf("feedback:%d", t.id), nf.ContactEmail, n); err != nil {
			return err
		}
		return tx.audit("feedback.submit", "ticket", t.id, map[string]any{"kind": nf.Kind})
	})
	return out, err
}

// RenewTracking revokes a feedback ticket's tracking link and returns a
// new one, for an agent to pass on. Agents and up.
func (db *DB) RenewTracking(ctx context.Context, id string) (string, error) {
	if err := sqm.Require(ctx, sqm.RoleAgent); err != nil {
		return "", err
	}
	tid, err := parseID("Ticket", id)
	if err != nil {
		return "", err
	}
	var token string
	err = db.write(ctx, func(tx *Tx) error {
		var gen int64
		err := tx.QueryRowContext(tx.ctx, `UPDATE feedback SET tracking = tracking + 1 WHERE ticket_id = $1 RETURNING tracking`, tid).Scan(&gen)
		if errors.Is(err, sql.ErrNoRows) {
			return sqm.Errorf(sqm.ENOTFOUND, "Ticket %d has no tracking link: it did not come from the feedback portal.", tid)
		}
		if err != nil {
			return fmt.Errorf("tracking: %w", err)
		}
		if token, err = tx.signed("track", tid, gen); err != nil {
			return err
		}
		return tx.audit("feedback.tracking_renewed", "ticket", tid, nil)
	})
	return token, err
}

var errBadTracking = sqm.Errorf(sqm.ENOTFOUND, "This tracking link is not valid. It may have been replaced by a newer one.")

// trackedTicket reads a tracking token: the ticket it names, while the link
// is the ticket's current one.
func (tx *Tx) trackedTicket(token string) (int64, error) { return trackedTicket(tx.ctx, tx, token) }

func trackedTicket(ctx context.Context, q querier, token string) (int64, error) {
	parts, err := checkToken(ctx, q, "track", token, 2, errBadTracking)
	if err != nil {
		return 0, err
	}
	var gen int64
	err = q.QueryRowContext(ctx, `SELECT tracking FROM feedback WHERE ticket_id = $1`, parts[0]).Scan(&gen)
	if errors.Is(err, sql.ErrNoRows) || gen != parts[1] {
		return 0, errBadTracking
	}
	if err != nil {
		return 0, fmt.Errorf("tracking: %w", err)
	}
	return parts[0], nil
}

// Track returns what the submitter may see of their feedback: its public
// replies and its survey, never internal notes. No role: the token is the
// authority.
func (db *DB) Track(ctx context.Context, token string) (sqm.Tracking, error) {
	var tr sqm.Tracking
	// Reads only: anyone may try a link, and none takes the writer.
	err := func() error {
		q := db.ro
		tid, err := trackedTicket(ctx, q, token)
		if err != nil {
			return err
		}
		t, err := loadTicket(ctx, q, tid)
		if err != nil {
			return err
		}
		events, err := loadEvents(ctx, q, tid)
		if err != nil {
			return err
		}
		tr = sqm.Tracking{TicketID: t.ID, Title: t.Title, Description: t.Description, Status: t.Status, OpenedAt: t.OpenedAt,
			Replies: []sqm.PublicReply{}}
		if err := q.QueryRowContext(ctx, `SELECT f.kind, s.name FROM feedback f JOIN services s ON s.id = $2 WHERE f.ticket_id = $1`,
			tid, t.serviceID).Scan(&tr.Kind, &tr.Service); err != nil {
			return fmt.Errorf("tracking: %w", err)
		}
		for _, e := range events {
			if e.Type != sqm.EventComment || !e.Public || (e.By != sqm.ByStaff && e.By != sqm.ByRequester) {
				continue
			}
			// Staff answer as "Support": their login names stay inside.
			r := sqm.PublicReply{At: e.At, By: e.By, Body: e.Body}
			tr.Replies = append(tr.Replies, r)
		}
		if tr.Attachments, err = attachmentsOf(ctx, q, tid); err != nil {
			return err
		}
		tr.Survey, err = surveyOf(ctx, q, tid)
		return err
	}()
	return tr, err
}

// attachmentsOf lists a ticket's files, oldest first.
func attachmentsOf(ctx context.Context, q querier, ticket int64) ([]sqm.Attachment, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, content_type, size, by_kind, created_at FROM attachments WHERE ticket_id = $1 ORDER BY id`, ticket)
	if err != nil {
		return nil, fmt.Errorf("attachments: %w", err)
	}
	defer rows.Close()
	out := []sqm.Attachment{}
	for rows.Next() {
		var (
			a      sqm.Attachment
			id, at int64
		)
		if err := rows.Scan(&id, &a.Name, &a.ContentType, &a.Size, &a.By, &at); err != nil {
			return nil, fmt.Errorf("attachments: %w", err)
		}
		a.ID, a.CreatedAt = idString(id), fromMS(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// AttachmentFile is a file with its content.
type AttachmentFile struct {
	sqm.Attachment
	Data []byte
}

func readAttachment(ctx context.Context, q querier, ticket int64, id string) (AttachmentFile, error) {
	var f AttachmentFile
	aid, err := parseID("Attachment", id)
	if err != nil {
		return f, err
	}
	var at int64
	err = q.QueryRowContext(ctx, `SELECT name, content_type, size, by_kind, created_at, data FROM attachments WHERE id = $1 AND ticket_id = $2`,
		aid, ticket).Scan(&f.Name, &f.ContentType, &f.Size, &f.By, &at, &f.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return f, sqm.Errorf(sqm.ENOTFOUND, "Attachment %d not found.", aid)
	}
	if err != nil {
		return f, fmt.Errorf("attachment: %w", err)
	}
	f.ID, f.CreatedAt = idString(aid), fromMS(at)
	return f, nil
}

// GetAttachment returns a file of a ticket. Viewers and up.
func (db *DB) GetAttachment(ctx context.Context, ticket, id string) (AttachmentFile, error) {
	if err := sqm.Require(ctx, sqm.RoleViewer); err != nil {
		return AttachmentFile{}, err
	}
	tid, err := parseID("Ticket", ticket)
	if err != nil {
		return AttachmentFile{}, err
	}
	return readAttachment(ctx, db.ro, tid, id)
}

// TrackedAttachment returns a file of the feedback a tracking link names.
// No role: the token is the authority.
func (db *DB) TrackedAttachment(ctx context.Context, token, id string) (AttachmentFile, error) {
	tid, err := trackedTicket(ctx, db.ro, token)
	if err != nil {
		return AttachmentFile{}, err
	}
	return readAttachment(ctx, db.ro, tid, id)
}

// ReplyByTracking adds the submitter's public reply to their feedback; one
// waiting on them goes back to in progress. No role: the token is the
// authority.
func (db *DB) ReplyByTracking(ctx context.Context, token, body string) error {
	ne := sqm.NewEvent{Type: sqm.EventComment, By: sqm.ByRequester, Public: ptr(true), Body: body}
	if err := ne.Validate(); err != nil {
		return err
	}
	if len(body) > sqm.MaxFeedbackText {
		return sqm.FieldError("body", "A reply is at most %d bytes.", sqm.MaxFeedbackText)
	}
	return db.write(ctx, func(tx *Tx) error {
		tid, err := tx.trackedTicket(token)
		if err != nil {
			return err
		}
		t, err := tx.addEvent(tid, ne.Event)
		if err != nil {
			return err
		}
		if t.Status == sqm.StatusWaitingOnCustomer {
			_, err = tx.addEvent(tid, func(at time.Time) sqm.Event {
				return sqm.Event{At: at, Type: sqm.EventStatus, By: sqm.BySystem, Status: sqm.StatusInProgress}
			})
		}
		return err
	})
}

// needsPublicReply refuses to resolve or close a feedback ticket that has
// had no public reply from staff: the loop is closed with the submitter.
func needsPublicReply(t *ticketRec, ev sqm.Event) error {
	if t.Type != sqm.TypeFeedback || t.Imported || ev.Type != sqm.EventStatus || !ev.Status.Done() || t.Status.Done() {
		return nil
	}
	for _, e := range t.Events {
		if e.Type == sqm.EventComment && e.By == sqm.ByStaff && e.Public {
			return nil
		}
	}
	return sqm.Errorf(sqm.ECONFLICT, "Feedback is resolved or closed only after a public reply to the person who sent it; reply first.")
}

func ptr[T any](v T) *T { return &v }

// mailReply tells the submitter of a feedback ticket of a public reply,
// with its text and their tracking link.
func (tx *Tx) mailReply(t *ticketRec, ev *sqm.Event) error {
	if !tx.db.MailRequesters {
		return nil
	}
	var (
		gen  int64
		lang string
	)
	err := tx.QueryRowContext(tx.ctx, `SELECT tracking, lang FROM feedback WHERE ticket_id = $1`, t.id).Scan(&gen, &lang)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // a feedback ticket opened by staff: no tracking link
	}
	if err != nil {
		return fmt.Errorf("reply mail: %w", err)
	}
	token, err := tx.signed("track", t.id, gen)
	if err != nil {
		return err
	}
	n := ticketNotice(sqm.MailFeedbackReply, &t.Ticket)
	n.Lang, n.LinkPath = lang, "/portal/t/"+token
	n.Detail = ev.Body
	return tx.mailRequester("reply:"+ev.ID, t.RequesterEmail, n)
}
