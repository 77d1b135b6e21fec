package kpi

import (
	"math"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

func TestAttainment(t *testing.T) {
	tests := []struct {
		name          string
		met, breached int
		want          float64
		none          bool
	}{
		{name: "no stopped or breached clock has no figure", none: true},
		{name: "all met on time is 100%", met: 7, want: 1},
		{name: "all breached is 0%", breached: 3, want: 0},
		{name: "19 of 20 on time is 95%", met: 19, breached: 1, want: 0.95},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Attainment(tt.met, tt.breached)
			if tt.none {
				if got != nil {
					t.Fatalf("got %v, want no figure", *got)
				}
				return
			}
			if got == nil || math.Abs(*got-tt.want) > 1e-12 {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNearestRank(t *testing.T) {
	ten := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	tests := []struct {
		name   string
		values []int64
		q      float64
		want   int64
		ok     bool
	}{
		{name: "an empty sample has no percentile", values: nil, q: 0.5},
		{name: "p50 of ten values is the 5th", values: ten, q: 0.5, want: 5, ok: true},
		{name: "p90 of ten values is the 9th, not an interpolation", values: ten, q: 0.9, want: 9, ok: true},
		{name: "p100 is the maximum", values: ten, q: 1, want: 10, ok: true},
		{name: "p50 of one value is that value", values: []int64{42}, q: 0.5, want: 42, ok: true},
		{name: "p50 of two values is the smaller", values: []int64{10, 20}, q: 0.5, want: 10, ok: true},
		{name: "p90 of three values is the largest", values: []int64{1, 2, 3}, q: 0.9, want: 3, ok: true},
		{name: "q of zero is refused", values: ten, q: 0},
		{name: "q above one is refused", values: ten, q: 1.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := NearestRank(tt.values, tt.q)
			if ok != tt.ok || got != tt.want {
				t.Fatalf("NearestRank(%v, %v) = %v, %v; want %v, %v", tt.values, tt.q, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// The nearest-rank percentile is a member of the sample, and at least a
// fraction q of the sample is at or below it while less than q is below it.
func TestNearestRankProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		values := rapid.SliceOfN(rapid.Int64Range(0, 1e6), 1, 200).Draw(t, "values")
		slices.Sort(values)
		q := rapid.Float64Range(0.01, 1).Draw(t, "q")
		got, ok := NearestRank(values, q)
		if !ok {
			t.Fatal("no percentile for a non-empty sample")
		}
		atOrBelow, below := 0, 0
		for _, v := range values {
			if v <= got {
				atOrBelow++
			}
			if v < got {
				below++
			}
		}
		n := float64(len(values))
		if float64(atOrBelow) < q*n-1e-9 {
			t.Fatalf("only %d of %d values at or below p%v=%d", atOrBelow, len(values), q, got)
		}
		if float64(below) >= q*n+1e-9 {
			t.Fatalf("%d of %d values below p%v=%d", below, len(values), q, got)
		}
	})
}

func TestHistogram(t *testing.T) {
	got := Histogram([]int64{0, 10, 10, 11, 50, 100, 101, 500}, []int64{10, 100})
	if want := []int{3, 3, 2}; !slices.Equal(got, want) {
		t.Fatalf("Histogram = %v, want %v (bounds are inclusive)", got, want)
	}
	if got := Histogram(nil, []int64{10}); !slices.Equal(got, []int{0, 0}) {
		t.Fatalf("empty: %v", got)
	}
}

func TestShare(t *testing.T) {
	for _, c := range []struct {
		part, whole int
		want        *float64
	}{
		{0, 0, nil},
		{0, 4, f(0)},
		{9, 10, f(0.9)},
		{3, 3, f(1)},
	} {
		got := Share(c.part, c.whole)
		if (got == nil) != (c.want == nil) || got != nil && *got != *c.want {
			t.Errorf("Share(%d, %d) = %v, want %v", c.part, c.whole, got, c.want)
		}
	}
}

func f(v float64) *float64 { return &v }
