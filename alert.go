package sqm

import (
	"fmt"
	"time"
)

// Alert statuses.
const (
	AlertFiring   = "firing"
	AlertResolved = "resolved"
)

// Alert is a signal from outside (Prometheus Alertmanager, a generic
// webhook) about a service. Alerts are deduplicated by their source and
// fingerprint; the firing alerts of one group on one service share one
// incident.
type Alert struct {
	ID          string            `json:"id"`
	Source      string            `json:"source"`
	Fingerprint string            `json:"fingerprint"`
	GroupKey    string            `json:"group_key"`
	Service     string            `json:"service"` // the service's name, or its ID, as the sender gave it
	ServiceID   string            `json:"service_id"`
	Name        string            `json:"name"`
	Severity    string            `json:"severity"`
	Status      string            `json:"status"`
	Summary     string            `json:"summary"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	URL         string            `json:"url"`
	StartsAt    time.Time         `json:"starts_at"`
	EndsAt      *time.Time        `json:"ends_at"`
	// Received counts the notifications of this alert, repeats included.
	Received int    `json:"received"`
	TicketID string `json:"ticket_id"`
	// Suppressed says why the alert opened no incident: "maintenance",
	// "silence:<id>", or "".
	Suppressed  string    `json:"suppressed"`
	FirstSeenAt time.Time `json:"first_seen_at"`
	LastSeenAt  time.Time `json:"last_seen_at"`
}

// SeverityPriority is the incident priority of an alert's severity:
// critical P1, error P2, warning P3, info P4; anything else P3.
func SeverityPriority(severity string) Priority {
	switch severity {
	case "critical":
		return P1
	case "error":
		return P2
	case "info":
		return P4
	}
	return P3
}

// Bounds of an alert's text.
const (
	MaxLabels     = 64
	MaxLabelValue = 4000
	MaxAlerts     = 1000 // in one notification
)

// Validate checks an alert as received; field is its place in the
// notification, for messages.
func (a *Alert) Validate(field string) error {
	switch a.Status {
	case AlertFiring, AlertResolved:
	default:
		return FieldError(field+".status", "Status must be firing or resolved.")
	}
	if a.Service == "" {
		return FieldError(field+".labels.service", "The alert needs a service label naming an sqm service.")
	}
	if a.Fingerprint == "" || len(a.Fingerprint) > MaxName {
		return FieldError(field+".fingerprint", "A fingerprint of 1 to 200 characters is required.")
	}
	if len(a.Labels) > MaxLabels || len(a.Annotations) > MaxLabels {
		return FieldError(field+".labels", "At most %d labels and %d annotations.", MaxLabels, MaxLabels)
	}
	for _, m := range []map[string]string{a.Labels, a.Annotations} {
		for k, v := range m {
			if len(k) > MaxName || len(v) > MaxLabelValue {
				return FieldError(field+".labels", "A label name is at most 200 bytes and a value at most 4,000.")
			}
		}
	}
	if len(a.GroupKey) > 4000 || len(a.URL) > 4000 || len(a.Summary) > MaxBody {
		return FieldError(field, "The alert's group key, URL or summary is too long.")
	}
	return nil
}

// AlertIntake is what sqm did with a notification of alerts.
type AlertIntake struct {
	Received       int      `json:"received"`
	Fired          int      `json:"fired"`        // alerts that started firing
	Deduplicated   int      `json:"deduplicated"` // repeats of alerts already firing
	Resolved       int      `json:"resolved"`     // firing alerts that resolved
	Suppressed     int      `json:"suppressed"`   // muted by a maintenance window or a silence
	IncidentsOpen  []string `json:"incidents"`    // the incidents the alerts are attached to
	OpenedIncident []string `json:"opened"`       // the incidents this notification opened
}

// AlertTitle is an incident's title for its first alert.
func AlertTitle(a Alert, service string) string {
	s := a.Summary
	if s == "" {
		s = a.Name
	}
	if s == "" {
		s = "Alert"
	}
	return fmt.Sprintf("%s (%s)", s, service)
}
