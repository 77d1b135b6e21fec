package calendar

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
)

func TestWorking(t *testing.T) {
	tests := []struct {
		name string
		def  sqm.Calendar
		at   string // wall time in the calendar's zone
		want bool
	}{
		{"the start of an interval is worked", officeUTC, "2026-03-02 09:00", true},
		{"the instant before an interval is not", officeUTC, "2026-03-02 08:59:59.999999999", false},
		{"the end of an interval is not worked", officeUTC, "2026-03-02 12:00", false},
		{"the instant before the end is", officeUTC, "2026-03-02 11:59:59.999999999", true},
		{"the lunch break is not worked", officeUTC, "2026-03-02 13:00", false},
		{"the afternoon starts at 13:30", officeUTC, "2026-03-02 13:30", true},
		{"18:00 is not worked", officeUTC, "2026-03-02 18:00", false},
		{"a Sunday is not worked", officeUTC, "2026-03-08 10:00", false},
		{"a cn holiday is not worked", officeCN, "2026-10-05 10:00", false},
		{"a cn make-up Sunday is worked", officeCN, "2026-09-20 10:00", true},
		{"a Saturday workday follows Monday's hours", mondays, "2026-03-07 08:30", true},
		{"a Saturday workday ends with Monday's hours", mondays, "2026-03-07 12:30", false},
		{"midnight after a 24:00 end belongs to the next day", midnight, "2026-03-07 00:00", true},
		{"midnight ending a 24:00 interval is not worked without a next interval", midnight, "2026-03-08 00:00", false},
		{"an instant in the fall-back repeat of a night interval is worked", nightNY, "2026-11-01 01:30", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustNew(t, tt.def)
			if got := c.Working(wall(t, c, tt.at)); got != tt.want {
				t.Fatalf("Working(%s) = %v, want %v", tt.at, got, tt.want)
			}
		})
	}
}

func TestAlways(t *testing.T) {
	c := Always()
	from := time.Date(2026, 3, 8, 1, 0, 0, 0, time.UTC)
	if c.Location() != time.UTC {
		t.Fatalf("Location() = %v, want UTC", c.Location())
	}
	if got := c.Business(from, from.Add(50*time.Hour)); got != 50*time.Hour {
		t.Fatalf("Business = %v, want 50h", got)
	}
	if got := c.Add(from, 90*time.Minute); !got.Equal(from.Add(90 * time.Minute)) {
		t.Fatalf("Add = %v", got)
	}
	if !c.Working(from) {
		t.Fatal("Working = false, want true")
	}
	if got := c.Business(from, from.Add(-time.Hour)); got != 0 {
		t.Fatalf("Business backwards = %v, want 0", got)
	}
}

func TestHolidaySets(t *testing.T) {
	if got := HolidaySets(); !slices.Equal(got, []string{"cn"}) {
		t.Fatalf("HolidaySets() = %v", got)
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(c *sqm.Calendar)
		field string // "" when the calendar is valid
	}{
		{"an office calendar is valid", func(c *sqm.Calendar) {}, ""},
		{"UTC is a valid zone", func(c *sqm.Calendar) { c.Timezone = "UTC" }, ""},
		{"touching intervals are valid", func(c *sqm.Calendar) { c.Hours["tue"] = []string{"13:00-18:00", "09:00-13:00"} }, ""},
		{"an interval may end at 24:00", func(c *sqm.Calendar) { c.Hours["sat"] = []string{"20:00-24:00"} }, ""},
		{"duplicate dates are valid", func(c *sqm.Calendar) { c.Holidays = []string{"2026-05-01", "2026-05-01"} }, ""},
		{"the cn set is known", func(c *sqm.Calendar) { c.HolidaySet = "cn" }, ""},
		{"a missing zone is rejected", func(c *sqm.Calendar) { c.Timezone = "" }, "timezone"},
		{"an unknown zone is rejected", func(c *sqm.Calendar) { c.Timezone = "Mars/Olympus_Mons" }, "timezone"},
		{"the machine's Local zone is rejected", func(c *sqm.Calendar) { c.Timezone = "Local" }, "timezone"},
		{"an unknown weekday is rejected", func(c *sqm.Calendar) { c.Hours["monday"] = []string{"09:00-12:00"} }, "hours.monday"},
		{"a badly written interval is rejected", func(c *sqm.Calendar) { c.Hours["mon"][1] = "9:00-12:00" }, "hours.mon[1]"},
		{"an interval ending before it starts is rejected", func(c *sqm.Calendar) { c.Hours["mon"][1] = "18:00-13:30" }, "hours.mon[1]"},
		{"an empty interval is rejected", func(c *sqm.Calendar) { c.Hours["tue"] = []string{"10:00-10:00"} }, "hours.tue[0]"},
		{"minutes past 59 are rejected", func(c *sqm.Calendar) { c.Hours["wed"][0] = "09:60-12:00" }, "hours.wed[0]"},
		{"hours past 24 are rejected", func(c *sqm.Calendar) { c.Hours["wed"][1] = "13:30-25:00" }, "hours.wed[1]"},
		{"24:30 is rejected", func(c *sqm.Calendar) { c.Hours["wed"][1] = "13:30-24:30" }, "hours.wed[1]"},
		{"24:00 cannot start an interval", func(c *sqm.Calendar) { c.Hours["sat"] = []string{"24:00-24:00"} }, "hours.sat[0]"},
		{"overlapping intervals are rejected", func(c *sqm.Calendar) { c.Hours["thu"] = []string{"09:00-12:00", "11:00-13:00"} }, "hours.thu[1]"},
		{"overlaps are found in any order", func(c *sqm.Calendar) { c.Hours["thu"] = []string{"11:00-13:00", "09:00-12:00"} }, "hours.thu[0]"},
		{"a calendar without working time is rejected", func(c *sqm.Calendar) { c.Hours = map[string][]string{"sun": {}} }, "hours"},
		{"a bad holiday is rejected", func(c *sqm.Calendar) { c.Holidays = []string{"2026-05-01", "2026-05-02", "2026-13-01"} }, "holidays[2]"},
		{"a holiday on 30 February is rejected", func(c *sqm.Calendar) { c.Holidays = []string{"2026-02-30"} }, "holidays[0]"},
		{"a bad workday is rejected", func(c *sqm.Calendar) { c.Workdays = []string{"2026/10/01"} }, "workdays[0]"},
		{"a date both holiday and workday is rejected", func(c *sqm.Calendar) {
			c.Holidays, c.Workdays = []string{"2026-10-10"}, []string{"2026-10-11", "2026-10-10"}
		}, "workdays[1]"},
		{"an unknown holiday set is rejected", func(c *sqm.Calendar) { c.HolidaySet = "atlantis" }, "holiday_set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			def := office("Europe/Berlin", "")
			tt.edit(&def)
			c, err := New(def)
			if tt.field == "" {
				if err != nil || c == nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			var e *sqm.Error
			if !errors.As(err, &e) || e.Code != sqm.EINVALID || e.Field != tt.field || e.Message == "" {
				t.Fatalf("New: error %#v, want an invalid error on field %q", err, tt.field)
			}
			if c != nil {
				t.Fatal("New returned a calendar with an error")
			}
		})
	}
}

func TestConcurrentUseBuildsEachYearOnce(t *testing.T) {
	c := mustNew(t, officeCN)
	from := wall(t, c, "2024-01-01 00:00")
	want := c.Business(from, from.AddDate(4, 0, 0))
	done := make(chan time.Duration)
	for i := range 8 {
		go func() {
			start := from.AddDate(0, i, 0) // warm the years in different orders
			c.Business(start, start.AddDate(1, 0, 0))
			done <- c.Business(from, from.AddDate(4, 0, 0))
		}()
	}
	for range 8 {
		if got := <-done; got != want {
			t.Fatalf("concurrent Business = %v, want %v", got, want)
		}
	}
}

func TestInstantsOutsideTheSupportedRange(t *testing.T) {
	c := mustNew(t, officeUTC)
	far := time.Date(2300, 1, 1, 10, 0, 0, 0, time.UTC)
	if c.Working(far) || c.Working(time.Date(1600, 1, 3, 10, 0, 0, 0, time.UTC)) {
		t.Fatal("Working outside the range is true")
	}
	if got := c.Add(far, time.Hour); !got.Equal(far) {
		t.Fatalf("Add beyond the range = %v, want from", got)
	}
	if got := c.Business(far, far.Add(100*time.Hour)); got != 0 {
		t.Fatalf("Business beyond the range = %v, want 0", got)
	}
	early := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := c.Add(early, time.Hour); !got.Equal(time.Date(1700, 1, 1, 10, 0, 0, 0, time.UTC)) {
		t.Fatalf("Add before the range = %v, want its first working hour", got) // 1700-01-01 was a Friday
	}
}
