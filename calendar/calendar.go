// Package calendar provides business-time arithmetic over working calendars.
//
// A Calendar is built from an sqm.Calendar definition: a time zone, working
// intervals per weekday, the user's holidays and workdays and optionally a
// built-in holiday set. Business measures the working time between two
// instants and Add finds the instant at which a given amount of working time
// has elapsed; both are evaluated in the calendar's zone, so they are safe
// across DST changes, and they are consistent with each other.
//
// The package is pure: no I/O, no clock reads, no goroutines. A Calendar is
// immutable and safe for concurrent use. Instants are handled with
// nanosecond precision from 1700 to 2200; instants outside that range are
// clamped to it.
package calendar

import (
	"strings"
	"time"
	_ "time/tzdata" // zones work on machines without zoneinfo

	"github.com/sqmhq/sqm"
)

// A Calendar is the arithmetic of a business calendar.
type Calendar struct {
	loc    *time.Location
	always bool          // every instant is worked: the 24x7 fast path
	days   [3][7]daySpec // intervals by date kind and weekday, Monday first
	dates  []special     // the user's holidays and workdays, by day
	set    *holidaySet   // the built-in holiday set, or nil
}

// daySpec holds the working intervals of one kind of day.
type daySpec struct {
	spans []span // sorted, disjoint, not touching
	total int64  // their length in ns on a day of 24 hours
}

// New validates def and builds its arithmetic. Errors are *sqm.Error values
// naming the offending field, such as "timezone", "hours.mon[1]",
// "holidays[2]", "workdays[0]" or "holiday_set".
func New(def sqm.Calendar) (*Calendar, error) {
	loc, err := loadZone(def.Timezone)
	if err != nil {
		return nil, err
	}
	week, err := parseHours(def.Hours)
	if err != nil {
		return nil, err
	}
	dates, err := parseDates(def.Holidays, def.Workdays)
	if err != nil {
		return nil, err
	}
	var set *holidaySet
	if def.HolidaySet != "" {
		if set = holidaySets[def.HolidaySet]; set == nil {
			return nil, sqm.FieldError("holiday_set", "Unknown holiday set %q: the built-in sets are %s.",
				def.HolidaySet, strings.Join(HolidaySets(), ", "))
		}
	}
	return build(loc, week, dates, set), nil
}

// loadZone loads an IANA time zone.
func loadZone(name string) (*time.Location, error) {
	if name == "" {
		return nil, sqm.FieldError("timezone", "A time zone is required, such as Asia/Shanghai or UTC.")
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" { // Local would depend on the machine
		return nil, sqm.FieldError("timezone", "Unknown time zone %q: use an IANA name such as Asia/Shanghai or UTC.", name)
	}
	return loc, nil
}

// build assembles a calendar from validated parts.
func build(loc *time.Location, week [7][]span, dates []special, set *holidaySet) *Calendar {
	c := &Calendar{loc: loc, dates: dates, set: set}
	c.always = set == nil
	for wd, spans := range week {
		c.days[regular][wd] = newDaySpec(spans)
		// A workday whose weekday is not worked uses Monday's intervals; one
		// whose weekday is worked (such as a user's workday overriding a
		// set's holiday) keeps its own.
		if len(spans) == 0 {
			spans = week[0]
		}
		c.days[workday][wd] = newDaySpec(spans)
		// c.days[holiday][wd] stays empty.
		if c.days[regular][wd].total != nsPerDay {
			c.always = false
		}
	}
	for _, d := range dates {
		if d.kind == holiday {
			c.always = false
		}
	}
	return c
}

func newDaySpec(spans []span) daySpec {
	ds := daySpec{spans: spans}
	for _, sp := range spans {
		ds.total += int64(sp.end-sp.start) * nsPerMin
	}
	return ds
}

// always24x7 is the calendar worked around the clock, in UTC.
var always24x7 = func() *Calendar {
	var week [7][]span
	for wd := range week {
		week[wd] = []span{{0, 24 * 60}}
	}
	return build(time.UTC, week, nil, nil)
}()

// Always returns the 24x7 calendar in UTC, on which Business(from, to) is
// to-from and Add(from, d) is from+d.
func Always() *Calendar { return always24x7 }

// Location returns the calendar's zone.
func (c *Calendar) Location() *time.Location { return c.loc }
