package calendar

import "time"

// Business returns the business time in [from, to): the measure of its
// overlap with the working intervals, evaluated in the calendar's zone. It is
// zero if to is not after from.
func (c *Calendar) Business(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	if c.always {
		return to.Sub(from)
	}
	a, b := clampNs(from), clampNs(to)
	if a >= b {
		return 0
	}
	var w walker
	w.init(c, a)
	var sum int64
	for ; w.start < b; w.advance() {
		if w.fast && w.start >= a && w.end <= b {
			sum += w.spec.total // a whole plain day
			continue
		}
		prev := w.start
		for i := range w.spec.spans {
			s, e := w.interval(i, prev)
			prev = e
			if s, e = max(s, a), min(e, b); s < e {
				sum += e - s
			}
		}
	}
	return time.Duration(sum)
}

// Add returns the earliest instant t >= from such that Business(from, t) ==
// d. Add(from, 0) is from, and when d runs out exactly at the end of a
// working interval the answer is that end, not the start of the next
// interval. A negative d counts as zero. The result is in from's location.
func (c *Calendar) Add(from time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return from
	}
	if c.always {
		return from.Add(d)
	}
	a := clampNs(from)
	if a == maxNs {
		return from // beyond the supported range: nothing more is worked
	}
	rem := int64(d)
	var w walker
	w.init(c, a)
	for ; w.start < maxNs; w.advance() {
		if w.fast && w.start >= a && w.spec.total < rem {
			rem -= w.spec.total // a whole plain day, not the last one
			continue
		}
		prev := w.start
		for i := range w.spec.spans {
			s, e := w.interval(i, prev)
			prev = e
			if s = max(s, a); s < e {
				if e-s >= rem {
					return at(from, a, s+rem)
				}
				rem -= e - s
			}
		}
	}
	return at(from, a, maxNs)
}

// at returns instant t (ns) in from's location; a is from clamped to the
// supported range. When from is in range the result is from plus the
// elapsed time, which keeps its location and monotonic reading consistent.
func at(from time.Time, a, t int64) time.Time {
	if from.Before(minTime) {
		return time.Unix(0, t).In(from.Location())
	}
	return from.Add(time.Duration(t - a))
}

// Working reports whether instant t lies inside a working interval.
func (c *Calendar) Working(t time.Time) bool {
	if c.always {
		return true
	}
	if t.Before(minTime) || !t.Before(maxTime) {
		return false // outside the supported range
	}
	x := t.UnixNano()
	var w walker
	w.init(c, x)
	prev := w.start
	for i := range w.spec.spans {
		s, e := w.interval(i, prev)
		prev = e
		if s <= x && x < e {
			return true
		}
	}
	return false
}
