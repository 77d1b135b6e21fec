package sla_test

import (
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/calendar"
	"github.com/sqmhq/sqm/sla"
)

// shanghai is the zone of the office calendar.
var shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// u parses "2006-01-02 15:04[:05]" in UTC; sh parses it in Shanghai.
func u(s string) time.Time  { return mustTime(time.UTC, s) }
func sh(s string) time.Time { return mustTime(shanghai, s) }

func mustTime(loc *time.Location, s string) time.Time {
	layout := "2006-01-02 15:04"
	if len(s) > len(layout) {
		layout += ":05"
	}
	t, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

// Timeline entries.
func opened(at time.Time, p sqm.Priority) sqm.Event {
	return sqm.Event{At: at, Type: sqm.EventOpened, By: sqm.ByRequester, Priority: p}
}
func staff(at time.Time) sqm.Event {
	return sqm.Event{At: at, Type: sqm.EventComment, By: sqm.ByStaff, Public: true, Body: "On it."}
}
func note(at time.Time) sqm.Event {
	return sqm.Event{At: at, Type: sqm.EventComment, By: sqm.ByStaff, Public: false, Body: "Internal."}
}
func requester(at time.Time) sqm.Event {
	return sqm.Event{At: at, Type: sqm.EventComment, By: sqm.ByRequester, Public: true, Body: "Any news?"}
}
func ack(at time.Time) sqm.Event { return sqm.Event{At: at, Type: sqm.EventAck, By: sqm.ByStaff} }
func status(at time.Time, s sqm.Status) sqm.Event {
	return sqm.Event{At: at, Type: sqm.EventStatus, By: sqm.ByStaff, Status: s}
}
func prio(at time.Time, p sqm.Priority) sqm.Event {
	return sqm.Event{At: at, Type: sqm.EventPriority, By: sqm.ByStaff, Priority: p}
}

// testPolicy pauses on waiting_on_customer and warns at warn percent.
// Targets: P1 1h/4h, P2 2h/8h, P3 4h/24h, P4 8h/40h.
func testPolicy(warn int, pauses ...sqm.Status) *sqm.SLAPolicy {
	if pauses == nil {
		pauses = []sqm.Status{sqm.StatusWaitingOnCustomer}
	}
	return &sqm.SLAPolicy{
		Name: "test", CalendarID: "cal",
		Targets: map[sqm.Priority]sqm.Target{
			sqm.P1: {FirstResponse: time.Hour, Resolution: 4 * time.Hour},
			sqm.P2: {FirstResponse: 2 * time.Hour, Resolution: 8 * time.Hour},
			sqm.P3: {FirstResponse: 4 * time.Hour, Resolution: 24 * time.Hour},
			sqm.P4: {FirstResponse: 8 * time.Hour, Resolution: 40 * time.Hour},
		},
		PauseStatuses: pauses,
		WarnAtPercent: warn,
	}
}

// MustCalendar builds a calendar or fails the test.
func MustCalendar(tb testing.TB, def sqm.Calendar) *calendar.Calendar {
	tb.Helper()
	c, err := calendar.New(def)
	if err != nil {
		tb.Fatalf("calendar.New: %v", err)
	}
	return c
}

// officeDef is 09:00-12:00 and 13:30-18:00 Monday to Friday in Shanghai,
// with the Chinese statutory holidays and make-up working days.
func officeDef() sqm.Calendar {
	day := []string{"09:00-12:00", "13:30-18:00"}
	return sqm.Calendar{
		Name: "office", Timezone: "Asia/Shanghai", HolidaySet: "cn",
		Hours: map[string][]string{"mon": day, "tue": day, "wed": day, "thu": day, "fri": day},
	}
}

// wantClock is the expected projection of one clock; a zero time means nil.
type wantClock struct {
	state          sqm.ClockState
	elapsed        time.Duration
	target         time.Duration
	due, met, warn time.Time
}

// clockCase is one row of a table of clock rules.
type clockCase struct {
	name   string
	cal    *calendar.Calendar // nil: 24x7 UTC
	policy *sqm.SLAPolicy     // nil: testPolicy(0)
	events []sqm.Event
	now    time.Time
	clock  sqm.ClockName
	want   wantClock
}

func runClockCases(t *testing.T, cases []clockCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cal, p := tc.cal, tc.policy
			if cal == nil {
				cal = calendar.Always()
			}
			if p == nil {
				p = testPolicy(0)
			}
			clocks := sla.Compute(tc.events, p, cal, tc.now)
			got := clocks.FirstResponse
			if tc.clock == sqm.Resolution {
				got = clocks.Resolution
			}
			checkClock(t, got, tc.want)
		})
	}
}

func checkClock(t *testing.T, got sqm.Clock, want wantClock) {
	t.Helper()
	if got.State != want.state || got.Breached != (want.state == sqm.ClockBreached) {
		t.Errorf("state = %s (breached %v), want %s", got.State, got.Breached, want.state)
	}
	if got.Elapsed != want.elapsed {
		t.Errorf("elapsed = %v, want %v", got.Elapsed, want.elapsed)
	}
	if got.Target != want.target {
		t.Errorf("target = %v, want %v", got.Target, want.target)
	}
	checkInstant(t, "due_at", got.DueAt, want.due)
	checkInstant(t, "met_at", got.MetAt, want.met)
	checkInstant(t, "warn_at", got.WarnAt, want.warn)
}

func checkInstant(t *testing.T, name string, got *time.Time, want time.Time) {
	t.Helper()
	switch {
	case got == nil && !want.IsZero():
		t.Errorf("%s = nil, want %v", name, want)
	case got != nil && want.IsZero():
		t.Errorf("%s = %v, want nil", name, *got)
	case got != nil && !got.Equal(want):
		t.Errorf("%s = %v, want %v", name, *got, want)
	}
}
