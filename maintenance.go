package sqm

import "time"

// MaintenanceWindow is planned work on a service (or on every service when
// ServiceID is empty). Its time is left out of availability, both monitored
// time and downtime; monitors that go down in it and alerts that fire in it
// open no incident and notify nobody.
type MaintenanceWindow struct {
	ID        string    `json:"id"`
	ServiceID string    `json:"service_id"`
	Title     string    `json:"title"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	CreatedAt time.Time `json:"created_at"`
}

// MaxWindow bounds a maintenance window or a silence.
const MaxWindow = 31 * 24 * time.Hour

// Validate checks a window's own fields.
func (w *MaintenanceWindow) Validate() error {
	if err := CheckName("title", w.Title); err != nil {
		return err
	}
	return checkSpan(w.StartsAt, w.EndsAt)
}

func checkSpan(starts, ends time.Time) error {
	switch {
	case starts.IsZero():
		return FieldError("starts_at", "The start is required (RFC 3339).")
	case ends.IsZero():
		return FieldError("ends_at", "The end is required (RFC 3339).")
	case !ends.After(starts):
		return FieldError("ends_at", "The end must be after the start.")
	case ends.Sub(starts) > MaxWindow:
		return FieldError("ends_at", "A window lasts at most 31 days.")
	}
	return nil
}

// Silence mutes the alerts whose labels include all its matchers (and, when
// set, of one service) for a while: they are kept, counted and listed, but
// open no incident and notify nobody.
type Silence struct {
	ID        string            `json:"id"`
	ServiceID string            `json:"service_id"`
	Matchers  map[string]string `json:"matchers"`
	Comment   string            `json:"comment"`
	StartsAt  time.Time         `json:"starts_at"`
	EndsAt    time.Time         `json:"ends_at"`
	CreatedBy string            `json:"created_by"`
	CreatedAt time.Time         `json:"created_at"`
}

// Validate checks a silence's own fields.
func (s *Silence) Validate() error {
	if len(s.Matchers) == 0 && s.ServiceID == "" {
		return FieldError("matchers", "A silence names a service or at least one label to match; it would mute every alert.")
	}
	if len(s.Matchers) > MaxLabels {
		return FieldError("matchers", "At most %d matchers.", MaxLabels)
	}
	for k, v := range s.Matchers {
		if k == "" || len(k) > MaxName || len(v) > MaxLabelValue {
			return FieldError("matchers", "A matcher has a label name of 1 to 200 bytes and a value of at most 4,000.")
		}
	}
	if err := checkText("comment", s.Comment, MaxBody, false); err != nil {
		return err
	}
	return checkSpan(s.StartsAt, s.EndsAt)
}

// Mutes says whether the silence mutes an alert of a service at instant at.
func (s Silence) Mutes(serviceID string, labels map[string]string, at time.Time) bool {
	if at.Before(s.StartsAt) || !at.Before(s.EndsAt) || (s.ServiceID != "" && s.ServiceID != serviceID) {
		return false
	}
	for k, v := range s.Matchers {
		if labels[k] != v {
			return false
		}
	}
	return true
}
