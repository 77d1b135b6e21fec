// Package sla computes a ticket's SLA clocks from its timeline.
//
// It is part of sqm's pure core: Compute is a plain function of a timeline,
// a policy, a business calendar and an instant. It performs no I/O, reads no
// clock and starts no goroutines, so the store can project clocks in the same
// transaction as the event that changed them, and a policy or calendar edit
// can re-project a ticket from its whole timeline.
//
// The semantics are those of DESIGN.md, "Normative semantics → SLA clocks".
package sla

import (
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/calendar"
)

// The states of a Stretch.
const (
	Running = "running"
	Paused  = "paused"
	Stopped = "stopped"
)

// Compute evaluates both clocks of a ticket at the instant now.
//
// events is the ticket's timeline in order (by At; ties in slice order).
// events[0] is taken as the opening: its At is opened_at and its Priority the
// initial priority; the initial status is new. Callers pass now at or after
// the last event; an event later than now is treated as not yet happened
// (ignored), and an event earlier than its predecessor as happening at its
// predecessor's instant, so Compute is total and never panics. An empty
// timeline gives zero Clocks.
//
// Comments, acks, status and priority changes drive the clocks; every other
// event type (sla_warning, sla_breached, anything unknown) is ignored, as are
// status and priority events carrying an unknown value. A nil cal means the
// 24x7 calendar; a nil p a policy with no targets, pauses or warnings.
func Compute(events []sqm.Event, p *sqm.SLAPolicy, cal *calendar.Calendar, now time.Time) sqm.Clocks {
	if len(events) == 0 {
		return sqm.Clocks{}
	}
	if p == nil {
		p = &sqm.SLAPolicy{}
	}
	if cal == nil {
		cal = calendar.Always()
	}
	// One allocation holds both clocks' stretches (sized by an upper
	// bound, so appends never move them), one the instants they point to.
	nfr, nres := stretchBounds(events, now)
	st := make([]sqm.Stretch, 0, nfr+nres)
	fr := track{st: st[:0:nfr], pol: p, first: true}
	res := track{st: st[nfr : nfr : nfr+nres], pol: p}
	replay(events, p, now, &fr, &res)
	times := make([]time.Time, len(fr.st)+len(res.st)+2*3)
	n := len(fr.st) + 3
	return sqm.Clocks{
		FirstResponse: fr.evaluate(times[:n:n], cal, now),
		Resolution:    res.evaluate(times[n:], cal, now),
	}
}

// stretchBounds bounds the number of stretches of each clock: one at the
// opening, one per priority change, one per status change (resolution) or
// one when met (first response).
func stretchBounds(events []sqm.Event, now time.Time) (fr, res int) {
	fr, res = 2, 1
	for i := 1; i < len(events) && !events[i].At.After(now); i++ {
		switch events[i].Type {
		case sqm.EventPriority:
			fr++
			res++
		case sqm.EventStatus:
			res++
		}
	}
	return fr, res
}

// replay walks the timeline once, feeding both clocks' tracks.
func replay(events []sqm.Event, p *sqm.SLAPolicy, now time.Time, fr, res *track) {
	at := events[0].At
	prio := events[0].Priority
	status := sqm.StatusNew
	fr.set(at, Running, prio)
	res.set(at, Running, prio)
	for i := 1; i < len(events); i++ {
		e := &events[i]
		if e.At.After(now) {
			break // not yet happened; callers normally never pass one
		}
		if e.At.After(at) {
			at = e.At
		}
		respond := false
		switch e.Type {
		case sqm.EventComment:
			respond = e.By == sqm.ByStaff && e.Public
		case sqm.EventAck:
			respond = true
		case sqm.EventStatus:
			s := e.Status
			if !s.Valid() || s == status {
				continue
			}
			respond = s.Done()
			if s.Done() != status.Done() {
				// Entering the done set meets resolution (resolved→closed
				// does not move met_at). Leaving it is a reopen: the clock
				// runs again and its elapsed time, held in the stretches,
				// is kept.
				res.met, res.metAt, res.metPrio = s.Done(), at, prio
			}
			status = s
			res.set(at, resolutionState(p, s), prio)
		case sqm.EventPriority:
			if !e.Priority.Valid() || e.Priority == prio {
				continue
			}
			prio = e.Priority
			if !fr.met {
				fr.set(at, Running, prio)
			}
			res.set(at, resolutionState(p, status), prio)
		}
		if respond && !fr.met { // first response is met once, for good
			fr.met, fr.metAt, fr.metPrio = true, at, prio
			fr.set(at, Stopped, prio)
		}
	}
	fr.prio, res.prio = prio, prio
}

// resolutionState is the resolution clock's state while the ticket has status s.
func resolutionState(p *sqm.SLAPolicy, s sqm.Status) string {
	switch {
	case s.Done():
		return Stopped
	case p.Pauses(s):
		return Paused
	}
	return Running
}
