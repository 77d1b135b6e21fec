// Package kpi provides the scorecard arithmetic of DESIGN.md: attainment and
// nearest-rank percentiles. It is pure: plain values in, plain values out.
package kpi

import "math"

// Attainment returns met / (met + breached), or nil when both are zero: a
// target with no data has no figure, which is not the same as 0%.
func Attainment(met, breached int) *float64 {
	if met < 0 || breached < 0 || met+breached == 0 {
		return nil
	}
	a := float64(met) / float64(met+breached)
	return &a
}

// NearestRank returns the q-quantile (0 < q <= 1) of sorted ascending values
// by the nearest-rank method: the ceil(q × n)-th smallest value. It returns
// false for an empty slice or a q outside (0, 1].
func NearestRank(sorted []int64, q float64) (int64, bool) {
	n := len(sorted)
	if n == 0 || !(q > 0 && q <= 1) {
		return 0, false
	}
	// Guard against float error such as 0.9*10 = 9.000000000000002.
	rank := int(math.Ceil(q*float64(n) - 1e-9))
	rank = max(1, min(rank, n))
	return sorted[rank-1], true
}

// Histogram counts sorted ascending values into the buckets bounded above
// by bounds (ascending), plus one last bucket for the values above them all.
func Histogram(sorted, bounds []int64) []int {
	counts := make([]int, len(bounds)+1)
	b := 0
	for _, v := range sorted {
		for b < len(bounds) && v > bounds[b] {
			b++
		}
		counts[b]++
	}
	return counts
}

// Share returns part / whole, or nil when whole is zero: a CSAT is the
// share of satisfied answers in all answers.
func Share(part, whole int) *float64 {
	if whole <= 0 {
		return nil
	}
	v := float64(part) / float64(whole)
	return &v
}
