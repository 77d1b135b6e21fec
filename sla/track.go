package sla

import (
	"time"

	"github.com/sqmhq/sqm"
	"github.com/sqmhq/sqm/calendar"
)

// track accumulates one clock's life while the timeline is replayed: its
// stretches and whether (and when, under which priority) it is met.
type track struct {
	st    []sqm.Stretch
	pol   *sqm.SLAPolicy
	first bool // the first_response clock; else resolution

	met     bool
	metAt   time.Time
	metPrio sqm.Priority // priority in force at metAt
	prio    sqm.Priority // priority in force at the end of the replay
}

// target is the clock's target under priority pr; a missing or negative one
// counts as zero.
func (t *track) target(pr sqm.Priority) time.Duration {
	tg := t.pol.Targets[pr]
	d := tg.Resolution
	if t.first {
		d = tg.FirstResponse
	}
	return max(d, 0)
}

// set starts a stretch in state under priority pr at the instant at,
// unless nothing changes. A stretch of zero length is replaced, and merged
// with its predecessor when they then agree, so several events at one
// instant leave one stretch.
func (t *track) set(at time.Time, state string, pr sqm.Priority) {
	if n := len(t.st); n > 0 {
		if last := &t.st[n-1]; last.State == state && last.Priority == pr {
			return
		} else if !at.After(last.From) {
			t.st = t.st[:n-1]
			if n > 1 && t.st[n-2].State == state && t.st[n-2].Priority == pr {
				return
			}
		}
	}
	t.st = append(t.st, sqm.Stretch{From: at, State: state, Priority: pr, Target: t.target(pr)})
}

// evaluate turns the track into the clock at now. times, of length
// len(t.st)+3, backs the stretches' To and the clock's DueAt, MetAt and
// WarnAt.
//
// The target is the current priority's for an unmet clock and the one in
// force at met_at for a met clock. One walk over the running stretches sums
// the elapsed time and finds where it reached the target (due_at) and the
// warning threshold (warn_at); a clock still running continues its last
// stretch into the future.
func (t *track) evaluate(times []time.Time, cal *calendar.Calendar, now time.Time) sqm.Clock {
	pr := t.prio
	if t.met {
		pr = t.metPrio
	}
	target := t.target(pr)
	warn := time.Duration(-1) // no warning
	if pct := time.Duration(t.pol.WarnAtPercent); pct > 0 {
		warn = (target/100*pct + target%100*pct/100).Truncate(time.Second)
	}
	st := t.st
	n := len(st)
	due, metAt, warnAt := &times[n], &times[n+1], &times[n+2]
	hasDue, hasWarn := false, false

	var elapsed time.Duration
	for i := range st {
		s := &st[i]
		end := now
		if i < n-1 {
			end = st[i+1].From
			times[i] = end
			s.To = &times[i]
		}
		if s.State != Running {
			continue
		}
		bt := cal.Business(s.From, end)
		open := i == n-1 // running now: taken as running on
		if !hasDue && (open || elapsed+bt >= target) {
			*due, hasDue = cal.Add(s.From, target-elapsed), true
		}
		if warn >= 0 && !hasWarn && (open || elapsed+bt >= warn) {
			*warnAt, hasWarn = cal.Add(s.From, warn-elapsed), true
		}
		elapsed += bt
	}

	c := sqm.Clock{Target: target, Elapsed: elapsed, Stretches: st}
	if t.met {
		*metAt = t.metAt
		c.MetAt = metAt
		if !hasDue { // met early: where the target would have fallen
			*due, hasDue = cal.Add(t.metAt, target-elapsed), true
		}
	}
	if hasDue {
		c.DueAt = due
	}
	if hasWarn {
		c.WarnAt = warnAt
	}
	c.Breached = c.MetAt != nil && c.MetAt.After(*due) ||
		c.MetAt == nil && hasDue && now.After(*due)
	switch {
	case c.Breached:
		c.State = sqm.ClockBreached
	case c.MetAt != nil:
		c.State = sqm.ClockMet
	case st[n-1].State == Paused:
		c.State = sqm.ClockPaused
	default:
		c.State = sqm.ClockRunning
	}
	return c
}
