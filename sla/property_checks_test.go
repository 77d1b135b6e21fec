package sla_test

import (
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/sla"
)

func TestElapsedIsBoundedByBusinessTime(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genScenario(t)
		business := s.cal.Business(s.events[0].At, s.now)
		for name, c := range both(sla.Compute(s.events, s.policy, s.cal, s.now)) {
			if c.Elapsed < 0 || c.Elapsed > business {
				t.Fatalf("%s elapsed %v, business time since opening %v", name, c.Elapsed, business)
			}
		}
	})
}

func TestElapsedIsMonotonicInNow(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genScenario(t)
		from := s.events[0].At.Add(-24 * time.Hour)
		span := int64(s.now.Sub(from) / time.Second)
		a := from.Add(time.Duration(rapid.Int64Range(0, span).Draw(t, "a")) * time.Second)
		b := a.Add(time.Duration(rapid.Int64Range(0, 3*24*3600).Draw(t, "b")) * time.Second)
		ca, cb := sla.Compute(s.events, s.policy, s.cal, a), sla.Compute(s.events, s.policy, s.cal, b)
		for _, name := range []sqm.ClockName{sqm.FirstResponse, sqm.Resolution} {
			if ea, eb := pick(ca, name).Elapsed, pick(cb, name).Elapsed; ea > eb {
				t.Fatalf("%s elapsed %v at %v but %v at later %v", name, ea, a, eb, b)
			}
		}
	})
}

// due_at is the earliest instant elapsed reaches the target, unless the
// clock was met before it (then due_at is hypothetical).
func TestElapsedAtDueEqualsTarget(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genScenario(t)
		for name, c := range both(sla.Compute(s.events, s.policy, s.cal, s.now)) {
			if c.DueAt == nil || c.MetAt != nil && c.MetAt.Before(*c.DueAt) {
				continue
			}
			if got := pick(sla.Compute(s.events, s.policy, s.cal, *c.DueAt), name).Elapsed; got != c.Target {
				t.Fatalf("%s elapsed at due_at %v is %v, want target %v", name, *c.DueAt, got, c.Target)
			}
			before := c.DueAt.Add(-time.Nanosecond)
			if got := pick(sla.Compute(s.events, s.policy, s.cal, before), name).Elapsed; c.Target > 0 && got >= c.Target {
				t.Fatalf("%s elapsed just before due_at %v is %v, target %v", name, *c.DueAt, got, c.Target)
			}
		}
	})
}

func TestStateIsConsistent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genScenario(t)
		for name, c := range both(sla.Compute(s.events, s.policy, s.cal, s.now)) {
			fail := func(what string) { t.Fatalf("%s: %s: %+v", name, what, c) }
			switch {
			case !c.State.Valid():
				fail("invalid state")
			case c.Breached != (c.State == sqm.ClockBreached):
				fail("breached disagrees with state")
			case c.MetAt != nil && c.State != sqm.ClockMet && c.State != sqm.ClockBreached:
				fail("met clock neither met nor breached")
			case c.MetAt == nil && c.State == sqm.ClockMet:
				fail("met state without met_at")
			case name == sqm.FirstResponse && c.State == sqm.ClockPaused:
				fail("first response paused")
			case c.DueAt == nil && c.State != sqm.ClockPaused:
				fail("no due_at for a clock that is not paused")
			case !c.Breached && c.Elapsed > c.Target:
				fail("past its target but not breached")
			case c.Breached && c.MetAt == nil && c.Elapsed < c.Target:
				fail("breached before its target")
			case c.WarnAt != nil && c.DueAt != nil && c.WarnAt.After(*c.DueAt):
				fail("warn_at after due_at")
			}
			checkStretches(t, name, c, s.events[0].At)
		}
	})
}

// checkStretches checks that the stretches tile the clock's life from opening.
func checkStretches(t *rapid.T, name sqm.ClockName, c sqm.Clock, opened time.Time) {
	st := c.Stretches
	if len(st) == 0 || !st[0].From.Equal(opened) || st[len(st)-1].To != nil {
		t.Fatalf("%s: stretches do not start at opening or end open: %+v", name, st)
	}
	for i, x := range st {
		if x.State != sla.Running && x.State != sla.Paused && x.State != sla.Stopped {
			t.Fatalf("%s: stretch %d has state %q", name, i, x.State)
		}
		if i > 0 && (st[i-1].To == nil || !st[i-1].To.Equal(x.From) || !x.From.After(st[i-1].From)) {
			t.Fatalf("%s: stretch %d does not follow its predecessor: %+v", name, i, st)
		}
	}
	last := st[len(st)-1].State
	if c.MetAt == nil && !c.Breached && (c.State == sqm.ClockPaused) != (last == sla.Paused) {
		t.Fatalf("%s: state %s but last stretch %s", name, c.State, last)
	}
}

// Compute is total: junk timelines, missing policy or calendar, odd instants.
func TestComputeNeverPanics(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var s scenario
		if rapid.Bool().Draw(t, "has_calendar") {
			s.cal = genCalendar(t)
		}
		if rapid.Bool().Draw(t, "has_policy") {
			s.policy = genPolicy(t)
			s.policy.WarnAtPercent = rapid.IntRange(-10, 300).Draw(t, "warn")
			s.policy.Targets[sqm.P2] = sqm.Target{FirstResponse: -time.Hour}
		}
		base := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
		offset := rapid.Custom(func(t *rapid.T) time.Time {
			return base.Add(time.Duration(rapid.Int64Range(-5*24*3600, 5*24*3600).Draw(t, "s")) * time.Second)
		})
		s.events = rapid.SliceOfN(rapid.Custom(func(t *rapid.T) sqm.Event {
			return sqm.Event{
				At:       offset.Draw(t, "at"),
				Type:     sqm.EventType(rapid.SampledFrom([]string{"", "opened", "comment", "ack", "status", "priority", "x"}).Draw(t, "type")),
				By:       rapid.SampledFrom([]string{"", sqm.ByStaff, sqm.ByRequester}).Draw(t, "by"),
				Public:   rapid.Bool().Draw(t, "public"),
				Status:   sqm.Status(rapid.SampledFrom([]string{"", "new", "in_progress", "waiting_on_customer", "resolved", "closed", "x"}).Draw(t, "status")),
				Priority: sqm.Priority(rapid.SampledFrom([]string{"", "P1", "P2", "P3", "P4", "P9"}).Draw(t, "priority")),
			}
		}), 0, 30).Draw(t, "events")
		s.now = offset.Draw(t, "now")
		sla.Compute(s.events, s.policy, s.cal, s.now)
	})
}
