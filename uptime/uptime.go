// Package uptime is the pure core of monitoring: the state machine that
// turns check results into up and down, and the failure rate and
// availability of DESIGN.md computed from outages. No I/O, no clock reads.
package uptime

import (
	"slices"
	"time"
)

// State is what a monitor's checks say of its target.
type State string

const (
	Unknown State = "unknown" // not yet enough checks to say
	Up      State = "up"
	Down    State = "down"
)

// Tracker is a monitor's state between two checks: plain values, saved by
// the store with the monitor.
type Tracker struct {
	State State
	// Fails and OKs count the current run of like results; one of them is 0.
	Fails, OKs int
	// RunStart is the instant of the first check of the current run.
	RunStart time.Time
	// Since is the instant the current state counts from.
	Since time.Time
}

// Transition is a change of state. At is the first check of the run of
// results that made it: where an outage starts, or ends.
type Transition struct {
	From, To State
	At       time.Time
}

// Observe applies one check result taken at instant at. downAfter
// consecutive failures take the monitor down and upAfter consecutive
// successes bring it up (both at least 1). It reports the transition when
// the state changes.
func (t *Tracker) Observe(ok bool, at time.Time, downAfter, upAfter int) (Transition, bool) {
	downAfter, upAfter = max(downAfter, 1), max(upAfter, 1)
	if t.State == "" {
		t.State = Unknown
	}
	to, n := Down, 0
	if ok {
		if t.OKs == 0 {
			t.RunStart = at
		}
		t.OKs++
		t.Fails = 0
		to, n = Up, t.OKs
		if n < upAfter {
			return Transition{}, false
		}
	} else {
		if t.Fails == 0 {
			t.RunStart = at
		}
		t.Fails++
		t.OKs = 0
		n = t.Fails
		if n < downAfter {
			return Transition{}, false
		}
	}
	if t.State == to {
		return Transition{}, false
	}
	tr := Transition{From: t.State, To: to, At: t.RunStart}
	t.State, t.Since = to, t.RunStart
	return tr, true
}

// Interval is a half-open span of time [Start, End). A zero End is open:
// it runs to the end of whatever it is measured against.
type Interval struct {
	Start, End time.Time
}

// Figures are the time-based measures of a monitor over a period.
type Figures struct {
	Monitored, Down time.Duration
	// FailureRate is Down / Monitored, and Availability 1 − FailureRate;
	// both nil when nothing was monitored.
	FailureRate, Availability *float64
}

// Measure computes DESIGN.md's failure rate over [from, to): monitored time
// runs from the monitor's first check (firstCheck) to end (now, or when
// monitoring stopped), downtime is the outages within it, and maintenance
// windows are taken out of both.
func Measure(from, to, firstCheck, end time.Time, outages, maintenance []Interval) Figures {
	lo, hi := maxTime(from, firstCheck), minTime(to, end)
	var f Figures
	if firstCheck.IsZero() || !hi.After(lo) {
		return f
	}
	windows := merge(maintenance, lo, hi)
	f.Monitored = hi.Sub(lo) - total(windows)
	down := merge(outages, lo, hi)
	f.Down = total(down) - overlap(down, windows)
	if f.Monitored > 0 {
		rate := float64(f.Down) / float64(f.Monitored)
		avail := 1 - rate
		f.FailureRate, f.Availability = &rate, &avail
	}
	return f
}

// Combine is a service's figures from its monitors': the mean failure rate
// weighted by monitored time, that is total downtime over total monitored
// time.
func Combine(all ...Figures) Figures {
	var f Figures
	for _, m := range all {
		f.Monitored += m.Monitored
		f.Down += m.Down
	}
	if f.Monitored > 0 {
		rate := float64(f.Down) / float64(f.Monitored)
		avail := 1 - rate
		f.FailureRate, f.Availability = &rate, &avail
	}
	return f
}

// merge clips intervals to [lo, hi), open ends at hi, and joins overlaps,
// in order.
func merge(in []Interval, lo, hi time.Time) []Interval {
	var out []Interval
	for _, iv := range in {
		s, e := iv.Start, iv.End
		if e.IsZero() || e.After(hi) {
			e = hi
		}
		s = maxTime(s, lo)
		if e.After(s) {
			out = append(out, Interval{s, e})
		}
	}
	slices.SortFunc(out, func(a, b Interval) int { return a.Start.Compare(b.Start) })
	joined := out[:0]
	for _, iv := range out {
		if n := len(joined); n > 0 && !iv.Start.After(joined[n-1].End) {
			joined[n-1].End = maxTime(joined[n-1].End, iv.End)
			continue
		}
		joined = append(joined, iv)
	}
	return joined
}

func total(ivs []Interval) time.Duration {
	var d time.Duration
	for _, iv := range ivs {
		d += iv.End.Sub(iv.Start)
	}
	return d
}

// overlap is the time two sorted, disjoint interval lists share.
func overlap(a, b []Interval) time.Duration {
	var d time.Duration
	for i, j := 0, 0; i < len(a) && j < len(b); {
		s, e := maxTime(a[i].Start, b[j].Start), minTime(a[i].End, b[j].End)
		if e.After(s) {
			d += e.Sub(s)
		}
		if a[i].End.Before(b[j].End) {
			i++
		} else {
			j++
		}
	}
	return d
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
