package calendar

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/sqmhq/sqm"
)

// span is a working interval of a day in wall-clock minutes, [start, end),
// with 0 <= start < end <= 1440.
type span struct{ start, end int32 }

// parseHours validates the working intervals per weekday and returns them
// Monday first, each day sorted with touching intervals merged.
func parseHours(hours map[string][]string) ([7][]span, error) {
	var week [7][]span
	var unknown []string
	for key := range hours {
		if !slices.Contains(sqm.Weekdays, key) {
			unknown = append(unknown, key)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown) // report the same key every time
		return week, sqm.FieldError("hours."+unknown[0],
			"Unknown weekday %q: working hours are keyed mon, tue, wed, thu, fri, sat or sun.", unknown[0])
	}
	worked := false
	for wd, key := range sqm.Weekdays {
		spans, err := parseDay(key, hours[key])
		if err != nil {
			return week, err
		}
		week[wd] = spans
		worked = worked || len(spans) > 0
	}
	if !worked {
		return week, sqm.FieldError("hours", "A calendar needs at least one working interval.")
	}
	return week, nil
}

// parseDay validates the intervals of one weekday; key names it in errors.
func parseDay(key string, list []string) ([]span, error) {
	type entry struct {
		span
		index int // position in list, for error messages
	}
	entries := make([]entry, 0, len(list))
	for i, s := range list {
		sp, ok := parseSpan(s)
		if !ok {
			return nil, sqm.FieldError(fmt.Sprintf("hours.%s[%d]", key, i),
				"%q is no working interval: write HH:MM-HH:MM with the start before the end, such as 09:00-12:00 (24:00 may end a day).", s)
		}
		entries = append(entries, entry{sp, i})
	}
	slices.SortFunc(entries, func(a, b entry) int { return int(a.start - b.start) })
	var spans []span
	for i, e := range entries {
		if i > 0 && e.start < entries[i-1].end {
			return nil, sqm.FieldError(fmt.Sprintf("hours.%s[%d]", key, e.index),
				"Interval %s overlaps %s on the same day.", list[e.index], list[entries[i-1].index])
		}
		if n := len(spans); n > 0 && spans[n-1].end == e.start {
			spans[n-1].end = e.end // touching intervals are one
			continue
		}
		spans = append(spans, e.span)
	}
	return spans, nil
}

// parseSpan parses an interval "HH:MM-HH:MM".
func parseSpan(s string) (span, bool) {
	if len(s) != 11 || s[5] != '-' {
		return span{}, false
	}
	start, ok1 := parseClock(s[:5])
	end, ok2 := parseClock(s[6:])
	if !ok1 || !ok2 || start >= end {
		return span{}, false
	}
	return span{start, end}, true
}

// parseClock parses a wall time "HH:MM" from 00:00 to 24:00 into minutes.
func parseClock(s string) (int32, bool) {
	if s[2] != ':' {
		return 0, false
	}
	for _, i := range [...]int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	h := int32(s[0]-'0')*10 + int32(s[1]-'0')
	m := int32(s[3]-'0')*10 + int32(s[4]-'0')
	if m > 59 || h > 24 || h == 24 && m != 0 {
		return 0, false
	}
	return h*60 + m, true
}

// special is a date the user lists as a holiday or a workday.
type special struct {
	day  int64
	kind uint8
}

// parseDates validates the user's holidays and workdays and returns them
// sorted by day. Duplicates are fine; a date in both lists is not.
func parseDates(holidays, workdays []string) ([]special, error) {
	kinds := make(map[int64]uint8, len(holidays)+len(workdays))
	for i, s := range holidays {
		d, ok := parseDate(s)
		if !ok {
			return nil, sqm.FieldError(fmt.Sprintf("holidays[%d]", i), "%q is no date: write YYYY-MM-DD, such as 2026-10-01.", s)
		}
		kinds[d] = holiday
	}
	for i, s := range workdays {
		d, ok := parseDate(s)
		if !ok {
			return nil, sqm.FieldError(fmt.Sprintf("workdays[%d]", i), "%q is no date: write YYYY-MM-DD, such as 2026-10-01.", s)
		}
		if kinds[d] == holiday {
			return nil, sqm.FieldError(fmt.Sprintf("workdays[%d]", i), "%s is listed both as a holiday and as a workday.", s)
		}
		kinds[d] = workday
	}
	dates := make([]special, 0, len(kinds))
	for d, k := range kinds {
		dates = append(dates, special{d, k})
	}
	slices.SortFunc(dates, func(a, b special) int { return cmp.Compare(a.day, b.day) })
	return dates, nil
}

// parseDate parses a date "YYYY-MM-DD" into its day number.
func parseDate(s string) (int64, bool) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || len(s) != len(time.DateOnly) {
		return 0, false
	}
	return dayNumber(int64(t.Year()), int64(t.Month()), int64(t.Day())), true
}
