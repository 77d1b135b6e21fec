package sqm

import (
	"fmt"
	"time"
)

// ImportTicket is a historical ticket with its timeline, brought in by an
// admin. It is the only way backdated events enter sqm.
type ImportTicket struct {
	Ref         string     `json:"ref"`
	ServiceID   string     `json:"service_id"`
	Type        TicketType `json:"type"`
	Priority    Priority   `json:"priority"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	OpenedAt    time.Time  `json:"opened_at"`
	Events      []NewEvent `json:"events"`
}

// Import limits.
const (
	MaxImportTickets = 1000
	MaxImportEvents  = 500
)

// Validate checks an imported ticket against now; prefix names its place in
// the request (such as "tickets[3]").
func (t *ImportTicket) Validate(prefix string, now time.Time) error {
	wrap := func(err error) error {
		if e, ok := err.(*Error); ok && e.Field != "" {
			return &Error{Code: e.Code, Field: prefix + "." + e.Field, Message: e.Message}
		}
		return err
	}
	if err := checkText("ref", t.Ref, MaxName, true); err != nil {
		return wrap(err)
	}
	nt := NewTicket{ServiceID: t.ServiceID, Type: t.Type, Priority: t.Priority, Title: t.Title, Description: t.Description}
	if err := nt.Validate(); err != nil {
		return wrap(err)
	}
	if t.OpenedAt.IsZero() {
		return wrap(FieldError("opened_at", "The instant the ticket was opened is required."))
	}
	if t.OpenedAt.After(now) {
		return wrap(FieldError("opened_at", "A ticket cannot be opened in the future."))
	}
	if len(t.Events) > MaxImportEvents {
		return wrap(FieldError("events", "A ticket holds at most %d imported events.", MaxImportEvents))
	}
	last := t.OpenedAt
	for i := range t.Events {
		e := &t.Events[i]
		f := fmt.Sprintf("events[%d]", i)
		if err := e.Validate(); err != nil {
			return wrap(&Error{Code: EINVALID, Field: f + "." + ErrorField(err), Message: ErrorMessage(err)})
		}
		switch {
		case e.At.IsZero():
			return wrap(FieldError(f+".at", "Every imported event needs its instant."))
		case e.At.Before(last):
			return wrap(FieldError(f+".at", "Events must be in chronological order, at or after the opening."))
		case e.At.After(now):
			return wrap(FieldError(f+".at", "An event cannot be in the future."))
		}
		last = e.At
	}
	return nil
}
