package sqm

import (
	"encoding/json"
	"time"
)

// ClockName names one of a ticket's two SLA clocks.
type ClockName string

// The clocks.
const (
	FirstResponse ClockName = "first_response"
	Resolution    ClockName = "resolution"
)

// ClockState is the state of an SLA clock at an instant.
type ClockState string

// The clock states; breached wins over the others.
const (
	ClockRunning  ClockState = "running"
	ClockPaused   ClockState = "paused"
	ClockMet      ClockState = "met"
	ClockBreached ClockState = "breached"
)

// Valid reports whether s is a known clock state.
func (s ClockState) Valid() bool {
	return s == ClockRunning || s == ClockPaused || s == ClockMet || s == ClockBreached
}

// Clock is an SLA clock evaluated at an instant, as DESIGN.md defines it.
type Clock struct {
	State    ClockState    `json:"state"`
	Breached bool          `json:"breached"`
	Target   time.Duration `json:"-"`
	Elapsed  time.Duration `json:"-"`
	DueAt    *time.Time    `json:"due_at"`
	MetAt    *time.Time    `json:"met_at"`
	// WarnAt is the instant the clock reached (or will reach, running on)
	// the policy's warning threshold; nil when it will not be reached.
	WarnAt *time.Time `json:"warn_at,omitempty"`
	// Stretches explains the clock: its running, paused and stopped spans.
	Stretches []Stretch `json:"stretches,omitempty"`
}

// Stretch is a span of a clock's life in one state, under one priority's target.
type Stretch struct {
	From     time.Time     `json:"from"`
	To       *time.Time    `json:"to"` // nil: up to now and on
	State    string        `json:"state"`
	Priority Priority      `json:"priority"`
	Target   time.Duration `json:"-"`
}

// Clocks are the two SLA clocks of a ticket.
type Clocks struct {
	FirstResponse Clock `json:"first_response"`
	Resolution    Clock `json:"resolution"`
}

// MarshalJSON writes durations as integer seconds, as the API promises.
func (c Clock) MarshalJSON() ([]byte, error) {
	type plain Clock
	return json.Marshal(struct {
		plain
		TargetSeconds  int64 `json:"target_seconds"`
		ElapsedSeconds int64 `json:"elapsed_seconds"`
	}{plain(c), int64(c.Target / time.Second), int64(c.Elapsed / time.Second)})
}

// MarshalJSON writes the target as integer seconds.
func (s Stretch) MarshalJSON() ([]byte, error) {
	type plain Stretch
	return json.Marshal(struct {
		plain
		TargetSeconds int64 `json:"target_seconds"`
	}{plain(s), int64(s.Target / time.Second)})
}
