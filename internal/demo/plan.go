package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/calendar"
)

const (
	window         = 60 * 24 * time.Hour // how far back the demo's tickets go
	historyTickets = 330                 // tickets opened at random in the window
	openTickets    = 24                  // recent tickets planned to be open now
)

// generate plans the demo's tickets from now, with a fixed seed: the same
// instant gives the same tickets. They are in order of opening, with refs
// DEMO-0001 onwards.
func generate(services []*service, now time.Time) []sqm.ImportTicket {
	rng := rand.New(rand.NewPCG(20261127, 0x5a3))
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		loc = time.UTC
	}
	weights := make([]int, len(services))
	for i, s := range services {
		weights[i] = s.weight
	}
	var out []sqm.ImportTicket
	for range historyTickets {
		s := weighted(rng, services, weights)
		out = append(out, history(rng, s, opening(rng, loc, now), now))
	}
	for i := range openTickets {
		s := services[(i/int(numKinds))%len(services)]
		out = append(out, scenario(rng, s, kind(i%int(numKinds)), now))
	}
	slices.SortStableFunc(out, func(a, b sqm.ImportTicket) int { return a.OpenedAt.Compare(b.OpenedAt) })
	for i := range out {
		out[i].Ref = fmt.Sprintf("DEMO-%04d", i+1)
	}
	return out
}

// history plans a ticket opened at an instant in the window, worked to its
// end; the part of its timeline that would lie after now is left out, so
// the newest ones are still open. About 7% answer late and 8% resolve late.
func history(rng *rand.Rand, s *service, opened, now time.Time) sqm.ImportTicket {
	pr := weighted(rng, sqm.Priorities, []int{5, 25, 50, 20})
	b := &timeline{svc: s, rng: rng, now: now, t: opened, running: true}
	if chance(rng, 0.25) {
		b.wait(2*time.Minute, 20*time.Minute)
		b.say(sqm.ByRequester, true, requesterDetail)
	}
	b.to(s.cal.Add(opened, scale(rng, s.policy.Targets[pr].FirstResponse, chance(rng, 0.07))))
	if chance(rng, 0.35) {
		b.add(sqm.NewEvent{Type: sqm.EventAck})
		b.work(between(rng, 5*time.Minute, 40*time.Minute))
	}
	b.say(sqm.ByStaff, true, staffReply)
	b.status(sqm.StatusInProgress)
	final := pr
	if chance(rng, 0.15) {
		switch i := slices.Index(sqm.Priorities, pr); i { // one step up or down
		case 0, 3:
			final = sqm.Priorities[1+i/3]
		default:
			final = sqm.Priorities[i-1+2*rng.IntN(2)]
		}
		b.work(between(rng, 5*time.Minute, 30*time.Minute))
		b.add(sqm.NewEvent{Type: sqm.EventPriority, Priority: final})
	}
	goal := scale(rng, s.policy.Targets[final].Resolution, chance(rng, 0.08))
	if chance(rng, 0.5) {
		b.workTo(goal / 4)
		b.say(sqm.ByStaff, false, internalNote)
	}
	if chance(rng, 0.3) {
		b.workTo(goal / 2)
		b.say(sqm.ByStaff, true, askInfo)
		b.status(sqm.StatusWaitingOnCustomer)
		b.wait(time.Hour, 72*time.Hour)
		b.say(sqm.ByRequester, true, requesterInfo)
		b.work(between(rng, 2*time.Minute, 30*time.Minute))
		b.status(sqm.StatusInProgress)
	}
	if chance(rng, 0.08) {
		b.workTo(goal * 7 / 10)
		b.say(sqm.ByStaff, true, resolvedNote)
		b.status(sqm.StatusResolved)
		b.wait(2*time.Hour, 48*time.Hour)
		b.say(sqm.ByRequester, true, reopenNote)
		b.status(sqm.StatusInProgress)
	}
	b.workTo(goal)
	b.say(sqm.ByStaff, true, resolvedNote)
	b.status(sqm.StatusResolved)
	if chance(rng, 0.3) {
		b.wait(time.Hour, 24*time.Hour)
		b.say(sqm.ByRequester, true, thanksNote)
	}
	if chance(rng, 0.8) {
		b.wait(24*time.Hour, 96*time.Hour)
		b.status(sqm.StatusClosed)
	}
	return b.ticket(weighted(rng, sqm.TicketTypes, []int{35, 30, 8, 12, 15}), pr, opened)
}

// opening picks the instant a ticket was opened: mostly on working days
// and in office hours, Beijing time, at least ten minutes before now.
func opening(rng *rand.Rand, loc *time.Location, now time.Time) time.Time {
	for {
		day := now.In(loc).AddDate(0, 0, -rng.IntN(60))
		if wd := day.Weekday(); (wd == time.Saturday || wd == time.Sunday) && chance(rng, 0.7) {
			continue
		}
		minute := rng.IntN(24 * 60)
		if chance(rng, 0.8) {
			minute = 8*60 + 30 + rng.IntN(10*60+30)
		}
		y, m, d := day.Date()
		t := time.Date(y, m, d, 0, minute, rng.IntN(60), 0, loc)
		if t.Before(now.Add(-10*time.Minute)) && t.After(now.Add(-window)) {
			return t
		}
	}
}

// back returns the latest instant from which the calendar counts at least
// d of business time up to now.
func back(cal *calendar.Calendar, now time.Time, d time.Duration) time.Time {
	lo, hi := now.Add(-window+time.Hour), now
	for hi.Sub(lo) > time.Second {
		mid := lo.Add(hi.Sub(lo) / 2)
		if cal.Business(mid, now) >= d {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// scale returns a share of a target: well within it, or past it when late.
func scale(rng *rand.Rand, target time.Duration, late bool) time.Duration {
	if late {
		return frac(rng, target, 1.2, 2.5)
	}
	return frac(rng, target, 0.1, 0.9)
}

func frac(rng *rand.Rand, d time.Duration, lo, hi float64) time.Duration {
	return time.Duration(float64(d) * (lo + rng.Float64()*(hi-lo))).Truncate(time.Second)
}

func between(rng *rand.Rand, lo, hi time.Duration) time.Duration {
	return lo + time.Duration(rng.Int64N(int64(hi-lo)+1))
}

func chance(rng *rand.Rand, p float64) bool { return rng.Float64() < p }

func weighted[T any](rng *rand.Rand, items []T, weights []int) T {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := rng.IntN(total)
	for i, w := range weights {
		if n < w {
			return items[i]
		}
		n -= w
	}
	return items[len(items)-1]
}
