package sla_test

import (
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/calendar"
	"github.com/sqmhq/sqm/sla"
)

// stretch is an expected sqm.Stretch; a zero to means To == nil.
type stretch struct {
	from, to time.Time
	state    string
	prio     sqm.Priority
	target   time.Duration
}

func TestStretches(t *testing.T) {
	h := time.Hour
	events := []sqm.Event{opened(u("2025-03-03 09:00"), sqm.P3),
		status(u("2025-03-03 10:00"), sqm.StatusWaitingOnCustomer),
		prio(u("2025-03-03 10:30"), sqm.P1),
		status(u("2025-03-03 11:00"), sqm.StatusInProgress),
		status(u("2025-03-03 12:00"), sqm.StatusResolved),
		status(u("2025-03-03 12:30"), sqm.StatusClosed),
		status(u("2025-03-03 14:00"), sqm.StatusInProgress)}
	clocks := sla.Compute(events, testPolicy(0), calendar.Always(), u("2025-03-03 15:00"))

	tests := []struct {
		name string
		got  []sqm.Stretch
		want []stretch
	}{{
		name: "first response splits on a priority change and stops for good when met",
		got:  clocks.FirstResponse.Stretches,
		want: []stretch{
			{u("2025-03-03 09:00"), u("2025-03-03 10:30"), sla.Running, sqm.P3, 4 * h},
			{u("2025-03-03 10:30"), u("2025-03-03 12:00"), sla.Running, sqm.P1, h},
			{u("2025-03-03 12:00"), time.Time{}, sla.Stopped, sqm.P1, h},
		},
	}, {
		name: "resolution splits on every state and priority change",
		got:  clocks.Resolution.Stretches,
		want: []stretch{
			{u("2025-03-03 09:00"), u("2025-03-03 10:00"), sla.Running, sqm.P3, 24 * h},
			{u("2025-03-03 10:00"), u("2025-03-03 10:30"), sla.Paused, sqm.P3, 24 * h},
			{u("2025-03-03 10:30"), u("2025-03-03 11:00"), sla.Paused, sqm.P1, 4 * h},
			{u("2025-03-03 11:00"), u("2025-03-03 12:00"), sla.Running, sqm.P1, 4 * h},
			{u("2025-03-03 12:00"), u("2025-03-03 14:00"), sla.Stopped, sqm.P1, 4 * h},
			{u("2025-03-03 14:00"), time.Time{}, sla.Running, sqm.P1, 4 * h},
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.got) != len(tc.want) {
				t.Fatalf("got %d stretches %+v, want %d", len(tc.got), tc.got, len(tc.want))
			}
			for i, w := range tc.want {
				g := tc.got[i]
				if !g.From.Equal(w.from) || g.State != w.state || g.Priority != w.prio || g.Target != w.target {
					t.Errorf("stretch %d = %v %s %s %v, want %v %s %s %v",
						i, g.From, g.State, g.Priority, g.Target, w.from, w.state, w.prio, w.target)
				}
				checkInstant(t, "to", g.To, w.to)
			}
		})
	}
}

func TestComputeEdges(t *testing.T) {
	at := u("2025-03-03 09:00")
	tests := []struct {
		name   string
		events []sqm.Event
		policy *sqm.SLAPolicy
		cal    *calendar.Calendar
		now    time.Time
		state  sqm.ClockState
	}{
		{"an empty timeline gives zero clocks", nil, testPolicy(0), calendar.Always(), at, ""},
		{"a nil policy and calendar give zero targets on 24x7",
			[]sqm.Event{opened(at, sqm.P1)}, nil, nil, at.Add(time.Second), sqm.ClockBreached},
		{"an instant before opening counts nothing",
			[]sqm.Event{opened(at, sqm.P1)}, testPolicy(80), calendar.Always(), at.Add(-time.Hour), sqm.ClockRunning},
		{"an event after now has not happened yet",
			[]sqm.Event{opened(at, sqm.P1), ack(at.Add(2 * time.Hour))}, testPolicy(0), calendar.Always(), at.Add(time.Hour), sqm.ClockRunning},
		{"an event out of order counts at its predecessor's instant",
			[]sqm.Event{opened(at, sqm.P1), ack(at.Add(-time.Hour))}, testPolicy(0), calendar.Always(), at, sqm.ClockMet},
		{"unknown statuses and priorities are ignored",
			[]sqm.Event{opened(at, sqm.P1), status(at, "lost"), prio(at, "P9")}, testPolicy(0), calendar.Always(), at, sqm.ClockRunning},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := sla.Compute(tc.events, tc.policy, tc.cal, tc.now)
			if c.FirstResponse.State != tc.state {
				t.Errorf("first response state = %q, want %q", c.FirstResponse.State, tc.state)
			}
		})
	}
}
