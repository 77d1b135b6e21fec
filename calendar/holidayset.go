package calendar

import (
	"slices"
	"sync/atomic"

	"github.com/6tail/lunar-go/HolidayUtil"
)

// Kinds of a date, as holiday sets and the user's lists classify it.
const (
	regular = iota // worked according to its weekday
	holiday        // not worked
	workday        // worked although its weekday may not be
)

// setDate is one date of a holiday set.
type setDate struct {
	day  string // YYYY-MM-DD
	kind uint8  // holiday or workday
}

// A holidaySet is a built-in set of holidays and make-up working days. Its
// dates are classified lazily, one year at a time, and kept for the life of
// the process: the cache is safe for concurrent use and lock-free to read.
type holidaySet struct {
	source func(year int) []setDate
	years  [lastYear - firstYear + 1]atomic.Pointer[yearKinds]
}

// The years a set caches; they cover the supported range of instants in
// every zone. Other years are classified anew at each use.
const (
	firstYear = 1690
	lastYear  = 2210
)

// yearKinds classifies the days of one Gregorian year.
type yearKinds struct {
	first int64   // day number of January 1
	kinds []uint8 // kind of each day of the year, January 1 first
}

// has reports whether day d falls in the year.
func (k *yearKinds) has(d int64) bool {
	return k != nil && d >= k.first && d < k.first+int64(len(k.kinds))
}

// holidaySets are the built-in sets by name.
var holidaySets = map[string]*holidaySet{
	"cn": {source: cnYear},
}

// HolidaySets lists the names of the built-in holiday sets.
func HolidaySets() []string {
	names := make([]string, 0, len(holidaySets))
	for name := range holidaySets {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// year returns the classification of year y, building it on first use.
func (s *holidaySet) year(y int64) *yearKinds {
	if y < firstYear || y > lastYear {
		return s.build(y)
	}
	slot := &s.years[y-firstYear]
	if k := slot.Load(); k != nil {
		return k
	}
	// Two goroutines may build the same year at once; the first one stored
	// wins and both return it.
	if k := s.build(y); slot.CompareAndSwap(nil, k) {
		return k
	}
	return slot.Load()
}

// build classifies year y from the set's source. Dates the source gives
// outside the year, or malformed, are ignored.
func (s *holidaySet) build(y int64) *yearKinds {
	first := dayNumber(y, 1, 1)
	k := &yearKinds{first: first, kinds: make([]uint8, dayNumber(y+1, 1, 1)-first)}
	for _, sd := range s.source(int(y)) {
		if d, ok := parseDate(sd.day); ok && k.has(d) {
			k.kinds[d-first] = sd.kind
		}
	}
	return k
}

// cnYear lists the Chinese statutory holidays and make-up working days (调休)
// of one year, as maintained by github.com/6tail/lunar-go. Years the library
// does not cover (before 2002, or not yet announced) have no dates.
func cnYear(year int) []setDate {
	if year < 1000 || year > 9999 {
		return nil // the library looks years up by their four digits
	}
	var dates []setDate
	l := HolidayUtil.GetHolidaysByYear(year)
	for e := l.Front(); e != nil; e = e.Next() {
		h, ok := e.Value.(*HolidayUtil.Holiday)
		if !ok {
			continue
		}
		sd := setDate{day: h.GetDay(), kind: holiday}
		if h.IsWork() {
			sd.kind = workday
		}
		dates = append(dates, sd)
	}
	return dates
}
