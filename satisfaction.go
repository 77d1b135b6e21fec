package sqm

import "time"

// MaxSurveyComments is how many commented answers a satisfaction report
// lists: the latest.
const MaxSurveyComments = 50

// NoName names a breakdown row without a team or an agent.
const NoName = "—"

// SatisfactionReport breaks a period's CSAT down by service, team and agent
// (as each survey recorded them when its ticket was resolved), with the
// latest comments behind it. It reads the answers given in [From, To) that
// pass a scorecard's filters.
type SatisfactionReport struct {
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
	ServiceID string    `json:"service_id,omitempty"`
	TeamID    string    `json:"team_id,omitempty"`
	// Each breakdown is sorted by responses, most first.
	Services []CSATRow `json:"services"`
	Teams    []CSATRow `json:"teams"`
	Agents   []CSATRow `json:"agents"`
	// Comments are the latest answers with a comment, newest first; at
	// most MaxSurveyComments.
	Comments []SurveyComment `json:"comments"`
}

// CSATRow is the CSAT of one service, team or agent. ID is empty and Name
// NoName for the answers of tickets without a team or an agent.
type CSATRow struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	CSATCount
}

// SurveyComment is a survey answer with a comment, and what it rated.
type SurveyComment struct {
	Rating      int       `json:"rating"`
	Comment     string    `json:"comment"`
	AnsweredAt  time.Time `json:"answered_at"`
	TicketID    string    `json:"ticket_id"`
	TicketTitle string    `json:"ticket_title"`
	Service     string    `json:"service"`
}

// FeedbackRecord is a feedback ticket as the feedback export writes it,
// with its latest survey's answer.
type FeedbackRecord struct {
	TicketID       string
	OpenedAt       time.Time
	Kind           FeedbackKind
	Service        string
	Status         Status
	Priority       Priority
	Title          string
	RequesterEmail string
	FirstResponse  *time.Time // the first-response clock's met instant
	Resolution     *time.Time // the resolution clock's met instant
	Rating         *int
	Comment        string
}

// SurveyRecord is an answered survey as the survey export writes it. Team
// and Agent are empty when the ticket had none.
type SurveyRecord struct {
	ID          string
	TicketID    string
	Type        TicketType
	Service     string
	Team        string
	Agent       string
	SLABreached bool
	SentAt      time.Time
	AnsweredAt  time.Time
	Rating      int
	Comment     string
}
