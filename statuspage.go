package sqm

import (
	"encoding/json"
	"time"
)

// StatusPage is a public page that shows a group of services to anyone with
// its address (/status/{slug}): their state, their daily availability over
// 90 days, their open incidents, the incidents resolved over the last 14
// days and planned maintenance. No account is needed to read it.
type StatusPage struct {
	ID          string    `json:"id"`
	Slug        string    `json:"slug"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	ServiceIDs  []string  `json:"service_ids"` // in the order shown
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Limits of a status page.
const (
	MaxSlug            = 60
	MaxPageServices    = 100
	MaxPageDescription = 2000
)

// StatusDays is the number of daily bars a status page shows, today
// included.
const StatusDays = 90

// A status page's history: the incidents resolved over HistoryDays UTC
// days, today included, at most MaxPastIncidents of them, the most
// recently resolved.
const (
	HistoryDays      = 14
	MaxPastIncidents = 100
)

// Validate checks a status page's own fields.
func (p *StatusPage) Validate() error {
	if err := CheckSlug(p.Slug); err != nil {
		return err
	}
	if err := checkText("title", p.Title, MaxName, true); err != nil {
		return err
	}
	if err := checkText("description", p.Description, MaxPageDescription, false); err != nil {
		return err
	}
	if len(p.ServiceIDs) == 0 {
		return FieldError("service_ids", "A status page shows at least one service.")
	}
	if len(p.ServiceIDs) > MaxPageServices {
		return FieldError("service_ids", "A status page shows at most %d services.", MaxPageServices)
	}
	seen := make(map[string]bool, len(p.ServiceIDs))
	for _, id := range p.ServiceIDs {
		if seen[id] {
			return FieldError("service_ids", "Service %q is listed twice.", id)
		}
		seen[id] = true
	}
	return nil
}

// CheckSlug validates the slug of a status page, the last part of its
// public address: 1 to 60 lowercase letters, digits and hyphens.
func CheckSlug(s string) error {
	if s == "" {
		return FieldError("slug", "The slug is required: the page's address is /status/<slug>.")
	}
	if len(s) > MaxSlug {
		return FieldError("slug", "The slug is longer than %d characters.", MaxSlug)
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return FieldError("slug", "The slug holds only lowercase letters, digits and hyphens (a-z, 0-9, -).")
		}
	}
	return nil
}

// The state of a service on a status page.
const (
	ServiceUp      = "up"      // no monitor is down and at least one is up
	ServiceDown    = "down"    // one of its running monitors is down
	ServiceUnknown = "unknown" // no running monitor has a result yet
)

// StatusView is what a status page shows at an instant, Updated. Every
// figure is measured in UTC days; the 90-day availability runs from the
// start of the first bar's day to Updated.
type StatusView struct {
	Page          StatusPage        `json:"page"`
	Updated       time.Time         `json:"updated"`
	Services      []ServiceStatus   `json:"services"`
	Incidents     []PublicIncident  `json:"incidents"`
	PastIncidents PastIncidents     `json:"past_incidents"`
	Maintenance   []MaintenanceView `json:"maintenance"`
}

// Down reports whether any service of the page is down.
func (v StatusView) Down() bool {
	for _, s := range v.Services {
		if s.State == ServiceDown {
			return true
		}
	}
	return false
}

// Known reports whether any service of the page has a known state.
func (v StatusView) Known() bool {
	for _, s := range v.Services {
		if s.State != ServiceUnknown {
			return true
		}
	}
	return false
}

// ServiceStatus is one service on a status page: its state now, its
// availability over the page's 90 days and one bar per UTC day, oldest
// first.
type ServiceStatus struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	State        string   `json:"state"`
	Availability *float64 `json:"availability"`
	Days         []DayBar `json:"days"`
}

// DayBar is a service's availability over one UTC day (its monitors'
// combined, as DESIGN.md defines it); nil when nothing was monitored. Its
// downtime is how long one of the service's monitors or more was down that
// day, maintenance left out.
type DayBar struct {
	Date         string   `json:"date"` // 2006-01-02
	Availability *float64 `json:"availability"`
	DownSeconds  int64    `json:"down_seconds"`
}

// PublicIncident is an open incident as a status page shows it: its title
// and status, never its description or comments.
type PublicIncident struct {
	ID        string    `json:"id"`
	ServiceID string    `json:"service_id"`
	Title     string    `json:"title"`
	Priority  Priority  `json:"priority"`
	Status    Status    `json:"status"`
	OpenedAt  time.Time `json:"opened_at"`
}

// PastIncident is a resolved incident as a status page's history shows it:
// what an open one shows, with when it was resolved (or closed) and how
// long it lasted from its opening.
type PastIncident struct {
	PublicIncident
	ResolvedAt      time.Time `json:"resolved_at"`
	DurationSeconds int64     `json:"duration_seconds"`
}

// PastIncidents is a status page's history, the most recently resolved
// first. It is written as a JSON array even when nil.
type PastIncidents []PastIncident

// MarshalJSON writes the history, [] when there is none.
func (p PastIncidents) MarshalJSON() ([]byte, error) {
	if p == nil {
		return []byte("[]"), nil
	}
	return json.Marshal([]PastIncident(p))
}

// MaintenanceView is planned maintenance as a status page shows it: of one
// of its services, or of every service when ServiceID is empty.
type MaintenanceView struct {
	ID        string    `json:"id"`
	ServiceID string    `json:"service_id"`
	Title     string    `json:"title"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
}

// Ongoing reports whether the maintenance is under way at instant at.
func (m MaintenanceView) Ongoing(at time.Time) bool {
	return !at.Before(m.StartsAt) && at.Before(m.EndsAt)
}
