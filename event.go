package sqm

import "time"

// EventType names an entry of a ticket's timeline.
type EventType string

// The event types. The first group is written by people (or an import), the
// second by sqm itself.
const (
	EventOpened   EventType = "opened"
	EventComment  EventType = "comment"
	EventAck      EventType = "ack"
	EventStatus   EventType = "status"
	EventPriority EventType = "priority"

	EventSLAWarning  EventType = "sla_warning"
	EventSLABreached EventType = "sla_breached"
)

// System reports whether sqm writes events of this type itself.
func (t EventType) System() bool { return t == EventSLAWarning || t == EventSLABreached }

// Who wrote a comment.
const (
	ByStaff     = "staff"
	ByRequester = "requester"
	BySystem    = "system"
)

// Event is one entry of a ticket's append-only timeline. Which fields are set
// depends on Type: Body and Public for a comment, Status for a status change,
// Priority for a priority change (and for opened), Clock for SLA events.
type Event struct {
	ID       string    `json:"id"`
	At       time.Time `json:"at"`
	Type     EventType `json:"type"`
	By       string    `json:"by"`
	ActorID  string    `json:"actor_id,omitempty"`
	Actor    string    `json:"actor,omitempty"`
	Public   bool      `json:"public"`
	Body     string    `json:"body,omitempty"`
	Status   Status    `json:"status,omitempty"`
	Priority Priority  `json:"priority,omitempty"`
	Clock    ClockName `json:"clock,omitempty"`
}

// NewEvent is an event posted to a ticket. At and By are empty on the live
// API (the server's clock and the caller decide) and set by an import.
type NewEvent struct {
	At       time.Time `json:"at"`
	Type     EventType `json:"type"`
	By       string    `json:"by"`
	Public   *bool     `json:"public"`
	Body     string    `json:"body"`
	Status   Status    `json:"status"`
	Priority Priority  `json:"priority"`
}

// Validate checks the event's own fields; ApplyEvent checks it against the
// ticket's state.
func (e *NewEvent) Validate() error {
	switch e.Type {
	case EventComment:
		if e.By != "" && e.By != ByStaff && e.By != ByRequester {
			return FieldError("by", "By must be staff or requester.")
		}
		if e.Public == nil {
			return FieldError("public", "Say whether the comment is public (true: a reply the requester sees) or an internal note (false).")
		}
		return checkText("body", e.Body, MaxBody, true)
	case EventAck, EventStatus, EventPriority:
	default:
		return FieldError("type", "Type must be one of comment, ack, status, priority.")
	}
	if e.By != "" && e.By != ByStaff {
		return FieldError("by", "Only a comment can come from the requester; by must be staff or left out.")
	}
	if e.Type == EventStatus && !e.Status.Valid() {
		return FieldError("status", "Status must be one of new, in_progress, waiting_on_customer, resolved, closed.")
	}
	if e.Type == EventPriority && !e.Priority.Valid() {
		return FieldError("priority", "Priority must be one of P1, P2, P3, P4.")
	}
	return nil
}

// Event returns the timeline entry for e, written at the instant at.
func (e *NewEvent) Event(at time.Time) Event {
	ev := Event{At: at, Type: e.Type, By: e.By}
	switch e.Type {
	case EventComment:
		ev.Body = e.Body
		ev.Public = e.Public != nil && *e.Public
		if ev.By == "" {
			ev.By = ByStaff
		}
	case EventStatus:
		ev.Status = e.Status
	case EventPriority:
		ev.Priority = e.Priority
	}
	if ev.By == "" {
		ev.By = ByStaff
	}
	return ev
}

// CheckTransition reports whether event e may follow a ticket currently in
// status s with priority p.
func CheckTransition(s Status, p Priority, e Event) error {
	switch e.Type {
	case EventStatus:
		if e.Status == s {
			return &Error{Code: ECONFLICT, Field: "status", Message: "The ticket is already " + string(s) + "."}
		}
	case EventPriority:
		if e.Priority == p {
			return &Error{Code: ECONFLICT, Field: "priority", Message: "The ticket already has priority " + string(p) + "."}
		}
	case EventAck:
		if s == StatusClosed {
			return Errorf(ECONFLICT, "A closed ticket cannot be acknowledged.")
		}
	}
	return nil
}
