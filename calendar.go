package sqm

import "time"

// Calendar is a business calendar as a user defines it: an IANA zone,
// working intervals per weekday, holidays and extra working days, and
// optionally a built-in holiday set. The calendar package turns it into
// arithmetic.
type Calendar struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Timezone string `json:"timezone"`
	// Hours maps a weekday ("mon".."sun") to its working intervals,
	// such as "09:00-12:00"; a missing day is not worked.
	Hours map[string][]string `json:"hours"`
	// Holidays are dates (YYYY-MM-DD) not worked.
	Holidays []string `json:"holidays"`
	// Workdays are dates worked although their weekday is not; they use
	// Monday's intervals.
	Workdays []string `json:"workdays"`
	// HolidaySet names a built-in set of holidays and make-up working
	// days ("cn" for the Chinese statutory set) or is empty.
	HolidaySet string    `json:"holiday_set"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Weekdays are the keys of Calendar.Hours, Monday first.
var Weekdays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// DefaultCalendarName is the name of the 24x7 calendar of a new installation.
const DefaultCalendarName = "24x7"

// AllDay is the working interval of a 24x7 calendar day.
const AllDay = "00:00-24:00"

// Calendar24x7 returns the definition of a calendar worked around the clock.
func Calendar24x7(name, zone string) Calendar {
	c := Calendar{Name: name, Timezone: zone, Hours: map[string][]string{}, Holidays: []string{}, Workdays: []string{}}
	for _, d := range Weekdays {
		c.Hours[d] = []string{AllDay}
	}
	return c
}
