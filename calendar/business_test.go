package calendar

import (
	"testing"

	"github.com/sqmhq/sqm"
)

// Calendars of the examples. 2026-03-02 is a Monday.
var (
	officeUTC = office("UTC", "")
	officeCN  = office("Asia/Shanghai", "cn")
	officeNY  = office("America/New_York", "")
	officeBER = office("Europe/Berlin", "")
	nightNY   = sqm.Calendar{Timezone: "America/New_York", Hours: map[string][]string{"sun": {"00:00-04:00"}}}
	gapNY     = sqm.Calendar{Timezone: "America/New_York", Hours: map[string][]string{"sun": {"02:30-04:00"}}}
	gapBER    = sqm.Calendar{Timezone: "Europe/Berlin", Hours: map[string][]string{"sun": {"02:00-03:00"}}}
	midnight  = sqm.Calendar{Timezone: "UTC", Hours: map[string][]string{"fri": {"20:00-24:00"}, "sat": {"00:00-02:00"}}}
	mondays   = sqm.Calendar{Timezone: "UTC", Workdays: []string{"2026-03-07"}, Hours: map[string][]string{
		"mon": {"08:00-12:00"}, "tue": {"09:00-17:00"}, "wed": {"09:00-17:00"}, "thu": {"09:00-17:00"}, "fri": {"09:00-17:00"},
	}}
)

// with returns def with user holidays and workdays added.
func with(def sqm.Calendar, holidays, workdays []string) sqm.Calendar {
	def.Holidays, def.Workdays = holidays, workdays
	return def
}

func TestBusiness(t *testing.T) {
	tests := []struct {
		name     string
		def      sqm.Calendar
		from, to string // wall times in the calendar's zone
		want     string
	}{
		{"a span around the lunch break counts the morning and the afternoon", officeUTC, "2026-03-02 11:00", "2026-03-02 14:00", "1h30m"},
		{"the lunch break is not worked", officeUTC, "2026-03-02 12:00", "2026-03-02 13:30", "0s"},
		{"a span on interval edges counts the whole interval", officeUTC, "2026-03-02 09:00", "2026-03-02 12:00", "3h"},
		{"nanoseconds around the lunch break count", officeUTC, "2026-03-02 11:59:59.999999999", "2026-03-02 13:30:00.000000001", "2ns"},
		{"a working day is seven and a half hours", officeUTC, "2026-03-02 00:00", "2026-03-03 00:00", "7h30m"},
		{"a weekend is not worked", officeUTC, "2026-03-07 00:00", "2026-03-09 00:00", "0s"},
		{"Friday evening to Monday morning counts working hours only", officeUTC, "2026-03-06 17:00", "2026-03-09 10:00", "2h"},
		{"a week is five working days", officeUTC, "2026-03-02 00:00", "2026-03-09 00:00", "37h30m"},
		{"sixty days are counted day by day", officeUTC, "2026-03-02 00:00", "2026-05-01 00:00", "330h"},
		{"to before from is zero", officeUTC, "2026-03-02 14:00", "2026-03-02 11:00", "0s"},
		{"an empty span is zero", officeUTC, "2026-03-02 10:00", "2026-03-02 10:00", "0s"},
		{"a user holiday is not worked", with(officeUTC, []string{"2026-03-04", "2026-03-04"}, nil), "2026-03-02 00:00", "2026-03-09 00:00", "30h"},
		{"a workday on a Saturday uses Monday's hours", mondays, "2026-03-07 00:00", "2026-03-08 00:00", "4h"},
		{"a workday on a worked weekday keeps its own hours", with(mondays, nil, []string{"2026-03-04"}), "2026-03-04 00:00", "2026-03-05 00:00", "8h"},
		{"the cn national day week is a holiday", officeCN, "2026-09-30 17:00", "2026-10-08 10:00", "2h"},
		{"the cn make-up Sunday before national day is worked", officeCN, "2026-09-20 00:00", "2026-09-21 00:00", "7h30m"},
		{"the cn make-up Saturday after national day is worked", officeCN, "2026-10-10 00:00", "2026-10-11 00:00", "7h30m"},
		{"the cn make-up Saturday 2026-02-14 is worked", officeCN, "2026-02-14 00:00", "2026-02-15 00:00", "7h30m"},
		{"the cn make-up Saturday 2026-02-28 is worked", officeCN, "2026-02-28 00:00", "2026-03-01 00:00", "7h30m"},
		{"the cn spring festival Monday 2026-02-16 is a holiday", officeCN, "2026-02-16 00:00", "2026-02-17 00:00", "0s"},
		{"a user holiday overrides a cn make-up workday", with(officeCN, []string{"2026-09-20"}, nil), "2026-09-20 00:00", "2026-09-21 00:00", "0s"},
		{"a user workday overrides a cn holiday", with(officeCN, nil, []string{"2026-10-02"}), "2026-10-02 00:00", "2026-10-03 00:00", "7h30m"},
		{"without the set national day is worked", office("Asia/Shanghai", ""), "2026-10-01 00:00", "2026-10-02 00:00", "7h30m"},
		{"a 24x7 spring-forward day in New York lasts 23 hours", allDay("America/New_York"), "2026-03-08 00:00", "2026-03-09 00:00", "23h"},
		{"a 24x7 fall-back day in New York lasts 25 hours", allDay("America/New_York"), "2026-11-01 00:00", "2026-11-02 00:00", "25h"},
		{"a 24x7 spring-forward day with holidays elsewhere lasts 23 hours", allDay("America/New_York", "2026-12-25"), "2026-03-08 00:00", "2026-03-09 00:00", "23h"},
		{"a 24x7 fall-back day with holidays elsewhere lasts 25 hours", allDay("America/New_York", "2026-12-25"), "2026-11-01 00:00", "2026-11-02 00:00", "25h"},
		{"a 24x7 spring-forward day in Berlin lasts 23 hours", allDay("Europe/Berlin", "2026-12-25"), "2026-03-29 00:00", "2026-03-30 00:00", "23h"},
		{"a 24x7 fall-back day in Berlin lasts 25 hours", allDay("Europe/Berlin", "2026-12-25"), "2026-10-25 00:00", "2026-10-26 00:00", "25h"},
		{"a 24x7 holiday is not worked", allDay("Europe/Berlin", "2026-12-25"), "2026-12-24 12:00", "2026-12-26 12:00", "24h"},
		{"office hours across the spring change in New York", officeNY, "2026-03-06 17:00", "2026-03-09 10:00", "2h"},
		{"an office week across the fall change in Berlin", officeBER, "2026-10-19 00:00", "2026-10-26 00:00", "37h30m"},
		{"a night interval through the spring gap loses an hour", nightNY, "2026-03-08 00:00", "2026-03-09 00:00", "3h"},
		{"a night interval through the fall repeat gains an hour", nightNY, "2026-11-01 00:00", "2026-11-02 00:00", "5h"},
		// time.Date reads the skipped 02:30 with the old offset: 01:30 EST.
		{"an interval starting in the spring gap starts where time.Date puts it", gapNY, "2026-03-08 00:00", "2026-03-09 00:00", "1h30m"},
		{"an interval that is the spring gap has no length", gapBER, "2026-03-29 00:00", "2026-03-30 00:00", "0s"},
		{"an interval ending at 24:00 runs to midnight", midnight, "2026-03-06 23:00", "2026-03-07 01:00", "2h"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustNew(t, tt.def)
			from, to, want := wall(t, c, tt.from), wall(t, c, tt.to), dur(t, tt.want)
			if got := c.Business(from, to); got != want {
				t.Fatalf("Business(%s, %s) = %v, want %v", tt.from, tt.to, got, want)
			}
			if want > 0 { // Add agrees
				end := c.Add(from, want)
				if end.After(to) || c.Business(from, end) != want {
					t.Fatalf("Add(%s, %v) = %v, inconsistent with Business", tt.from, want, end)
				}
			}
		})
	}
}

func TestAdd(t *testing.T) {
	tests := []struct {
		name       string
		def        sqm.Calendar
		from, d    string
		want       string // wall time in the calendar's zone
		wantOffset int    // UTC offset of the result in seconds, to pin DST
	}{
		{"adding zero returns from even off hours", officeUTC, "2026-03-07 10:00", "0s", "2026-03-07 10:00", 0},
		{"running out at the end of the morning lands at 12:00 not 13:30", officeUTC, "2026-03-02 11:00", "1h", "2026-03-02 12:00", 0},
		{"a nanosecond more lands just after lunch", officeUTC, "2026-03-02 11:00", "1h0m0.000000001s", "2026-03-02 13:30:00.000000001", 0},
		{"running out at the end of the day lands at 18:00", officeUTC, "2026-03-02 09:00", "7h30m", "2026-03-02 18:00", 0},
		{"from inside the lunch break starts after it", officeUTC, "2026-03-02 12:30", "30m", "2026-03-02 14:00", 0},
		{"from a Saturday starts on Monday", officeUTC, "2026-03-07 10:00", "1h", "2026-03-09 10:00", 0},
		{"Friday evening rolls over the weekend", officeUTC, "2026-03-06 17:00", "2h", "2026-03-09 10:00", 0},
		{"four hours from the morning end after lunch", officeUTC, "2026-03-02 09:00", "4h", "2026-03-02 14:30", 0},
		{"forty hours run into the next week", officeUTC, "2026-03-02 09:00", "40h", "2026-03-09 11:30", 0},
		{"a user holiday is skipped", with(officeUTC, []string{"2026-03-03"}, nil), "2026-03-02 17:00", "2h", "2026-03-04 10:00", 0},
		{"the cn national day week is skipped", officeCN, "2026-09-30 17:00", "2h", "2026-10-08 10:00", 8 * 3600},
		{"the cn make-up Sunday is worked", officeCN, "2026-09-19 10:00", "1h", "2026-09-20 10:00", 8 * 3600},
		{"a Saturday workday uses Monday's hours", mondays, "2026-03-06 16:00", "2h", "2026-03-07 09:00", 0},
		{"office hours across the spring change in New York", officeNY, "2026-03-06 17:00", "2h", "2026-03-09 10:00", -4 * 3600},
		{"a 24x7 spring-forward day ends 23 hours after midnight", allDay("America/New_York", "2026-12-25"), "2026-03-08 00:00", "23h", "2026-03-09 00:00", -4 * 3600},
		{"a 24x7 fall-back day ends 25 hours after midnight", allDay("America/New_York", "2026-12-25"), "2026-11-01 00:00", "25h", "2026-11-02 00:00", -5 * 3600},
		{"running out at 24:00 lands at midnight", with(midnight, []string{"2026-03-07"}, nil), "2026-03-06 23:00", "1h", "2026-03-07 00:00", 0},
		{"a 24:00 end continues into the next day's interval", midnight, "2026-03-06 23:00", "1h30m", "2026-03-07 00:30", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustNew(t, tt.def)
			from, d, want := wall(t, c, tt.from), dur(t, tt.d), wall(t, c, tt.want)
			got := c.Add(from, d)
			if !got.Equal(want) {
				t.Fatalf("Add(%s, %v) = %v, want %v", tt.from, d, got, want)
			}
			if _, off := got.Zone(); off != tt.wantOffset {
				t.Fatalf("Add(%s, %v) = %v: offset %d, want %d", tt.from, d, got, off, tt.wantOffset)
			}
			if b := c.Business(from, got); b != d {
				t.Fatalf("Business(from, Add(from, %v)) = %v", d, b)
			}
		})
	}
}
