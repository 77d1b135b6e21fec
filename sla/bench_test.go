package sla_test

import (
	"testing"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/sla"
)

// benchTimeline is a busy ticket of 20 events over two weeks of the office
// calendar: comments, an ack, pauses, a priority change, a resolve, a reopen
// and a close.
func benchTimeline() []sqm.Event {
	return []sqm.Event{
		opened(sh("2025-09-25 11:30"), sqm.P3),
		requester(sh("2025-09-25 11:40")),
		note(sh("2025-09-25 13:00")),
		ack(sh("2025-09-25 14:10")),
		status(sh("2025-09-25 14:15"), sqm.StatusInProgress),
		staff(sh("2025-09-25 15:00")),
		status(sh("2025-09-25 15:05"), sqm.StatusWaitingOnCustomer),
		requester(sh("2025-09-26 10:00")),
		status(sh("2025-09-26 10:05"), sqm.StatusInProgress),
		prio(sh("2025-09-26 11:00"), sqm.P2),
		note(sh("2025-09-28 09:30")),
		{At: sh("2025-09-28 10:00"), Type: sqm.EventSLAWarning, By: sqm.BySystem, Clock: sqm.Resolution},
		status(sh("2025-09-28 16:00"), sqm.StatusWaitingOnCustomer),
		requester(sh("2025-10-09 09:10")),
		status(sh("2025-10-09 09:20"), sqm.StatusInProgress),
		status(sh("2025-10-09 17:00"), sqm.StatusResolved),
		requester(sh("2025-10-10 10:00")),
		status(sh("2025-10-10 10:30"), sqm.StatusInProgress),
		staff(sh("2025-10-11 11:00")),
		status(sh("2025-10-11 15:00"), sqm.StatusClosed),
	}
}

func BenchmarkCompute(b *testing.B) {
	cal := MustCalendar(b, officeDef())
	p := testPolicy(80)
	events := benchTimeline()
	now := sh("2025-10-13 10:00")
	b.ReportAllocs()
	for b.Loop() {
		sla.Compute(events, p, cal, now)
	}
}

// BenchmarkComputeRunning is a ticket still open: both due instants lie ahead.
func BenchmarkComputeRunning(b *testing.B) {
	cal := MustCalendar(b, officeDef())
	p := testPolicy(80)
	events := benchTimeline()[:15]
	now := sh("2025-10-09 12:00")
	b.ReportAllocs()
	for b.Loop() {
		sla.Compute(events, p, cal, now)
	}
}
