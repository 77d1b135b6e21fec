package calendar

import (
	"testing"
	"time"

	"github.com/sqmhq/sqm"
)

// office returns an office calendar: Monday to Friday 09:00-12:00 and
// 13:30-18:00 (7h30 a day), in zone, with the holiday set named by set.
func office(zone, set string) sqm.Calendar {
	hours := map[string][]string{}
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri"} {
		hours[d] = []string{"09:00-12:00", "13:30-18:00"}
	}
	return sqm.Calendar{Timezone: zone, Hours: hours, HolidaySet: set}
}

// allDay returns a 24x7 calendar in zone, with holidays.
func allDay(zone string, holidays ...string) sqm.Calendar {
	c := sqm.Calendar24x7("24x7", zone)
	c.Holidays = holidays
	return c
}

// tb is what the helpers need of a *testing.T or a *rapid.T.
type tb interface {
	Helper()
	Fatalf(format string, args ...any)
}

// mustNew builds a calendar or fails the test.
func mustNew(t tb, def sqm.Calendar) *Calendar {
	t.Helper()
	c, err := New(def)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// wall parses "2006-01-02 15:04" (or with seconds) as a wall time in c's zone.
func wall(t testing.TB, c *Calendar, s string) time.Time {
	t.Helper()
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05.999999999"} {
		if v, err := time.ParseInLocation(layout, s, c.Location()); err == nil {
			return v
		}
	}
	t.Fatalf("bad wall time %q", s)
	return time.Time{}
}

// instant parses an RFC 3339 instant, for times a wall clock cannot name.
func instant(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("bad instant %q: %v", s, err)
	}
	return v
}

// dur parses a duration.
func dur(t testing.TB, s string) time.Duration {
	t.Helper()
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatalf("bad duration %q: %v", s, err)
	}
	return d
}

// naiveWorking is an independent, slow oracle for Working: it converts the
// intervals of t's local date and of the day before with time.Date, exactly
// as the contract words it, and looks for one containing t.
func naiveWorking(def sqm.Calendar, loc *time.Location, t time.Time) bool {
	user := map[string]uint8{}
	for _, d := range def.Holidays {
		user[d] = holiday
	}
	for _, d := range def.Workdays {
		user[d] = workday
	}
	lt := t.In(loc)
	for back := 0; back <= 1; back++ {
		y, m, d := lt.AddDate(0, 0, -back).Date()
		date := time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
		key := date.Format(time.DateOnly)
		kind, ok := user[key]
		if !ok && def.HolidaySet == "cn" {
			for _, sd := range cnYear(y) {
				if sd.day == key {
					kind = sd.kind
				}
			}
		}
		wd := sqm.Weekdays[(int(date.Weekday())+6)%7]
		list := def.Hours[wd]
		switch {
		case kind == holiday:
			list = nil
		case kind == workday && len(list) == 0:
			list = def.Hours["mon"]
		}
		for _, iv := range list {
			sp, _ := parseSpan(iv)
			s := time.Date(y, m, d, 0, int(sp.start), 0, 0, loc)
			e := time.Date(y, m, d, 0, int(sp.end), 0, 0, loc)
			if !t.Before(s) && t.Before(e) {
				return true
			}
		}
	}
	return false
}
