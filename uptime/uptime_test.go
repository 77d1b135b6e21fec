package uptime_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/sqmhq/sqm/uptime"
)

var t0 = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

func min(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }

// checks plays a string of results, one a minute from t0: "x" failed,
// "." passed; it returns the transitions as "down@3 up@7" in minutes.
func checks(t *testing.T, results string, downAfter, upAfter int) (uptime.Tracker, string) {
	t.Helper()
	tr := uptime.Tracker{State: uptime.Unknown}
	var out []string
	for i, r := range results {
		if c, ok := tr.Observe(r == '.', min(i), downAfter, upAfter); ok {
			out = append(out, string(c.To)+"@"+strconv.Itoa(int(c.At.Sub(t0)/time.Minute)))
		}
	}
	return tr, strings.Join(out, " ")
}

func TestObserve(t *testing.T) {
	for _, c := range []struct {
		results            string
		downAfter, upAfter int
		want               string
		state              uptime.State
	}{
		{"", 3, 1, "", uptime.Unknown},
		{"..", 3, 1, "up@0", uptime.Up},
		{"xx", 3, 1, "", uptime.Unknown},
		// Three failures in a row take it down from the first of them.
		{"..xxx", 3, 1, "up@0 down@2", uptime.Down},
		{"..xx.xx.", 3, 1, "up@0", uptime.Up},
		// Back up from the first success of the run that brought it up.
		{"..xxx..", 3, 2, "up@0 down@2 up@5", uptime.Up},
		{"..xxx.x..", 3, 2, "up@0 down@2 up@7", uptime.Up},
		{".xxx", 3, 2, "down@1", uptime.Down},
		{"xxx", 3, 1, "down@0", uptime.Down},
		{"x", 1, 1, "down@0", uptime.Down},
		// Zero thresholds act as one.
		{"x.", 0, 0, "down@0 up@1", uptime.Up},
	} {
		tr, got := checks(t, c.results, c.downAfter, c.upAfter)
		if got != c.want || tr.State != c.state {
			t.Errorf("%q down_after %d up_after %d: %q, state %s; want %q, %s", c.results, c.downAfter, c.upAfter, got, tr.State, c.want, c.state)
		}
	}
}

func TestMeasure(t *testing.T) {
	h := func(n float64) time.Time { return t0.Add(time.Duration(n * float64(time.Hour))) }
	iv := func(a, b float64) uptime.Interval {
		if b < 0 {
			return uptime.Interval{Start: h(a)}
		}
		return uptime.Interval{Start: h(a), End: h(b)}
	}
	for _, c := range []struct {
		name                 string
		from, to, first, end float64
		outages, maintenance []uptime.Interval
		monitored, down      time.Duration
	}{
		{"no outage", 0, 10, 0, 10, nil, nil, 10 * time.Hour, 0},
		{"one hour down of ten", 0, 10, 0, 10, []uptime.Interval{iv(2, 3)}, nil, 10 * time.Hour, time.Hour},
		{"monitored from the first check", 0, 10, 4, 10, []uptime.Interval{iv(5, 6)}, nil, 6 * time.Hour, time.Hour},
		{"until now", 0, 10, 0, 5, []uptime.Interval{iv(4, -1)}, nil, 5 * time.Hour, time.Hour},
		{"an outage across the period's edges", 2, 4, 0, 10, []uptime.Interval{iv(1, 3), iv(3.5, 9)}, nil, 2 * time.Hour, 90 * time.Minute},
		{"maintenance out of both", 0, 10, 0, 10, []uptime.Interval{iv(2, 4)}, []uptime.Interval{iv(3, 5)}, 8 * time.Hour, time.Hour},
		{"overlapping windows counted once", 0, 10, 0, 10, nil, []uptime.Interval{iv(1, 3), iv(2, 4)}, 7 * time.Hour, 0},
		{"before the first check", 0, 10, 12, 20, nil, nil, 0, 0},
	} {
		f := uptime.Measure(h(c.from), h(c.to), h(c.first), h(c.end), c.outages, c.maintenance)
		if f.Monitored != c.monitored || f.Down != c.down {
			t.Errorf("%s: monitored %v down %v; want %v and %v", c.name, f.Monitored, f.Down, c.monitored, c.down)
		}
		if c.monitored == 0 && (f.FailureRate != nil || f.Availability != nil) {
			t.Errorf("%s: a figure with nothing monitored: %v", c.name, *f.FailureRate)
		}
		if c.monitored > 0 && (*f.FailureRate != float64(c.down)/float64(c.monitored) || *f.Availability != 1-*f.FailureRate) {
			t.Errorf("%s: failure rate %v availability %v", c.name, *f.FailureRate, *f.Availability)
		}
	}
	svc := uptime.Combine(uptime.Figures{Monitored: 10 * time.Hour, Down: time.Hour}, uptime.Figures{Monitored: 30 * time.Hour})
	if *svc.FailureRate != 0.025 {
		t.Errorf("a service's failure rate is weighted by monitored time: %v; want 1h/40h", *svc.FailureRate)
	}
}

// Over random results and periods, downtime is what the checks say minute
// by minute, never more than the monitored time, and splitting a period in
// two splits both figures exactly.
func TestMeasureProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 200).Draw(t, "checks")
		downAfter, upAfter := rapid.IntRange(1, 4).Draw(t, "down_after"), rapid.IntRange(1, 3).Draw(t, "up_after")
		var tr uptime.Tracker
		var outages []uptime.Interval
		isDown := make([]bool, n) // whether each minute counts as down
		for i := range n {
			if c, ok := tr.Observe(rapid.Float64Range(0, 1).Draw(t, "r") < 0.7, min(i), downAfter, upAfter); ok {
				if c.To == uptime.Down {
					outages = append(outages, uptime.Interval{Start: c.At})
				} else if len(outages) > 0 {
					outages[len(outages)-1].End = c.At
				}
			}
		}
		for _, o := range outages {
			end := n
			if !o.End.IsZero() {
				end = int(o.End.Sub(t0) / time.Minute)
			}
			for m := int(o.Start.Sub(t0) / time.Minute); m < end; m++ {
				isDown[m] = true
			}
		}
		a := rapid.IntRange(0, n).Draw(t, "from")
		c := rapid.IntRange(a, n).Draw(t, "to")
		b := rapid.IntRange(a, c).Draw(t, "split")
		whole := uptime.Measure(min(a), min(c), t0, min(n), outages, nil)
		want := 0
		for m := a; m < c; m++ {
			if isDown[m] {
				want++
			}
		}
		if whole.Down != time.Duration(want)*time.Minute || whole.Down > whole.Monitored {
			t.Fatalf("down %v monitored %v; the checks say %d minutes down", whole.Down, whole.Monitored, want)
		}
		x, y := uptime.Measure(min(a), min(b), t0, min(n), outages, nil), uptime.Measure(min(b), min(c), t0, min(n), outages, nil)
		if x.Down+y.Down != whole.Down || x.Monitored+y.Monitored != whole.Monitored {
			t.Fatalf("split at %d: %v+%v down, %v+%v monitored; whole %v, %v", b, x.Down, y.Down, x.Monitored, y.Monitored, whole.Down, whole.Monitored)
		}
	})
}
