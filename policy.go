package sqm

import (
	"fmt"
	"time"
)

// Target is the pair of SLA targets for one priority, in business time.
type Target struct {
	FirstResponse time.Duration `json:"first_response"`
	Resolution    time.Duration `json:"resolution"`
}

// SLAPolicy says how a ticket's clocks run: on which calendar, to which
// targets, paused by which statuses, and when to warn.
type SLAPolicy struct {
	ID            string              `json:"id"`
	Name          string              `json:"name"`
	CalendarID    string              `json:"calendar_id"`
	Targets       map[Priority]Target `json:"targets"`
	PauseStatuses []Status            `json:"pause_statuses"`
	WarnAtPercent int                 `json:"warn_at_percent"`
	Default       bool                `json:"default"`
	CreatedAt     time.Time           `json:"created_at"`
	UpdatedAt     time.Time           `json:"updated_at"`
}

// MaxTarget bounds a target: a year of business time.
const MaxTarget = 366 * 24 * time.Hour

// Validate checks a policy's own fields (the calendar's existence is the
// store's to check).
func (p *SLAPolicy) Validate() error {
	if err := CheckName("name", p.Name); err != nil {
		return err
	}
	if p.CalendarID == "" {
		return FieldError("calendar_id", "A calendar is required.")
	}
	for k := range p.Targets {
		if !k.Valid() {
			return FieldError("targets."+string(k), "Targets are keyed by priority P1, P2, P3 or P4.")
		}
	}
	for _, pr := range Priorities {
		t, ok := p.Targets[pr]
		if !ok {
			return FieldError("targets."+string(pr), "A target for %s is required.", pr)
		}
		for _, c := range []struct {
			name string
			d    time.Duration
		}{{"first_response", t.FirstResponse}, {"resolution", t.Resolution}} {
			if c.d <= 0 || c.d > MaxTarget {
				return FieldError(fmt.Sprintf("targets.%s.%s", pr, c.name), "A target must be a positive duration of at most %s, such as \"4h\".", MaxTarget)
			}
			if c.d%time.Second != 0 {
				return FieldError(fmt.Sprintf("targets.%s.%s", pr, c.name), "A target is counted in whole seconds.")
			}
		}
	}
	seen := map[Status]bool{}
	for i, s := range p.PauseStatuses {
		if !s.Valid() {
			return FieldError(fmt.Sprintf("pause_statuses[%d]", i), "Unknown status %q.", s)
		}
		if s.Done() || s == StatusNew {
			return FieldError(fmt.Sprintf("pause_statuses[%d]", i), "Status %s cannot pause the resolution clock.", s)
		}
		if seen[s] {
			return FieldError(fmt.Sprintf("pause_statuses[%d]", i), "Status %s is listed twice.", s)
		}
		seen[s] = true
	}
	if p.WarnAtPercent < 0 || p.WarnAtPercent > 99 {
		return FieldError("warn_at_percent", "The warning threshold is a percentage from 1 to 99, or 0 for no warning.")
	}
	return nil
}

// Pauses reports whether status s pauses the resolution clock.
func (p *SLAPolicy) Pauses(s Status) bool { return contains(p.PauseStatuses, s) }

// DefaultPolicyName is the name of the policy of a new installation.
const DefaultPolicyName = "Default"

// DefaultPolicy returns the strategy's policy: a first response within one
// hour and a repair within four, on the given calendar, paused while waiting
// on the customer, warning at 80%.
func DefaultPolicy(calendarID string) SLAPolicy {
	p := SLAPolicy{
		Name: DefaultPolicyName, CalendarID: calendarID, Default: true,
		Targets:       map[Priority]Target{},
		PauseStatuses: []Status{StatusWaitingOnCustomer},
		WarnAtPercent: 80,
	}
	for _, pr := range Priorities {
		p.Targets[pr] = Target{FirstResponse: time.Hour, Resolution: 4 * time.Hour}
	}
	return p
}
