package calendar

import (
	"testing"
	"time"

	"pgregory.net/rapid"
)

// zones are time zones with unusual rules: DST at midnight, half-hour DST,
// negative DST, a skipped day, Ramadan breaks, odd offsets.
var zones = []string{
	"UTC", "Asia/Shanghai", "America/New_York", "Europe/Berlin", "Europe/London",
	"Australia/Lord_Howe", "America/Santiago", "America/Havana", "Asia/Beirut",
	"Pacific/Apia", "Asia/Kathmandu", "America/St_Johns", "Africa/Casablanca",
	"Europe/Dublin", "America/Asuncion",
}

func TestZoneConvertsWallTimesLikeTimeDate(t *testing.T) {
	minutes := []int32{0, 1, 30, 59, 60, 90, 120, 150, 179, 180, 210, 240, 720, 1380, 1410, 1439, 1440}
	for _, name := range zones {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		z := zone{loc: loc}
		first, last := dayNumber(2008, 1, 1), dayNumber(2030, 1, 1)
		for d := first; d < last; d++ {
			for _, m := range minutes {
				got := z.wall(d, m)
				want := time.Unix(d*secPerDay, 0).UTC()
				want = time.Date(want.Year(), want.Month(), want.Day(), 0, int(m), 0, 0, loc)
				if got != want.UnixNano() {
					t.Fatalf("%s day %d minute %d: got %v, want %v", name, d, m, time.Unix(0, got).In(loc), want)
				}
			}
		}
	}
}

func TestDayBoundsNeverDecrease(t *testing.T) {
	for _, name := range zones {
		loc, _ := time.LoadLocation(name)
		z := zone{loc: loc}
		prev := z.wall(dayNumber(1900, 1, 1), 0)
		for d := dayNumber(1900, 1, 2); d < dayNumber(2100, 1, 1); d++ {
			b := z.wall(d, 0)
			if b < prev {
				t.Fatalf("%s: day %d starts at %v before the previous day", name, d, time.Unix(0, b).In(loc))
			}
			prev = b
		}
	}
}

func TestDayNumbers(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		y := rapid.IntRange(1500, 2500).Draw(t, "year")
		m := rapid.IntRange(1, 12).Draw(t, "month")
		d := rapid.IntRange(1, 28).Draw(t, "day")
		date := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		n := dayNumber(int64(y), int64(m), int64(d))
		if n*secPerDay != date.Unix() {
			t.Fatalf("dayNumber(%v) = %d", date, n)
		}
		if got := yearOf(n); got != int64(y) {
			t.Fatalf("yearOf(%v) = %d", date, got)
		}
		if got := weekday(n); got != (int(date.Weekday())+6)%7 {
			t.Fatalf("weekday(%v) = %d", date, got)
		}
		if got := yearOf(dayNumber(int64(y), 12, 31)); got != int64(y) {
			t.Fatalf("yearOf(%d-12-31) = %d", y, got)
		}
	})
}

func TestCNSetCoversKnownDates(t *testing.T) {
	set := holidaySets["cn"]
	tests := []struct {
		date string
		want uint8
	}{
		{"2026-10-01", holiday}, {"2026-10-07", holiday}, {"2026-09-20", workday},
		{"2026-10-10", workday}, {"2026-02-14", workday}, {"2026-02-28", workday},
		{"2026-02-16", holiday}, {"2026-10-08", regular}, {"2026-03-02", regular},
	}
	for _, tt := range tests {
		d, _ := parseDate(tt.date)
		k := set.year(yearOf(d))
		if got := k.kinds[d-k.first]; got != tt.want {
			t.Errorf("%s: kind %d, want %d", tt.date, got, tt.want)
		}
	}
	if set.year(2026) != set.year(2026) {
		t.Error("a year is not cached")
	}
}
