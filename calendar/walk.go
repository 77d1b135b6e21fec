package calendar

import (
	"cmp"
	"slices"
)

// A walker steps forward through the local days of a calendar, one day at a
// time, and yields each day's working intervals as absolute instants. It is
// the single source of intervals for Business, Add and Working, which keeps
// them consistent with each other.
//
// Day d lasts from its local midnight to the next, both converted as
// time.Date converts them, so a day is 23 or 25 hours long across a DST
// change. Day bounds never decrease (no zone jumps by more than a day), so
// the days tile the time line and the intervals of successive days are
// ordered and disjoint.
type walker struct {
	c          *Calendar
	z          zone
	day        int64      // local day number
	start, end int64      // the day's bounds [start, end), ns
	fast       bool       // the day lasts 24 hours at one UTC offset
	spec       *daySpec   // the day's intervals
	ui         int        // index in c.dates of the first date not before day
	year       *yearKinds // the holiday set's classification of a year
}

// init positions the walker on the day that contains instant t (ns).
func (w *walker) init(c *Calendar, t int64) {
	w.c, w.z.loc = c, c.loc
	sec := floorDiv(t, nsPerSec)
	d := floorDiv(sec+w.z.offset(sec), secPerDay)
	start := w.z.wall(d, 0)
	for start > t { // only near odd transitions
		d--
		start = w.z.wall(d, 0)
	}
	w.day, w.start = d, start
	w.ui, _ = slices.BinarySearchFunc(c.dates, d, func(s special, d int64) int {
		return cmp.Compare(s.day, d)
	})
	w.load()
	for w.end <= t {
		w.advance()
	}
}

// advance moves the walker to the next day.
func (w *walker) advance() {
	w.day++
	w.start = w.end
	w.load()
}

// load computes the day's end, whether it is a plain day, and its intervals.
func (w *walker) load() {
	w.end = w.z.wall(w.day+1, 0)
	w.fast = false
	if w.end-w.start == nsPerDay {
		w.z.offset(w.start / nsPerSec) // caches the period the day starts in
		w.fast = w.z.end >= w.end/nsPerSec
	}
	w.spec = &w.c.days[w.kind()][weekday(w.day)]
}

// kind classifies the day: the user's dates first, then the holiday set.
func (w *walker) kind() uint8 {
	dates := w.c.dates
	for w.ui < len(dates) && dates[w.ui].day < w.day {
		w.ui++
	}
	if w.ui < len(dates) && dates[w.ui].day == w.day {
		return dates[w.ui].kind
	}
	if w.c.set == nil {
		return regular
	}
	if !w.year.has(w.day) {
		w.year = w.c.set.year(yearOf(w.day))
	}
	return w.year.kinds[w.day-w.year.first]
}

// interval returns the day's i-th working interval as instants [s, e).
// Intervals must be asked for in order, prev being the end of the previous
// one or the day's start for the first. On a plain day an interval is its
// minutes after midnight; otherwise each bound is converted like time.Date
// converts it, then clamped so that the intervals stay ordered, disjoint and
// inside the day (a wall time skipped by a DST change may shrink one).
func (w *walker) interval(i int, prev int64) (s, e int64) {
	sp := w.spec.spans[i]
	if w.fast {
		return w.start + int64(sp.start)*nsPerMin, w.start + int64(sp.end)*nsPerMin
	}
	s = min(max(w.z.wall(w.day, sp.start), prev), w.end)
	e = min(max(w.z.wall(w.day, sp.end), s), w.end)
	return s, e
}
