package sqm

import "time"

// TicketType is the kind of work a ticket tracks.
type TicketType string

// The ticket types.
const (
	TypeIncident TicketType = "incident"
	TypeRequest  TicketType = "request"
	TypeProblem  TicketType = "problem"
	TypeChange   TicketType = "change"
	TypeFeedback TicketType = "feedback"
)

// TicketTypes lists every ticket type in display order.
var TicketTypes = []TicketType{TypeIncident, TypeRequest, TypeProblem, TypeChange, TypeFeedback}

// Valid reports whether t is a known ticket type.
func (t TicketType) Valid() bool { return contains(TicketTypes, t) }

// Priority is a ticket's urgency, P1 the most urgent.
type Priority string

// The priorities.
const (
	P1 Priority = "P1"
	P2 Priority = "P2"
	P3 Priority = "P3"
	P4 Priority = "P4"
)

// Priorities lists every priority, most urgent first.
var Priorities = []Priority{P1, P2, P3, P4}

// Valid reports whether p is a known priority.
func (p Priority) Valid() bool { return contains(Priorities, p) }

// Status is where a ticket stands in its life.
type Status string

// The statuses.
const (
	StatusNew               Status = "new"
	StatusInProgress        Status = "in_progress"
	StatusWaitingOnCustomer Status = "waiting_on_customer"
	StatusResolved          Status = "resolved"
	StatusClosed            Status = "closed"
)

// Statuses lists every status in the order of a ticket's life.
var Statuses = []Status{StatusNew, StatusInProgress, StatusWaitingOnCustomer, StatusResolved, StatusClosed}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return contains(Statuses, s) }

// Done reports whether s stops the resolution clock (resolved or closed).
func (s Status) Done() bool { return s == StatusResolved || s == StatusClosed }

// Ticket is a unit of work with two SLA clocks. Its history is the append-only
// timeline of its events; its clocks are a projection of that timeline.
type Ticket struct {
	ID          string     `json:"id"`
	Ref         string     `json:"ref,omitempty"` // the organisation's own reference, from an import
	ServiceID   string     `json:"service_id"`
	TeamID      string     `json:"team_id,omitempty"`
	Type        TicketType `json:"type"`
	Priority    Priority   `json:"priority"`
	Status      Status     `json:"status"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	OpenedAt    time.Time  `json:"opened_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	OpenedBy    string     `json:"opened_by,omitempty"`
	Imported    bool       `json:"imported"`
	// RequesterEmail is the address of the person the ticket is for, where
	// known; the satisfaction survey goes to it.
	RequesterEmail string `json:"requester_email,omitempty"`
	// Kind is a feedback ticket's kind.
	Kind   FeedbackKind `json:"kind,omitempty"`
	SLA    Clocks       `json:"sla"`
	Events []Event      `json:"events,omitempty"`
	// Survey is the latest satisfaction survey of the ticket.
	Survey *Survey `json:"survey,omitempty"`
	// Attachments are the files sent with the ticket.
	Attachments []Attachment `json:"attachments,omitempty"`
}

// NewTicket is the input that opens a ticket.
type NewTicket struct {
	ServiceID      string     `json:"service_id"`
	Type           TicketType `json:"type"`
	Priority       Priority   `json:"priority"`
	Title          string     `json:"title"`
	Description    string     `json:"description"`
	RequesterEmail string     `json:"requester_email"`
}

// Limits on free text, in bytes.
const (
	MaxTitle = 300
	MaxBody  = 64 << 10
	MaxName  = 200
)

// Validate checks a new ticket's fields.
func (t *NewTicket) Validate() error {
	if t.ServiceID == "" {
		return FieldError("service_id", "A service is required.")
	}
	if !t.Type.Valid() {
		return FieldError("type", "Type must be one of incident, request, problem, change, feedback.")
	}
	if !t.Priority.Valid() {
		return FieldError("priority", "Priority must be one of P1, P2, P3, P4.")
	}
	if err := checkText("title", t.Title, MaxTitle, true); err != nil {
		return err
	}
	if err := checkText("description", t.Description, MaxBody, false); err != nil {
		return err
	}
	var err error
	t.RequesterEmail, err = CheckEmail("requester_email", t.RequesterEmail)
	return err
}

// TicketFilter selects tickets for a queue.
type TicketFilter struct {
	ServiceID string
	TeamID    string
	Type      TicketType
	Status    Status
	Priority  Priority
	SLAState  ClockState // the ticket's worst clock state
	// OpenedFrom and OpenedTo bound the instant of opening, [from, to),
	// as a scorecard's period does; zero means unbounded.
	OpenedFrom, OpenedTo time.Time
	// Sort is "" (newest first) or "due" (time left: the clock that falls
	// due first, overdue ones first; tickets with no running clock last).
	Sort   string
	Limit  int
	Cursor string
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
