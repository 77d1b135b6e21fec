package demo

import (
	"math/rand/v2"
	"time"

	"github.com/sqmhq/sqm"
)

// timeline builds one ticket's events in order. It tracks the business time
// the resolution clock has run (not while paused or stopped), so that plans
// can place a resolution at a chosen share of the target.
type timeline struct {
	svc     *service
	rng     *rand.Rand
	now     time.Time
	t       time.Time     // the instant reached
	running bool          // whether the resolution clock runs at t
	run     time.Duration // business time it has run so far
	events  []sqm.NewEvent
}

// to moves the timeline on to instant t (never back).
func (b *timeline) to(t time.Time) {
	if !t.After(b.t) {
		return
	}
	if b.running {
		b.run += b.svc.cal.Business(b.t, t)
	}
	b.t = t
}

// work moves on by d of business time: staff act in working hours.
func (b *timeline) work(d time.Duration) { b.to(b.svc.cal.Add(b.t, d)) }

// workTo works until the resolution clock has run total (at least a minute).
func (b *timeline) workTo(total time.Duration) { b.work(max(total-b.run, time.Minute)) }

// wait moves on by a wall-clock time between lo and hi: requesters answer
// at any hour.
func (b *timeline) wait(lo, hi time.Duration) { b.to(b.t.Add(between(b.rng, lo, hi))) }

func (b *timeline) add(e sqm.NewEvent) {
	e.At = b.t.Truncate(time.Second)
	b.events = append(b.events, e)
}

// say adds a comment picked from texts; staff sign their public replies.
func (b *timeline) say(by string, public bool, texts []string) {
	body := fill(pick(b.rng, texts), b.svc)
	if by == sqm.ByStaff && public {
		body += "\n\n— " + pick(b.rng, b.svc.agents)
	}
	b.add(sqm.NewEvent{Type: sqm.EventComment, By: by, Public: &public, Body: body})
}

func (b *timeline) status(s sqm.Status) {
	b.add(sqm.NewEvent{Type: sqm.EventStatus, Status: s})
	b.running = !s.Done() && !b.svc.policy.Pauses(s)
}

// ticket returns the planned ticket with the events up to now.
func (b *timeline) ticket(typ sqm.TicketType, pr sqm.Priority, opened time.Time) sqm.ImportTicket {
	events := b.events
	for i, e := range events {
		if e.At.After(b.now) {
			events = events[:i]
			break
		}
	}
	return sqm.ImportTicket{ServiceID: b.svc.ID, Type: typ, Priority: pr, OpenedAt: opened.Truncate(time.Second),
		Title: fill(pick(b.rng, titles[typ]), b.svc), Description: fill(pick(b.rng, descriptions[typ]), b.svc),
		Events: events}
}

// kind is the state an open ticket is planned to be in now.
type kind int

const (
	unanswered   kind = iota // new, first response due soon
	overdueReply             // new, first response overdue
	working                  // in progress, well within target
	nearBreach               // in progress, past the warning threshold
	waiting                  // waiting on the customer: paused
	overdue                  // in progress, resolution breached
	numKinds
)

// scenario plans a recent ticket that is open now in the given state: it
// is opened as much business time before now as the state needs.
func scenario(rng *rand.Rand, s *service, k kind, now time.Time) sqm.ImportTicket {
	pr := weighted(rng, sqm.Priorities, []int{10, 30, 45, 15})
	tg := s.policy.Targets[pr]
	age := map[kind]time.Duration{
		unanswered:   frac(rng, tg.FirstResponse, 0.1, 0.6),
		overdueReply: frac(rng, tg.FirstResponse, 1.3, 3),
		working:      frac(rng, tg.Resolution, 0.3, 0.6),
		nearBreach:   frac(rng, tg.Resolution, 0.83, 0.95),
		waiting:      frac(rng, tg.Resolution, 0.4, 0.7),
		overdue:      frac(rng, tg.Resolution, 1.2, 2),
	}[k]
	opened := back(s.cal, now, age)
	b := &timeline{svc: s, rng: rng, now: now, t: opened, running: true}
	typ := sqm.TypeIncident
	if chance(rng, 0.5) {
		typ = weighted(rng, sqm.TicketTypes, []int{0, 40, 10, 20, 30})
	}
	if k == unanswered || k == overdueReply {
		b.wait(2*time.Minute, 20*time.Minute)
		b.say(sqm.ByRequester, true, chaseNote)
		return b.ticket(typ, pr, opened)
	}
	b.work(frac(rng, tg.FirstResponse, 0.2, 0.8))
	b.say(sqm.ByStaff, true, staffReply)
	b.status(sqm.StatusInProgress)
	b.workTo(age / 3)
	b.say(sqm.ByStaff, false, internalNote)
	if k == waiting {
		b.workTo(age * 2 / 3)
		b.say(sqm.ByStaff, true, askInfo)
		b.status(sqm.StatusWaitingOnCustomer)
	}
	return b.ticket(typ, pr, opened)
}
