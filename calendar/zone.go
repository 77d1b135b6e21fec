package calendar

import (
	"math"
	"time"
)

// Units of the internal arithmetic. Instants are int64 nanoseconds since the
// Unix epoch; local days are int64 day numbers, day 0 being 1970-01-01 of the
// calendar's wall clock; wall times within a day are minutes.
const (
	secPerDay = 86400
	nsPerSec  = int64(time.Second)
	nsPerMin  = int64(time.Minute)
	nsPerDay  = secPerDay * nsPerSec
)

// The supported range of instants. Nanoseconds since the epoch overflow in
// 2262; the margin keeps day arithmetic near the edges safe. Instants outside
// are clamped to it.
var (
	minTime = time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
	minNs   = minTime.UnixNano()
	maxNs   = maxTime.UnixNano()
)

// clampNs returns t as nanoseconds since the epoch, clamped to the supported
// range.
func clampNs(t time.Time) int64 {
	if t.Before(minTime) {
		return minNs
	}
	if !t.Before(maxTime) {
		return maxNs
	}
	return t.UnixNano()
}

// zone caches one period of constant UTC offset of a location, so that the
// day-by-day walk of a computation asks the time package only when it
// crosses a transition. It is a per-call value: never share one between
// goroutines.
type zone struct {
	loc        *time.Location
	start, end int64 // the cached period [start, end), Unix seconds
	off        int64 // its UTC offset, seconds
}

// offset returns the UTC offset in force at Unix second sec and makes its
// period the cached one.
func (z *zone) offset(sec int64) int64 {
	if sec < z.start || sec >= z.end {
		t := time.Unix(sec, 0).In(z.loc)
		_, off := t.Zone()
		from, to := t.ZoneBounds()
		z.off, z.start, z.end = int64(off), math.MinInt64, math.MaxInt64
		if !from.IsZero() {
			z.start = from.Unix()
		}
		if !to.IsZero() {
			z.end = to.Unix()
		}
	}
	return z.off
}

// unix converts local seconds (a wall time written as if it were UTC) to Unix
// seconds exactly as time.Date does, including its normalisation of wall
// times that a transition skips or repeats.
func (z *zone) unix(local int64) int64 {
	off := z.offset(local)
	if off != 0 {
		if utc := local - off; utc < z.start || utc >= z.end {
			off = z.offset(utc)
		}
	}
	return local - off
}

// wall returns the instant, in nanoseconds, of minute m of local day d.
// Minute 1440 is the next day's midnight.
func (z *zone) wall(d int64, m int32) int64 {
	return z.unix(d*secPerDay+int64(m)*60) * nsPerSec
}

// floorDiv divides rounding toward negative infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// weekday returns the weekday of local day d, Monday being 0.
func weekday(d int64) int {
	return int(d + 3 - floorDiv(d+3, 7)*7) // 1970-01-01 was a Thursday
}

// dayNumber returns the day number of a proleptic Gregorian date
// (H. Hinnant's days_from_civil).
func dayNumber(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	doy := (153*((m+9)%12)+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// yearOf returns the Gregorian year of day number d (H. Hinnant's
// civil_from_days, year only).
func yearOf(d int64) int64 {
	d += 719468
	era := floorDiv(d, 146097)
	doe := d - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	y := yoe + era*400
	if (5*doy+2)/153 >= 10 { // January or February
		y++
	}
	return y
}
