package sla_test

import (
	"testing"
	"time"

	"github.com/sqmhq/sqm"
)

// The clocks on the office calendar: 09:00-12:00 and 13:30-18:00 Monday to
// Friday in Shanghai, with the Chinese statutory set.
func TestOfficeCalendar(t *testing.T) {
	const FR = sqm.FirstResponse
	office := MustCalendar(t, officeDef())
	h := time.Hour
	m := time.Minute
	runClockCases(t, []clockCase{{
		name: "a ticket opened before lunch is due after it",
		cal:  office, events: []sqm.Event{opened(sh("2025-03-03 11:30"), sqm.P1)},
		now: sh("2025-03-03 12:45"), clock: FR,
		want: wantClock{state: sqm.ClockRunning, elapsed: 30 * m, target: h, due: sh("2025-03-03 14:00")},
	}, {
		name: "a response in the lunch break before the target fell is on time",
		cal:  office, events: []sqm.Event{opened(sh("2025-03-03 11:30"), sqm.P1), staff(sh("2025-03-03 13:00"))},
		now: sh("2025-03-03 15:00"), clock: FR,
		want: wantClock{state: sqm.ClockMet, elapsed: 30 * m, target: h,
			due: sh("2025-03-03 14:00"), met: sh("2025-03-03 13:00")},
	}, {
		// due_at is the earliest instant elapsed reaches the target (12:00);
		// a response at 12:30 is later than due_at although elapsed is 1h.
		name: "a response in the lunch break after the target fell is late",
		cal:  office, events: []sqm.Event{opened(sh("2025-03-03 11:00"), sqm.P1), staff(sh("2025-03-03 12:30"))},
		now: sh("2025-03-03 15:00"), clock: FR,
		want: wantClock{state: sqm.ClockBreached, elapsed: h, target: h,
			due: sh("2025-03-03 12:00"), met: sh("2025-03-03 12:30")},
	}, {
		name: "a ticket opened at the weekend waits for Monday",
		cal:  office, events: []sqm.Event{opened(sh("2025-03-08 10:00"), sqm.P1)},
		now: sh("2025-03-10 09:30"), clock: FR,
		want: wantClock{state: sqm.ClockRunning, elapsed: 30 * m, target: h, due: sh("2025-03-10 10:00")},
	}, {
		name: "a ticket opened on a public holiday waits for the next workday",
		cal:  office, events: []sqm.Event{opened(sh("2025-10-01 10:00"), sqm.P1)},
		now: sh("2025-10-06 10:00"), clock: FR,
		want: wantClock{state: sqm.ClockRunning, target: h, due: sh("2025-10-09 10:00")},
	}, {
		name: "a make-up Saturday is a workday",
		cal:  office, events: []sqm.Event{opened(sh("2025-10-10 17:30"), sqm.P1)},
		now: sh("2025-10-11 09:15"), clock: FR,
		want: wantClock{state: sqm.ClockRunning, elapsed: 45 * m, target: h, due: sh("2025-10-11 09:30")},
	}, {
		name: "resolution pauses across a night and a weekend without losing time",
		cal:  office,
		events: []sqm.Event{opened(sh("2025-03-07 16:00"), sqm.P1),
			status(sh("2025-03-07 17:00"), sqm.StatusWaitingOnCustomer),
			status(sh("2025-03-10 11:00"), sqm.StatusInProgress)},
		now: sh("2025-03-10 11:30"), clock: sqm.Resolution,
		want: wantClock{state: sqm.ClockRunning, elapsed: 90 * m, target: 4 * h, due: sh("2025-03-10 15:30")},
	}})
}
