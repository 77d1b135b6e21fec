package calendar

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sqmhq/sqm"
	"pgregory.net/rapid"
)

// The window of the random instants: 2025 to 2027, which the cn set covers.
var (
	windowStart = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	windowEnd   = time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)
)

// genDef draws a valid calendar definition: a zone of zones, up to three
// intervals a weekday, a few holidays and workdays, and perhaps the cn set.
func genDef(t *rapid.T) sqm.Calendar {
	def := sqm.Calendar{
		Timezone:   rapid.SampledFrom(zones).Draw(t, "zone"),
		Hours:      map[string][]string{},
		HolidaySet: rapid.SampledFrom([]string{"", "cn"}).Draw(t, "set"),
	}
	for _, wd := range sqm.Weekdays {
		n := rapid.IntRange(0, 3).Draw(t, wd)
		cuts := rapid.SliceOfNDistinct(rapid.Int32Range(0, 1440), 2*n, 2*n, rapid.ID).Draw(t, wd+"cuts")
		slices.Sort(cuts)
		for i := 0; i < len(cuts); i += 2 {
			def.Hours[wd] = append(def.Hours[wd], fmt.Sprintf("%02d:%02d-%02d:%02d",
				cuts[i]/60, cuts[i]%60, cuts[i+1]/60, cuts[i+1]%60))
		}
	}
	if slices.IndexFunc(sqm.Weekdays, func(wd string) bool { return len(def.Hours[wd]) > 0 }) < 0 {
		def.Hours["mon"] = []string{"09:00-17:00"}
	}
	date := rapid.Custom(func(t *rapid.T) string {
		return windowStart.AddDate(0, 0, rapid.IntRange(0, 3*365).Draw(t, "day")).Format(time.DateOnly)
	})
	def.Holidays = rapid.SliceOfN(date, 0, 6).Draw(t, "holidays")
	for _, d := range rapid.SliceOfN(date, 0, 6).Draw(t, "workdays") {
		if !slices.Contains(def.Holidays, d) {
			def.Workdays = append(def.Workdays, d)
		}
	}
	return def
}

// genInstant draws an instant of the window, often on a minute boundary or a
// nanosecond off one, where interval edges lie.
func genInstant(t *rapid.T, label string) time.Time {
	min := rapid.Int64Range(0, int64(windowEnd.Sub(windowStart)/time.Minute)).Draw(t, label)
	jitter := rapid.SampledFrom([]int64{0, 0, -1, 1, 30e9}).Draw(t, label+"jitter")
	return windowStart.Add(time.Duration(min)*time.Minute + time.Duration(jitter))
}

// weekTotal is the business time of a week without special dates.
func weekTotal(c *Calendar) time.Duration {
	var sum int64
	for _, ds := range c.days[regular] {
		sum += ds.total
	}
	return time.Duration(sum)
}

// checkAdd asserts that Add(t0, d) is the earliest instant where Business
// from t0 reaches d.
func checkAdd(t tb, c *Calendar, t0 time.Time, d time.Duration) {
	e := c.Add(t0, d)
	if e.Before(t0) {
		t.Fatalf("Add(%v, %v) = %v is before from", t0, d, e)
	}
	if got := c.Business(t0, e); got != d {
		t.Fatalf("Business(%v, Add(_, %v) = %v) = %v", t0, d, e, got)
	}
	if d > 0 && c.Business(t0, e.Add(-1)) >= d {
		t.Fatalf("Add(%v, %v) = %v is not the earliest", t0, d, e)
	}
}

func TestAddInvertsBusiness(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := mustNew(t, genDef(t))
		t0 := genInstant(t, "from")
		d := time.Duration(rapid.Int64Range(0, int64(8*weekTotal(c))).Draw(t, "d"))
		checkAdd(t, c, t0, d)
	})
}

func TestAddIsMonotonic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := mustNew(t, genDef(t))
		t0 := genInstant(t, "from")
		max := int64(4 * weekTotal(c))
		d1 := rapid.Int64Range(0, max).Draw(t, "d1")
		d2 := rapid.Int64Range(d1, max).Draw(t, "d2")
		if a, b := c.Add(t0, time.Duration(d1)), c.Add(t0, time.Duration(d2)); b.Before(a) {
			t.Fatalf("Add(_, %v) = %v after Add(_, %v) = %v", d1, a, d2, b)
		}
	})
}

func TestBusinessIsAdditiveAndBounded(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := mustNew(t, genDef(t))
		ts := []time.Time{genInstant(t, "a"), genInstant(t, "b"), genInstant(t, "c")}
		slices.SortFunc(ts, time.Time.Compare)
		a, b, cc := ts[0], ts[1], ts[2]
		if got, want := c.Business(a, b)+c.Business(b, cc), c.Business(a, cc); got != want {
			t.Fatalf("Business(a,b)+Business(b,c) = %v, Business(a,c) = %v", got, want)
		}
		if got := c.Business(a, cc); got < 0 || got > cc.Sub(a) {
			t.Fatalf("Business(a, c) = %v, span %v", got, cc.Sub(a))
		}
		if got := c.Business(cc, a); got != 0 && cc.After(a) {
			t.Fatalf("Business(c, a) = %v, want 0", got)
		}
	})
}

// The independent oracle: on a minute grid Business counts the working
// minutes, and Working agrees with time.Date applied to the contract.
func TestBusinessMatchesNaiveMinuteCount(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		def := genDef(t)
		c := mustNew(t, def)
		a := genInstant(t, "from").Truncate(time.Minute)
		n := rapid.IntRange(0, 2*24*60).Draw(t, "minutes")
		var want time.Duration
		for i := range n {
			m := a.Add(time.Duration(i) * time.Minute)
			w := naiveWorking(def, c.Location(), m)
			if got := c.Working(m); got != w {
				t.Fatalf("Working(%v) = %v, want %v", m.In(c.Location()), got, w)
			}
			if w {
				want += time.Minute
			}
		}
		if got := c.Business(a, a.Add(time.Duration(n)*time.Minute)); got != want {
			t.Fatalf("Business over %d minutes from %v = %v, want %v", n, a.In(c.Location()), got, want)
		}
	})
}

func FuzzNew(f *testing.F) {
	f.Add("09:00-12:00,13:30-18:00", "10:00-14:00", "sun", uint8(2), int64(0), int64(4*time.Hour))
	f.Add("00:00-24:00", "", "", uint8(3), int64(1<<40), int64(40*time.Hour))
	f.Add("02:00-03:00,23:00-24:00", "00:00-02:30", "mon", uint8(5), int64(-1), int64(-5))
	f.Fuzz(func(t *testing.T, weekdays, weekend, key string, zone uint8, start, d int64) {
		def := sqm.Calendar{Timezone: zones[int(zone)%len(zones)], Hours: map[string][]string{}}
		for _, wd := range sqm.Weekdays[:5] {
			def.Hours[wd] = split(weekdays)
		}
		def.Hours[key] = split(weekend)
		c, err := New(def)
		if err != nil {
			var e *sqm.Error
			if !errors.As(err, &e) || e.Field == "" {
				t.Fatalf("New: %v is no field error", err)
			}
			return
		}
		span := int64(windowEnd.Sub(windowStart))
		t0 := windowStart.Add(time.Duration((start%span + span) % span))
		dd := time.Duration((d%int64(4*weekTotal(c)) + int64(4*weekTotal(c))) % int64(4*weekTotal(c)))
		checkAdd(t, c, t0, dd)
		mid, end := t0.Add(30*time.Hour), t0.Add(50*time.Hour)
		if c.Business(t0, mid)+c.Business(mid, end) != c.Business(t0, end) || c.Business(t0, end) > 50*time.Hour {
			t.Fatalf("Business is not additive or exceeds the span")
		}
	})
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
