package sla_test

import (
	"testing"
	"time"

	"github.com/sqmhq/sqm"
)

func TestFirstResponse(t *testing.T) {
	const FR = sqm.FirstResponse
	h := time.Hour
	m := time.Minute
	runClockCases(t, []clockCase{{
		name:   "a public staff comment meets first response",
		events: []sqm.Event{opened(u("2025-03-03 09:00"), sqm.P1), staff(u("2025-03-03 09:20"))},
		now:    u("2025-03-03 12:00"), clock: FR,
		want: wantClock{state: sqm.ClockMet, elapsed: 20 * m, target: h,
			due: u("2025-03-03 10:00"), met: u("2025-03-03 09:20")},
	}, {
		name:   "an internal note is no response",
		events: []sqm.Event{opened(u("2025-03-03 09:00"), sqm.P1), note(u("2025-03-03 09:20"))},
		now:    u("2025-03-03 09:50"), clock: FR,
		want: wantClock{state: sqm.ClockRunning, elapsed: 50 * m, target: h, due: u("2025-03-03 10:00")},
	}, {
		name:   "a requester comment is no response",
		events: []sqm.Event{opened(u("2025-03-03 09:00"), sqm.P1), requester(u("2025-03-03 09:20"))},
		now:    u("2025-03-03 10:30"), clock: FR,
		want: wantClock{state: sqm.ClockBreached, elapsed: 90 * m, target: h, due: u("2025-03-03 10:00")},
	}, {
		name:   "an acknowledgement meets first response",
		events: []sqm.Event{opened(u("2025-03-03 09:00"), sqm.P1), ack(u("2025-03-03 09:45"))},
		now:    u("2025-03-03 11:00"), clock: FR,
		want: wantClock{state: sqm.ClockMet, elapsed: 45 * m, target: h,
			due: u("2025-03-03 10:00"), met: u("2025-03-03 09:45")},
	}, {
		name:   "resolving meets first response",
		events: []sqm.Event{opened(u("2025-03-03 09:00"), sqm.P1), status(u("2025-03-03 09:30"), sqm.StatusResolved)},
		now:    u("2025-03-03 11:00"), clock: FR,
		want: wantClock{state: sqm.ClockMet, elapsed: 30 * m, target: h,
			due: u("2025-03-03 10:00"), met: u("2025-03-03 09:30")},
	}, {
		name:   "closing directly from new meets first response",
		events: []sqm.Event{opened(u("2025-03-03 09:00"), sqm.P1), status(u("2025-03-03 09:30"), sqm.StatusClosed)},
		now:    u("2025-03-03 11:00"), clock: FR,
		want: wantClock{state: sqm.ClockMet, elapsed: 30 * m, target: h,
			due: u("2025-03-03 10:00"), met: u("2025-03-03 09:30")},
	}, {
		name: "a move to in progress or waiting is no response and does not pause",
		events: []sqm.Event{opened(u("2025-03-03 09:00"), sqm.P1),
			status(u("2025-03-03 09:05"), sqm.StatusInProgress),
			status(u("2025-03-03 09:10"), sqm.StatusWaitingOnCustomer)},
		now: u("2025-03-03 09:40"), clock: FR,
		want: wantClock{state: sqm.ClockRunning, elapsed: 40 * m, target: h, due: u("2025-03-03 10:00")},
	}, {
		name: "a reopen does not restart first response",
		events: []sqm.Event{opened(u("2025-03-03 09:00"), sqm.P1), ack(u("2025-03-03 09:10")),
			status(u("2025-03-03 10:00"), sqm.StatusResolved),
			status(u("2025-03-03 11:00"), sqm.StatusInProgress), staff(u("2025-03-03 12:00"))},
		now: u("2025-03-03 13:00"), clock: FR,
		want: wantClock{state: sqm.ClockMet, elapsed: 10 * m, target: h,
			due: u("2025-03-03 10:00"), met: u("2025-03-03 09:10")},
	}, {
		name:   "a late response is breached",
		events: []sqm.Event{opened(u("2025-03-03 09:00"), sqm.P1), staff(u("2025-03-03 10:30"))},
		now:    u("2025-03-03 11:00"), clock: FR,
		want: wantClock{state: sqm.ClockBreached, elapsed: 90 * m, target: h,
			due: u("2025-03-03 10:00"), met: u("2025-03-03 10:30")},
	}, {
		name:   "a response exactly at due is on time",
		events: []sqm.Event{opened(u("2025-03-03 09:00"), sqm.P1), staff(u("2025-03-03 10:00"))},
		now:    u("2025-03-03 11:00"), clock: FR,
		want: wantClock{state: sqm.ClockMet, elapsed: h, target: h,
			due: u("2025-03-03 10:00"), met: u("2025-03-03 10:00")},
	}, {
		name:   "an unmet clock exactly at due is not breached",
		events: []sqm.Event{opened(u("2025-03-03 09:00"), sqm.P1)},
		now:    u("2025-03-03 10:00"), clock: FR,
		want: wantClock{state: sqm.ClockRunning, elapsed: h, target: h, due: u("2025-03-03 10:00")},
	}, {
		name:   "an unmet clock a second past due is breached",
		events: []sqm.Event{opened(u("2025-03-03 09:00"), sqm.P1)},
		now:    u("2025-03-03 10:00:01"), clock: FR,
		want: wantClock{state: sqm.ClockBreached, elapsed: h + time.Second, target: h, due: u("2025-03-03 10:00")},
	}, {
		name:   "a priority change swaps the target of an unmet clock with elapsed kept",
		events: []sqm.Event{opened(u("2025-03-03 09:00"), sqm.P4), prio(u("2025-03-03 10:00"), sqm.P2)},
		now:    u("2025-03-03 10:30"), clock: FR,
		want: wantClock{state: sqm.ClockRunning, elapsed: 90 * m, target: 2 * h, due: u("2025-03-03 11:00")},
	}, {
		name:   "a raised priority can put an unmet clock past its new target",
		events: []sqm.Event{opened(u("2025-03-03 09:00"), sqm.P3), prio(u("2025-03-03 10:30"), sqm.P1)},
		now:    u("2025-03-03 11:00"), clock: FR,
		want: wantClock{state: sqm.ClockBreached, elapsed: 2 * h, target: h, due: u("2025-03-03 10:00")},
	}, {
		name: "a met clock keeps its target after a priority change",
		events: []sqm.Event{opened(u("2025-03-03 09:00"), sqm.P1), ack(u("2025-03-03 09:30")),
			prio(u("2025-03-03 10:00"), sqm.P4)},
		now: u("2025-03-03 11:00"), clock: FR,
		want: wantClock{state: sqm.ClockMet, elapsed: 30 * m, target: h,
			due: u("2025-03-03 10:00"), met: u("2025-03-03 09:30")},
	}, {
		name: "events sqm writes itself and unknown events do not move the clock",
		events: []sqm.Event{opened(u("2025-03-03 09:00"), sqm.P1),
			{At: u("2025-03-03 09:48"), Type: sqm.EventSLAWarning, By: sqm.BySystem, Clock: sqm.FirstResponse},
			{At: u("2025-03-03 09:49"), Type: "assignment", By: sqm.ByStaff, Public: true},
			{At: u("2025-03-03 09:49"), Type: sqm.EventSLABreached, By: sqm.BySystem, Public: true}},
		now: u("2025-03-03 09:50"), clock: FR,
		want: wantClock{state: sqm.ClockRunning, elapsed: 50 * m, target: h, due: u("2025-03-03 10:00")},
	}})
}

func TestWarning(t *testing.T) {
	m := time.Minute
	h := time.Hour
	runClockCases(t, []clockCase{{
		name:   "warn_at lies ahead of a running clock",
		policy: testPolicy(80), events: []sqm.Event{opened(u("2025-03-03 09:00"), sqm.P1)},
		now: u("2025-03-03 09:30"), clock: sqm.FirstResponse,
		want: wantClock{state: sqm.ClockRunning, elapsed: 30 * m, target: h,
			due: u("2025-03-03 10:00"), warn: u("2025-03-03 09:48")},
	}, {
		name:   "warn_at stays in the past once reached, even after the clock is met",
		policy: testPolicy(80), events: []sqm.Event{opened(u("2025-03-03 09:00"), sqm.P1), staff(u("2025-03-03 09:50"))},
		now: u("2025-03-03 11:00"), clock: sqm.FirstResponse,
		want: wantClock{state: sqm.ClockMet, elapsed: 50 * m, target: h,
			due: u("2025-03-03 10:00"), met: u("2025-03-03 09:50"), warn: u("2025-03-03 09:48")},
	}, {
		name:   "a clock met before its threshold has no warn_at",
		policy: testPolicy(80), events: []sqm.Event{opened(u("2025-03-03 09:00"), sqm.P1), staff(u("2025-03-03 09:30"))},
		now: u("2025-03-03 11:00"), clock: sqm.FirstResponse,
		want: wantClock{state: sqm.ClockMet, elapsed: 30 * m, target: h,
			due: u("2025-03-03 10:00"), met: u("2025-03-03 09:30")},
	}, {
		name:   "a clock paused before its threshold has no warn_at",
		policy: testPolicy(80),
		events: []sqm.Event{opened(u("2025-03-03 09:00"), sqm.P1), status(u("2025-03-03 10:00"), sqm.StatusWaitingOnCustomer)},
		now:    u("2025-03-03 11:00"), clock: sqm.Resolution,
		want: wantClock{state: sqm.ClockPaused, elapsed: h, target: 4 * h},
	}, {
		name:   "warn_at skips the paused time",
		policy: testPolicy(80),
		events: []sqm.Event{opened(u("2025-03-03 09:00"), sqm.P1),
			status(u("2025-03-03 10:00"), sqm.StatusWaitingOnCustomer),
			status(u("2025-03-03 11:00"), sqm.StatusInProgress)},
		now: u("2025-03-03 11:30"), clock: sqm.Resolution,
		want: wantClock{state: sqm.ClockRunning, elapsed: 90 * m, target: 4 * h,
			due: u("2025-03-03 14:00"), warn: u("2025-03-03 13:12")},
	}, {
		name: "a threshold that is not whole seconds is truncated to the second",
		policy: func() *sqm.SLAPolicy {
			p := testPolicy(33)
			p.Targets[sqm.P4] = sqm.Target{FirstResponse: 61 * time.Second, Resolution: h}
			return p
		}(),
		events: []sqm.Event{opened(u("2025-03-03 09:00"), sqm.P4)},
		now:    u("2025-03-03 09:00"), clock: sqm.FirstResponse,
		want: wantClock{state: sqm.ClockRunning, target: 61 * time.Second,
			due: u("2025-03-03 09:01:01"), warn: u("2025-03-03 09:00:20")},
	}})
}
