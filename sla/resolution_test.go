package sla_test

import (
	"testing"
	"time"

	"github.com/sqmhq/sqm"
)

func TestResolution(t *testing.T) {
	const R = sqm.Resolution
	h := time.Hour
	m := time.Minute
	open := opened(u("2025-03-03 09:00"), sqm.P1)
	runClockCases(t, []clockCase{{
		name: "waiting on the customer pauses resolution with elapsed kept and no due_at",
		events: []sqm.Event{open, status(u("2025-03-03 09:30"), sqm.StatusInProgress),
			status(u("2025-03-03 10:00"), sqm.StatusWaitingOnCustomer)},
		now: u("2025-03-03 12:00"), clock: R,
		want: wantClock{state: sqm.ClockPaused, elapsed: h, target: 4 * h},
	}, {
		name: "resolution resumes when the customer answers",
		events: []sqm.Event{open, status(u("2025-03-03 10:00"), sqm.StatusWaitingOnCustomer),
			status(u("2025-03-03 12:00"), sqm.StatusInProgress)},
		now: u("2025-03-03 13:00"), clock: R,
		want: wantClock{state: sqm.ClockRunning, elapsed: 2 * h, target: 4 * h, due: u("2025-03-03 15:00")},
	}, {
		name:   "resolving stops resolution",
		events: []sqm.Event{open, status(u("2025-03-03 11:00"), sqm.StatusResolved)},
		now:    u("2025-03-03 15:00"), clock: R,
		want: wantClock{state: sqm.ClockMet, elapsed: 2 * h, target: 4 * h,
			due: u("2025-03-03 13:00"), met: u("2025-03-03 11:00")},
	}, {
		// The known helpdesk failure: a reopen restarts the clock or drops
		// the time elapsed before the pause. Both stretches must count.
		name: "a reopen resumes resolution with the elapsed time before a pause kept",
		events: []sqm.Event{open, status(u("2025-03-03 10:00"), sqm.StatusWaitingOnCustomer),
			status(u("2025-03-03 11:00"), sqm.StatusInProgress),
			status(u("2025-03-03 12:00"), sqm.StatusResolved),
			status(u("2025-03-03 14:00"), sqm.StatusInProgress)},
		now: u("2025-03-03 15:00"), clock: R,
		want: wantClock{state: sqm.ClockRunning, elapsed: 3 * h, target: 4 * h, due: u("2025-03-03 16:00")},
	}, {
		name: "a reopen into waiting on the customer is paused",
		events: []sqm.Event{open, status(u("2025-03-03 10:00"), sqm.StatusWaitingOnCustomer),
			status(u("2025-03-03 11:00"), sqm.StatusInProgress),
			status(u("2025-03-03 12:00"), sqm.StatusResolved),
			status(u("2025-03-03 14:00"), sqm.StatusWaitingOnCustomer)},
		now: u("2025-03-03 15:00"), clock: R,
		want: wantClock{state: sqm.ClockPaused, elapsed: 2 * h, target: 4 * h},
	}, {
		name:   "closing directly from new meets resolution",
		events: []sqm.Event{open, status(u("2025-03-03 09:30"), sqm.StatusClosed)},
		now:    u("2025-03-03 12:00"), clock: R,
		want: wantClock{state: sqm.ClockMet, elapsed: 30 * m, target: 4 * h,
			due: u("2025-03-03 13:00"), met: u("2025-03-03 09:30")},
	}, {
		name: "resolved then closed keeps met_at",
		events: []sqm.Event{open, status(u("2025-03-03 11:00"), sqm.StatusResolved),
			status(u("2025-03-03 12:00"), sqm.StatusClosed)},
		now: u("2025-03-03 13:00"), clock: R,
		want: wantClock{state: sqm.ClockMet, elapsed: 2 * h, target: 4 * h,
			due: u("2025-03-03 13:00"), met: u("2025-03-03 11:00")},
	}, {
		name: "met_at is the last move to resolved",
		events: []sqm.Event{open, status(u("2025-03-03 10:00"), sqm.StatusResolved),
			status(u("2025-03-03 11:00"), sqm.StatusInProgress),
			status(u("2025-03-03 12:00"), sqm.StatusResolved)},
		now: u("2025-03-03 13:00"), clock: R,
		want: wantClock{state: sqm.ClockMet, elapsed: 2 * h, target: 4 * h,
			due: u("2025-03-03 14:00"), met: u("2025-03-03 12:00")},
	}, {
		name:   "a priority change swaps the target of an unmet clock with elapsed kept",
		events: []sqm.Event{opened(u("2025-03-03 09:00"), sqm.P3), prio(u("2025-03-03 10:00"), sqm.P1)},
		now:    u("2025-03-03 11:00"), clock: R,
		want: wantClock{state: sqm.ClockRunning, elapsed: 2 * h, target: 4 * h, due: u("2025-03-03 13:00")},
	}, {
		name: "a met clock keeps its target after a priority change",
		events: []sqm.Event{open, status(u("2025-03-03 10:00"), sqm.StatusResolved),
			prio(u("2025-03-03 11:00"), sqm.P2)},
		now: u("2025-03-03 12:00"), clock: R,
		want: wantClock{state: sqm.ClockMet, elapsed: h, target: 4 * h,
			due: u("2025-03-03 13:00"), met: u("2025-03-03 10:00")},
	}, {
		name: "a reopened clock takes the current priority's target",
		events: []sqm.Event{open, status(u("2025-03-03 10:00"), sqm.StatusResolved),
			prio(u("2025-03-03 11:00"), sqm.P2), status(u("2025-03-03 12:00"), sqm.StatusInProgress)},
		now: u("2025-03-03 13:00"), clock: R,
		want: wantClock{state: sqm.ClockRunning, elapsed: 2 * h, target: 8 * h, due: u("2025-03-03 19:00")},
	}, {
		name:   "resolution met late is breached",
		events: []sqm.Event{open, status(u("2025-03-03 14:00"), sqm.StatusResolved)},
		now:    u("2025-03-03 15:00"), clock: R,
		want: wantClock{state: sqm.ClockBreached, elapsed: 5 * h, target: 4 * h,
			due: u("2025-03-03 13:00"), met: u("2025-03-03 14:00")},
	}, {
		name:   "a clock paused after its due_at stays breached",
		events: []sqm.Event{open, status(u("2025-03-03 14:00"), sqm.StatusWaitingOnCustomer)},
		now:    u("2025-03-03 15:00"), clock: R,
		want: wantClock{state: sqm.ClockBreached, elapsed: 5 * h, target: 4 * h, due: u("2025-03-03 13:00")},
	}, {
		name: "several events at one instant count once",
		events: []sqm.Event{open, status(u("2025-03-03 09:00"), sqm.StatusWaitingOnCustomer),
			status(u("2025-03-03 09:00"), sqm.StatusInProgress),
			status(u("2025-03-03 10:00"), sqm.StatusResolved), status(u("2025-03-03 10:00"), sqm.StatusInProgress)},
		now: u("2025-03-03 11:00"), clock: R,
		want: wantClock{state: sqm.ClockRunning, elapsed: 2 * h, target: 4 * h, due: u("2025-03-03 13:00")},
	}})
}

// A policy or calendar swap re-projects the ticket from its whole timeline:
// the same events give the clock the new policy implies, paused time included.
func TestPolicySwap(t *testing.T) {
	const R = sqm.Resolution
	h := time.Hour
	events := []sqm.Event{opened(u("2025-03-03 09:00"), sqm.P1),
		status(u("2025-03-03 09:30"), sqm.StatusInProgress),
		status(u("2025-03-03 10:00"), sqm.StatusWaitingOnCustomer),
		status(u("2025-03-03 11:00"), sqm.StatusInProgress),
		status(u("2025-03-03 12:00"), sqm.StatusResolved),
		status(u("2025-03-03 14:00"), sqm.StatusInProgress)}
	now := u("2025-03-03 15:00")
	runClockCases(t, []clockCase{{
		name:   "under the original policy waiting time is paused",
		events: events, now: now, clock: R,
		want: wantClock{state: sqm.ClockRunning, elapsed: 3 * h, target: 4 * h, due: u("2025-03-03 16:00")},
	}, {
		name:   "a policy without pauses counts the waiting time",
		policy: testPolicy(0, []sqm.Status{}...), events: events, now: now, clock: R,
		want: wantClock{state: sqm.ClockRunning, elapsed: 4 * h, target: 4 * h, due: u("2025-03-03 15:00")},
	}, {
		name:   "a policy that also pauses in progress keeps only the new stretch running",
		policy: testPolicy(0, sqm.StatusInProgress, sqm.StatusWaitingOnCustomer),
		events: events, now: now, clock: R,
		want: wantClock{state: sqm.ClockPaused, elapsed: 30 * time.Minute, target: 4 * h},
	}, {
		// 09:00 UTC is 17:00 in Shanghai: only 17:00-18:00 counts on Monday,
		// and the reopen at 22:00 runs on into Tuesday morning.
		name: "an office calendar counts only office hours",
		cal:  MustCalendar(t, officeDef()), events: events, now: now, clock: R,
		want: wantClock{state: sqm.ClockRunning, elapsed: h, target: 4 * h, due: sh("2025-03-04 12:00")},
	}})
}
